//! Autodiff for the fused batch norm: the forward of the inner backend recorded as one node, whose
//! backward is the inner backend's [`FusedBatchNormBackend::fused_batch_norm_backward`].
//!
//! The node keeps the input `x` and `γ` as checkpointed parents (so gradient checkpointing can
//! drop and recompute them like any other node's inputs) and the batch statistics `μ`, `σ²` as
//! its state; `β` only enters the backward through `dβ = Σ dy`.
//!
//! The backward itself is not differentiated again: on `Autodiff<B>`,
//! `fused_batch_norm_backward` keeps the trait's default (burn's `batch_norm_train_backward`,
//! which burn's autodiff refuses with a panic), as burn's own batch norm does.

use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, AutodiffBackend, Backend};

use super::batch_norm::{BatchNormStats, FusedBatchNormBackend};

/// The backward step of one fused batch norm (parents: `x`, `γ`, `β`).
#[derive(Debug)]
struct FusedBatchNormStep;

/// What the step keeps from the forward: the checkpointed `x` and `γ`, `μ`, `σ²` and `ε`.
#[derive(Debug, Clone)]
struct StepState<B: Backend> {
    x: NodeId,
    gamma: NodeId,
    mean: FloatTensor<B>,
    var: FloatTensor<B>,
    epsilon: f64,
}

impl<B: FusedBatchNormBackend> Backward<B, 3> for FusedBatchNormStep {
    type State = StepState<B>;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, checkpointer: &mut Checkpointer) {
        let [node_x, node_gamma, node_beta] = ops.parents;
        let output_grad = grads.consume::<B>(&ops.node);
        let state = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(state.x);
        let gamma = checkpointer.retrieve_node_output::<FloatTensor<B>>(state.gamma);
        let result = B::fused_batch_norm_backward(x, gamma, state.mean, state.var, state.epsilon, output_grad);
        if let Some(node) = node_x {
            grads.register::<B>(node.id, result.x);
        }
        if let Some(node) = node_gamma {
            grads.register::<B>(node.id, result.gamma);
        }
        if let Some(node) = node_beta {
            grads.register::<B>(node.id, result.beta);
        }
    }
}

impl<B: FusedBatchNormBackend, C: CheckpointStrategy> FusedBatchNormBackend for Autodiff<B, C> {
    /// The inner backend's fused forward, recorded as one compute-bound node. The returned
    /// statistics are constants (no gradient flows through them), as in burn's own batch norm.
    fn fused_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> BatchNormStats<Self> {
        let prepared =
            FusedBatchNormStep.prepare::<C>([x.node(), gamma.node(), beta.node()]).compute_bound().stateful();
        match prepared {
            OpsKind::Tracked(mut prep) => {
                let x_id = prep.checkpoint(&x);
                let gamma_id = prep.checkpoint(&gamma);
                let inner = B::fused_batch_norm_train(
                    x.into_primitive(),
                    gamma.into_primitive(),
                    beta.into_primitive(),
                    epsilon,
                );
                let state =
                    StepState { x: x_id, gamma: gamma_id, mean: inner.mean.clone(), var: inner.var.clone(), epsilon };
                BatchNormStats {
                    output: prep.finish(state, inner.output),
                    mean: Self::from_inner(inner.mean),
                    var: Self::from_inner(inner.var),
                }
            }
            OpsKind::UnTracked(prep) => {
                let inner = B::fused_batch_norm_train(
                    x.into_primitive(),
                    gamma.into_primitive(),
                    beta.into_primitive(),
                    epsilon,
                );
                BatchNormStats {
                    output: prep.finish(inner.output),
                    mean: Self::from_inner(inner.mean),
                    var: Self::from_inner(inner.var),
                }
            }
        }
    }
}
