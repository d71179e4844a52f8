//! Pixel positions and rectangles, the one coordinate convention of every drawing function:
//! `x` to the right, `y` down, in canvas pixels, always in that order.

/// A pixel position: `x` columns to the right of and `y` rows below the top-left corner of the
/// canvas. Either may be negative or beyond the canvas; drawing clips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Point {
    /// Column, growing to the right.
    pub x: i32,
    /// Row, growing downwards.
    pub y: i32,
}

impl Point {
    /// The point `(x, y)`.
    pub const fn new(x: i32, y: i32) -> Self {
        Self { x, y }
    }

    /// This point moved by `(dx, dy)`, saturating at the ends of `i32`.
    pub const fn offset(self, dx: i32, dy: i32) -> Self {
        Self { x: self.x.saturating_add(dx), y: self.y.saturating_add(dy) }
    }
}

impl From<(i32, i32)> for Point {
    fn from((x, y): (i32, i32)) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned rectangle of pixels: the top-left pixel `(x, y)`, `width` columns and
/// `height` rows, so it covers columns `x..x + width` and rows `y..y + height` (end
/// exclusive). A zero width or height is an empty rectangle, which draws nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rect {
    /// Column of the left edge.
    pub x: i32,
    /// Row of the top edge.
    pub y: i32,
    /// Number of columns.
    pub width: u32,
    /// Number of rows.
    pub height: u32,
}

impl Rect {
    /// The rectangle with top-left pixel `(x, y)` and the given size.
    pub const fn new(x: i32, y: i32, width: u32, height: u32) -> Self {
        Self { x, y, width, height }
    }

    /// The smallest rectangle holding both pixels `a` and `b` (inclusive corners, in any
    /// order). A size beyond `u32::MAX` saturates.
    pub fn from_corners(a: Point, b: Point) -> Self {
        let span = |p: i32, q: i32| u32::try_from(i64::from(p).abs_diff(i64::from(q)) + 1).unwrap_or(u32::MAX);
        Self { x: a.x.min(b.x), y: a.y.min(b.y), width: span(a.x, b.x), height: span(a.y, b.y) }
    }

    /// The top-left pixel.
    pub const fn top_left(self) -> Point {
        Point::new(self.x, self.y)
    }

    /// Whether the rectangle covers no pixel.
    pub const fn is_empty(self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// One past the rightmost column (wide, so it cannot overflow).
    pub fn right(self) -> i64 {
        i64::from(self.x) + i64::from(self.width)
    }

    /// One past the bottom row (wide, so it cannot overflow).
    pub fn bottom(self) -> i64 {
        i64::from(self.y) + i64::from(self.height)
    }

    /// Whether pixel `p` lies inside.
    pub fn contains(self, p: Point) -> bool {
        (i64::from(self.x)..self.right()).contains(&i64::from(p.x))
            && (i64::from(self.y)..self.bottom()).contains(&i64::from(p.y))
    }
}
