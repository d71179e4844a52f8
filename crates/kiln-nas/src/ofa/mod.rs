//! Once-for-All (Cai, Gan, Wang, Zhang, Han: "Once-for-All: Train One Network and Specialize it
//! for Efficient Deployment", ICLR 2020), checked against mit-han-lab/once-for-all, sized for
//! small images.
//!
//! - [`OfaConfig`]: units, kernel sizes, expand ratios, depths, resolutions.
//! - [`OfaSupernet`]: `forward_subnet(&cfg, x)` runs any [`SubnetConfig`] in place;
//!   `extract(&cfg)` copies it out as a standalone [`Subnet`].
//! - [`ShrinkingSchedule`]: progressive shrinking (full → kernel → depth → width) as engine
//!   phases, with in-place distillation from the largest subnet.

mod config;
mod cost;
mod recalibrate;
mod subnet;
mod supernet;
mod train;

pub use config::{OfaConfig, UnitConfig};
pub use cost::{
    LatencyKey, LatencyTable, LatencyTableError, device_label, measure_latency, subnet_macs, subnet_params,
    subnet_trainable_params,
};
pub use subnet::SubnetConfig;
pub use supernet::{OfaSupernet, StaticMbBlock, Subnet, resize};
pub use train::{ShrinkingSchedule, distillation_loss};
