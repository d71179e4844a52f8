//! Batches built ahead of the step that consumes them.
//!
//! A worker thread builds batches `0, 1, …, count − 1` of one epoch in order and queues them
//! (at most [`QUEUE`] waiting, one more being built), while the caller's steps take them in the
//! same order. Batch `i + 1` is thus built while step `i` runs, and an epoch takes about
//! `Σ max(step, build)` instead of `Σ (step + build)`. The batches are the ones the synchronous
//! loop would fetch (each is addressed by `(epoch, index)`), and the steps run on the caller's
//! thread in order, so results do not change.
//!
//! An error of batch `k` is queued like a batch and the worker stops: the caller receives it at
//! position `k`, after the steps of batches `0..k`, exactly where the synchronous loop would
//! have stopped. A caller that stops early drops the queue, which ends the worker at its next
//! hand-over; a panic of the source is re-raised on the caller's thread.

use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::ScopedJoinHandle;

use burn::prelude::Device;

use super::super::step::{BatchSource, fetch};
use crate::error::Result;

/// Batches that may wait, built, for their step.
const QUEUE: usize = 1;

/// Runs `body` with a function that returns the next batch of `epoch` (source index `offset`
/// first, then `stride + offset`, `2·stride + offset`, …: a node of a training group takes
/// every `stride`-th batch), each with its position added to an error ([`fetch`]). With
/// `prefetch` and at least two batches, a worker builds the first `count` batches ahead;
/// otherwise each is built when asked for.
pub(super) fn with_batches<B: Send, R>(
    source: &dyn BatchSource<B>,
    (epoch, count): (usize, usize),
    (stride, offset): (usize, usize),
    device: &Device,
    prefetch: bool,
    body: impl FnOnce(&mut dyn FnMut() -> Result<B>) -> R,
) -> R {
    let mut index = 0;
    let slot = move |i: usize| i * stride + offset;
    if !prefetch || count < 2 {
        return body(&mut || {
            index += 1;
            fetch(source, epoch, slot(index - 1), device)
        });
    }
    std::thread::scope(|scope| {
        let (sender, queue) = sync_channel(QUEUE);
        let worker = scope.spawn(move || {
            for i in 0..count {
                let batch = fetch(source, epoch, slot(i), device);
                let failed = batch.is_err();
                // A closed queue: the caller stopped early.
                if sender.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        let mut ahead = Ahead { queue, worker: Some(worker) };
        body(&mut || {
            index += 1;
            ahead.next().unwrap_or_else(|| fetch(source, epoch, slot(index - 1), device))
        })
    })
}

/// The caller's end of the worker's queue.
struct Ahead<'scope, B> {
    queue: Receiver<Result<B>>,
    worker: Option<ScopedJoinHandle<'scope, ()>>,
}

impl<B> Ahead<'_, B> {
    /// The next queued batch; `None` once the worker has ended (past `count`, or after an
    /// error it queued). A worker that panicked has its panic re-raised here.
    fn next(&mut self) -> Option<Result<B>> {
        match self.queue.recv() {
            Ok(batch) => Some(batch),
            Err(_) => {
                if let Some(Err(panic)) = self.worker.take().map(ScopedJoinHandle::join) {
                    std::panic::resume_unwind(panic);
                }
                None
            }
        }
    }
}
