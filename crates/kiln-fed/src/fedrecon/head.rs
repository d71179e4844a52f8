//! The softmax head of the gradient baselines: one output per known class, grown as classes
//! arrive; labels mapped to head positions; argmax predictions and accuracy.

use burn::prelude::Device;
use kiln_data::Batcher;

use super::classifier::{HeadModel, Labelled, linear};
use crate::error::{FedError, Result};

/// Rebuilds `model`'s head with one output per entry of `columns`: output `j` copies the old
/// head's output `columns[j]` (its weight column — burn stores the head's weight as
/// `[hidden, outputs]` — and its bias) bit-for-bit when `Some`, and is all zeros when `None`
/// (a new class starts at logit 0 for every input; the softmax gradient moves it from there).
/// The encoder is untouched.
///
/// # Errors
/// [`FedError::InvalidSetting`] when `columns` is empty or names an output the head lacks;
/// [`FedError::Core`] when a parameter cannot be read back.
pub fn regrow_head<M: HeadModel>(model: M, columns: &[Option<usize>], device: &Device) -> Result<M> {
    if columns.is_empty() {
        return Err(FedError::setting("classes", 0, "the head needs at least one class"));
    }
    let head = model.head();
    let [hidden, old] = head.weight.val().dims();
    if let Some(&Some(bad)) = columns.iter().find(|c| c.is_some_and(|c| c >= old)) {
        return Err(FedError::setting("classes", bad, "names an output the head does not have"));
    }
    let w = kiln_core::tensor::try_to_vec(head.weight.val())?;
    let old_bias = head.bias.as_ref().map(|b| kiln_core::tensor::try_to_vec(b.val())).transpose()?;
    let k = columns.len();
    let mut grown = vec![0f32; hidden * k];
    for i in 0..hidden {
        for (j, src) in columns.iter().enumerate() {
            if let Some(c) = src {
                grown[i * k + j] = w[i * old + c];
            }
        }
    }
    let bias = old_bias.map(|b| columns.iter().map(|src| src.map_or(0.0, |c| b[c])).collect());
    Ok(model.with_head(linear(grown, bias, hidden, k, device)))
}

/// `items` with each label replaced by its position in `classes` (the head's output index);
/// items of other classes are left out.
pub(crate) fn relabel<I: Labelled>(items: &[I], classes: &[usize]) -> Vec<I> {
    items
        .iter()
        .filter_map(|e| {
            let index = classes.iter().position(|&c| c == e.label())?;
            Some(e.with_label(index))
        })
        .collect()
}

/// The class `classes[argmax_j head_j(x)]` predicted for each of `items` (ties: the first
/// output; `None` when the head has an output beyond `classes`), in batches of 256 on `device`.
///
/// # Errors
/// When the logits cannot be read back.
pub(crate) fn head_predictions<M: HeadModel, I>(
    model: &M,
    classes: &[usize],
    items: &[I],
    batcher: &dyn Batcher<I, M::Batch>,
    device: &Device,
) -> Result<Vec<Option<usize>>> {
    let model = model.valid().fork(device);
    let mut predicted = Vec::with_capacity(items.len());
    for chunk in items.chunks(256) {
        let (logits, _) = model.logits(batcher.batch(chunk, device, None));
        let [_, k] = logits.dims();
        let values = kiln_core::tensor::try_to_vec(logits)?;
        for row in values.chunks(k.max(1)) {
            let mut best = 0;
            for (j, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = j;
                }
            }
            predicted.push(classes.get(best).copied());
        }
    }
    Ok(predicted)
}

/// Accuracy of [`head_predictions`] against the true labels of `items`; 0 for no items.
/// Items of unknown classes count as wrong.
///
/// # Errors
/// When the logits cannot be read back.
pub(crate) fn head_accuracy<M: HeadModel, I: Labelled>(
    model: &M,
    classes: &[usize],
    items: &[I],
    batcher: &dyn Batcher<I, M::Batch>,
    device: &Device,
) -> Result<f64> {
    let predicted = head_predictions(model, classes, items, batcher, device)?;
    let correct = predicted.iter().zip(items).filter(|(p, e)| **p == Some(e.label())).count();
    Ok(if items.is_empty() { 0.0 } else { correct as f64 / items.len() as f64 })
}
