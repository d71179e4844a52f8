//! Parallel and sequential inference of the two PPN nets (Sah & Chinara, arXiv 2412.18165,
//! §3.5: "two independent neural networks … running parallelly on separate accelerated
//! hardware").
//!
//! - [`Ppn::infer_sequential`]: both nets on one device, one after the other, each building its
//!   BEV stack from the raw scans.
//! - [`Ppn::infer_parallel`]: each net on its own device in its own thread
//!   (`std::thread::scope`), each building its own BEV stack from the raw scans. The paper
//!   gets its overlap from two GPUs; on CPU (burn's flex backend, which parallelises through
//!   rayon's pool of the calling thread) each thread runs inside its own 1-thread rayon pool
//!   ([`BranchPools`]), so the two nets share the cores instead of contending for one pool.
//!
//! Nothing random happens at inference and the nets run in eval mode, so both orders give the
//! same numbers (up to the float summation order of a backend's thread count).

use burn::prelude::Device;

use super::model::{Branch, Ppn};
use crate::error::{GeomError, Result};
use crate::lidar::LidarScan;

/// Both nets' outputs, on the host.
#[derive(Debug, Clone, PartialEq)]
pub struct PpnOutput {
    /// The segmentation net's class probabilities `[3, cells, cells]`, row-major.
    pub segmentation: Vec<f32>,
    /// The reconstruction net's output `[3, cells, cells]`, row-major.
    pub reconstruction: Vec<f32>,
    /// Grid cells per side.
    pub cells: usize,
}

/// A rayon pool of its own for each branch of [`Ppn::infer_parallel_in`].
#[derive(Debug)]
pub struct BranchPools {
    pools: [rayon::ThreadPool; 2],
}

/// A rayon pool of `threads` threads (at least 1).
fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| GeomError::Invalid(format!("cannot start a rayon pool of {threads} threads: {e}")))
}

impl BranchPools {
    /// Two pools of `threads_each` threads (1 in the paper's setting: one device per net).
    pub fn new(threads_each: usize) -> Result<Self> {
        Ok(Self { pools: [pool(threads_each)?, pool(threads_each)?] })
    }
}

/// Runs `f` inside a rayon pool of `threads` threads, so that the flex backend's kernels use
/// that many threads (sequential inference on 1 or 2 threads).
pub fn with_cpu_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> Result<R> {
    Ok(pool(threads)?.install(f))
}

/// A branch's result, re-raising its panic in the caller.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

impl Ppn {
    /// Both nets on `device`, one after the other, from `scans` (exactly `T`, oldest first).
    pub fn infer_sequential(&self, device: &Device, scans: &[LidarScan]) -> Result<PpnOutput> {
        let segmentation = self.run_branch(Branch::Segmentation, device, scans)?;
        let reconstruction = self.run_branch(Branch::Reconstruction, device, scans)?;
        Ok(PpnOutput { segmentation, reconstruction, cells: self.cells() })
    }

    /// The segmentation net on `devices[0]` and the reconstruction net on `devices[1]`, at the
    /// same time in two threads, each in a fresh 1-thread rayon pool (see [`BranchPools`]; use
    /// [`Ppn::infer_parallel_in`] to reuse pools across calls).
    pub fn infer_parallel(&self, devices: [&Device; 2], scans: &[LidarScan]) -> Result<PpnOutput> {
        self.infer_parallel_in(&BranchPools::new(1)?, devices, scans)
    }

    /// [`Ppn::infer_parallel`] with the given pools.
    pub fn infer_parallel_in(
        &self,
        pools: &BranchPools,
        devices: [&Device; 2],
        scans: &[LidarScan],
    ) -> Result<PpnOutput> {
        let [pool_a, pool_b] = &pools.pools;
        let (seg, recon) = (self.seg.clone(), self.recon.clone());
        let (dev_a, dev_b) = (devices[0].clone(), devices[1].clone());
        let (segmentation, reconstruction) = std::thread::scope(|scope| {
            let seg = scope.spawn(move || pool_a.install(move || seg.predict(&dev_a, scans)));
            let recon = scope.spawn(move || pool_b.install(move || recon.predict(&dev_b, scans)));
            (join(seg), join(recon))
        });
        Ok(PpnOutput { segmentation: segmentation?, reconstruction: reconstruction?, cells: self.cells() })
    }
}
