//! Point markers, for the canvas and for charts.

use image::{Rgb, RgbImage};

use crate::Point;
use crate::draw::fill_span;
use crate::line::put;

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

/// Draws `marker` centred on `at` with the given radius in pixels, clipped to the canvas.
pub fn draw_marker(canvas: &mut RgbImage, at: Point, marker: Marker, radius: u32, color: Rgb<u8>) {
    let (cx, cy, r) = (i64::from(at.x), i64::from(at.y), i64::from(radius));
    match marker {
        Marker::Square => fill_span(canvas, (cx - r, cy - r), (cx + r, cy + r), color),
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
