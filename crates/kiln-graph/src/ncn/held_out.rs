//! Held-out links as a [`BatchSource`]: fixed positive and negative pairs scored on the full
//! training graph (no target removal), in chunks, so the engine can report a validation or test
//! loss for a link predictor.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::{BatchSource, DeviceCache};

use super::batch::{LinkBatch, LinkTask};

/// Fixed positives and negatives of a held-out set, `chunk` of each per batch. The batches do
/// not change between epochs: all of them are built at the first request on a device (sharing
/// one copy of the features and graph) and later requests get clones of the same tensors. The
/// fields are read then: to change them, build a new source (a clone starts with no tensors).
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
    resident: DeviceCache<Arc<Vec<LinkBatch>>>,
}

impl HeldOutSource {
    /// `pos` and `neg` of `task`, 2048 of each per batch.
    pub fn new(task: Arc<LinkTask>, pos: Vec<(usize, usize)>, neg: Vec<(usize, usize)>, completion: bool) -> Self {
        Self { task, pos, neg, completion, chunk: 2048, resident: DeviceCache::new() }
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
        let build = |index: usize| {
            let (pos, neg) = (self.slice(&self.pos, index), self.slice(&self.neg, index));
            self.task.batch(&self.task.adj, &self.task.adj, &pos, &neg, self.completion, device)
        };
        let resident = self.resident.get_or_build(device, || {
            let mut batches: Vec<LinkBatch> = Vec::with_capacity(self.num_batches());
            for i in 0..self.num_batches() {
                let mut batch = build(i);
                // Every chunk encodes the same features on the same graph: keep one copy.
                if let Some(first) = batches.first() {
                    batch.x = first.x.clone();
                    batch.graph = first.graph.clone();
                }
                batches.push(batch);
            }
            Arc::new(batches)
        });
        // An index past the data gets the empty batch it always got, built on demand.
        Ok(resident.get(index).cloned().unwrap_or_else(|| build(index)))
    }
}
