//! Clipped drawing primitives on [`image::RgbImage`]: filled and outlined rectangles,
//! horizontal bars and pasting one image into another.
//!
//! Positions are [`Point`]s and areas [`Rect`]s in canvas pixels, and may fall outside the
//! canvas; only the visible part is drawn.

use image::{Rgb, RgbImage};

use crate::{Point, Rect};

/// Clips the inclusive span `a..=b` (`a <= b`) to `0..size`; `None` when nothing is left.
fn clip_span(a: i64, b: i64, size: u32) -> Option<(u32, u32)> {
    let (lo, hi) = (a.max(0), b.min(i64::from(size) - 1));
    if lo > hi {
        return None;
    }
    // Both are within 0..size here, so they fit in u32.
    Some((u32::try_from(lo).ok()?, u32::try_from(hi).ok()?))
}

/// Fills the inclusive pixel box `x0..=x1` × `y0..=y1` (`x0 <= x1`, `y0 <= y1`), clipped to the
/// canvas. Wide coordinates, so callers can add offsets without overflow.
pub(crate) fn fill_span(canvas: &mut RgbImage, (x0, y0): (i64, i64), (x1, y1): (i64, i64), color: Rgb<u8>) {
    let (Some((xa, xb)), Some((ya, yb))) = (clip_span(x0, x1, canvas.width()), clip_span(y0, y1, canvas.height()))
    else {
        return;
    };
    for y in ya..=yb {
        for x in xa..=xb {
            canvas.put_pixel(x, y, color);
        }
    }
}

/// Fills `rect`, clipped to the canvas. An empty rectangle draws nothing.
pub fn fill_rect(canvas: &mut RgbImage, rect: Rect, color: Rgb<u8>) {
    if rect.is_empty() {
        return;
    }
    fill_span(canvas, (i64::from(rect.x), i64::from(rect.y)), (rect.right() - 1, rect.bottom() - 1), color);
}

/// Draws the outline of `rect` with lines `thickness` pixels wide, growing inwards from its
/// edges (so the outline never extends beyond the rectangle; a thickness covering the whole
/// rectangle fills it). Clipped to the canvas; thickness 0 or an empty rectangle draws
/// nothing.
pub fn draw_rect_outline(canvas: &mut RgbImage, rect: Rect, color: Rgb<u8>, thickness: u32) {
    if thickness == 0 || rect.is_empty() {
        return;
    }
    let (x0, y0, x1, y1) = (i64::from(rect.x), i64::from(rect.y), rect.right() - 1, rect.bottom() - 1);
    let t = i64::from(thickness);
    if 2 * t > y1 - y0 || 2 * t > x1 - x0 {
        fill_span(canvas, (x0, y0), (x1, y1), color);
        return;
    }
    fill_span(canvas, (x0, y0), (x1, y0 + t - 1), color); // top
    fill_span(canvas, (x0, y1 - t + 1), (x1, y1), color); // bottom
    fill_span(canvas, (x0, y0 + t), (x0 + t - 1, y1 - t), color); // left
    fill_span(canvas, (x1 - t + 1, y0 + t), (x1, y1 - t), color); // right
}

/// Draws a horizontal bar `height_px` tall whose top-left corner is at `at` and which is
/// `width_px` wide — to the right of `at.x` when positive, to the left of it (ending at
/// `at.x - 1`) when negative, so signed contributions can share a zero axis. Width or height 0
/// draws nothing. Clipped to the canvas.
pub fn draw_bar(canvas: &mut RgbImage, at: Point, width_px: i32, height_px: u32, color: Rgb<u8>) {
    if width_px == 0 || height_px == 0 {
        return;
    }
    let (x, y, width) = (i64::from(at.x), i64::from(at.y), i64::from(width_px));
    let (xa, xb) = if width > 0 { (x, x + width - 1) } else { (x + width, x - 1) };
    fill_span(canvas, (xa, y), (xb, y + i64::from(height_px) - 1), color);
}

/// Copies `tile` into `canvas` with its top-left corner at `at`, clipping whatever falls
/// outside the canvas.
pub fn paste(canvas: &mut RgbImage, tile: &RgbImage, at: Point) {
    if tile.width() == 0 || tile.height() == 0 {
        return;
    }
    let (x, y) = (i64::from(at.x), i64::from(at.y));
    let (Some((xa, xb)), Some((ya, yb))) = (
        clip_span(x, x + i64::from(tile.width()) - 1, canvas.width()),
        clip_span(y, y + i64::from(tile.height()) - 1, canvas.height()),
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
