//! Autodiff for the extension convolution: the inner backend's forward recorded as one node,
//! whose backward computes `∂L/∂x` and `∂L/∂w` (each only when that parent is tracked) with the
//! inner backend's [`FusedConvBackend`] gradients. `x` and `w` are checkpointed parents, like
//! burn's own convolution node.

use burn::backend::Autodiff;
use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::ConvOptions;
use burn::backend::tensor::FloatTensor;

use super::conv::FusedConvBackend;

/// The backward step of one convolution (parents: `x`, `w`).
#[derive(Debug)]
struct FusedConvStep;

/// What the step keeps: the checkpointed `x` and `w` and the options.
#[derive(Debug, Clone)]
struct StepState {
    x: NodeId,
    weight: NodeId,
    options: ConvOptions<2>,
}

impl<B: FusedConvBackend> Backward<B, 2> for FusedConvStep {
    type State = StepState;

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, checkpointer: &mut Checkpointer) {
        let [node_x, node_weight] = ops.parents;
        let output_grad = grads.consume::<B>(&ops.node);
        let state = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(state.x);
        let weight = checkpointer.retrieve_node_output::<FloatTensor<B>>(state.weight);
        if let Some(node) = node_weight {
            let dw =
                B::fused_conv2d_weight_backward(x.clone(), weight.clone(), output_grad.clone(), state.options.clone());
            grads.register::<B>(node.id, dw);
        }
        if let Some(node) = node_x {
            grads.register::<B>(node.id, B::fused_conv2d_x_backward(x, weight, output_grad, state.options));
        }
    }
}

impl<B: FusedConvBackend, C: CheckpointStrategy> FusedConvBackend for Autodiff<B, C> {
    /// The inner backend's convolution, recorded as one compute-bound node.
    fn fused_conv2d(x: FloatTensor<Self>, weight: FloatTensor<Self>, options: ConvOptions<2>) -> FloatTensor<Self> {
        match FusedConvStep.prepare::<C>([x.node(), weight.node()]).compute_bound().stateful() {
            OpsKind::Tracked(mut prep) => {
                let state =
                    StepState { x: prep.checkpoint(&x), weight: prep.checkpoint(&weight), options: options.clone() };
                let output = B::fused_conv2d(x.into_primitive(), weight.into_primitive(), options);
                prep.finish(state, output)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(B::fused_conv2d(x.into_primitive(), weight.into_primitive(), options))
            }
        }
    }
}
