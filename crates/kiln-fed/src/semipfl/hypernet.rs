//! The hypernetwork `θ_i = h(v_i; φ)`: a learned client embedding `v_i`, an MLP, and one
//! linear head per tensor of the client's autoencoder; its server step
//! `∇_φ = (∂θ_i/∂φ)ᵀ(θ_i − θ̃_i)` as the gradient of `Σ⟨θ_i(φ), detach(θ_i − θ̃_i)⟩`.

use std::path::Path;

use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::optim::GradientsParams;
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::activation::relu;

use crate::core::{NamedTensor, ParamSet};
use crate::error::{FedError, Result};

/// Builds a [`Hypernetwork`] for a target model's parameter layout.
#[derive(Debug, Clone, PartialEq)]
pub struct HypernetworkConfig {
    /// Number of clients (embedding rows).
    pub clients: usize,
    /// Embedding width (`1 + ⌊n/4⌋` in the code).
    pub embedding_dim: usize,
    /// MLP width.
    pub hidden: usize,
    /// MLP hidden layers after the first `Linear`.
    pub layers: usize,
    /// `(path, shape)` of every tensor generated, in order (a [`ParamSet`]'s layout).
    pub layout: Vec<(String, Vec<usize>)>,
}

impl HypernetworkConfig {
    /// A configuration generating tensors of `target`'s layout (values ignored).
    pub fn for_target(clients: usize, embedding_dim: usize, hidden: usize, layers: usize, target: &ParamSet) -> Self {
        let layout = target.tensors.iter().map(|t| (t.path.clone(), t.shape.clone())).collect();
        Self { clients, embedding_dim, hidden, layers, layout }
    }

    /// The hypernetwork: embeddings `~ N(0, 1)` (as `nn.Embedding`), linear layers with burn's
    /// default (PyTorch's) initialisation.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] for 0 clients, widths or tensors.
    pub fn init(&self, device: &Device) -> Result<Hypernetwork> {
        for (field, v) in [("clients", self.clients), ("embedding_dim", self.embedding_dim), ("hidden", self.hidden)] {
            if v == 0 {
                return Err(FedError::setting(field, 0, "must be at least 1"));
            }
        }
        if self.layout.is_empty() {
            return Err(FedError::setting("layout", "[]", "the target has no tensors"));
        }
        let mut mlp = vec![LinearConfig::new(self.embedding_dim, self.hidden).init(device)];
        mlp.extend((0..self.layers).map(|_| LinearConfig::new(self.hidden, self.hidden).init(device)));
        let heads = self
            .layout
            .iter()
            .map(|(_, shape)| LinearConfig::new(self.hidden, shape.iter().product::<usize>().max(1)).init(device))
            .collect();
        let embeddings = Initializer::Normal { mean: 0.0, std: 1.0 }.init([self.clients, self.embedding_dim], device);
        Ok(Hypernetwork { embeddings, mlp, heads, layout: self.layout.clone() })
    }
}

/// `h(v_i; φ)`: embeddings `v`, MLP and heads `φ`.
#[derive(Module, Debug)]
pub struct Hypernetwork {
    /// Client embeddings `[clients, embedding_dim]`.
    pub embeddings: Param<Tensor<2>>,
    /// `Linear(emb, hidden)`, then `layers × (ReLU, Linear(hidden, hidden))`.
    pub mlp: Vec<Linear>,
    /// One `Linear(hidden, numel)` per generated tensor.
    pub heads: Vec<Linear>,
    #[module(skip)]
    layout: Vec<(String, Vec<usize>)>,
}

impl Hypernetwork {
    /// Number of client embeddings.
    pub fn clients(&self) -> usize {
        self.embeddings.val().dims()[0]
    }

    /// `(path, shape)` of the generated tensors.
    pub fn layout(&self) -> &[(String, Vec<usize>)] {
        &self.layout
    }

