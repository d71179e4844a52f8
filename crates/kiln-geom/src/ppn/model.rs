//! [`Ppn`]: the two independent nets of the Parallel Perception Network, and how each turns
//! raw scans into its output on a device of its own.

use burn::module::Module;
use burn::prelude::Device;

use super::recon::ReconNet;
use super::segnet::SegNet;
use crate::error::{GeomError, Result};
use crate::lidar::LidarScan;

/// The Parallel Perception Network: a segmentation net and a reconstruction net that share no
/// state at inference, so each can run on its own device ([`super::parallel`]).
#[derive(Module, Debug)]
pub struct Ppn {
    /// The segmentation net ([`super::segnet`]).
    pub seg: SegNet,
    /// The reconstruction net ([`super::recon`]).
    pub recon: ReconNet,
}

/// Which of the two nets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// The segmentation net.
    Segmentation,
    /// The reconstruction net.
    Reconstruction,
}

impl Ppn {
    /// Grid cells per side.
    pub fn cells(&self) -> usize {
        self.seg.bev.cells
    }

    /// Frames per input stack, `T`.
    pub fn frames(&self) -> usize {
        self.seg.bev.frames
    }

    /// One net's output for `scans` (exactly `T`, oldest first) on `device`: the net builds
    /// its own BEV stack from the raw points, runs (a copy moved to `device`) in eval mode and
    /// reads the `[3, cells, cells]` probabilities back to the host, row-major.
    pub fn run_branch(&self, branch: Branch, device: &Device, scans: &[LidarScan]) -> Result<Vec<f32>> {
        match branch {
            Branch::Segmentation => self.seg.predict(device, scans),
            Branch::Reconstruction => self.recon.predict(device, scans),
        }
    }
}

impl SegNet {
    /// The class probabilities `[3, cells, cells]` for `scans` (exactly `T`, oldest first),
    /// computed on `device` from the raw points and read back to the host.
    pub fn predict(&self, device: &Device, scans: &[LidarScan]) -> Result<Vec<f32>> {
        let net = self.valid().fork(device);
        let output = net.forward(net.bev.tensor(scans, device)?);
        kiln_core::tensor::try_to_vec(output).map_err(GeomError::from)
    }
}

impl ReconNet {
    /// The reconstruction `[3, cells, cells]` for `scans` (exactly `T`, oldest first),
    /// computed on `device` from the raw points and read back to the host.
    pub fn predict(&self, device: &Device, scans: &[LidarScan]) -> Result<Vec<f32>> {
        let net = self.valid().fork(device);
        let output = net.forward(net.bev.tensor(scans, device)?);
        kiln_core::tensor::try_to_vec(output).map_err(GeomError::from)
    }
}
