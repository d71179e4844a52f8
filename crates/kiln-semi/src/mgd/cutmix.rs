//! CutMix box masks and mixing, as MGD's `train.py` configures the box-mask generator of
//! French et al. (`mask_gen.BoxMaskGenerator`, shared with CPS): `prop_range = (0.25, 0.5)`,
//! `n_boxes = 3`, random aspect ratio, proportion by area, boxes within bounds, inverted.
//!
//! For each of the `n` boxes of a mask: draw the box's share `p ~ U(lo, hi)` and `u ~ U(0, 1)`;
//! its height and width fractions are `p^u / √n` and `p^(1−u) / √n` (so the box covers `p/n`
//! of the image), rounded to pixels; its corner is `round((side − size) · U(0, 1))`, so it lies
//! inside the image. The mask starts at 0 and every box *toggles* its pixels (`m ← 1 − m`), so
//! a pixel is 1 where an odd number of boxes cover it. Hence the mask's area is at most the sum
//! of the box areas (≤ `hi`, 50% of the image), and each box covers between `lo/n` and `hi/n`.
//!
//! Mixing follows `train.py`: `mixed = a · (1 − m) + b · m`, i.e. the boxes show the second
//! image; an all-zeros mask returns the first image, an all-ones mask the second. Pseudo-labels
//! are mixed the same way ([`mix`] on the teachers' logits, then the arg-max; or [`mix_labels`]
//! on label maps), which is the same because the mask is binary.

use burn::prelude::{Device, Int, Tensor, TensorData};
use rand::Rng;

use crate::error::{Result, SemiError};

/// A box `[y0, x0, y1, x1)` in pixels.
pub type BoxRect = [usize; 4];

/// The box-mask generator's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxMaskGenerator {
    /// Range of the total share of the image the boxes cover, before overlaps (official
    /// `(0.25, 0.5)`).
    pub prop_range: (f64, f64),
    /// Boxes per mask (official 3).
    pub n_boxes: usize,
}

impl Default for BoxMaskGenerator {
    /// The official settings: 3 boxes, 25–50% of the area.
    fn default() -> Self {
        Self { prop_range: (0.25, 0.5), n_boxes: 3 }
    }
}

/// One mask: its boxes and its `height × width` pixels (row-major, 0 or 1).
#[derive(Debug, Clone, PartialEq)]
pub struct BoxMask {
    /// Height in pixels.
    pub height: usize,
    /// Width in pixels.
    pub width: usize,
    /// The boxes, in drawing order.
    pub boxes: Vec<BoxRect>,
    /// The mask, 1 where an odd number of boxes cover the pixel.
    pub pixels: Vec<f32>,
}

impl BoxMask {
    /// Fraction of the pixels that are 1.
    pub fn area(&self) -> f64 {
        self.pixels.iter().filter(|&&p| p > 0.5).count() as f64 / (self.height * self.width).max(1) as f64
    }
}

impl BoxMaskGenerator {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`] unless `0 < lo ≤ hi ≤ 1` and `n_boxes ≥ 1`.
    pub fn validate(&self) -> Result<()> {
        let (lo, hi) = self.prop_range;
        if !(lo > 0.0 && lo <= hi && hi <= 1.0) {
            return Err(SemiError::config("cutmix prop_range", format!("({lo}, {hi})"), "need 0 < lo ≤ hi ≤ 1"));
        }
        if self.n_boxes == 0 {
            return Err(SemiError::config("cutmix n_boxes", 0, "must be at least 1"));
        }
        Ok(())
    }

    /// One `height × width` mask drawn from `rng`.
    pub fn generate(&self, height: usize, width: usize, rng: &mut impl Rng) -> BoxMask {
        let (lo, hi) = self.prop_range;
        let scale = (1.0 / self.n_boxes.max(1) as f64).sqrt();
        let mut pixels = vec![0.0f32; height * width];
        let mut boxes = Vec::with_capacity(self.n_boxes);
        for _ in 0..self.n_boxes {
            let p: f64 = if hi > lo { rng.random_range(lo..hi) } else { lo };
            let u: f64 = rng.random_range(0.0..1.0);
            let y_prop = p.powf(u) * scale;
            let x_prop = p.powf(1.0 - u) * scale;
            let sy = ((y_prop * height as f64).round() as usize).min(height);
            let sx = ((x_prop * width as f64).round() as usize).min(width);
            let y0 = (((height - sy) as f64) * rng.random_range(0.0..1.0)).round() as usize;
            let x0 = (((width - sx) as f64) * rng.random_range(0.0..1.0)).round() as usize;
            let rect = [y0, x0, (y0 + sy).min(height), (x0 + sx).min(width)];
            for y in rect[0]..rect[2] {
                for x in rect[1]..rect[3] {
                    let v = &mut pixels[y * width + x];
                    *v = 1.0 - *v;
                }
            }
            boxes.push(rect);
        }
        BoxMask { height, width, boxes, pixels }
    }

    /// `batch` masks as a `[batch, 1, height, width]` tensor, mask `i` drawn from
    /// `kiln_core::seed::rng(seed, i)`.
    pub fn masks(&self, batch: usize, height: usize, width: usize, seed: u64, device: &Device) -> Tensor<4> {
        let mut data = Vec::with_capacity(batch * height * width);
        for i in 0..batch {
            data.extend(self.generate(height, width, &mut kiln_core::seed::rng(seed, i as u64)).pixels);
        }
        Tensor::from_data(TensorData::new(data, [batch, 1, height, width]), device)
    }
}

/// `a · (1 − m) + b · m` for images or logits `[b, c, h, w]` and a mask `[b, 1, h, w]`.
pub fn mix(a: Tensor<4>, b: Tensor<4>, mask: Tensor<4>) -> Tensor<4> {
    let [n, c, h, w] = a.dims();
    let m = mask.expand([n, c, h, w]);
    a * (m.clone().neg() + 1.0) + b * m
}

/// Label maps `[b, h, w]` mixed by the mask `[b, 1, h, w]`: `b`'s label where the mask is 1.
pub fn mix_labels(a: Tensor<3, Int>, b: Tensor<3, Int>, mask: Tensor<4>) -> Tensor<3, Int> {
    let [n, h, w] = a.dims();
    let take_b = mask.reshape([n, h, w]).greater_elem(0.5);
    a.mask_where(take_b, b)
}
