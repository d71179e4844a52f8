//! Axis-aligned boxes `[x0, y0, x1, y1]` in pixels (x1 > x0 and y1 > y0; the width is
//! `x1 − x0`, without the legacy `+1`), their IoU, the IoU of binary masks, and the
//! `(dx, dy, dw, dh)` box coder of RetinaNet (mmdet's `DeltaXYWHBBoxCoder`, means 0, stds 1):
//!
//! `dx = (g_cx − a_cx) / a_w`, `dy = (g_cy − a_cy) / a_h`, `dw = ln(g_w / a_w)`,
//! `dh = ln(g_h / a_h)`.

/// A box `[x0, y0, x1, y1]`.
pub type BoxXyxy = [f32; 4];

/// Area of a box (0 when it is empty or inverted).
pub fn box_area(b: &BoxXyxy) -> f32 {
    (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0)
}

/// Intersection over union `|a ∩ b| / |a ∪ b|` (0 when the union is empty).
pub fn box_iou(a: &BoxXyxy, b: &BoxXyxy) -> f32 {
    iou_with_extent(a, b, 0.0)
}

/// IoU under the legacy pixel convention of VOC and mmdet's `use_legacy_coordinate=True`:
/// a box `[x0, y0, x1, y1]` spans the pixels `x0..=x1`, so widths and heights are
/// `x1 − x0 + 1` and `y1 − y0 + 1`, and so are the intersection's.
pub fn box_iou_legacy(a: &BoxXyxy, b: &BoxXyxy) -> f32 {
    iou_with_extent(a, b, 1.0)
}

/// IoU with `extra` added to every width and height (mmdet's `extra_length`: 0, or 1 in the
/// legacy convention).
fn iou_with_extent(a: &BoxXyxy, b: &BoxXyxy, extra: f32) -> f32 {
    let side = |lo: f32, hi: f32| (hi - lo + extra).max(0.0);
    let area = |b: &BoxXyxy| side(b[0], b[2]) * side(b[1], b[3]);
    let inter = side(a[0].max(b[0]), a[2].min(b[2])) * side(a[1].max(b[1]), a[3].min(b[3]));
    let union = area(a) + area(b) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// IoU of every box of `a` with every box of `b`: `result[i][j] = IoU(a_i, b_j)`.
pub fn box_iou_matrix(a: &[BoxXyxy], b: &[BoxXyxy]) -> Vec<Vec<f32>> {
    a.iter().map(|x| b.iter().map(|y| box_iou(x, y)).collect()).collect()
}

/// IoU of two binary masks of the same size: `|a ∧ b| / |a ∨ b|` (0 when both are empty).
///
/// # Panics
/// When the masks differ in length.
pub fn mask_iou(a: &[bool], b: &[bool]) -> f32 {
    assert_eq!(a.len(), b.len(), "mask_iou: masks of {} and {} pixels", a.len(), b.len());
    let (mut inter, mut union) = (0usize, 0usize);
    for (&x, &y) in a.iter().zip(b) {
        inter += usize::from(x && y);
        union += usize::from(x || y);
    }
    if union > 0 { inter as f32 / union as f32 } else { 0.0 }
}

/// Largest `|dw|`, `|dh|` accepted by [`decode_deltas`] (mmdet's `ln(1000 / 16)`), so that a wild
/// prediction cannot overflow `exp`.
pub const MAX_LOG_RATIO: f32 = 4.135_166_6;

/// The deltas `(dx, dy, dw, dh)` that move `anchor` onto `target` (both non-empty).
pub fn encode_deltas(anchor: &BoxXyxy, target: &BoxXyxy) -> [f32; 4] {
    let (aw, ah) = (anchor[2] - anchor[0], anchor[3] - anchor[1]);
    let (gw, gh) = (target[2] - target[0], target[3] - target[1]);
    let (acx, acy) = (anchor[0] + 0.5 * aw, anchor[1] + 0.5 * ah);
    let (gcx, gcy) = (target[0] + 0.5 * gw, target[1] + 0.5 * gh);
    [(gcx - acx) / aw, (gcy - acy) / ah, (gw / aw).ln(), (gh / ah).ln()]
}

/// The box that `deltas` make of `anchor`, the inverse of [`encode_deltas`] (with `dw`, `dh`
/// clamped to ±[`MAX_LOG_RATIO`]).
pub fn decode_deltas(anchor: &BoxXyxy, deltas: &[f32; 4]) -> BoxXyxy {
    let (aw, ah) = (anchor[2] - anchor[0], anchor[3] - anchor[1]);
    let (acx, acy) = (anchor[0] + 0.5 * aw, anchor[1] + 0.5 * ah);
    let cx = acx + deltas[0] * aw;
    let cy = acy + deltas[1] * ah;
    let w = aw * deltas[2].clamp(-MAX_LOG_RATIO, MAX_LOG_RATIO).exp();
    let h = ah * deltas[3].clamp(-MAX_LOG_RATIO, MAX_LOG_RATIO).exp();
    [cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h]
}
