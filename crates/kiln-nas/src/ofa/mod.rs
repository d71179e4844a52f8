//! Once-for-All (Cai, Gan, Wang, Zhang, Han: "Once-for-All: Train One Network and Specialize it
//! for Efficient Deployment", ICLR 2020), checked against mit-han-lab/once-for-all, sized for
//! small images.
//!
//! - [`OfaConfig`]: units, kernel sizes, expand ratios, depths, resolutions.
//! - [`OfaSupernet`]: `forward_subnet(&cfg, x)` runs any [`SubnetConfig`] in place;
//!   `extract(&cfg)` copies it out as a standalone [`Subnet`].
//! - [`ShrinkingSchedule`]: progressive shrinking (full → kernel → depth → width) as engine
//!   phases, with in-place distillation from the largest subnet (the simple schedule).
//! - [`ProgressiveShrinking`]: the schedule as OFA's code runs it: n subnets per step, depth
//!   and expand sub-stages in typed [`ShrinkStage`]s, random resolution in every stage, a
//!   separately trained frozen teacher ([`ShrinkingModel`]), OFA's lengths scaled by one
//!   factor.
//! - [`SubnetEvaluator`]: real evaluation of subnets on [`SubnetObjective`]s (accuracy after BN
//!   recalibration, MACs, parameters, measured latency) for a search over [`problem_for`], on
//!   any [`SubnetSource`] (the OFA supernet, or Mixture-of-Supernets' baked subnets);
//!   [`nas_data`]: the embedded digits split for a supernet.

mod config;
mod cost;
mod data;
mod evaluate;
mod recalibrate;
mod shrink;
mod step;
mod subnet;
mod supernet;
mod train;

pub use config::{OfaConfig, UnitConfig};
pub use cost::{
    LatencyKey, LatencySettings, LatencyTable, LatencyTableError, device_label, measure_latency, subnet_macs,
    subnet_params, subnet_trainable_params,
};
pub use data::{NasData, nas_data};
pub use evaluate::{
    COST_REFERENCE_FACTOR, LATENCY_REFERENCE_FACTOR, SubnetEvaluator, SubnetObjective, SubnetSource, problem_for,
    subnet_accuracy,
};
pub use shrink::{ProgressiveShrinking, ShrinkStage, ShrinkingModel, step_resolution};
pub use step::{largest_subnet_step, sum_subnet_losses};
pub use subnet::{ActiveBlock, SubnetConfig, active_blocks};
pub use supernet::{OfaSupernet, StaticMbBlock, Subnet, resize};
pub use train::{OfaStage, ShrinkingSchedule};
