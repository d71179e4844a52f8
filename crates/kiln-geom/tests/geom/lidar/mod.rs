//! LiDAR scans, labels, the ray caster, the race-track simulator and bird's-eye-view rasters.

mod bev;
mod io;
mod picture;
mod ray;
mod scene;
mod sensor;
mod sim;
mod track;

use std::path::PathBuf;

/// A fresh path `name` in a directory of its own for this process and test.
pub(crate) fn tmp(test: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-geom-lidar-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}
