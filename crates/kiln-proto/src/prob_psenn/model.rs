//! The Prob-PSENN module: autoencoder, Gaussian prototypes sampled by reparameterisation,
//! the prototype layer of squared distances and the linear-softmax head.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::prelude::Tensor;
use burn::tensor::activation::{sigmoid, softplus};
use kiln_core::nn::Mlp;

use super::config::{ProbPsennConfig, PrototypeMode};
use super::error::ProbPsennError;
use super::noise::normal_tensor;

/// Prob-PSENN (Vadillo et al., arXiv 2403.13740) on Li et al.'s PSENN (AAAI 2018).
///
/// `z = f(x) ∈ R^D` (encoder), `x̂ = g(z)` (decoder, sigmoid output); prototype
/// `p_j = μ_j + σ_j ⊙ ε_j`, `ε_j ~ N(0, I)`, `σ_j = softplus(ρ_j)`; prototype layer
/// `d_j(x) = ‖z − p_j‖²`; logits `= d W` (`W ∈ R^{m×C}`, no bias); `p(y | x, P) = softmax`.
/// A prediction averages `S` sampled prototype sets: `p̄ = (1/S) Σ_s softmax(d(x, P_s) W)`.
#[derive(Module, Debug)]
pub struct ProbPsenn {
    /// Encoder `f`, `[b, n] → [b, D]`.
    pub encoder: Mlp,
    /// Decoder `g` before its sigmoid, `[b, D] → [b, n]`.
    pub decoder: Mlp,
    /// Prototype means `μ`, `[m, D]`.
    pub prototype_means: Param<Tensor<2>>,
    /// Raw scales `ρ`, `[m, D]`; `σ = softplus(ρ)` (unused in deterministic mode).
    pub prototype_rho: Param<Tensor<2>>,
    /// Last layer `m → C` on distances, no bias; burn stores its weight as `[m, C]`.
    pub last_layer: Linear,
    /// The configuration the model was built from (not part of the record).
    #[module(skip)]
    pub config: ProbPsennConfig,
}

/// One forward pass over `S` sampled prototype sets.
#[derive(Debug, Clone)]
pub struct SampledForward {
    /// Encoded inputs `z`, `[b, D]`.
    pub latent: Tensor<2>,
    /// The sampled prototypes `P_s`, `[S, m, D]`.
    pub prototypes: Tensor<3>,
    /// Squared distances `‖z_i − p_{s,j}‖²`, `[S, b, m]`.
    pub distances: Tensor<3>,
    /// Logits per sample, `[S, b, C]`.
    pub logits: Tensor<3>,
}

/// `‖z_i − p_{s,j}‖²` for `z` `[b, D]` and prototype sets `[S, m, D]`, `[S, b, m]`, from
/// differences (no `‖z‖² − 2z·p + ‖p‖²` cancellation).
pub fn squared_distances(z: Tensor<2>, prototypes: Tensor<3>) -> Tensor<3> {
    let diff = z.unsqueeze_dim::<3>(1).unsqueeze_dim::<4>(0) - prototypes.unsqueeze_dim::<4>(1); // [S, b, m, D]
    diff.powi_scalar(2).sum_dim(3).squeeze_dim::<3>(3)
}

impl ProbPsenn {
    /// Number of prototypes `m`.
    pub fn num_prototypes(&self) -> usize {
        self.prototype_means.dims()[0]
    }

    /// Latent dimension `D`.
    pub fn latent_dim(&self) -> usize {
        self.prototype_means.dims()[1]
    }

    /// Number of classes `C`.
    pub fn num_classes(&self) -> usize {
        self.config.num_classes
    }

    /// Whether prototypes are points or distributions.
    pub fn mode(&self) -> PrototypeMode {
        self.config.mode
    }

    /// The same weights in `mode` (deterministic: the plain PSENN of the means).
    pub fn with_mode(mut self, mode: PrototypeMode) -> Self {
        self.config.mode = mode;
        self
    }

    /// Checks that `x` has `[b, input_dim]` rows.
    ///
    /// # Errors
    /// [`ProbPsennError::InputWidth`] otherwise.
    pub fn check_input(&self, x: &Tensor<2>) -> Result<(), ProbPsennError> {
        let found = x.dims()[1];
        let expected = self.config.input_dim;
        if found == expected { Ok(()) } else { Err(ProbPsennError::InputWidth { expected, found }) }
    }

    /// `z = f(x)`, `[b, n] → [b, D]`.
    pub fn encode(&self, x: Tensor<2>) -> Tensor<2> {
        self.encoder.forward(x)
    }

