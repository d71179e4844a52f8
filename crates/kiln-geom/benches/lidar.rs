//! LiDAR throughput: bird's-eye-view rasterisation of simulated race-track scans in points per
//! second, and one Parallel Perception Network inference (both nets, `PpnConfig::small()`, each
//! building its BEV stack from the raw points) run sequentially on one device with 1 and 2
//! threads and in parallel on two flex devices, one thread each (Sah & Chinara, 2024).
//!
//! One JSON object per line, read by `cargo xtask bench`. Repeats: `KILN_BENCH_STEPS`
//! (default 20, after 3 warm-up runs).

/// mimalloc, as every benchmark program and the `kiln` binary (`docs/bench-notes.md`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use burn::prelude::Device;
use kiln_core::timing::median_time_ms;
use kiln_geom::lidar::{BevConfig, RaceSim, SimConfig, rasterize};
use kiln_geom::ppn::PpnConfig;
use kiln_geom::ppn::data::simulate_scans;
use kiln_geom::ppn::parallel::{BranchPools, with_cpu_threads};

fn line(what: &str, ms: f64, extra: serde_json::Value) {
    let mut v = serde_json::json!({ "model": "lidar", "what": what, "ms": ms });
    if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        v.extend(extra.clone());
    }
    println!("{v}");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let steps = std::env::var("KILN_BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let sim = RaceSim::new(SimConfig::default())?;

    let scans = simulate_scans(&sim, 0..8)?;
    let points: usize = scans.iter().map(|s| s.len()).sum();
    let grid = BevConfig::default();
    let ms = median_time_ms(3, steps, || {
        for scan in &scans {
            let _ = rasterize(scan, &grid);
        }
    });
    let per_second = points as f64 / (ms / 1e3);
    line(
        "bev rasterise (0.2 m, 512²)",
        ms / scans.len() as f64,
        serde_json::json!({ "points_per_s": per_second, "points": points / scans.len() }),
    );

    let config = PpnConfig::small();
    let device = Device::flex();
    device.seed(0);
    let ppn = config.init(&device)?;
    let scans = simulate_scans(&sim, 0..ppn.frames())?;
    for threads in [1, 2] {
        let ms = with_cpu_threads(threads, || {
            median_time_ms(3, steps, || {
                let _ = ppn.infer_sequential(&device, &scans);
            })
        })?;
        line("ppn sequential", ms, serde_json::json!({ "threads": threads }));
    }
    let (a, b) = (Device::flex(), Device::flex());
    let pools = BranchPools::new(1)?;
    let ms = median_time_ms(3, steps, || {
        let _ = ppn.infer_parallel_in(&pools, [&a, &b], &scans);
    });
    line("ppn parallel (2 flex devices)", ms, serde_json::json!({ "threads": 2 }));
    Ok(())
}
