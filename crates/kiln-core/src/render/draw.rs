//! Clipped drawing primitives on [`image::RgbImage`]: filled and outlined rectangles,
//! horizontal bars and pasting one image into another.
//!
//! Coordinates are `i32` canvas pixels and may fall outside the canvas; only the visible part
//! is drawn.

use image::{Rgb, RgbImage};

/// Clips the inclusive span `a..=b` (in either order) to `0..size`; `None` when nothing is
/// left.
fn clip_span(a: i64, b: i64, size: u32) -> Option<(u32, u32)> {
    let (lo, hi) = (a.min(b).max(0), a.max(b).min(i64::from(size) - 1));
    if lo > hi {
        return None;
    }
    // Both are within 0..size here, so they fit in u32.
    Some((u32::try_from(lo).ok()?, u32::try_from(hi).ok()?))
}

/// Fills the inclusive rectangle `(y0, x0)`–`(y1, x1)` (in canvas pixels; reversed corners are
/// swapped), clipped to the canvas.
pub fn fill_rect(canvas: &mut RgbImage, y0: i32, x0: i32, y1: i32, x1: i32, color: Rgb<u8>) {
    fill_rect_i64(canvas, i64::from(y0), i64::from(x0), i64::from(y1), i64::from(x1), color);
}

/// [`fill_rect`] with wide coordinates, so callers can add offsets without overflow.
pub(crate) fn fill_rect_i64(canvas: &mut RgbImage, y0: i64, x0: i64, y1: i64, x1: i64, color: Rgb<u8>) {
    let (Some((ya, yb)), Some((xa, xb))) = (clip_span(y0, y1, canvas.height()), clip_span(x0, x1, canvas.width()))
    else {
        return;
    };
    for y in ya..=yb {
        for x in xa..=xb {
            canvas.put_pixel(x, y, color);
        }
    }
}

/// Draws the outline of the inclusive rectangle `(y0, x0)`–`(y1, x1)` with lines `thickness`
/// pixels wide, growing inwards from the given edges (so the outline never extends beyond the
/// box; a thickness covering the whole box fills it). Clipped to the canvas; thickness 0 draws
/// nothing. The argument order is `(y0, x0, y1, x1)`, as for every rectangle here.
pub fn draw_rect_outline(canvas: &mut RgbImage, y0: i32, x0: i32, y1: i32, x1: i32, color: Rgb<u8>, thickness: u32) {
    if thickness == 0 {
        return;
    }
    let (y0, y1) = (i64::from(y0.min(y1)), i64::from(y0.max(y1)));
    let (x0, x1) = (i64::from(x0.min(x1)), i64::from(x0.max(x1)));
    let t = i64::from(thickness);
    if 2 * t > y1 - y0 || 2 * t > x1 - x0 {
        fill_rect_i64(canvas, y0, x0, y1, x1, color);
        return;
    }
    fill_rect_i64(canvas, y0, x0, y0 + t - 1, x1, color); // top
    fill_rect_i64(canvas, y1 - t + 1, x0, y1, x1, color); // bottom
    fill_rect_i64(canvas, y0 + t, x0, y1 - t, x0 + t - 1, color); // left
    fill_rect_i64(canvas, y0 + t, x1 - t + 1, y1 - t, x1, color); // right
}

/// Draws a horizontal bar `height_px` tall whose top-left corner is at `(x, y)` and which is
/// `width_px` wide — to the right of `x` when positive, to the left of `x` (ending at `x - 1`)
/// when negative, so signed contributions can share a zero axis. Width or height 0 draws
/// nothing. Clipped to the canvas.
pub fn draw_bar(canvas: &mut RgbImage, x: i32, y: i32, width_px: i32, height_px: u32, color: Rgb<u8>) {
    if width_px == 0 || height_px == 0 {
        return;
    }
    let (x, y, width) = (i64::from(x), i64::from(y), i64::from(width_px));
    let (xa, xb) = if width > 0 { (x, x + width - 1) } else { (x + width, x - 1) };
    fill_rect_i64(canvas, y, xa, y + i64::from(height_px) - 1, xb, color);
}

/// Copies `tile` into `canvas` with its top-left corner at `(x, y)`, clipping whatever falls
/// outside the canvas.
pub fn paste(canvas: &mut RgbImage, tile: &RgbImage, x: i32, y: i32) {
    if tile.width() == 0 || tile.height() == 0 {
        return;
    }
    let (x, y) = (i64::from(x), i64::from(y));
    let (Some((ya, yb)), Some((xa, xb))) = (
        clip_span(y, y + i64::from(tile.height()) - 1, canvas.height()),
        clip_span(x, x + i64::from(tile.width()) - 1, canvas.width()),
    ) else {
        return;
    };
    for cy in ya..=yb {
        for cx in xa..=xb {
            // cx - x and cy - y lie within the tile by construction of the clipped spans.
            let (tx, ty) = (i64::from(cx) - x, i64::from(cy) - y);
            if let (Ok(tx), Ok(ty)) = (u32::try_from(tx), u32::try_from(ty)) {
                canvas.put_pixel(cx, cy, *tile.get_pixel(tx, ty));
            }
        }
    }
}
