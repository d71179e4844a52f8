//! The shared protocol of the nas-train page (issue 14 §3): MAC bins from uniformly sampled
//! subnets, one evaluation set for every method, and training budgets counted in
//! (subnet, batch) passes.

use burn::prelude::Device;
use kiln_core::train::{Phase, PhaseKind, TrainModel};
use kiln_nas::ofa::{OfaConfig, OfaStage, SubnetConfig, subnet_macs};

/// Subnets drawn uniformly to place the MAC bin edges.
pub const BIN_SAMPLES: usize = 10_000;
/// MAC bins (quantiles of the uniform subnets' MACs).
pub const BINS: usize = 5;
/// Evaluation subnets drawn per bin.
pub const PER_BIN: usize = 2;

/// One subnet every method is evaluated on.
#[derive(Debug, Clone)]
pub struct EvalSubnet {
    /// `smallest`, `largest` or `bin k`.
    pub label: String,
    /// Bin index (0-based), `None` for the smallest and largest.
    pub bin: Option<usize>,
    /// The subnet.
    pub subnet: SubnetConfig,
    /// Analytic MACs of one image.
    pub macs: u64,
}

/// The bins and the evaluation set.
#[derive(Debug, Clone)]
pub struct Protocol {
    /// `BINS + 1` MAC edges, from the smallest to the largest sampled MACs.
    pub edges: Vec<u64>,
    /// Smallest, largest, then `PER_BIN` seeded subnets per bin.
    pub subnets: Vec<EvalSubnet>,
}

/// The bin of `macs` under `edges` (the last bin includes its upper edge; values outside go
/// to the nearest bin).
pub fn bin_of(edges: &[u64], macs: u64) -> usize {
    let bins = edges.len().saturating_sub(1).max(1);
    (1..bins).find(|&k| macs < edges[k]).map_or(bins - 1, |k| k - 1)
}

impl Protocol {
    /// Bin edges at the quantiles of `BIN_SAMPLES` uniform subnets' MACs (seeded), then the
    /// evaluation set: the space's smallest and largest subnet and the first `PER_BIN` uniform
    /// subnets (seeds from 1,000,000 on) that fall in each bin.
    pub fn new(config: &OfaConfig, device: &Device) -> Self {
        let probe = config.init(device);
        let uniform = |seed: u64| probe.sample_subnet(OfaStage::Width, seed);
        let mut macs: Vec<u64> = (0..BIN_SAMPLES as u64).map(|s| subnet_macs(config, &uniform(s))).collect();
        macs.sort_unstable();
        let edges: Vec<u64> = (0..=BINS).map(|k| macs[(k * (macs.len() - 1)) / BINS]).collect();
        let entry = |label: String, bin, subnet: SubnetConfig| EvalSubnet {
            label,
            bin,
            macs: subnet_macs(config, &subnet),
            subnet,
        };
        let mut subnets = vec![
            entry("smallest".into(), None, SubnetConfig::smallest(config)),
            entry("largest".into(), None, SubnetConfig::largest(config)),
        ];
        let mut filled = [0; BINS];
        let mut seed = 1_000_000u64;
        while filled.iter().any(|&n| n < PER_BIN) && seed < 1_100_000 {
            let subnet = uniform(seed);
            let k = bin_of(&edges, subnet_macs(config, &subnet));
            if filled[k] < PER_BIN {
                filled[k] += 1;
                subnets.push(entry(format!("bin {}", k + 1), Some(k), subnet));
            }
            seed += 1;
        }
        subnets.sort_by_key(|s| (s.bin.map_or(if s.label == "smallest" { 0 } else { BINS + 1 }, |k| k + 1), s.macs));
        Self { edges, subnets }
    }
}

impl Protocol {
    /// Whether evaluation subnet `i` is also trained alone: the smallest, the largest and the
    /// first subnet of each bin.
    pub fn has_standalone(&self, i: usize) -> bool {
        let Some(s) = self.subnets.get(i) else { return false };
        match s.bin {
            None => true,
            Some(k) => self.subnets.iter().position(|t| t.bin == Some(k)) == Some(i),
        }
    }
}

/// (subnet, batch) training passes of `phases` with `batches` per epoch and `per_step` subnets
/// per step of a stage (action phases train nothing).
pub fn passes<M: TrainModel>(phases: &[Phase<M>], batches: usize, per_step: impl Fn(&M::Stage) -> usize) -> u64 {
    phases
        .iter()
        .map(|phase| match &phase.kind {
            PhaseKind::Train(train) => (train.epochs * batches * per_step(&phase.stage)) as u64,
            _ => 0,
        })
        .sum()
}
