//! How messages travel: the [`Transport`] trait and the in-process [`InProcess`] transport.
//!
//! A transport carries encoded bytes ([`codec`](super::codec)), so what a round costs on a
//! network is measured exactly: `send` returns the bytes put on the wire, `recv` the bytes
//! taken off it.

use std::collections::HashMap;
use std::fmt;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::aggregate::ClientUpdate;
use super::codec::{decode, encode};
use super::message::Message;
use super::params::ParamSet;
use crate::error::{FedError, Result};

/// Who a message is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// The server (aggregator).
    Server,
    /// The client with this id.
    Client(usize),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Server => write!(f, "server"),
            Self::Client(id) => write!(f, "client {id}"),
        }
    }
}

/// Moves [`Message`]s between endpoints. Implementations must be usable from several client
/// threads at once.
pub trait Transport: Send + Sync {
    /// Encodes `message` and delivers it to `to`; returns the bytes sent.
    ///
    /// # Errors
    /// [`FedError::Transport`] when it cannot be delivered.
    fn send(&self, to: Endpoint, message: &Message) -> Result<usize>;

    /// The next message for `at`, decoded, with its size in bytes.
    ///
    /// # Errors
    /// [`FedError::Transport`] when none arrives in time; a decoding error for corrupt bytes.
    fn recv(&self, at: Endpoint) -> Result<(Message, usize)>;
}

type Queue = (Sender<Vec<u8>>, Arc<Mutex<Receiver<Vec<u8>>>>);

/// A transport inside one process: one `std::sync::mpsc` channel of encoded bytes per
/// endpoint, created on first use.
pub struct InProcess {
    queues: Mutex<HashMap<Endpoint, Queue>>,
    timeout: Duration,
}

impl fmt::Debug for InProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcess").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl Default for InProcess {
    fn default() -> Self {
        Self::new()
    }
}

impl InProcess {
    /// A transport whose `recv` waits up to 10 minutes.
    pub fn new() -> Self {
        Self { queues: Mutex::new(HashMap::new()), timeout: Duration::from_secs(600) }
    }

    /// How long `recv` waits for a message before failing.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn queue(&self, endpoint: Endpoint) -> Queue {
        let mut queues = self.queues.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (tx, rx) = queues.entry(endpoint).or_insert_with(|| {
            let (tx, rx) = mpsc::channel();
            (tx, Arc::new(Mutex::new(rx)))
        });
        (tx.clone(), Arc::clone(rx))
    }

    /// Puts raw bytes in `to`'s queue (what a faulty network would deliver), for tests.
    ///
    /// # Errors
    /// [`FedError::Transport`] when the queue is closed.
    pub fn send_bytes(&self, to: Endpoint, bytes: Vec<u8>) -> Result<usize> {
        let len = bytes.len();
        self.queue(to)
            .0
            .send(bytes)
            .map_err(|_| FedError::Transport { endpoint: to.to_string(), reason: "the queue is closed".into() })?;
        Ok(len)
    }
}

impl Transport for InProcess {
    fn send(&self, to: Endpoint, message: &Message) -> Result<usize> {
        self.send_bytes(to, encode(message))
    }

    fn recv(&self, at: Endpoint) -> Result<(Message, usize)> {
        let (_, rx) = self.queue(at);
        let rx = rx.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bytes = rx.recv_timeout(self.timeout).map_err(|e| FedError::Transport {
            endpoint: at.to_string(),
            reason: match e {
                RecvTimeoutError::Timeout => format!("no message within {:?}", self.timeout),
                RecvTimeoutError::Disconnected => "the queue is closed".into(),
            },
        })?;
        Ok((decode(&bytes)?, bytes.len()))
    }
}

/// Receives the [`Message::Broadcast`] waiting for `at` and returns its parameters.
///
/// # Errors
/// From [`Transport::recv`]; [`FedError::UnexpectedMessage`] for any other message.
pub fn recv_broadcast(transport: &dyn Transport, at: Endpoint) -> Result<ParamSet> {
    match transport.recv(at)?.0 {
        Message::Broadcast { params, .. } => Ok(params),
        other => {
            Err(FedError::UnexpectedMessage { endpoint: at.to_string(), expected: "broadcast", found: other.kind() })
        }
    }
}

/// Receives `count` [`Message::Update`]s at the server, sorted by client id, with the bytes
/// received.
///
/// # Errors
/// From [`Transport::recv`]; [`FedError::UnexpectedMessage`] for any other message.
pub fn recv_updates(transport: &dyn Transport, count: usize) -> Result<(Vec<ClientUpdate>, u64)> {
    let mut updates = Vec::with_capacity(count);
    let mut received = 0u64;
    for _ in 0..count {
        let (message, bytes) = transport.recv(Endpoint::Server)?;
        received += bytes as u64;
        match message {
            Message::Update { client, num_examples, params, metrics } => {
                updates.push(ClientUpdate { client, num_examples, params, metrics });
            }
            other => {
                return Err(FedError::UnexpectedMessage {
                    endpoint: Endpoint::Server.to_string(),
                    expected: "update",
                    found: other.kind(),
                });
            }
        }
    }
    updates.sort_by_key(|u| u.client);
    Ok((updates, received))
}
