//! Padded batches of variable-length sequences, a seeded [`BatchSource`] over host examples, and
//! the masked losses and means every model here trains with.
//!
//! A batch of `B` sequences of lengths `n_b ≤ T` with `F` features per step is stored as
//! `inputs[B, T, F]` (zeros after each sequence's end) and `mask[B, T]` with
//! `mask[b, t] = 1` for `t < n_b` and `0` otherwise. A masked mean is
//! `Σ_{b,t} mask[b,t]·x[b,t] / Σ_{b,t} mask[b,t]`, so padding never contributes.

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::seed::epoch_order;
use kiln_core::train::BatchSource;

use crate::error::{Result, SeqError};

/// A padded batch: `inputs[B, T, F]`, `mask[B, T]` (1 inside a sequence, 0 in its padding) and
/// each sequence's length.
#[derive(Debug, Clone)]
pub struct SeqBatch {
    /// `[batch, max_len, features]`, zero after each sequence's end.
    pub inputs: Tensor<3>,
    /// `[batch, max_len]`: 1.0 where a step exists, 0.0 in the padding.
    pub mask: Tensor<2>,
    /// Length of each sequence (`≥ 1`).
    pub lengths: Vec<usize>,
}

impl SeqBatch {
    /// Pads `sequences` (each row-major `len × features`) into one batch on `device`.
    ///
    /// # Errors
    /// [`SeqError::Empty`] for no sequences or an empty one, [`SeqError::Config`] for
    /// `features == 0`, [`SeqError::Shape`] when a sequence's length is not a multiple of
    /// `features`, [`SeqError::NonFinite`] for a NaN or infinite value.
    pub fn from_sequences(sequences: &[&[f32]], features: usize, device: &Device) -> Result<Self> {
        let Padded { inputs, mask, lengths, max_len } = pad(sequences, features)?;
        let b = sequences.len();
        Ok(Self {
            inputs: Tensor::from_data(TensorData::new(inputs, [b, max_len, features]), device),
            mask: Tensor::from_data(TensorData::new(mask, [b, max_len]), device),
            lengths,
        })
    }

    /// Number of sequences.
    pub fn batch_size(&self) -> usize {
        self.lengths.len()
    }

    /// The padded length `T`.
    pub fn max_len(&self) -> usize {
        self.inputs.dims()[1]
    }

    /// Features per step `F`.
    pub fn features(&self) -> usize {
        self.inputs.dims()[2]
    }
}

/// Padded host values of a batch (what [`SeqBatch`] holds, before it goes to a device).
#[derive(Debug, Clone, PartialEq)]
pub struct Padded {
    /// `[B, max_len, F]` values, row-major, zero in the padding.
    pub inputs: Vec<f32>,
    /// `[B, max_len]`: 1.0 inside a sequence, 0.0 in its padding.
    pub mask: Vec<f32>,
    /// Length of each sequence.
    pub lengths: Vec<usize>,
    /// The longest length.
    pub max_len: usize,
}

/// Host padding with the checks of [`SeqBatch::from_sequences`].
///
/// # Errors
/// As [`SeqBatch::from_sequences`].
pub fn pad(sequences: &[&[f32]], features: usize) -> Result<Padded> {
    if features == 0 {
        return Err(SeqError::Config { field: "features", value: "0".into(), reason: "must be at least 1" });
    }
    if sequences.is_empty() {
        return Err(SeqError::Empty { what: "batch: no sequences".into() });
    }
    let mut lengths = Vec::with_capacity(sequences.len());
    for (i, seq) in sequences.iter().enumerate() {
        if seq.is_empty() {
            return Err(SeqError::Empty { what: format!("sequence {i}") });
        }
        if !seq.len().is_multiple_of(features) {
            return Err(SeqError::Shape {
                what: format!("sequence {i}: values"),
                expected: format!("a multiple of {features} features"),
                found: seq.len().to_string(),
            });
        }
        if let Some((index, &value)) = seq.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SeqError::NonFinite { what: format!("sequence {i}"), index, value });
        }
        lengths.push(seq.len() / features);
    }
    let max_len = lengths.iter().copied().max().unwrap_or(1);
    let mut inputs = vec![0.0; sequences.len() * max_len * features];
    let mut mask = vec![0.0; sequences.len() * max_len];
    for (b, seq) in sequences.iter().enumerate() {
        let start = b * max_len * features;
        inputs[start..start + seq.len()].copy_from_slice(seq);
        mask[b * max_len..b * max_len + lengths[b]].fill(1.0);
    }
    Ok(Padded { inputs, mask, lengths, max_len })
}

/// The `[B, T]` mask of `lengths` padded to `max_len`, as host values (1 inside, 0 after).
pub fn length_mask(lengths: &[usize], max_len: usize) -> Vec<f32> {
    lengths.iter().flat_map(|&n| (0..max_len).map(move |t| if t < n { 1.0 } else { 0.0 })).collect()
}

