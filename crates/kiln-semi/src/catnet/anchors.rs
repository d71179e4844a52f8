//! RetinaNet anchors (mmdet's `AnchorGenerator`) and their targets (`MaxIoUAssigner`).
//!
//! On a level of stride `s`, scale `σ_j = octave_base_scale · 2^{j / scales_per_octave}` and
//! ratio `r = h / w` give the anchor `w = s σ_j / √r`, `h = s σ_j √r`, centred on
//! `(x s, y s)` for every cell `(y, x)` (mmdet's `center_offset = 0`). Anchors are ordered by
//! level, then row, column, ratio and scale, which is the order of a head output
//! `[n, A·K, H, W]` permuted to `[n, H, W, A, K]`.
//!
//! Assignment, per image: an anchor whose best IoU with a ground truth is `≥ pos` (0.5) is
//! positive for that box, `< neg` (0.4) negative, anything between ignored; then every ground
//! truth also claims the anchors of its own highest IoU (when above 0), the "low-quality"
//! matches of mmdet (`min_pos_iou = 0`), so that no object is left without an anchor.

use super::boxes::{BoxXyxy, box_iou};

/// Anchor settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AnchorConfig {
    /// Stride of every level in input pixels, finest first (CATNet: 8, 16, 32, 64, 128).
    pub strides: Vec<usize>,
    /// Size of the smallest anchor in strides (RetinaNet: 4).
    pub octave_base_scale: f32,
    /// Scales per level, `2^{j/n}` apart (RetinaNet: 3).
    pub scales_per_octave: usize,
    /// Ratios `h / w` (RetinaNet: 0.5, 1, 2).
    pub ratios: Vec<f32>,
}

impl AnchorConfig {
    /// RetinaNet's anchors on `strides`: base scale 4, 3 scales, ratios 0.5, 1, 2.
    pub fn retinanet(strides: Vec<usize>) -> Self {
        Self { strides, octave_base_scale: 4.0, scales_per_octave: 3, ratios: vec![0.5, 1.0, 2.0] }
    }

    /// Anchors per position `A = ratios · scales`.
    pub fn per_position(&self) -> usize {
        self.ratios.len() * self.scales_per_octave
    }

    /// The `A` anchors of a level of stride `stride`, centred on 0.
    pub fn base_anchors(&self, stride: usize) -> Vec<BoxXyxy> {
        let s = stride as f32;
        let mut out = Vec::with_capacity(self.per_position());
        for &r in &self.ratios {
            for j in 0..self.scales_per_octave {
                let scale = self.octave_base_scale * 2f32.powf(j as f32 / self.scales_per_octave as f32);
                let (w, h) = (s * scale / r.sqrt(), s * scale * r.sqrt());
                out.push([-0.5 * w, -0.5 * h, 0.5 * w, 0.5 * h]);
            }
        }
        out
    }

    /// Every anchor of levels of sizes `sizes[l] = [h_l, w_l]`, in head-output order.
    ///
    /// # Panics
    /// When `sizes` and the strides differ in length.
    pub fn anchors(&self, sizes: &[[usize; 2]]) -> Vec<BoxXyxy> {
        assert_eq!(
            sizes.len(),
            self.strides.len(),
            "anchors: {} level sizes for {} strides",
            sizes.len(),
            self.strides.len()
        );
        let mut out = Vec::new();
        for (&[h, w], &stride) in sizes.iter().zip(&self.strides) {
            let base = self.base_anchors(stride);
            for y in 0..h {
                for x in 0..w {
                    let (cx, cy) = ((x * stride) as f32, (y * stride) as f32);
                    out.extend(base.iter().map(|b| [b[0] + cx, b[1] + cy, b[2] + cx, b[3] + cy]));
                }
            }
        }
        out
    }
}

/// What an anchor is trained towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    /// Background.
    Negative,
    /// Neither: no loss.
    Ignored,
    /// The ground truth of this index.
    Positive(usize),
}

/// Assigns every anchor to a ground truth, to background or to nothing (see the module doc).
pub fn assign(anchors: &[BoxXyxy], truths: &[BoxXyxy], pos_iou: f32, neg_iou: f32) -> Vec<Assignment> {
    if truths.is_empty() {
        return vec![Assignment::Negative; anchors.len()];
    }
    let ious: Vec<Vec<f32>> = anchors.iter().map(|a| truths.iter().map(|t| box_iou(a, t)).collect()).collect();
    let mut out: Vec<Assignment> = ious
        .iter()
        .map(|row| {
            let (best, iou) =
                row.iter().copied().enumerate().fold((0, f32::MIN), |m, (g, v)| if v > m.1 { (g, v) } else { m });
            if iou >= pos_iou {
                Assignment::Positive(best)
            } else if iou < neg_iou {
                Assignment::Negative
            } else {
                Assignment::Ignored
            }
        })
        .collect();
    for g in 0..truths.len() {
        let best = ious.iter().map(|row| row[g]).fold(0.0f32, f32::max);
        if best > 0.0 {
            for (a, row) in ious.iter().enumerate() {
                if row[g] == best {
                    out[a] = Assignment::Positive(g);
                }
            }
        }
    }
    out
}
