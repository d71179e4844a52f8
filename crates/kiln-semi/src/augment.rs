//! Two augmented views per image, the input of contrastive pretraining.
//!
//! [`TwoViewBatcher`] turns `N` images into a [`TwoViews`] batch: `first[i]` and `second[i]`
//! are two independent draws of a [`ViewTransform`] of image `i`. The draws are seeded from the
//! batch seed the [`DataLoader`](kiln_data::DataLoader) derives from its shuffle seed, the epoch
//! and the batch index (`derive_seed(seed, epoch << 32 ^ index)`), with streams `2i` and
//! `2i + 1` for the two views of image `i`, so a run (and a resumed run) draws the same views.
//! An unseeded (evaluation) batch uses the fixed seed [`EVAL_VIEW_SEED`].

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::seed::rng;
use kiln_data::transform::SimClrAugment;
use kiln_data::{Augment, Batcher, Image, ImageExample, Normalize};
use rand::Rng;
use rand::rngs::StdRng;

/// Seed of the views of unseeded (evaluation) batches.
pub const EVAL_VIEW_SEED: u64 = 0x005E_ED0F_11E5;

/// A random image transform producing one view (same shape out as in).
pub trait ViewTransform: Send + Sync {
    /// One random view of `image`.
    fn view(&self, image: &Image, rng: &mut StdRng) -> Image;
}

impl<F: Fn(&Image, &mut StdRng) -> Image + Send + Sync> ViewTransform for F {
    fn view(&self, image: &Image, rng: &mut StdRng) -> Image {
        self(image, rng)
    }
}

impl ViewTransform for SimClrAugment {
    fn view(&self, image: &Image, rng: &mut StdRng) -> Image {
        self.apply(image, rng)
    }
}

impl ViewTransform for Augment {
    fn view(&self, image: &Image, rng: &mut StdRng) -> Image {
        self.apply(image, rng)
    }
}

/// Views for small grey images such as the 8×8 digits: rotation and shift ([`Augment`]), then
/// additive Gaussian noise and a square cutout, each drawn independently.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BasicViews {
    /// Rotation and pad-and-crop shift.
    pub augment: Augment,
    /// Standard deviation of the additive noise (0: none); pixels are clipped to `[0, 1]`.
    pub noise_std: f32,
    /// Side of the zeroed square (0: no cutout), placed uniformly, applied with probability ½.
    pub cutout: usize,
}

impl BasicViews {
    /// The views of the digits experiment: ±15° rotation, ±1 px shift, noise σ = 0.1, a 3×3
    /// cutout.
    pub fn digits() -> Self {
        Self {
            augment: Augment { crop_padding: 1, flip: false, max_rotation_degrees: 15.0 },
            noise_std: 0.1,
            cutout: 3,
        }
    }
}

impl ViewTransform for BasicViews {
    fn view(&self, image: &Image, rng: &mut StdRng) -> Image {
        let mut out = self.augment.apply(image, rng);
        if self.noise_std > 0.0 {
            for v in &mut out.pixels {
                // Box–Muller.
                let (u1, u2): (f32, f32) = (rng.random_range(f32::EPSILON..1.0), rng.random());
                let normal = (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos();
                *v = (*v + self.noise_std * normal).clamp(0.0, 1.0);
            }
        }
        let side = self.cutout.min(out.height).min(out.width);
        if side > 0 && rng.random_bool(0.5) {
            let y0 = rng.random_range(0..=out.height - side);
            let x0 = rng.random_range(0..=out.width - side);
            for c in 0..out.channels {
                for y in y0..y0 + side {
                    for x in x0..x0 + side {
                        *out.at_mut(c, y, x) = 0.0;
                    }
                }
            }
        }
        out
    }
}

/// Two views of each image of a batch.
#[derive(Debug, Clone)]
pub struct TwoViews {
    /// `[N, c, h, w]`: the first view of each image.
    pub first: Tensor<4>,
    /// `[N, c, h, w]`: the second view of each image.
    pub second: Tensor<4>,
}

/// Builds [`TwoViews`] batches: two seeded views of every image, then normalisation.
#[derive(Debug, Clone)]
pub struct TwoViewBatcher<T> {
    /// The random transform.
    pub transform: T,
    /// Per-channel normalisation of the views.
    pub normalize: Normalize,
}

impl<T: ViewTransform> TwoViewBatcher<T> {
    /// A batcher drawing views from `transform`.
    pub fn new(transform: T, normalize: Normalize) -> Self {
        Self { transform, normalize }
    }

    /// The two views of `images` for batch seed `seed`, as host pixel buffers (CHW, normalised).
    pub fn views(&self, images: &[&Image], seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut first = Vec::new();
        let mut second = Vec::new();
        for (i, image) in images.iter().enumerate() {
            let plane = image.height * image.width;
            for (stream, out) in [(2 * i as u64, &mut first), (2 * i as u64 + 1, &mut second)] {
                let start = out.len();
                out.extend_from_slice(&self.transform.view(image, &mut rng(seed, stream)).pixels);
                self.normalize.apply(&mut out[start..], plane);
            }
        }
        (first, second)
    }
}

impl<T: ViewTransform> Batcher<ImageExample, TwoViews> for TwoViewBatcher<T> {
    fn batch(&self, items: &[ImageExample], device: &Device, seed: Option<u64>) -> TwoViews {
        let [c, h, w] = items.first().map_or([1, 1, 1], |e| e.image.shape());
        let images: Vec<&Image> = items.iter().map(|e| &e.image).collect();
        let (first, second) = self.views(&images, seed.unwrap_or(EVAL_VIEW_SEED));
        let shape = [items.len(), c, h, w];
        TwoViews {
            first: Tensor::from_data(TensorData::new(first, shape), device),
            second: Tensor::from_data(TensorData::new(second, shape), device),
        }
    }
}
