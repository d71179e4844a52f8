//! Steps shared by the methods that train the OFA supernet (progressive shrinking, SortedNet,
//! the sandwich rule of InstaTune and Mixture-of-Supernets).

use burn::prelude::Tensor;
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ImageBatch, StepOutput};

use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;

/// The validation step of a supernet in training: the largest subnet at the largest
/// resolution, plain cross-entropy.
pub fn largest_subnet_step(supernet: &OfaSupernet, batch: ImageBatch) -> StepOutput {
    let logits = supernet.forward_subnet(&SubnetConfig::largest(&supernet.config), batch.images);
    let loss = cross_entropy(logits.clone(), batch.targets.clone());
    StepOutput::classification(loss, logits, batch.targets)
}

/// The loss of a step that trains several subnets on one batch with one optimiser step
/// (OFA's n subnets per step, SortedNet's `g_acc` sub-models, the sandwich rule):
/// `L = Σ_s loss_of(s)`, with the last subnet's logits. Since gradients are linear, one
/// backward of `L` gives the gradients OFA accumulates with one `backward` per subnet.
/// `None` when `subnets` is empty.
pub fn sum_subnet_losses<F>(subnets: &[SubnetConfig], mut loss_of: F) -> Option<(Tensor<1>, Tensor<2>)>
where
    F: FnMut(&SubnetConfig) -> (Tensor<1>, Tensor<2>),
{
    let (first, rest) = subnets.split_first()?;
    let (mut total, mut last) = loss_of(first);
    for subnet in rest {
        let (loss, logits) = loss_of(subnet);
        total = total + loss;
        last = logits;
    }
    Some((total, last))
}
