//! Parallel Perception Network tests: configuration, BEV stacks of hand-placed points, Sobel
//! and MSSCE by hand, learning on simulated frames, parallel = sequential, devices agree.

mod bev_stack;
mod config;
mod devices;
mod evaluate;
mod loss;
mod parallel;
mod segnet;

use kiln_geom::lidar::sensor::SpinningLidar;
use kiln_geom::lidar::{LidarScan, RaceSim, SimConfig};
use kiln_geom::ppn::PpnConfig;
use kiln_geom::ppn::data::simulate_scans;

/// A tiny PPN: 1 m cells on a 32² grid (±16 m), 3 frames, 3 stages of 4 → 16 channels.
pub(crate) fn tiny() -> PpnConfig {
    PpnConfig { resolution: 1.0, cells: 32, frames: 3, stages: 3, base_channels: 4, ..PpnConfig::small() }
}

/// A sparse LiDAR (16 beams × 256 azimuths) on the default track, for fast tests.
pub(crate) fn sim(seed: u64) -> RaceSim {
    let lidar = SpinningLidar { beams: 16, azimuths: 256, ..SpinningLidar::default() };
    RaceSim::new(SimConfig { lidar, seed, ..SimConfig::default() }).expect("sim")
}

/// `n` consecutive scans of `sim(seed)` from frame `first`.
pub(crate) fn scans(seed: u64, first: usize, n: usize) -> Vec<LidarScan> {
    simulate_scans(&sim(seed), first..first + n).expect("scans")
}
