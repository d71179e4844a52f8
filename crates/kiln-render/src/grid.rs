//! [`grid`]: tiles laid out in rows, for galleries and image panels.

use image::{Rgb, RgbImage};

use crate::{Point, draw};

/// Lays `tiles` out in a grid, row by row, `columns` to a row (clamped to `1..=tiles.len()`),
/// for a prototype gallery or a panel of images.
///
/// Every cell is as large as the largest tile, and smaller tiles are centred in their cells.
/// Cells are separated from each other and from the border by `padding` pixels of
/// `background`, so the result is `cols * cell_w + (cols + 1) * padding` wide and
/// `rows * cell_h + (rows + 1) * padding` tall with `rows = ceil(n / cols)`. No tiles give a
/// `padding × padding` image.
pub fn grid(tiles: &[RgbImage], columns: usize, padding: u32, background: Rgb<u8>) -> RgbImage {
    let n = tiles.len();
    let cols = if n == 0 { 0 } else { columns.clamp(1, n) };
    let rows = if cols == 0 { 0 } else { n.div_ceil(cols) };
    let cell_w = tiles.iter().map(RgbImage::width).max().unwrap_or(0);
    let cell_h = tiles.iter().map(RgbImage::height).max().unwrap_or(0);
    let span = |count: usize, cell: u32| {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        count.saturating_mul(cell).saturating_add(count.saturating_add(1).saturating_mul(padding))
    };
    let mut out = RgbImage::from_pixel(span(cols, cell_w), span(rows, cell_h), background);
    for (i, tile) in tiles.iter().enumerate() {
        let (row, col) = (i / cols, i % cols);
        let x = i64::from(span(col, cell_w)) + i64::from((cell_w - tile.width()) / 2);
        let y = i64::from(span(row, cell_h)) + i64::from((cell_h - tile.height()) / 2);
        if let (Ok(x), Ok(y)) = (i32::try_from(x), i32::try_from(y)) {
            draw::paste(&mut out, tile, Point::new(x, y));
        }
    }
    out
}