    /// `θ_i`, one flat tensor per entry of the layout (row-major values of its shape).
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] for a client id out of range.
    pub fn forward(&self, client: usize) -> Result<Vec<Tensor<1>>> {
        let [clients, dim] = self.embeddings.val().dims();
        if client >= clients {
            return Err(FedError::setting("client", client, "has no embedding in this hypernetwork"));
        }
        let mut h = self.embeddings.val().slice([client..client + 1, 0..dim]);
        for (i, layer) in self.mlp.iter().enumerate() {
            if i > 0 {
                h = relu(h);
            }
            h = layer.forward(h);
        }
        Ok(self.heads.iter().map(|head| head.forward(h.clone()).flatten(0, 1)).collect())
    }

    /// `θ_i` on the host, as a [`ParamSet`] of the layout (what the client receives).
    ///
    /// # Errors
    /// A bad client id, or a tensor that cannot be read back.
    pub fn params(&self, client: usize) -> Result<ParamSet> {
        let outputs = self.forward(client)?;
        let mut tensors = Vec::with_capacity(outputs.len());
        for ((path, shape), t) in self.layout.iter().zip(outputs) {
            tensors.push(NamedTensor {
                path: path.clone(),
                shape: shape.clone(),
                values: kiln_core::tensor::try_to_vec(t)?,
            });
        }
        Ok(ParamSet { tensors })
    }

    /// Saves the embeddings and `φ` (burnpack).
    ///
    /// # Errors
    /// [`FedError::File`] when the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.clone().save_file(path).map_err(|e| FedError::file(path, format!("{e:?}")))
    }

    /// This hypernetwork with the values saved by [`Hypernetwork::save`].
    ///
    /// # Errors
    /// [`FedError::File`] when the file cannot be read or does not fit.
    pub fn load(self, path: &Path) -> Result<Self> {
        self.try_load_file(path).map_err(|e| FedError::file(path, format!("{e:?}")))
    }
}

/// The server's surrogate objective `L(φ) = Σ_t ⟨θ_t(φ), Δ_t⟩` with `Δ = θ_i − θ̃_i` fixed
/// (detached): `∇_φ L = (∂θ_i/∂φ)ᵀ(θ_i − θ̃_i)`, the gradient of `½‖θ_i(φ) − θ̃_i‖²`.
///
/// # Errors
/// [`FedError::ParamMismatch`] when `delta` does not have one tensor of the right size per
/// output.
pub fn surrogate(thetas: &[Tensor<1>], delta: &ParamSet) -> Result<Tensor<1>> {
    if thetas.len() != delta.tensors.len() || thetas.is_empty() {
        return Err(FedError::ParamMismatch {
            path: String::new(),
            client: None,
            reason: format!("{} tensors in Δθ for {} generated", delta.tensors.len(), thetas.len()),
        });
    }
    let mut total: Option<Tensor<1>> = None;
    for (theta, d) in thetas.iter().zip(&delta.tensors) {
        let [n] = theta.dims();
        if d.values.len() != n {
            return Err(FedError::ParamMismatch {
                path: d.path.clone(),
                client: None,
                reason: format!("{} values where {n} are generated", d.values.len()),
            });
        }
        let fixed = Tensor::<1>::from_data(TensorData::new(d.values.clone(), [n]), &theta.device());
        let term = (theta.clone() * fixed).sum();
        total = Some(match total {
            Some(t) => t + term,
            None => term,
        });
    }
    total.ok_or_else(|| FedError::setting("delta", "[]", "empty"))
}

/// `Δ = a − b`, tensor by tensor.
///
/// # Errors
/// [`FedError::ParamMismatch`] when the layouts differ.
pub fn difference(a: &ParamSet, b: &ParamSet, client: Option<usize>) -> Result<ParamSet> {
    a.check_layout(b, client)?;
    let mut out = a.clone();
    for (t, o) in out.tensors.iter_mut().zip(&b.tensors) {
        for (x, y) in t.values.iter_mut().zip(&o.values) {
            *x -= y;
        }
    }
    Ok(out)
}

struct GradNorm<'a> {
    grads: &'a GradientsParams,
    squares: f64,
}

impl ModuleVisitor for GradNorm<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(param.id) {
            self.squares += f64::from(g.powi_scalar(2).sum().into_scalar::<f32>());
        }
    }
}

struct Scale<'a> {
    grads: &'a mut GradientsParams,
    factor: f32,
}

impl ModuleVisitor for Scale<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.remove::<D>(param.id) {
            self.grads.register(param.id, g.mul_scalar(self.factor));
        }
    }
}

/// Scales every gradient of `module` by `max_norm / ‖g‖` when the global norm `‖g‖` (over
/// all its parameters) exceeds `max_norm` (PyTorch's `clip_grad_norm_`); returns `‖g‖`.
pub fn clip_global_norm<M: Module>(module: &M, grads: &mut GradientsParams, max_norm: f32) -> f64 {
    let mut norm = GradNorm { grads, squares: 0.0 };
    module.visit(&mut norm);
    let total = norm.squares.sqrt();
    if total > f64::from(max_norm) {
        let factor = (f64::from(max_norm) / (total + 1e-6)) as f32;
        module.visit(&mut Scale { grads, factor });
    }
    total
}
