//! Lines and point markers, clipped to the canvas.

use image::{Rgb, RgbImage};

use super::draw::fill_rect_i64;

/// The shape drawn at a data point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Marker {
    /// A filled disc.
    #[default]
    Circle,
    /// A filled square.
    Square,
    /// A diagonal cross.
    Cross,
    /// A filled upward triangle.
    Triangle,
}

/// Sets pixel `(x, y)` if it lies on the canvas.
fn put(canvas: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>) {
    if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y))
        && x < canvas.width()
        && y < canvas.height()
    {
        canvas.put_pixel(x, y, color);
    }
}

/// Draws the segment `(x0, y0)`–`(x1, y1)` (Bresenham), `thickness` pixels wide (a square pen
/// centred on the line; 0 draws nothing).
pub fn draw_line(canvas: &mut RgbImage, x0: i32, y0: i32, x1: i32, y1: i32, color: Rgb<u8>, thickness: u32) {
    if thickness == 0 {
        return;
    }
    let (mut x, mut y) = (i64::from(x0), i64::from(y0));
    let (x1, y1) = (i64::from(x1), i64::from(y1));
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
            fill_rect_i64(canvas, y + lo, x + lo, y + hi, x + hi, color);
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

/// Draws `marker` centred on `(x, y)` with the given radius in pixels.
pub fn draw_marker(canvas: &mut RgbImage, x: i32, y: i32, marker: Marker, radius: u32, color: Rgb<u8>) {
    let (cx, cy, r) = (i64::from(x), i64::from(y), i64::from(radius));
    match marker {
        Marker::Square => fill_rect_i64(canvas, cy - r, cx - r, cy + r, cx + r, color),
        Marker::Circle => {
            for dy in -r..=r {
                for dx in -r..=r {
                    if dx * dx + dy * dy <= r * r + r {
                        put(canvas, cx + dx, cy + dy, color);
                    }
                }
            }
        }
        Marker::Cross => {
            for d in -r..=r {
                for w in 0..=1 {
                    put(canvas, cx + d + w, cy + d, color);
                    put(canvas, cx + d + w, cy - d, color);
                }
            }
        }
        Marker::Triangle => {
            // Apex at the top, base at the bottom: row `dy` spans half-width (dy + r) / 2.
            for dy in -r..=r {
                let half = (dy + r) / 2;
                for dx in -half..=half {
                    put(canvas, cx + dx, cy + dy, color);
                }
            }
        }
    }
}
