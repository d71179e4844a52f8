//! [`BspNetConfig`]: the paper's defaults and scaled-down presets.

use burn::config::Config;
use burn::module::Param;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;

use super::encoder::{CodeActivation, Encoder2d, Encoder3d, PlaneGenerator};
use super::model::BspNet;

/// Configuration of a [`BspNet`]. Defaults follow the official code
/// (czq142857/BSP-NET-original): encoder base width `ef_dim = 32`, `p = 4096` planes and
/// `c = 256` convexes in 3-D (the 2-D toy code uses `p = 256`, `c = 64`), T binarised at 0.01.
#[derive(Config, Debug)]
pub struct BspNetConfig {
    /// Spatial dimension: 2 (images) or 3 (voxels).
    pub dims: usize,
    /// Side of the input grid (a power of two ≥ 8): 64 in the paper.
    pub input_size: usize,
    /// Base width of the encoder (`ef_dim`). Default 32.
    #[config(default = 32)]
    pub ef_dim: usize,
    /// Number of planes `p`. Default 4096.
    #[config(default = 4096)]
    pub num_planes: usize,
    /// Number of convexes `c` (columns of T). Default 256.
    #[config(default = 256)]
    pub num_convexes: usize,
    /// Threshold binarising T in the hard phase (`T > 0.01`). Default 0.01.
    #[config(default = 0.01)]
    pub t_threshold: f64,
    /// Mean of W's initialisation. Default 1e-5 (official code; W then reaches 1 through
    /// `L_W`).
    #[config(default = 1e-5)]
    pub w_init_mean: f64,
    /// Constant factor on the plane generator's output. Default 1 (official code). A sharp
    /// boundary needs planes of norm ≈ grid size (`C⁺ = 1 − D T` falls from 1 to 0 over
    /// `1/‖n‖`); the short presets scale the output so that Adam reaches such norms in 10³
    /// rather than 10⁶ steps.
    #[config(default = 1.0)]
    pub plane_scale: f64,
    /// A point is inside a convex / the shape when the hard-phase value is below this. Default 0.01.
    #[config(default = 0.01)]
    pub inside_threshold: f64,
    /// The shape code's activation; `None` (default) = the official code's per dimension,
    /// [`CodeActivation::official`] (2-D leaky ReLU, 3-D sigmoid).
    #[config(default = "None")]
    pub code_activation: Option<CodeActivation>,
}

impl BspNetConfig {
    /// The 2-D toy recipe scaled down: `size²` images, `ef_dim = 8`, `p = 64`, `c = 16`.
    pub fn toy_2d(size: usize) -> Self {
        Self::new(2, size).with_ef_dim(8).with_num_planes(64).with_num_convexes(16).with_plane_scale(8.0)
    }

    /// A small 3-D model: `size³` voxels, `ef_dim = 8`, `p = 96`, `c = 24`.
    pub fn small_3d(size: usize) -> Self {
        Self::new(3, size).with_ef_dim(8).with_num_planes(96).with_num_convexes(24).with_plane_scale(8.0)
    }

    /// Builds the network. T ~ N(0, 0.02²) as in the official code, W ~ N(`w_init_mean`, 0.02²).
    pub fn init(&self, device: &Device) -> BspNet {
        let code_width = self.ef_dim * 8;
        let code = self.code_activation.unwrap_or(CodeActivation::official(self.dims));
        let (encoder_2d, encoder_3d) = match self.dims {
            2 => (Some(Encoder2d { code, ..Encoder2d::new(self.input_size, self.ef_dim, device) }), None),
            _ => (None, Some(Encoder3d { code, ..Encoder3d::new(self.input_size, self.ef_dim, device) })),
        };
        let generator =
            PlaneGenerator::new(code_width, self.ef_dim, self.num_planes, self.dims + 1, self.plane_scale, device);
        let convex_t = Tensor::random([self.num_planes, self.num_convexes], Distribution::Normal(0.0, 0.02), device);
        let union_w = Tensor::random([self.num_convexes, 1], Distribution::Normal(self.w_init_mean, 0.02), device);
        BspNet {
            encoder_2d,
            encoder_3d,
            generator,
            convex_t: Param::from_tensor(convex_t),
            union_w: Param::from_tensor(union_w),
            dims: self.dims,
            t_threshold: self.t_threshold,
            inside_threshold: self.inside_threshold,
        }
    }
}