/// The masked mean `Σ mask·x / max(Σ mask, 1)` of `values[B, T]`, shape `[1]`. Padding (mask 0)
/// never contributes, whatever value it holds (even NaN is replaced before the sum).
pub fn masked_mean(values: Tensor<2>, mask: Tensor<2>) -> Tensor<1> {
    let keep = mask.clone().greater_elem(0.5);
    let zeroed = values.mask_fill(keep.bool_not(), 0.0);
    let total = (zeroed * mask.clone()).sum();
    total / mask.sum().clamp_min(1.0)
}

/// Masked cross-entropy over pointer targets: `−Σ_{b,i} m[b,i] · log p[b,i,y[b,i]] / Σ m`.
///
/// `log_probs[B, L, C]` are log-probabilities over `C` choices at each of `L` output steps,
/// `targets[B, L]` the chosen index (any valid index, e.g. 0, where the mask is 0), `mask[B, L]`
/// 1 for steps that exist. Shape `[1]`.
pub fn masked_cross_entropy(log_probs: Tensor<3>, targets: Tensor<2, Int>, mask: Tensor<2>) -> Tensor<1> {
    let [b, l, _] = log_probs.dims();
    let picked = log_probs.gather(2, targets.reshape([b, l, 1])).reshape([b, l]);
    masked_mean(picked.neg(), mask)
}

/// Turns a batch of host examples into a batch of tensors: the one thing a [`SeqBatches`]
/// needs to know about its examples.
pub trait Collate<B>: Send + Sync + Sized {
    /// The batch of `items` on `device`.
    ///
    /// # Errors
    /// When the examples cannot form a batch (empty, non-finite, inconsistent widths).
    fn collate(items: &[&Self], device: &Device) -> Result<B>;
}

/// One variable-length sequence on the host: row-major `len × features` values.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqExample {
    /// The values, `len × features`, row-major.
    pub values: Vec<f32>,
    /// Features per step.
    pub features: usize,
}

impl Collate<SeqBatch> for SeqExample {
    fn collate(items: &[&Self], device: &Device) -> Result<SeqBatch> {
        let features = items.first().map_or(1, |e| e.features);
        if let Some(other) = items.iter().find(|e| e.features != features) {
            return Err(SeqError::Shape {
                what: "batch: features per step".into(),
                expected: features.to_string(),
                found: other.features.to_string(),
            });
        }
        let seqs: Vec<&[f32]> = items.iter().map(|e| e.values.as_slice()).collect();
        SeqBatch::from_sequences(&seqs, features, device)
    }
}

/// A [`BatchSource`] over host examples: batch `(epoch, index)` holds the examples at
/// positions `index·batch_size ..` of `epoch`'s order, the seeded permutation
/// [`epoch_order`] (or the stored order without a shuffle seed). The last, partial batch is
/// kept.
#[derive(Debug, Clone)]
pub struct SeqBatches<E> {
    examples: Vec<E>,
    batch_size: usize,
    shuffle: Option<u64>,
}

impl<E> SeqBatches<E> {
    /// Batches of `batch_size` examples in stored order.
    ///
    /// # Errors
    /// [`SeqError::Empty`] for no examples, [`SeqError::Config`] for `batch_size == 0`.
    pub fn new(examples: Vec<E>, batch_size: usize) -> Result<Self> {
        if examples.is_empty() {
            return Err(SeqError::Empty { what: "dataset: no examples".into() });
        }
        if batch_size == 0 {
            return Err(SeqError::Config { field: "batch_size", value: "0".into(), reason: "must be at least 1" });
        }
        Ok(Self { examples, batch_size, shuffle: None })
    }

    /// Shuffles every epoch with a permutation seeded by `seed` and the epoch.
    pub fn shuffled(mut self, seed: u64) -> Self {
        self.shuffle = Some(seed);
        self
    }

    /// The examples, in stored order.
    pub fn examples(&self) -> &[E] {
        &self.examples
    }

    /// Indices of the examples of batch `(epoch, index)` (empty past the end).
    pub fn indices(&self, epoch: usize, index: usize) -> Vec<usize> {
        let order = epoch_order(self.examples.len(), self.shuffle, epoch);
        let start = (index * self.batch_size).min(order.len());
        let end = (start + self.batch_size).min(order.len());
        order[start..end].to_vec()
    }
}

impl<B, E: Collate<B>> BatchSource<B> for SeqBatches<E> {
    fn num_batches(&self) -> usize {
        self.examples.len().div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<B> {
        let items: Vec<&E> = self.indices(epoch, index).into_iter().map(|i| &self.examples[i]).collect();
        E::collate(&items, device).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))
    }
}
