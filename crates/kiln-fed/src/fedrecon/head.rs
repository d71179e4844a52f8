//! The softmax head of the gradient baselines: one output per known class, grown as classes
//! arrive; labels mapped to head positions; argmax accuracy.

use burn::module::Module;
use burn::nn::LinearConfig;
use burn::prelude::Device;
use kiln_core::nn::Mlp;
use kiln_data::{Batcher, VectorBatcher, VectorExample};

use crate::core::ParamSet;
use crate::error::{FedError, Result};

/// Rebuilds `model`'s head with one output per entry of `columns`: output `j` copies the old
/// head's output `columns[j]` (its weight column — burn stores `head.weight` as
/// `[hidden, outputs]` — and its bias) bit-for-bit when `Some`, and is all zeros when `None`
/// (a new class starts at logit 0 for every input; the softmax gradient moves it from there).
/// The hidden layers are untouched.
///
/// # Errors
/// [`FedError::InvalidSetting`] when `columns` is empty or names an output the head lacks;
/// [`FedError::Core`] when a parameter cannot be read back.
pub fn regrow_head(model: Mlp, columns: &[Option<usize>], device: &Device) -> Result<Mlp> {
    if columns.is_empty() {
        return Err(FedError::setting("classes", 0, "the head needs at least one class"));
    }
    let mut params = ParamSet::from_module(&model)?;
    let missing = |path: &str| FedError::ParamMismatch {
        path: path.into(),
        client: None,
        reason: "the model has no such head parameter".into(),
    };
    let weight = params.tensors.iter().position(|t| t.path == "head.weight").ok_or_else(|| missing("head.weight"))?;
    let (hidden, old) = match params.tensors[weight].shape[..] {
        [hidden, old] => (hidden, old),
        _ => return Err(missing("head.weight")),
    };
    if let Some(&Some(bad)) = columns.iter().find(|c| c.is_some_and(|c| c >= old)) {
        return Err(FedError::setting("classes", bad, "names an output the head does not have"));
    }
    let k = columns.len();
    let w = &params.tensors[weight].values;
    let mut grown = vec![0f32; hidden * k];
    for i in 0..hidden {
        for (j, src) in columns.iter().enumerate() {
            if let Some(c) = src {
                grown[i * k + j] = w[i * old + c];
            }
        }
    }
    params.tensors[weight].values = grown;
    params.tensors[weight].shape = vec![hidden, k];
    let bias = params.tensors.iter().position(|t| t.path == "head.bias");
    if let Some(b) = bias {
        let old_bias = &params.tensors[b].values;
        let grown: Vec<f32> = columns.iter().map(|src| src.map_or(0.0, |c| old_bias[c])).collect();
        params.tensors[b].values = grown;
        params.tensors[b].shape = vec![k];
    }
    let mut model = model;
    model.head = LinearConfig::new(hidden, k).with_bias(bias.is_some()).init(device);
    params.apply_to(model)
}

/// `items` with each label replaced by its position in `classes` (the head's output index);
/// items of other classes are left out.
pub(crate) fn relabel(items: &[VectorExample], classes: &[usize]) -> Vec<VectorExample> {
    items
        .iter()
        .filter_map(|e| {
            let index = classes.iter().position(|&c| c == e.label)?;
            Some(VectorExample { features: e.features.clone(), label: index })
        })
        .collect()
}

/// Accuracy of `argmax_j head_j(x)` mapped to `classes[j]` against the true labels of
/// `items` (ties: the first output); 0 for no items. Items of unknown classes count as wrong.
///
/// # Errors
/// When the logits cannot be read back.
pub(crate) fn head_accuracy(model: &Mlp, classes: &[usize], items: &[VectorExample], device: &Device) -> Result<f64> {
    let model = model.clone().fork(device);
    let batcher = VectorBatcher::default();
    let k = classes.len().max(1);
    let mut correct = 0usize;
    for chunk in items.chunks(256) {
        let logits = model.forward(batcher.batch(chunk, device, None).features);
        let values = kiln_core::tensor::try_to_vec(logits)?;
        for (row, item) in values.chunks(k).zip(chunk) {
            let mut best = 0;
            for (j, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = j;
                }
            }
            correct += usize::from(classes.get(best) == Some(&item.label));
        }
    }
    Ok(if items.is_empty() { 0.0 } else { correct as f64 / items.len() as f64 })
}
