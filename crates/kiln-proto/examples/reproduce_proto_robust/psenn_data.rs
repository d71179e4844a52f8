//! The data of the Prob-PSENN section: training digits 0–4, and three test sets of one size:
//! held-out digits 0–4 (in distribution), digits 5–9 and procedural creatures as 8×8 grey
//! images (out of distribution).

use kiln_data::procedural::{ProceduralConfig, generate};
use kiln_data::transform::to_shape;
use kiln_data::{ImageExample, VectorExample, digits, split};

/// Names of the test sets, in [`DigitSets::sets`] order.
pub const SETS: [&str; 3] = ["digits 0–4 (held out)", "digits 5–9", "procedural (8×8 grey)"];

/// Classes the models learn (digits `0..CLASSES`).
pub const CLASSES: usize = 5;

/// Side of the images the models see.
pub const SIDE: usize = 8;

/// Side of the procedural images before they are averaged down to [`SIDE`].
pub const PROCEDURAL_SIDE: usize = 32;

/// Training digits and the test sets of one seed.
pub struct DigitSets {
    /// Digits 0–4, 80% of them (split by seed).
    pub train: Vec<ImageExample>,
    /// The sets of [`SETS`]: the other 20% of digits 0–4, as many digits 5–9 (drawn by seed)
    /// and as many procedural creatures (generated from the seed); OOD labels are their own.
    pub sets: Vec<Vec<ImageExample>>,
}

impl DigitSets {
    /// The sets of `seed`.
    pub fn new(seed: u64) -> kiln_data::Result<Self> {
        let (low, high): (Vec<_>, Vec<_>) = digits()?.into_iter().partition(|e| e.label < CLASSES);
        let data = split(low, 0.0, 0.2, seed);
        let n = data.test.len();
        let order = kiln_core::seed::permutation(high.len(), seed);
        let high: Vec<ImageExample> = order.iter().take(n).map(|&i| high[i].clone()).collect();
        let cfg = ProceduralConfig::new(10).with_image_size(PROCEDURAL_SIDE).with_num_images(n).with_seed(seed);
        let procedural = generate(&cfg)?
            .iter()
            .map(|c| Ok(ImageExample { image: to_shape(&c.image, [1, SIDE, SIDE])?, label: c.label }))
            .collect::<kiln_data::Result<Vec<_>>>()?;
        Ok(Self { train: data.train, sets: vec![data.test, high, procedural] })
    }
}

/// The images as vectors of their pixels in `[0, 1]` (what the PSENNs read).
pub fn vectors(set: &[ImageExample]) -> Vec<VectorExample> {
    set.iter().map(|e| VectorExample { features: e.image.pixels.clone(), label: e.label }).collect()
}
