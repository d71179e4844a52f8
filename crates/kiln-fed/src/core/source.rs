//! Batch sources of a federation: a client's shard as a shuffled [`DataLoader`], and the empty
//! source the server's action-only run is given.

use std::marker::PhantomData;
use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::CoreError;
use kiln_core::train::BatchSource;
use kiln_data::{Batcher, DataLoader, Dataset};

/// A client's shard, shared between rounds without copying.
struct Shard<I>(Arc<Vec<I>>);

impl<I: Clone + Send + Sync> Dataset<I> for Shard<I> {
    fn len(&self) -> usize {
        self.0.as_slice().len()
    }

    fn get(&self, index: usize) -> Option<I> {
        self.0.as_slice().get(index).cloned()
    }
}

/// A batcher shared by every client.
struct Shared<I, B>(Arc<dyn Batcher<I, B>>);

impl<I, B> Batcher<I, B> for Shared<I, B> {
    fn batch(&self, items: &[I], device: &Device, seed: Option<u64>) -> B {
        self.0.batch(items, device, seed)
    }
}

/// The shuffled loader of one client's local epochs: batches of `batch_size`, the last one
/// possibly smaller (as the paper's `B`-sized minibatches of a client's data).
pub(crate) fn shard_loader<I, B>(
    shard: &Arc<Vec<I>>,
    batcher: &Arc<dyn Batcher<I, B>>,
    batch_size: usize,
    seed: u64,
) -> DataLoader<I, B>
where
    I: Clone + Send + Sync + 'static,
    B: 'static,
{
    DataLoader::new(Shard(Arc::clone(shard)), Shared(Arc::clone(batcher)), batch_size).shuffled(seed)
}

/// A source without batches (a run made only of action phases reads none).
pub(crate) struct NoBatches<B>(PhantomData<fn() -> B>);

impl<B> Default for NoBatches<B> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<B> BatchSource<B> for NoBatches<B> {
    fn num_batches(&self) -> usize {
        0
    }

    fn batch(&self, epoch: usize, index: usize, _device: &Device) -> kiln_core::Result<B> {
        Err(CoreError::batch(epoch, index, "the server reads no batches"))
    }
}
