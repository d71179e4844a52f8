//! Pictures of a [`Bev`] and [`bev_png_from_bin`], the library side of
//! `kiln geom bev --input scan.bin --out bev.png`.
//!
//! Image orientation: forward (+x) is up and left (+y) is left, so pixel column
//! `ny − 1 − iy` and row `nx − 1 − ix` show cell `(ix, iy)`.

use std::path::Path;

use image::{Rgb, RgbImage};

use super::bev::{Bev, BevConfig, rasterize};
use super::scan::LidarClass;
use crate::error::Result;
use crate::io::kitti_bin::{BinLayout, read_bin};

/// The colour of a class (road grey, fence yellow, car red, anything else white).
pub fn class_color(class: u16) -> [u8; 3] {
    match LidarClass::from_id(class) {
        Some(LidarClass::Road) => [110, 110, 110],
        Some(LidarClass::Fence) => [230, 200, 60],
        Some(LidarClass::Car) => [230, 40, 40],
        _ => [255, 255, 255],
    }
}

/// An RGB picture of `bev`, one pixel per cell, black where empty. With labels a cell shows
/// its majority class's colour ([`class_color`]); without, a grey level
/// `64 + 191 (h − h_min) / (h_max − h_min)` of its max height `h` over the occupied cells.
pub fn render_bev(bev: &Bev) -> RgbImage {
    let (w, h) = (bev.ny.max(1), bev.nx.max(1));
    let mut img = RgbImage::new(w as u32, h as u32);
    let occupied = || bev.count.iter().zip(&bev.max_height).filter(|(n, _)| **n > 0).map(|(_, z)| *z);
    let lo = occupied().fold(f32::INFINITY, f32::min);
    let hi = occupied().fold(f32::NEG_INFINITY, f32::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    for ix in 0..bev.nx {
        for iy in 0..bev.ny {
            let c = bev.index(ix, iy);
            if bev.count[c] == 0 {
                continue;
            }
            let color = match &bev.majority_class {
                Some(classes) => class_color(classes[c]),
                None => [(64.0 + 191.0 * ((bev.max_height[c] - lo) / span).clamp(0.0, 1.0)) as u8; 3],
            };
            img.put_pixel((bev.ny - 1 - iy) as u32, (bev.nx - 1 - ix) as u32, Rgb(color));
        }
    }
    img
}

/// Reads a `.bin` scan (nuScenes layout for `*.pcd.bin`, KITTI otherwise), rasterises it with
/// [`BevConfig::default`] (0.2 m cells, ±51.2 m), writes its picture ([`render_bev`]) as PNG to
/// `out` and returns the grid.
pub fn bev_png_from_bin(input: impl AsRef<Path>, out: impl AsRef<Path>) -> Result<Bev> {
    let input = input.as_ref();
    let scan = read_bin(input, BinLayout::from_path(input))?;
    let bev = rasterize(&scan, &BevConfig::default())?;
    crate::render::save_png(&render_bev(&bev), out)?;
    Ok(bev)
}
