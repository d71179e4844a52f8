//! A reconnaissance mission: clients embed their data, send prototypes, the server merges.

use std::sync::Arc;
use std::time::Instant;

use burn::prelude::Device;
use kiln_data::Batcher;
use serde::{Deserialize, Serialize};

use super::embed::{Embed, local_prototypes, to_host};
use super::store::PrototypeStore;
use crate::core::{Client, Endpoint, InProcess, Message, Transport};
use crate::error::{FedError, Result};

/// What one mission did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionRecord {
    /// The mission (1-based).
    pub mission: usize,
    /// Clients that reported, by id.
    pub clients: Vec<usize>,
    /// Bytes the server received (prototype messages).
    pub bytes_received: u64,
    /// Classes the server knows after it.
    pub classes: Vec<usize>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Federated reconnaissance: a fixed embedding shared by every client, and the server's
/// merged prototypes, grown mission by mission.
pub struct Reconnaissance<M: Embed, I> {
    model: M,
    store: PrototypeStore,
    batcher: Arc<dyn Batcher<I, M::Batch>>,
    transport: Arc<dyn Transport>,
    batch_size: usize,
    missions: usize,
}

impl<M, I> Reconnaissance<M, I>
where
    M: Embed,
    I: Send + Sync,
{
    /// A server with the embedding `model` (the clients get a copy on their device) and no
    /// prototypes; messages through an [`InProcess`] transport.
    pub fn new(model: M, batcher: impl Batcher<I, M::Batch> + 'static) -> Self {
        Self {
            model,
            store: PrototypeStore::new(),
            batcher: Arc::new(batcher),
            transport: Arc::new(InProcess::new()),
            batch_size: 256,
            missions: 0,
        }
    }

    /// Sends every message through `transport`.
    pub fn with_transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Arc::new(transport);
        self
    }

    /// The merged prototypes.
    pub fn store(&self) -> &PrototypeStore {
        &self.store
    }

    /// One mission: every client, in its own thread on its device, computes its local
    /// prototypes and sends them; the server merges them in client-id order.
    ///
    /// # Errors
    /// [`FedError::Client`] when a client cannot embed its data, a decoding error for corrupt
    /// bytes, [`FedError::ParamMismatch`] naming a client whose prototypes do not fit.
    pub fn mission(&mut self, clients: &[Client<I>]) -> Result<MissionRecord> {
        let start = Instant::now();
        let results: Vec<Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = clients
                .iter()
                .map(|client| {
                    let model = self.model.clone().fork(&client.device);
                    let (batcher, transport, batch_size) = (&self.batcher, &self.transport, self.batch_size);
                    scope.spawn(move || {
                        let entries =
                            local_prototypes(&model, &client.shard, batcher.as_ref(), batch_size, &client.device)?;
                        transport.send(Endpoint::Server, &Message::Prototypes { client: client.id, entries })?;
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        });
        for (client, result) in clients.iter().zip(results) {
            result.map_err(|e| FedError::Client { client: client.id, source: Box::new(e) })?;
        }
        let mut received = Vec::with_capacity(clients.len());
        let mut bytes_received = 0u64;
        for _ in clients {
            let (message, bytes) = self.transport.recv(Endpoint::Server)?;
            bytes_received += bytes as u64;
            match message {
                Message::Prototypes { client, entries } => received.push((client, entries)),
                other => {
                    return Err(FedError::UnexpectedMessage {
                        endpoint: Endpoint::Server.to_string(),
                        expected: "prototypes",
                        found: other.kind(),
                    });
                }
            }
        }
        received.sort_by_key(|(client, _)| *client);
        for (client, entries) in &received {
            self.store.merge(*client, entries)?;
        }
        self.missions += 1;
        Ok(MissionRecord {
            mission: self.missions,
            clients: received.iter().map(|(c, _)| *c).collect(),
            bytes_received,
            classes: self.store.classes(),
            seconds: start.elapsed().as_secs_f64(),
        })
    }

    /// Nearest-prototype accuracy on `items` (embedded on `device`); 0 for no items.
    ///
    /// # Errors
    /// When an embedding cannot be read back.
    pub fn accuracy(&self, items: &[I], device: &Device) -> Result<f64> {
        let model = self.model.clone().fork(device);
        let (mut correct, mut total) = (0usize, 0usize);
        for chunk in items.chunks(self.batch_size) {
            let (embeddings, targets) = model.embed_batch(self.batcher.batch(chunk, device, None));
            let (rows, labels) = to_host(embeddings, targets)?;
            let predicted = self.store.classify(&rows)?;
            correct += predicted.iter().zip(&labels).filter(|(p, y)| **p == Some(**y)).count();
            total += labels.len();
        }
        Ok(if total == 0 { 0.0 } else { correct as f64 / total as f64 })
    }
}