    /// `x̂ = sigmoid(g(z))`, `[N, D] → [N, n]`.
    pub fn decode(&self, z: Tensor<2>) -> Tensor<2> {
        sigmoid(self.decoder.forward(z))
    }

    /// `σ = softplus(ρ)`, `[m, D]`; all zeros in deterministic mode.
    pub fn sigma(&self) -> Tensor<2> {
        match self.config.mode {
            PrototypeMode::Probabilistic => softplus(self.prototype_rho.val(), 1.0),
            PrototypeMode::Deterministic => self.prototype_means.val().zeros_like(),
        }
    }

    /// `S` prototype sets `P_s = μ + σ ⊙ ε_s`, `[S, m, D]`, with `ε` drawn on the host from
    /// `seed` (the same seed gives the same sets on every device). Deterministic mode repeats
    /// the means without drawing.
    ///
    /// # Errors
    /// [`ProbPsennError::ZeroSamples`] when `samples` is 0.
    pub fn sample_prototypes(&self, samples: usize, seed: u64) -> Result<Tensor<3>, ProbPsennError> {
        if samples == 0 {
            return Err(ProbPsennError::ZeroSamples);
        }
        Ok(self.prototype_sets(samples, seed))
    }

    /// [`Self::sample_prototypes`] for a count the caller has checked (0 is drawn as 1).
    pub(crate) fn prototype_sets(&self, samples: usize, seed: u64) -> Tensor<3> {
        let samples = samples.max(1);
        let means = self.prototype_means.val();
        let [m, d] = means.dims();
        match self.config.mode {
            PrototypeMode::Deterministic => means.unsqueeze::<3>().repeat_dim(0, samples),
            PrototypeMode::Probabilistic => {
                let noise = normal_tensor(seed, [samples, m, d], &means.device());
                means.unsqueeze::<3>() + self.sigma().unsqueeze::<3>() * noise
            }
        }
    }

    /// Logits `d W` for distances `[S, b, m]`, `[S, b, C]`.
    pub fn logits_from_distances(&self, distances: Tensor<3>) -> Tensor<3> {
        let [s, b, m] = distances.dims();
        self.last_layer.forward(distances.reshape([s * b, m])).reshape([s, b, self.config.num_classes])
    }

    /// The forward pass for given prototype sets `[S, m, D]`.
    pub fn forward_with_prototypes(&self, x: Tensor<2>, prototypes: Tensor<3>) -> SampledForward {
        let latent = self.encode(x);
        let distances = squared_distances(latent.clone(), prototypes.clone());
        let logits = self.logits_from_distances(distances.clone());
        SampledForward { latent, prototypes, distances, logits }
    }

    /// The forward pass over `samples` prototype sets drawn from `seed`.
    ///
    /// # Errors
    /// [`ProbPsennError::ZeroSamples`], [`ProbPsennError::InputWidth`].
    pub fn forward_sampled(&self, x: Tensor<2>, samples: usize, seed: u64) -> Result<SampledForward, ProbPsennError> {
        self.check_input(&x)?;
        let prototypes = self.sample_prototypes(samples, seed)?;
        Ok(self.forward_with_prototypes(x, prototypes))
    }

    /// Logits `[b, C]` of the plain PSENN whose prototypes are the means `μ` (σ = 0), in
    /// either mode. Panics on a wrong input width (use [`Self::check_input`] first on user data).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let means = self.prototype_means.val().unsqueeze::<3>();
        let out = self.forward_with_prototypes(x, means);
        let [_, b, c] = out.logits.dims();
        out.logits.reshape([b, c])
    }

    /// The decoded prototype means `g(μ_j)`, `[m, n]` (Li et al.'s prototype pictures).
    pub fn decode_prototype_means(&self) -> Tensor<2> {
        self.decode(self.prototype_means.val())
    }

    /// Decoded samples `g(p_{s,j})` of every prototype, `[S, m, n]`: what the spread of a
    /// prototype distribution looks like in input space.
    ///
    /// # Errors
    /// [`ProbPsennError::ZeroSamples`] when `samples` is 0.
    pub fn decode_prototype_samples(&self, samples: usize, seed: u64) -> Result<Tensor<3>, ProbPsennError> {
        let prototypes = self.sample_prototypes(samples, seed)?;
        let [s, m, d] = prototypes.dims();
        Ok(self.decode(prototypes.reshape([s * m, d])).reshape([s, m, self.config.input_dim]))
    }
}
