//! Straight lines, clipped to the canvas.

use image::{Rgb, RgbImage};

use crate::Point;
use crate::draw::fill_span;

/// Sets pixel `(x, y)` if it lies on the canvas.
pub(crate) fn put(canvas: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>) {
    if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y))
        && x < canvas.width()
        && y < canvas.height()
    {
        canvas.put_pixel(x, y, color);
    }
}

/// Draws the segment `from`–`to` (Bresenham, both ends included), `thickness` pixels wide (a
/// square pen centred on the line; 0 draws nothing).
pub fn draw_line(canvas: &mut RgbImage, from: Point, to: Point, color: Rgb<u8>, thickness: u32) {
    if thickness == 0 {
        return;
    }
    let (mut x, mut y) = (i64::from(from.x), i64::from(from.y));
    let (x1, y1) = (i64::from(to.x), i64::from(to.y));
    let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
    let (sx, sy) = (if x < x1 { 1 } else { -1 }, if y < y1 { 1 } else { -1 });
    let lo = -(i64::from(thickness) - 1) / 2;
    let hi = lo + i64::from(thickness) - 1;
    let mut err = dx + dy;
    // A segment longer than the canvas diagonal is mostly off-canvas; the loop still ends
    // because each step moves one pixel towards the end point.
    loop {
        if thickness == 1 {
            put(canvas, x, y, color);
        } else {
            fill_span(canvas, (x + lo, y + lo), (x + hi, y + hi), color);
        }
        if x == x1 && y == y1 {
            break;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x += sx;
        }
        if e2 <= dx {
            err += dx;
            y += sy;
        }
    }
}
