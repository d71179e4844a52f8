//! A subnet of the OFA supernet: depth per unit, kernel size and expand ratio per block slot,
//! input resolution; with a compact integer encoding for search.

use serde::{Deserialize, Serialize};

use super::config::OfaConfig;
use crate::search::{ActiveIf, SearchError, SearchSpace};

/// One architecture inside the supernet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SubnetConfig {
    /// Blocks run in each unit (the first `depth` blocks).
    pub depths: Vec<usize>,
    /// Kernel size of every block slot (unit-major, `max_depth` slots per unit; slots past a
    /// unit's depth are ignored).
    pub kernels: Vec<usize>,
    /// Expand ratio of every block slot.
    pub expands: Vec<usize>,
    /// Input resolution (square).
    pub resolution: usize,
}

impl SubnetConfig {
    /// The largest subnet of `config`.
    pub fn largest(config: &OfaConfig) -> Self {
        let slots = config.slots();
        Self {
            depths: config.units.iter().map(|u| u.max_depth).collect(),
            kernels: vec![config.kernel_sizes.iter().copied().max().unwrap_or(3); slots],
            expands: vec![config.expand_ratios.iter().copied().max().unwrap_or(1); slots],
            resolution: config.resolutions.iter().copied().max().unwrap_or(8),
        }
    }

    /// The smallest subnet of `config`.
    pub fn smallest(config: &OfaConfig) -> Self {
        let slots = config.slots();
        Self {
            depths: config.units.iter().map(|_| config.depths.iter().copied().min().unwrap_or(1)).collect(),
            kernels: vec![config.kernel_sizes.iter().copied().min().unwrap_or(3); slots],
            expands: vec![config.expand_ratios.iter().copied().min().unwrap_or(1); slots],
            resolution: config.resolutions.iter().copied().min().unwrap_or(8),
        }
    }

    /// The subnet in words, only the blocks that run: `depths 2-3; kernels 5-3-…; expands
    /// 4-2-…; resolution 8`.
    pub fn describe(&self, config: &OfaConfig) -> String {
        let join = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
        let (mut kernels, mut expands, mut slot) = (Vec::new(), Vec::new(), 0);
        for (unit, &depth) in config.units.iter().zip(&self.depths) {
            let running = slot..(slot + depth.min(unit.max_depth)).min(self.kernels.len()).min(self.expands.len());
            kernels.extend_from_slice(&self.kernels[running.clone()]);
            expands.extend_from_slice(&self.expands[running]);
            slot += unit.max_depth;
        }
        format!(
            "depths {}; kernels {}; expands {}; resolution {}",
            join(&self.depths),
            join(&kernels),
            join(&expands),
            self.resolution
        )
    }

    /// Choices per gene of the encoding: depth per unit, then kernel and expand per slot, then
    /// resolution.
    pub fn gene_choices(config: &OfaConfig) -> Vec<usize> {
        let mut genes: Vec<usize> = config.units.iter().map(|_| config.depths.len()).collect();
        for _ in 0..config.slots() {
            genes.push(config.kernel_sizes.len());
            genes.push(config.expand_ratios.len());
        }
        genes.push(config.resolutions.len());
        genes
    }

    /// The search space of [`gene_choices`](Self::gene_choices) with OFA's activity rule: the
    /// kernel and expand genes of a unit's block `b` count only when the unit's depth exceeds
    /// `b` (OFA's encoder zeroes them), so encodings that differ there are one architecture.
    pub fn search_space(config: &OfaConfig) -> Result<SearchSpace, SearchError> {
        let units = config.units.len();
        let mut rules = Vec::new();
        let mut slot = 0;
        for (u, unit) in config.units.iter().enumerate() {
            for b in 0..unit.max_depth {
                let values: Vec<usize> = (0..config.depths.len()).filter(|&i| config.depths[i] > b).collect();
                if values.len() < config.depths.len() {
                    for gene in [units + 2 * (slot + b), units + 2 * (slot + b) + 1] {
                        rules.push((gene, ActiveIf { controller: u, values: values.clone() }));
                    }
                }
            }
            slot += unit.max_depth;
        }
        SearchSpace::new(Self::gene_choices(config))?.with_activity(rules)
    }

    /// The compact encoding: the index of each choice in `config`'s lists.
    pub fn encode(&self, config: &OfaConfig) -> Vec<usize> {
        let index = |list: &[usize], v: usize| list.iter().position(|&x| x == v).unwrap_or(0);
        let mut genes: Vec<usize> = self.depths.iter().map(|&d| index(&config.depths, d)).collect();
        for (&k, &e) in self.kernels.iter().zip(&self.expands) {
            genes.push(index(&config.kernel_sizes, k));
            genes.push(index(&config.expand_ratios, e));
        }
        genes.push(index(&config.resolutions, self.resolution));
        genes
    }

    /// The subnet of an encoding (out-of-range indices are clamped).
    pub fn decode(genes: &[usize], config: &OfaConfig) -> Self {
        let pick = |list: &[usize], i: Option<&usize>| {
            list.get((*i.unwrap_or(&0)).min(list.len().saturating_sub(1))).copied().unwrap_or(1)
        };
        let units = config.units.len();
        let depths = (0..units).map(|u| pick(&config.depths, genes.get(u))).collect();
        let slots = config.slots();
        let kernels = (0..slots).map(|s| pick(&config.kernel_sizes, genes.get(units + 2 * s))).collect();
        let expands = (0..slots).map(|s| pick(&config.expand_ratios, genes.get(units + 2 * s + 1))).collect();
        let resolution = pick(&config.resolutions, genes.get(units + 2 * slots));
        Self { depths, kernels, expands, resolution }
    }
}

/// One block of a subnet that runs: its unit, its index in the unit, kernel and expand ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveBlock {
    /// Unit.
    pub unit: usize,
    /// Index of the block within its unit.
    pub index: usize,
    /// Kernel size.
    pub kernel: usize,
    /// Expand ratio.
    pub expand: usize,
}

/// The blocks `cfg` runs in `config`'s supernet, in order, read as
/// [`OfaSupernet::forward_subnet`](super::OfaSupernet::forward_subnet) and
/// [`OfaSupernet::extract`](super::OfaSupernet::extract) run them (depth clamped to `1..=max_depth`, a missing
/// kernel 3 and a missing expand ratio 1), so both run the same blocks.
pub fn active_blocks(config: &OfaConfig, cfg: &SubnetConfig) -> Vec<ActiveBlock> {
    let mut blocks = Vec::new();
    let mut slot = 0;
    for (unit, u) in config.units.iter().enumerate() {
        let len = u.max_depth;
        let depth = cfg.depths.get(unit).copied().unwrap_or(len).clamp(1, len.max(1));
        for index in 0..depth.min(len) {
            let kernel = cfg.kernels.get(slot + index).copied().unwrap_or(3);
            let expand = cfg.expands.get(slot + index).copied().unwrap_or(1);
            blocks.push(ActiveBlock { unit, index, kernel, expand });
        }
        slot += len;
    }
    blocks
}
