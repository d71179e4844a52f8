//! The three tasks, their targets, and the training examples and batches built from them.
//!
//! An output is a sequence of pointers into the input followed by the end symbol. In tensors,
//! choice `0` is the end slot and choice `j + 1` is input `j` (the attention runs over the end
//! slot and the inputs).

use burn::prelude::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::hull::convex_hull;
use super::tsp::tsp_target;
use crate::batch::{Collate, SeqBatch, length_mask};
use crate::error::{Result, SeqError};
use crate::synth::points::as_pairs;

/// A Pointer Networks task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    /// Sort numbers in `[0, 1]` ascending: the output is the argsort (1 feature per input).
    Sort,
    /// The planar convex hull: its vertices counter-clockwise from the lowest index (2 features).
    Hull,
    /// The planar TSP: the shortest closed tour from city 0 (2 features).
    Tsp,
}

/// Which outputs a decoder may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Constraint {
    /// Anything but padding (the raw model).
    Free,
    /// No input twice; the end symbol after at least one input (the convex hull).
    NoRepeat,
    /// Every input exactly once, then the end symbol (sorting, TSP).
    Permutation,
}

impl Constraint {
    /// Whether `choice` (0 = end, `j + 1` = input `j`) may follow `history` for an input of
    /// length `len`.
    pub fn allows(self, len: usize, history: &[usize], choice: usize) -> bool {
        match self {
            Self::Free => choice <= len,
            Self::NoRepeat => {
                if choice == 0 {
                    !history.is_empty()
                } else {
                    choice <= len && !history.contains(&choice)
                }
            }
            Self::Permutation => {
                if choice == 0 {
                    history.len() == len
                } else {
                    choice <= len && !history.contains(&choice)
                }
            }
        }
    }
}

impl Task {
    /// Features per input element (1 for numbers, 2 for points).
    pub fn features(self) -> usize {
        match self {
            Self::Sort => 1,
            Self::Hull | Self::Tsp => 2,
        }
    }

    /// The constraint of valid outputs, as beam search applies it.
    pub fn constraint(self) -> Constraint {
        match self {
            Self::Hull => Constraint::NoRepeat,
            Self::Sort | Self::Tsp => Constraint::Permutation,
        }
    }

    /// The target (0-based input indices, without the end symbol) of `input` (row-major
    /// elements of [`features`](Self::features) values); `seed` seeds TSP's 2-opt beyond
    /// [`EXACT_MAX`](super::tsp::EXACT_MAX) cities.
    ///
    /// # Errors
    /// [`SeqError::Empty`], [`SeqError::Shape`] or [`SeqError::NonFinite`] for an input that
    /// is empty, not a whole number of elements, or not finite.
    pub fn target(self, input: &[f32], seed: u64) -> Result<Vec<usize>> {
        crate::batch::pad(&[input], self.features())?;
        Ok(match self {
            Self::Sort => {
                let mut order: Vec<usize> = (0..input.len()).collect();
                order.sort_by(|&a, &b| input[a].total_cmp(&input[b]).then(a.cmp(&b)));
                order
            }
            Self::Hull => convex_hull(&as_pairs(input)),
            Self::Tsp => tsp_target(&as_pairs(input), seed).order,
        })
    }

    /// Training examples of `inputs` with their targets.
    ///
    /// # Errors
    /// As [`target`](Self::target).
    pub fn examples(self, inputs: Vec<Vec<f32>>, seed: u64) -> Result<Vec<PointerExample>> {
        inputs
            .into_iter()
            .enumerate()
            .map(|(i, values)| {
                let target = self.target(&values, kiln_core::seed::derive_seed(seed, i as u64))?;
                Ok(PointerExample { values, features: self.features(), target })
            })
            .collect()
    }
}

/// One training example: an input and its target pointers.
#[derive(Debug, Clone, PartialEq)]
pub struct PointerExample {
    /// Row-major `len × features` input values.
    pub values: Vec<f32>,
    /// Features per element.
    pub features: usize,
    /// 0-based input indices of the output, without the end symbol.
    pub target: Vec<usize>,
}

/// A padded batch of inputs with their target pointers.
#[derive(Debug, Clone)]
pub struct PointerBatch {
    /// The padded inputs.
    pub seq: SeqBatch,
    /// `[B, L]` choices: `j + 1` for input `j`, `0` for the end symbol (and in the padding).
    pub targets: Tensor<2, Int>,
    /// `[B, L]`: 1 for the target's steps (its pointers and its end symbol), 0 after.
    pub target_mask: Tensor<2>,
    /// Output steps of each example (its pointers plus the end symbol).
    pub target_lengths: Vec<usize>,
}

impl PointerBatch {
    /// Pads `examples` into a batch on `device`.
    ///
    /// # Errors
    /// As [`SeqBatch::from_sequences`], and [`SeqError::Shape`] for a target index outside its
    /// input.
    pub fn new(examples: &[&PointerExample], device: &Device) -> Result<Self> {
        let features = examples.first().map_or(1, |e| e.features);
        let seqs: Vec<&[f32]> = examples.iter().map(|e| e.values.as_slice()).collect();
        let seq = SeqBatch::from_sequences(&seqs, features, device)?;
        for (i, (e, &n)) in examples.iter().zip(&seq.lengths).enumerate() {
            if let Some(&bad) = e.target.iter().find(|&&t| t >= n) {
                return Err(SeqError::Shape {
                    what: format!("example {i}: target index"),
                    expected: format!("below the input length {n}"),
                    found: bad.to_string(),
                });
            }
        }
        let target_lengths: Vec<usize> = examples.iter().map(|e| e.target.len() + 1).collect();
        let l = target_lengths.iter().copied().max().unwrap_or(1);
        let mut targets = vec![0i64; examples.len() * l];
        for (b, e) in examples.iter().enumerate() {
            for (i, &t) in e.target.iter().enumerate() {
                targets[b * l + i] = t as i64 + 1;
            }
        }
        let b = examples.len();
        Ok(Self {
            seq,
            targets: Tensor::from_data(TensorData::new(targets, [b, l]), device),
            target_mask: Tensor::from_data(TensorData::new(length_mask(&target_lengths, l), [b, l]), device),
            target_lengths,
        })
    }
}

impl Collate<PointerBatch> for PointerExample {
    fn collate(items: &[&Self], device: &Device) -> Result<PointerBatch> {
        PointerBatch::new(items, device)
    }
}
