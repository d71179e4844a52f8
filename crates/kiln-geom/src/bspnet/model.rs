//! [`BspNet`]: encoder → planes `P` → convex layer `T` → union layer `W` (Chen et al., CVPR
//! 2020, §3, Fig. 2). With `x̃ = (x, 1)`:
//!
//! - plane layer: `D = relu(x̃ P)`, positive outside a half-space (`[b, n, p]`);
//! - convex layer: `C = D T`, zero inside convex `j` (`[b, n, c]`);
//! - continuous phase (§3.2, phase 0): `C⁺ = clamp(1 − C, 0, 1)`, `S⁺ = clamp(C⁺ W, 0, 1)`
//!   (1 inside);
//! - hard phase (§3.3, phase 1): `T` binarised to `[T > 0.01]`, `S* = min_j C_j` (0 inside).

use burn::module::{Module, Param};
use burn::prelude::{Tensor, TensorData};
use burn::tensor::activation::relu;
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::encoder::{Encoder2d, Encoder3d, PlaneGenerator};
use super::loss::{continuous_loss, hard_loss};

/// BSP-Net's training stages (§3.2–3.3): the model's forward pass and loss depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum BspStage {
    /// Continuous phase: soft union through `W`, loss `L_recon + L_T + L_W` (also the stage of
    /// evaluation outside a run).
    #[default]
    Continuous,
    /// Hard phase: min-pooling union, `T` binarised, loss `L_recon` only.
    Hard,
}

/// The encoder's input.
#[derive(Debug, Clone)]
pub enum BspInput {
    /// `[b, 1, s, s]` binary images.
    Image(Tensor<4>),
    /// `[b, 1, s, s, s]` voxel grids.
    Voxels(Tensor<5>),
}

/// One training batch: shapes, query points and their occupancy.
#[derive(Debug, Clone)]
pub struct BspBatch {
    /// The shapes fed to the encoder.
    pub input: BspInput,
    /// Homogeneous query points `x̃ = (x, 1)`, `[b, n, d+1]`.
    pub points: Tensor<3>,
    /// Ground-truth occupancy `F` (1 inside), `[b, n]`.
    pub values: Tensor<2>,
}

/// Outputs of the continuous phase.
#[derive(Debug, Clone)]
pub struct ContinuousOutput {
    /// `S⁺`, `[b, n]` (1 inside).
    pub shape: Tensor<2>,
    /// `C⁺`, `[b, n, c]`.
    pub convexes: Tensor<3>,
}

/// Outputs of the hard phase.
#[derive(Debug, Clone)]
pub struct HardOutput {
    /// `S* = min_j C_j`, `[b, n]` (0 inside).
    pub shape: Tensor<2>,
    /// `C = D [T > 0.01]`, `[b, n, c]` (0 inside convex `j`).
    pub convexes: Tensor<3>,
}

/// BSP-Net.
#[derive(Module, Debug)]
pub struct BspNet {
    /// Image encoder (2-D models).
    pub encoder_2d: Option<Encoder2d>,
    /// Voxel encoder (3-D models).
    pub encoder_3d: Option<Encoder3d>,
    /// Code → planes.
    pub generator: PlaneGenerator,
    /// The convex layer's `T`, `[p, c]`.
    pub convex_t: Param<Tensor<2>>,
    /// The union layer's `W`, `[c, 1]` (continuous phase only).
    pub union_w: Param<Tensor<2>>,
    /// Spatial dimension (2 or 3).
    pub dims: usize,
    /// Binarisation threshold of `T`.
    pub t_threshold: f64,
    /// Inside threshold of the hard-phase value.
    pub inside_threshold: f64,
}

impl BspNet {
    /// The planes predicted for each shape (images for a 2-D model, voxels for a 3-D one;
    /// panics on the other kind, a programming error).
    ///
    /// # Shapes
    /// `→ [b, d+1, p]`
    pub fn planes(&self, input: BspInput) -> Tensor<3> {
        let code = match (input, &self.encoder_2d, &self.encoder_3d) {
            (BspInput::Image(x), Some(e), _) => e.forward(x),
            (BspInput::Voxels(x), _, Some(e)) => e.forward(x),
            _ => panic!("BspNet: a {}-D model was given the other kind of input", self.dims),
        };
        self.generator.forward(code)
    }

    /// Plane layer `D = relu(x̃ P)`: `[b, n, d+1] × [b, d+1, p] → [b, n, p]`.
    pub fn plane_distances(points: Tensor<3>, planes: Tensor<3>) -> Tensor<3> {
        relu(points.matmul(planes))
    }

    /// `T` binarised: `[T > threshold]` as 0/1 (no gradient).
    pub fn binary_t(&self) -> Tensor<2> {
        self.convex_t.val().greater_elem(self.t_threshold).float()
    }

    /// The continuous phase on given planes.
    pub fn continuous(&self, points: Tensor<3>, planes: Tensor<3>) -> ContinuousOutput {
        let d = Self::plane_distances(points, planes);
        let convexes = (d.matmul(self.convex_t.val().unsqueeze_dim(0)).neg() + 1.0).clamp(0.0, 1.0);
        let shape = convexes.clone().matmul(self.union_w.val().unsqueeze_dim(0)).clamp(0.0, 1.0).squeeze_dim(2);
        ContinuousOutput { shape, convexes }
    }

    /// The hard phase on given planes.
    pub fn hard(&self, points: Tensor<3>, planes: Tensor<3>) -> HardOutput {
        let d = Self::plane_distances(points, planes);
        let convexes = d.matmul(self.binary_t().unsqueeze_dim(0));
        let shape = convexes.clone().min_dim(2).squeeze_dim(2);
        HardOutput { shape, convexes }
    }

    /// `T` on the host, `[p][c]` row-major.
    pub fn t_values(&self) -> Vec<f32> {
        kiln_core::tensor::to_vec(self.convex_t.val())
    }

    /// Number of planes and convexes `(p, c)`.
    pub fn sizes(&self) -> (usize, usize) {
        let [p, c] = self.convex_t.val().dims();
        (p, c)
    }
}

/// Homogeneous coordinates `(x, 1)` of points given as rows of `d` values, as `[1, n, d+1]`.
pub fn homogeneous(points: &[Vec<f32>], device: &burn::prelude::Device) -> Tensor<3> {
    let d = points.first().map_or(0, Vec::len);
    let flat: Vec<f32> = points.iter().flat_map(|p| p.iter().copied().chain([1.0])).collect();
    Tensor::from_data(TensorData::new(flat, [1, points.len(), d + 1]), device)
}

impl TrainModel for BspNet {
    type Batch = BspBatch;
    type Stage = BspStage;

    fn step(&self, batch: BspBatch, ctx: &StepContext<BspStage>) -> StepOutput {
        let planes = self.planes(batch.input);
        if ctx.stage == BspStage::Hard {
            let out = self.hard(batch.points, planes);
            let loss = hard_loss(out.shape, batch.values);
            StepOutput::loss(loss.clone()).with_term("recon", loss)
        } else {
            let out = self.continuous(batch.points, planes);
            let terms = continuous_loss(out.shape, batch.values, self.convex_t.val(), self.union_w.val());
            StepOutput::loss(terms.total())
                .with_term("recon", terms.recon)
                .with_term("l_t", terms.l_t)
                .with_term("l_w", terms.l_w)
        }
    }
}
