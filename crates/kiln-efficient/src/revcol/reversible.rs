//! The reversible backward (megvii-research/RevCol `models/revcol_function.py`,
//! `ReverseFunction.backward`): activation memory independent of the number of columns.
//!
//! 1. Forward every column without autodiff, keeping only the current states.
//! 2. Backpropagate the heads on the last states (leaves marked `require_grad`).
//! 3. For column i = N … 1, level k = L−1 … 0: re-run F_k under autodiff on leaves
//!    c_{k−1}^i (this column's output) and c_{k+1}^{i−1} (rebuilt one level above), rebuild
//!    c_k^{i−1} = (c_k^i − F_k) / α_k, and backpropagate the surrogate
//!    `Σ ⟨α_k ⊙ c_k^{i−1} + F_k, g_k^i⟩`, which gives the gradients of level k's parameters,
//!    of α_k, of c_{k−1}^i (added to g_{k−1}^i, or to g_x at level 0), of c_{k+1}^{i−1} and of
//!    c_k^{i−1} (both into g^{i−1}). An intermediate head on column i adds its gradient to g^i
//!    first.
//! 4. Backpropagate Σ ⟨stem(images), g_x⟩ through the stem.
//!
//! Only one level's graph is alive at a time; parameter gradients are summed by parameter id.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::{Int, Tensor};
use burn::tensor::Gradients;
use kiln_core::nn::cross_entropy;
use kiln_core::train::StepOutput;

use super::column::Column;
use super::model::RevCol;

/// What the reversible backward returns.
#[derive(Debug)]
pub struct ReversibleGradients {
    /// The parameter gradients of the loss times `scale`.
    pub params: GradientsParams,
    /// The gradient of the loss times `scale` with respect to the images, when they were given
    /// with `require_grad`.
    pub input: Option<Tensor<4>>,
    /// The step's output (loss unscaled, logits, targets), without autodiff.
    pub output: StepOutput,
}

/// Moves the gradients of `module`'s parameters out of `grads`, adding them to those already
/// collected for the same parameter.
struct Accumulate<'a> {
    grads: &'a mut Gradients,
    into: &'a mut GradientsParams,
}

impl ModuleVisitor for Accumulate<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if !param.is_require_grad() {
            return;
        }
        let Some(g) = param.val().grad_remove(self.grads) else { return };
        let g = match self.into.remove::<D>(param.id) {
            Some(previous) => previous + g,
            None => g,
        };
        self.into.register(param.id, g);
    }
}

fn collect<M: Module>(module: &M, grads: &mut Gradients, into: &mut GradientsParams) {
    module.visit(&mut Accumulate { grads, into });
}

/// A fresh autodiff leaf holding `t`'s values.
fn leaf(t: &Tensor<4>) -> Tensor<4> {
    t.clone().inner().autodiff().require_grad()
}

fn add_into(slot: &mut Tensor<4>, g: Option<Tensor<4>>) {
    if let Some(g) = g {
        *slot = slot.clone() + g;
    }
}

impl Column {
    /// One column of the reversible backward: from this column's outputs `out` = c^i and their
    /// gradients `g` = ∂L/∂c^i (without autodiff), the rebuilt previous states c^{i−1} and
    /// their gradients; parameter gradients go to `params`, the stem output's to `g_x`. The
    /// first column returns empty vectors.
    pub(super) fn backward_step(
        &self,
        x: &Tensor<4>,
        out: &[Tensor<4>],
        mut g: Vec<Tensor<4>>,
        seed: Option<u64>,
        params: &mut GradientsParams,
        g_x: &mut Tensor<4>,
    ) -> (Vec<Tensor<4>>, Vec<Tensor<4>>) {
        let levels = self.num_levels();
        let first = self.is_first();
        let mut previous: Vec<Option<Tensor<4>>> = vec![None; levels];
        let mut g_previous: Vec<Tensor<4>> =
            if first { Vec::new() } else { out.iter().map(Tensor::zeros_like).collect() };
        for k in (0..levels).rev() {
            let lower = leaf(if k == 0 { x } else { &out[k - 1] });
            let upper = previous.get(k + 1).and_then(|p| p.as_ref()).map(leaf);
            let f = self.f(k, lower.clone(), upper.clone(), seed);
            let (y, previous_leaf) = if first {
                (f, None)
            } else {
                let alpha = self.alpha(k);
                let rebuilt = (out[k].clone() - f.clone().inner()) / alpha.clone().inner();
                let l = leaf(&rebuilt);
                previous[k] = Some(rebuilt);
                (alpha * l.clone() + f, Some(l))
            };
            let mut grads = (y * g[k].clone()).sum().backward();
            collect(self.level(k), &mut grads, params);
            if !first {
                collect(self.alpha_param(k), &mut grads, params);
            }
            let g_lower = lower.grad(&grads);
            if k == 0 {
                add_into(g_x, g_lower);
            } else {
                add_into(&mut g[k - 1], g_lower);
            }
            if let Some(u) = upper {
                add_into(&mut g_previous[k + 1], u.grad(&grads));
            }
            if let Some(l) = previous_leaf {
                add_into(&mut g_previous[k], l.grad(&grads));
            }
        }
        (previous.into_iter().flatten().collect(), g_previous)
    }
}

