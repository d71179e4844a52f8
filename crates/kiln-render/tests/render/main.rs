//! kiln-render integration tests (one binary: link time matters).

use kiln_render::{Rgb, RgbImage};

mod chart;
mod draw;
mod geometry;
mod heatmap;
mod histogram;
mod roc;

/// Number of pixels that differ from `background`.
pub fn changed(img: &RgbImage, background: Rgb<u8>) -> usize {
    img.pixels().filter(|&&p| p != background).count()
}

/// A fresh directory under the test target directory for `name`.
pub fn scratch(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kiln-render-{name}-{}", std::process::id()))
}
