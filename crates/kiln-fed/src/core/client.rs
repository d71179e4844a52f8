//! A simulated client: an id, its shard of the training data, and the device it trains on.

use burn::prelude::Device;

/// One participant of a federation.
#[derive(Debug, Clone)]
pub struct Client<I> {
    /// The client's id (unique in a federation; sent in its messages).
    pub id: usize,
    /// Its local training examples.
    pub shard: Vec<I>,
    /// The device its local training runs on.
    pub device: Device,
}

impl<I> Client<I> {
    /// A client with the given id, data and device.
    pub fn new(id: usize, shard: Vec<I>, device: Device) -> Self {
        Self { id, shard, device }
    }
}

/// One client per shard of `shards` (lists of indices into `items`, as the splits return),
/// all on `device`, ids `0..shards.len()` (set [`Client::device`] afterwards to spread them).
///
/// Indices past the end of `items` are skipped (the splits never produce them).
pub fn clients_from_shards<I: Clone>(items: &[I], shards: &[Vec<usize>], device: &Device) -> Vec<Client<I>> {
    shards
        .iter()
        .enumerate()
        .map(|(k, shard)| Client::new(k, shard.iter().filter_map(|&i| items.get(i).cloned()).collect(), device.clone()))
        .collect()
}