impl RevCol {
    /// The gradients of one training step by the reversible backward (module docs): the same
    /// values as backpropagating [`RevCol::loss`] (up to rounding), with activation memory
    /// independent of the number of columns. Call it on a network with autodiff parameters;
    /// `images` on an autodiff device (with `require_grad` for their gradient). `seed` enables
    /// drop path (the same masks in the forward and in the recomputation).
    pub fn reversible_gradients(
        &self,
        images: Tensor<4>,
        targets: Tensor<1, Int>,
        seed: Option<u64>,
        scale: f64,
    ) -> ReversibleGradients {
        let plain = self.valid();
        let image_values = images.clone().inner();
        let x = plain.stem_forward(image_values.clone());
        let mut out: Vec<Tensor<4>> = Vec::new();
        for (i, column) in plain.columns.iter().enumerate() {
            let previous = (i > 0).then_some(out.as_slice());
            let next = column.forward(&x, previous, Self::column_seed(seed, i));
            out = next;
        }
        drop(plain);
        let levels = out.len();
        let mut params = GradientsParams::new();
        // Final head.
        let top = leaf(&out[levels - 1]);
        let logits = self.head.forward(top.clone());
        let ce = cross_entropy(logits.clone(), targets.clone());
        let mut grads = (ce.clone() * scale).backward();
        collect(&self.head, &mut grads, &mut params);
        let mut g: Vec<Tensor<4>> = out.iter().map(Tensor::zeros_like).collect();
        add_into(&mut g[levels - 1], top.grad(&grads));
        drop(grads);
        let mut aux_total: Option<Tensor<1>> = None;
        let mut g_x = x.zeros_like();
        for i in (0..self.columns.len()).rev() {
            if let Some((j, head)) = self.aux_of(i) {
                let leaves: Vec<Tensor<4>> = out.iter().map(leaf).collect();
                let (rec, ce) = head.losses(&leaves, image_values.clone(), targets.clone());
                let (wf, wc) = self.aux_weights(j);
                let term = rec * wf + ce * wc;
                let mut grads = (term.clone() * scale).backward();
                collect(head, &mut grads, &mut params);
                for (slot, l) in g.iter_mut().zip(&leaves) {
                    add_into(slot, l.grad(&grads));
                }
                let term = term.inner();
                aux_total = Some(match aux_total {
                    Some(t) => t + term,
                    None => term,
                });
            }
            let (previous, g_previous) =
                self.columns[i].backward_step(&x, &out, g, Self::column_seed(seed, i), &mut params, &mut g_x);
            out = previous;
            g = g_previous;
        }
        // Stem.
        let stem_out = self.stem_forward(images.clone());
        let mut grads = (stem_out * g_x).sum().backward();
        collect(&self.stem, &mut grads, &mut params);
        collect(&self.stem_norm, &mut grads, &mut params);
        let input = images.grad(&grads);
        let ce = ce.inner();
        let (logits, targets) = (logits.inner(), targets);
        let output = match aux_total {
            Some(a) => StepOutput::classification(ce.clone() + a.clone(), logits, targets).with_term("supervision", a),
            None => StepOutput::classification(ce.clone(), logits, targets),
        };
        ReversibleGradients { params, input, output: output.with_term("cross_entropy", ce) }
    }
}
