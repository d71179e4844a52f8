//! Constrained parameter sharing (Auto-GNN §4.2): a child inherits a layer's weights from its
//! parent only when the two layers are *homogeneous*: the same weight shapes (input width,
//! width per head, heads, concatenation), the same attention function and the same activation.
//! Batch-norm and skip-connection parameters are never shared; they start fresh in every
//! child.
//!
//! Tensor by tensor, a homogeneous layer takes `W`, `a_l`, `a_r` and the bias, plus `w_G` and
//! the pooling MLP when both layers have them (the aggregator only decides whether the MLP
//! exists, so a change from mean- to max-pool keeps it).

use super::layer::SearchLayer;
use super::model::AutoGnnModel;
use super::space::ActivationKind;

/// Whether `child` (with activation `child_act`) may inherit `parent`'s weights.
pub fn homogeneous(
    parent: &SearchLayer,
    parent_act: ActivationKind,
    child: &SearchLayer,
    child_act: ActivationKind,
) -> bool {
    parent.input() == child.input()
        && parent.hidden() == child.hidden()
        && parent.heads() == child.heads()
        && parent.concat() == child.concat()
        && parent.attention_kind() == child.attention_kind()
        && parent_act == child_act
}

/// `child` with every homogeneous layer's weights taken from `parent`, and which layers
/// inherited. Skip connections and batch norms stay the child's own.
pub fn inherit(child: AutoGnnModel, parent: &AutoGnnModel) -> (AutoGnnModel, Vec<bool>) {
    let acts = child.activations().to_vec();
    let mut inherited = Vec::with_capacity(child.layers.len());
    let layers = child
        .layers
        .clone()
        .into_iter()
        .enumerate()
        .map(|(l, layer)| match parent.layers.get(l) {
            Some(p) if homogeneous(p, parent.activations()[l], &layer, acts[l]) => {
                inherited.push(true);
                layer.inherit_from(p)
            }
            _ => {
                inherited.push(false);
                layer
            }
        })
        .collect();
    (child.with_layers(layers), inherited)
}
