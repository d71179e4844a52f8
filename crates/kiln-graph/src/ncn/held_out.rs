//! Held-out links as a [`BatchSource`]: fixed positive and negative pairs scored on the full
//! training graph (no target removal), in chunks, so the engine can report a validation or test
//! loss for a link predictor.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::BatchSource;

use super::batch::{LinkBatch, LinkTask};

/// Fixed positives and negatives of a held-out set, `chunk` of each per batch.
#[derive(Debug, Clone)]
pub struct HeldOutSource {
    /// The task (features and training graph).
    pub task: Arc<LinkTask>,
    /// Held-out true links.
    pub pos: Vec<(usize, usize)>,
    /// Held-out non-links.
    pub neg: Vec<(usize, usize)>,
    /// Add NCNC's completion candidates to each batch.
    pub completion: bool,
    /// Pairs of each kind per batch.
    pub chunk: usize,
}

impl HeldOutSource {
    /// `pos` and `neg` of `task`, 2048 of each per batch.
    pub fn new(task: Arc<LinkTask>, pos: Vec<(usize, usize)>, neg: Vec<(usize, usize)>, completion: bool) -> Self {
        Self { task, pos, neg, completion, chunk: 2048 }
    }

    fn slice(&self, pairs: &[(usize, usize)], index: usize) -> Vec<(usize, usize)> {
        pairs.iter().skip(index * self.chunk.max(1)).take(self.chunk.max(1)).copied().collect()
    }
}

impl BatchSource<LinkBatch> for HeldOutSource {
    fn num_batches(&self) -> usize {
        self.pos.len().max(self.neg.len()).div_ceil(self.chunk.max(1))
    }

    fn batch(&self, _epoch: usize, index: usize, device: &Device) -> kiln_core::Result<LinkBatch> {
        let (pos, neg) = (self.slice(&self.pos, index), self.slice(&self.neg, index));
        Ok(self.task.batch(&self.task.adj, &self.task.adj, &pos, &neg, self.completion, device))
    }
}
