//! Pictures of PPN rasters, oriented as [`crate::lidar::render_bev`]: forward (+x) up, left
//! (+y) left, so cell `(ix, iy)` (flat index `iy · n + ix`) is pixel column `n − 1 − iy`, row
//! `n − 1 − ix`.

use image::{Rgb, RgbImage};

use super::bev_stack::PpnClass;
use crate::lidar::picture::class_color;

/// A picture of `n × n` cells whose colour is `color(flat index)`.
fn picture(n: usize, color: impl Fn(usize) -> [u8; 3]) -> RgbImage {
    let mut img = RgbImage::new(n as u32, n as u32);
    for iy in 0..n {
        for ix in 0..n {
            img.put_pixel((n - 1 - iy) as u32, (n - 1 - ix) as u32, Rgb(color(iy * n + ix)));
        }
    }
    img
}

/// A class map ([`PpnClass`] indices): empty black, walls yellow, cars red (the lidar
/// pictures' fence and car colours).
pub fn class_picture(classes: &[u8], n: usize) -> RgbImage {
    picture(n, |i| match classes.get(i).map(|&c| PpnClass::from_index(c)) {
        Some(PpnClass::Empty) | None => [0, 0, 0],
        Some(class) => class_color(class.semantic_id()),
    })
}

/// A binarised BEV (`n²` values): occupied cells white, empty ones black.
pub fn occupancy_picture(occupancy: &[f32], n: usize) -> RgbImage {
    picture(n, |i| if occupancy.get(i).is_some_and(|&v| v > 0.5) { [255; 3] } else { [0; 3] })
}
