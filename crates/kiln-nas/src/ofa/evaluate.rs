//! Real evaluation of subnets of a trained supernet for a search: the objectives a subnet is
//! measured on (accuracy, MACs, parameters, latency), the [`Evaluator`] that measures them, and
//! the search [`Problem`] over the supernet's subnets. The supernet is any [`SubnetSource`]:
//! the OFA supernet itself, or one whose weights depend on the architecture
//! (Mixture-of-Supernets bakes W(a) for every subnet it is asked for).

use std::borrow::Cow;

use burn::prelude::Device;
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::train::{BatchSource, ImageBatch};
use serde::{Deserialize, Serialize};

use super::config::OfaConfig;
use super::cost::{LatencySettings, LatencyTable, measure_latency, subnet_macs, subnet_params};
use super::data::NasData;
use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;
use crate::search::{Evaluator, Objective, Problem, SearchError};

/// A trained supernet whose subnets a search measures: for every subnet, the OFA supernet that
/// holds its weights. [`OfaSupernet`] lends itself; a supernet whose weights depend on the
/// architecture returns a copy with the subnet's weights in place (Mixture-of-Supernets'
/// `bake`), so BN recalibration, accuracy and latency are measured the same way for both.
pub trait SubnetSource {
    /// The search space.
    fn space(&self) -> &OfaConfig;

    /// The OFA supernet whose `forward_subnet(cfg, ·)` runs subnet `cfg` as this supernet does.
    fn weights_for(&self, cfg: &SubnetConfig) -> Cow<'_, OfaSupernet>;
}

impl SubnetSource for OfaSupernet {
    fn space(&self) -> &OfaConfig {
        &self.config
    }

    fn weights_for(&self, _cfg: &SubnetConfig) -> Cow<'_, OfaSupernet> {
        Cow::Borrowed(self)
    }
}

/// Accuracy of subnet `cfg` of `supernet` on `data`, after BN recalibration on 10 batches of
/// `train`.
///
/// # Errors
/// When a source cannot build a batch.
pub fn subnet_accuracy(
    supernet: &OfaSupernet,
    cfg: &SubnetConfig,
    train: &dyn BatchSource<ImageBatch>,
    data: &dyn BatchSource<ImageBatch>,
    device: &Device,
) -> kiln_core::Result<f64> {
    let model = supernet.recalibrate_bn(cfg, train, 10, device)?;
    let mut metrics = ClassificationMetrics::new(1);
    for i in 0..data.num_batches() {
        let batch = data.batch(0, i, device)?;
        metrics.update(model.forward_subnet(cfg, batch.images), batch.targets);
    }
    Ok(metrics.accuracy())
}

/// A search objective measured on a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubnetObjective {
    /// Validation accuracy after BN recalibration (maximised).
    Accuracy,
    /// Analytic MACs per image (minimised).
    Macs,
    /// Parameters of the extracted subnet (minimised).
    Params,
    /// Measured latency in ms at batch 1 on the search device, through a lookup table
    /// (minimised).
    Latency,
}

impl std::str::FromStr for SubnetObjective {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, SearchError> {
        match s.trim() {
            "accuracy" => Ok(Self::Accuracy),
            "macs" => Ok(Self::Macs),
            "params" => Ok(Self::Params),
            "latency" => Ok(Self::Latency),
            other => Err(SearchError::InvalidConfig(format!(
                "unknown objective `{other}`: expected accuracy, macs, params or latency"
            ))),
        }
    }
}

impl SubnetObjective {
    /// The objective's name and direction.
    pub fn objective(self) -> Objective {
        match self {
            Self::Accuracy => Objective::maximize("accuracy"),
            Self::Macs => Objective::minimize("macs"),
            Self::Params => Objective::minimize("params"),
            Self::Latency => Objective::minimize("latency_ms"),
        }
    }
}

/// Real evaluation of an encoding on the chosen objectives.
pub struct SubnetEvaluator<'a> {
    /// The trained supernet.
    pub supernet: &'a dyn SubnetSource,
    /// The data.
    pub data: &'a NasData,
    /// Device.
    pub device: Device,
    /// What to measure, in order.
    pub objectives: Vec<SubnetObjective>,
    /// Latency lookup table (filled on misses).
    pub latency: LatencyTable,
}

impl<'a> SubnetEvaluator<'a> {
    /// An evaluator of `objectives` with an empty latency table.
    pub fn new(
        supernet: &'a dyn SubnetSource,
        data: &'a NasData,
        device: &Device,
        objectives: &[SubnetObjective],
    ) -> Self {
        Self { supernet, data, device: device.clone(), objectives: objectives.to_vec(), latency: LatencyTable::new() }
    }
}

/// Fails when the data cannot build a batch ([`subnet_accuracy`]'s error).
impl Evaluator for SubnetEvaluator<'_> {
    fn evaluate(&mut self, encoding: &[usize]) -> Result<Vec<f64>, SearchError> {
        let config = self.supernet.space();
        let cfg = SubnetConfig::decode(encoding, config);
        // The subnet's weights only when an objective runs it (a MoS bakes them per subnet).
        let weights = std::cell::OnceCell::new();
        let supernet = self.supernet;
        let weights = || weights.get_or_init(|| supernet.weights_for(&cfg));
        let objectives = self.objectives.clone();
        objectives
            .into_iter()
            .map(|o| match o {
                SubnetObjective::Accuracy => {
                    subnet_accuracy(weights(), &cfg, &self.data.train, &self.data.valid, &self.device)
                        .map_err(|e| SearchError::Evaluation { encoding: encoding.to_vec(), message: e.to_string() })
                }
                SubnetObjective::Macs => Ok(subnet_macs(config, &cfg) as f64),
                SubnetObjective::Params => Ok(subnet_params(config, &cfg) as f64),
                SubnetObjective::Latency => {
                    Ok(self.latency.get_or_measure(weights(), &cfg, &self.device, &LatencySettings::default()))
                }
            })
            .collect()
    }
}

/// Hypervolume reference of the MACs and parameter objectives, as a multiple of the largest
/// subnet's (so the largest subnet itself contributes volume).
pub const COST_REFERENCE_FACTOR: f64 = 1.1;

/// Hypervolume reference of the latency objective, as a multiple of the largest subnet's
/// measured latency (wider than for analytic costs: measurements vary between runs).
pub const LATENCY_REFERENCE_FACTOR: f64 = 1.5;

/// The search problem over the supernet's subnets for `objectives`; the hypervolume reference
/// is 0 for accuracy, [`COST_REFERENCE_FACTOR`] × the largest subnet's MACs or parameters, and
/// [`LATENCY_REFERENCE_FACTOR`] × its measured latency.
pub fn problem_for(
    supernet: &dyn SubnetSource,
    objectives: &[SubnetObjective],
    device: &Device,
) -> Result<Problem, SearchError> {
    let config = supernet.space();
    let largest = SubnetConfig::largest(config);
    let reference = objectives
        .iter()
        .map(|o| match o {
            SubnetObjective::Accuracy => 0.0,
            SubnetObjective::Macs => COST_REFERENCE_FACTOR * subnet_macs(config, &largest) as f64,
            SubnetObjective::Params => COST_REFERENCE_FACTOR * subnet_params(config, &largest) as f64,
            SubnetObjective::Latency => {
                LATENCY_REFERENCE_FACTOR
                    * measure_latency(&supernet.weights_for(&largest), &largest, device, &LatencySettings::default())
            }
        })
        .collect();
    Problem::new(SubnetConfig::search_space(config)?, objectives.iter().map(|o| o.objective()).collect(), reference)
}
