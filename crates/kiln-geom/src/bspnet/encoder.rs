//! BSP-Net's encoders (§3.1; `encoder` in the official code): strided 4×4(×4) convolutions
//! with leaky ReLU (slope 0.01) halve the grid down to 4, a final valid 4×4(×4) convolution
//! gives the shape code `z` of `8·ef_dim` values; the plane generator, an MLP
//! `8ef → 16ef → 32ef → 64ef → p·(d+1)`, turns `z` into the plane parameters `P`.
//!
//! The code's activation follows the official code per dimension: the 2-D encoder
//! (`bsp_2d/model.py`) ends in leaky ReLU, `z = lrelu(conv₅(h))`, the 3-D encoder
//! (`modelAE.py`, TensorFlow and PyTorch) in a sigmoid, `z = σ(conv₅(h)) ∈ (0, 1)^{8ef}` (the
//! code the single-view network later regresses to).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig, Conv3d, Conv3dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d, PaddingConfig3d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{leaky_relu, sigmoid};

const SLOPE: f64 = 0.01;

/// The activation of the shape code `z`, the encoder's last layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CodeActivation {
    /// `lrelu(·)` with slope 0.01: the official 2-D encoder.
    LeakyRelu,
    /// `σ(·)`: the official 3-D encoder.
    Sigmoid,
}

impl CodeActivation {
    /// The official code's choice for `dims` (2: leaky ReLU, 3: sigmoid).
    pub fn official(dims: usize) -> Self {
        if dims == 2 { Self::LeakyRelu } else { Self::Sigmoid }
    }

    fn apply(self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Self::LeakyRelu => leaky_relu(x, SLOPE),
            Self::Sigmoid => sigmoid(x),
        }
    }
}

/// Channels of the strided convolutions: `ef, 2ef, 4ef, 8ef, 8ef, …` for an input of `size`.
fn widths(size: usize, ef: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut s = size;
    while s > 4 {
        out.push(ef << out.len().min(3));
        s /= 2;
    }
    out
}

/// The 2-D image encoder: `[b, 1, s, s] → [b, 8·ef]`, code through leaky ReLU.
#[derive(Module, Debug)]
pub struct Encoder2d {
    /// Strided 4×4 convolutions (stride 2, padding 1).
    pub convs: Vec<Conv2d>,
    /// The final valid 4×4 convolution.
    pub last: Conv2d,
    /// The code's activation.
    #[module(skip)]
    pub code: CodeActivation,
}

impl Encoder2d {
    /// An encoder for `size × size` images with base width `ef`.
    pub fn new(size: usize, ef: usize, device: &Device) -> Self {
        let mut convs = Vec::new();
        let mut c_in = 1;
        for c in widths(size, ef) {
            convs.push(
                Conv2dConfig::new([c_in, c], [4, 4])
                    .with_stride([2, 2])
                    .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                    .init(device),
            );
            c_in = c;
        }
        Self { convs, last: Conv2dConfig::new([c_in, ef * 8], [4, 4]).init(device), code: CodeActivation::LeakyRelu }
    }

    /// The code `z = lrelu(conv₅(h))` (not squashed, as in the official 2-D code; see
    /// [`Self::code`]).
    ///
    /// # Shapes
    /// `[b, 1, s, s] → [b, 8·ef]`
    pub fn forward(&self, mut x: Tensor<4>) -> Tensor<2> {
        for conv in &self.convs {
            x = leaky_relu(conv.forward(x), SLOPE);
        }
        self.code.apply(self.last.forward(x).flatten(1, 3))
    }
}

/// The 3-D voxel encoder: `[b, 1, s, s, s] → [b, 8·ef]`, code through a sigmoid.
#[derive(Module, Debug)]
pub struct Encoder3d {
    /// Strided 4×4×4 convolutions (stride 2, padding 1).
    pub convs: Vec<Conv3d>,
    /// The final valid 4×4×4 convolution.
    pub last: Conv3d,
    /// The code's activation.
    #[module(skip)]
    pub code: CodeActivation,
}

impl Encoder3d {
    /// An encoder for `size³` voxel grids with base width `ef`.
    pub fn new(size: usize, ef: usize, device: &Device) -> Self {
        let mut convs = Vec::new();
        let mut c_in = 1;
        for c in widths(size, ef) {
            convs.push(
                Conv3dConfig::new([c_in, c], [4, 4, 4])
                    .with_stride([2, 2, 2])
                    .with_padding(PaddingConfig3d::Explicit(1, 1, 1))
                    .init(device),
            );
            c_in = c;
        }
        Self { convs, last: Conv3dConfig::new([c_in, ef * 8], [4, 4, 4]).init(device), code: CodeActivation::Sigmoid }
    }

    /// The code `z = σ(conv₅(h)) ∈ (0, 1)^{8ef}` (the official 3-D encoder's sigmoid; see
    /// [`Self::code`]).
    ///
    /// # Shapes
    /// `[b, 1, s, s, s] → [b, 8·ef]`
    pub fn forward(&self, mut x: Tensor<5>) -> Tensor<2> {
        for conv in &self.convs {
            x = leaky_relu(conv.forward(x), SLOPE);
        }
        self.code.apply(self.last.forward(x).flatten(1, 4))
    }
}

/// The plane generator: an MLP from the code `z` to `p` planes `(a, b, [c,] d)`, times a
/// constant `plane_scale`.
#[derive(Module, Debug)]
pub struct PlaneGenerator {
    /// Hidden layers `8ef → 16ef → 32ef → 64ef`.
    pub hidden: Vec<Linear>,
    /// Output layer `64ef → p·(d+1)`.
    pub out: Linear,
    /// Number of planes `p`.
    pub num_planes: usize,
    /// Plane parameters per plane (`d + 1`).
    pub plane_dim: usize,
    /// Constant factor on the output (1 in the official code).
    pub plane_scale: f64,
}

impl PlaneGenerator {
    /// A generator from a code of `code` values to `num_planes` planes of `plane_dim` values.
    pub fn new(code: usize, ef: usize, num_planes: usize, plane_dim: usize, plane_scale: f64, device: &Device) -> Self {
        let hidden = vec![
            LinearConfig::new(code, ef * 16).init(device),
            LinearConfig::new(ef * 16, ef * 32).init(device),
            LinearConfig::new(ef * 32, ef * 64).init(device),
        ];
        Self {
            hidden,
            out: LinearConfig::new(ef * 64, num_planes * plane_dim).init(device),
            num_planes,
            plane_dim,
            plane_scale,
        }
    }

    /// # Shapes
    /// `[b, code] → [b, d+1, p]` (column `i` is plane `i`: `D_i(x) = x̃ · P_i`, `x̃ = (x, 1)`).
    pub fn forward(&self, mut z: Tensor<2>) -> Tensor<3> {
        for layer in &self.hidden {
            z = leaky_relu(layer.forward(z), SLOPE);
        }
        let [b, _] = z.dims();
        (self.out.forward(z) * self.plane_scale).reshape([b, self.plane_dim, self.num_planes])
    }
}
