//! Tests of the format readers: IDX, CSV and ImageFolder, happy paths and every malformed input;
//! label gaps.

mod csv;
mod idx;
mod image_folder;
mod label_gaps;

use std::path::PathBuf;

/// A fresh, empty scratch directory unique to this process and test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-data-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
