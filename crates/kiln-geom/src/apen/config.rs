//! [`ApenConfig`]: the paper-like sizes (64 → 16 → parts, *unverified*) and a CPU preset.

use burn::config::Config;
use burn::prelude::Device;

use super::model::Apen;
use crate::error::GeomError;
use crate::frame::FrameGroup;

/// Configuration of an [`Apen`]: the partition sizes `K₀ > K₁ > … > K_L = parts`, one layer
/// Φ(X, Z_l) per size, the width of every layer and the group its frames average over.
#[derive(Config, Debug)]
pub struct ApenConfig {
    /// Parts of the last partition, which are also the part labels predicted per point.
    pub parts: usize,
    /// Parts `K₀` of the fine over-segmentation (FPS centres). Default 64 (*unverified*).
    #[config(default = 64)]
    pub fine_parts: usize,
    /// Intermediate partition sizes between `K₀` and `parts`. Default `[16]` (*unverified*).
    #[config(default = "vec![16]")]
    pub levels: Vec<usize>,
    /// Width of the PointNet-lite ψ in every layer. Default 128.
    #[config(default = 128)]
    pub width: usize,
    /// Shape classes of the class head. Default 4 (the classes of [`super::data`]).
    #[config(default = 4)]
    pub classes: usize,
    /// The frames' group: E(3) (8 frames, default) or SE(3) (4).
    #[config(default = "FrameGroup::E3")]
    pub group: FrameGroup,
}

impl ApenConfig {
    /// The CPU preset: 16 fine parts → 4 parts, width 64, SE(3) frames (4 instead of 8; the
    /// motions of [`super::data`] are proper rotations).
    pub fn small() -> Self {
        Self::new(4).with_fine_parts(16).with_levels(vec![]).with_width(64).with_group(FrameGroup::Se3)
    }

    /// The partition sizes `[K₀, K₁, …, K_L]`.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.fine_parts).chain(self.levels.iter().copied()).chain([self.parts]).collect()
    }

    /// Checks the sizes: every size ≥ 1, each no larger than the one before, and `width`,
    /// `classes` ≥ 1.
    pub fn validate(&self) -> crate::error::Result<()> {
        let sizes = self.sizes();
        if let Some(k) = sizes.iter().position(|&k| k == 0) {
            return Err(GeomError::Invalid(format!("APEN partition {k} has 0 parts (sizes {sizes:?})")));
        }
        if let Some(w) = sizes.windows(2).find(|w| w[1] > w[0]) {
            return Err(GeomError::Invalid(format!(
                "APEN coarsens {} parts into {}: a coarser partition cannot have more parts (sizes {sizes:?})",
                w[0], w[1]
            )));
        }
        if self.width == 0 || self.classes == 0 {
            return Err(GeomError::Invalid(format!(
                "APEN width {} and classes {} must be ≥ 1",
                self.width, self.classes
            )));
        }
        Ok(())
    }

    /// Builds the model on `device` after [`validate`](Self::validate).
    pub fn init(&self, device: &Device) -> crate::error::Result<Apen> {
        self.validate()?;
        Ok(Apen::new(self, device))
    }
}
