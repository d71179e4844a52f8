//! Data-parallel training across processes and machines: a group of `N` nodes (one process
//! each, one or more devices each) that sum their gradients before every optimiser step.
//!
//! Node 0, the coordinator, listens at `HOST:PORT`; nodes `1..N` connect to it. Each optimiser
//! step, node `r` with `D` devices computes the gradients of the global batches
//! `step·N·D + r·D + d` (`d < D`), each of the loss scaled by `1/(N·D)`, and the group
//! all-reduces them:
//!
//! ```text
//! g = Σ_{r<N} Σ_{d<D} ∇(L_{r,d} / (N·D))      (the gradient of the mean loss of the global batch)
//! ```
//!
//! The coordinator receives every node's flattened gradients, adds them in rank order and
//! sends the sum back, so every node applies bit-identical gradients with a bit-identical
//! optimiser and the replicas' weights stay equal without being exchanged. At the start of a
//! run, and after every epoch, the coordinator's whole module state (parameters and buffers
//! such as batch-norm running statistics) is broadcast, so nodes start from the same weights
//! whatever their own initialisation, and validate (and stop early) alike; resuming, the
//! coordinator's latest checkpoint is sent to every node. Only node 0 writes the metrics log,
//! checkpoints and the report.
//!
//! Why not burn's own collective layer: `burn-collective` (the engine of burn-train's
//! data-parallel strategy) has no release for burn 0.22 (its newest, 0.21.0, is built on
//! burn 0.21's types), and burn 0.22's `DistributedOps` sync server is in-process only (its
//! `all_reduce` is unimplemented on flex). This module is the small part of it Kiln needs:
//! a star all-reduce over TCP (the coordinator moves `2·(N−1)` copies of the gradients per
//! step; a ring would move `2·(N−1)/N` per node and is the next step for large groups).
//!
//! Failure: every read and write has the [`ClusterConfig::timeout`]. A node that exits
//! closes its stream, and the others fail at their next exchange with an error naming it; a
//! node that hangs is an error after the timeout. A failed group is not recovered: restart
//! every node with `--resume`.

mod flat;
mod wire;

use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(super) use flat::{flatten_gradients, read_state, unflatten_gradients, write_state};
use wire::{Peer, Tag, io_error};
pub(super) use wire::{bytes_f32, f32_bytes};

use crate::error::{CoreError, Result};

/// How long a node waits for another by default (joining, and each exchange): long enough for
/// a validation pass on a slow node, short enough that a hung group ends.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// One node's place in a group: how many nodes, which one this is, where the coordinator
/// listens, and how long to wait for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Number of nodes (processes) in the group.
    pub nodes: usize,
    /// This node's rank, `0..nodes`; rank 0 is the coordinator.
    pub rank: usize,
    /// `HOST:PORT` the coordinator listens at and the other nodes connect to.
    pub coordinator: String,
    /// Longest wait for another node: to join, and for each message.
    pub timeout: Duration,
}

impl ClusterConfig {
    /// Node `rank` of `nodes`, the coordinator at `coordinator`, [`DEFAULT_TIMEOUT`].
    pub fn new(nodes: usize, rank: usize, coordinator: impl Into<String>) -> Self {
        Self { nodes, rank, coordinator: coordinator.into(), timeout: DEFAULT_TIMEOUT }
    }

    /// The same node with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Errors unless there is at least one node, the rank is one of them and the timeout is
    /// positive.
    pub fn validate(&self) -> Result<()> {
        let invalid = |m: String| Err(CoreError::InvalidConfig(m));
        if self.nodes == 0 {
            return invalid("a cluster needs at least one node".into());
        }
        if self.rank >= self.nodes {
            return invalid(format!(
                "node rank {} is not below the {} nodes (ranks 0..{})",
                self.rank, self.nodes, self.nodes
            ));
        }
        if self.timeout.is_zero() {
            return invalid("the cluster timeout must be positive".into());
        }
        Ok(())
    }
}

/// This process's links to the rest of its group.
enum Links {
    /// A group of one: nothing to exchange.
    Alone,
    /// The coordinator: a stream to every other node, rank `r` at index `r − 1`.
    Coordinator(Vec<TcpStream>),
    /// Another node: its stream to the coordinator.
    Node(TcpStream),
    /// A group that failed: every later exchange repeats why.
    Failed(String),
}

/// A joined node of a training group (see the [module docs](self)).
pub struct Cluster {
    nodes: usize,
    rank: usize,
    timeout: Duration,
    links: Mutex<Links>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("nodes", &self.nodes).field("rank", &self.rank).finish()
    }
}

impl Cluster {
    /// Joins the group: the coordinator listens and waits for every other node; a node
    /// connects (retrying until the coordinator is up) and introduces itself. Both give up
    /// after the timeout, naming who is missing.
    ///
    /// # Errors
    /// [`CoreError::InvalidConfig`] for a bad config; [`CoreError::Cluster`] when the address
    /// cannot be used, a node does not join in time, or a node's settings (number of nodes,
    /// rank, protocol version) do not fit the group's.
    pub fn join(config: &ClusterConfig) -> Result<Self> {
        config.validate()?;
        let links = match (config.nodes, config.rank) {
            (1, _) => Links::Alone,
            (_, 0) => Links::Coordinator(accept_nodes(config)?),
            _ => Links::Node(connect(config)?),
        };
        Ok(Self { nodes: config.nodes, rank: config.rank, timeout: config.timeout, links: Mutex::new(links) })
    }

    /// Number of nodes in the group.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// This node's rank (0: the coordinator).
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Whether this node writes the run's files (rank 0).
    pub fn is_coordinator(&self) -> bool {
        self.rank == 0
    }

    /// Replaces `values` by their element-wise sum over all nodes, added in rank order (the
    /// same bits on every node). Every node must call it with as many values.
    ///
    /// # Errors
    /// [`CoreError::Cluster`] when a node fails, times out, or sends another number of values.
    pub fn all_reduce_sum(&self, values: &mut [f32]) -> Result<()> {
        self.exchange(|links, timeout| match links {
            Links::Alone => Ok(()),
            Links::Node(stream) => {
                let peer = Peer::Coordinator;
                wire::send(stream, Tag::Reduce, &wire::f32_bytes(values))
                    .map_err(|e| io_error(peer, "sending gradients", &e, timeout))?;
                let reduced = wire::receive(stream, Tag::Reduced, peer)
                    .map_err(|e| io_error(peer, "waiting for the summed gradients", &e, timeout))?;
                let reduced = wire::bytes_f32(&reduced);
                if reduced.len() != values.len() {
                    return Err(CoreError::Cluster(format!(
                        "the coordinator sent {} summed values for this node's {}",
                        reduced.len(),
                        values.len()
                    )));
                }
                values.copy_from_slice(&reduced);
                Ok(())
            }
            Links::Coordinator(streams) => {
                let mut sum = values.to_vec();
                for (i, stream) in streams.iter_mut().enumerate() {
                    let peer = Peer::Node(i + 1);
                    let bytes = wire::receive(stream, Tag::Reduce, peer)
                        .map_err(|e| io_error(peer, "waiting for its gradients", &e, timeout))?;
                    if bytes.len() != values.len() * 4 {
                        return Err(CoreError::Cluster(format!(
                            "node {} sent {} gradient values where node 0 has {}: the nodes' models or \
                             trainable parameters differ",
                            i + 1,
                            bytes.len() / 4,
                            values.len()
                        )));
                    }
                    for (s, v) in sum.iter_mut().zip(wire::bytes_f32(&bytes)) {
                        *s += v;
                    }
                }
                let bytes = wire::f32_bytes(&sum);
                for (i, stream) in streams.iter_mut().enumerate() {
                    wire::send(stream, Tag::Reduced, &bytes)
                        .map_err(|e| io_error(Peer::Node(i + 1), "sending the summed gradients", &e, timeout))?;
                }
                values.copy_from_slice(&sum);
                Ok(())
            }
            Links::Failed(_) => unreachable!("exchange stops at a failed group"),
        })
    }

    /// The coordinator's `bytes` on every node: the coordinator sends them and returns them;
    /// the other nodes return what they receive (their own `bytes` are ignored).
    ///
    /// # Errors
    /// [`CoreError::Cluster`] when a node fails or times out.
    pub fn broadcast(&self, bytes: Vec<u8>) -> Result<Vec<u8>> {
        self.exchange(|links, timeout| match links {
            Links::Alone => Ok(bytes),
            Links::Node(stream) => wire::receive(stream, Tag::Broadcast, Peer::Coordinator)
                .map_err(|e| io_error(Peer::Coordinator, "waiting for its broadcast", &e, timeout)),
            Links::Coordinator(streams) => {
                for (i, stream) in streams.iter_mut().enumerate() {
                    wire::send(stream, Tag::Broadcast, &bytes)
                        .map_err(|e| io_error(Peer::Node(i + 1), "broadcasting", &e, timeout))?;
                }
                Ok(bytes)
            }
            Links::Failed(_) => unreachable!("exchange stops at a failed group"),
        })
    }

    /// Runs one exchange on the links; a failure closes every stream (so the other nodes see
    /// it at once instead of waiting out their timeout) and is repeated by later exchanges.
    fn exchange<T>(&self, body: impl FnOnce(&mut Links, Duration) -> Result<T>) -> Result<T> {
        let mut links = self.links.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Links::Failed(message) = &*links {
            return Err(CoreError::Cluster(format!("the group failed earlier: {message}")));
        }
        let result = body(&mut links, self.timeout);
        if let Err(e) = &result {
            *links = Links::Failed(e.to_string());
        }
        result
    }
}

/// The coordinator's side of joining: listen, then accept and check every other node.
fn accept_nodes(config: &ClusterConfig) -> Result<Vec<TcpStream>> {
    let address = &config.coordinator;
    let deadline = Instant::now() + config.timeout;
    let listener = listen(address, deadline)?;
    listener.set_nonblocking(true).map_err(|e| CoreError::Cluster(format!("listening at {address}: {e}")))?;
    let mut joined: Vec<Option<TcpStream>> = (1..config.nodes).map(|_| None).collect();
    while joined.iter().any(Option::is_none) {
        let (mut stream, _) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    let missing: Vec<String> = joined
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.is_none())
                        .map(|(i, _)| (i + 1).to_string())
                        .collect();
                    return Err(CoreError::Cluster(format!(
                        "node 0 waited {} s at {address} and node(s) {} did not join",
                        config.timeout.as_secs_f64(),
                        missing.join(", ")
                    )));
                }
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            Err(e) => return Err(CoreError::Cluster(format!("accepting a node at {address}: {e}"))),
        };
        let setup = stream.set_nonblocking(false).and_then(|_| wire::configure(&stream, config.timeout));
        setup.map_err(|e| CoreError::Cluster(format!("setting up a node's connection: {e}")))?;
        let hello = wire::read_hello(&mut stream);
        let (protocol, nodes, rank) = match hello {
            Ok(Ok(hello)) => hello,
            // A stray connection (not a Kiln node): ignore it and keep waiting.
            Ok(Err(_)) | Err(_) => continue,
        };
        let refusal = if protocol != wire::PROTOCOL {
            Some(format!(
                "node {rank} speaks cluster protocol {protocol}, node 0 speaks {}: use one Kiln build",
                wire::PROTOCOL
            ))
        } else if nodes != config.nodes {
            Some(format!("node {rank} expects {nodes} nodes, node 0 expects {}", config.nodes))
        } else if rank == 0 || rank >= config.nodes {
            Some(format!("a node claims rank {rank}, not one of 1..{}", config.nodes))
        } else if joined[rank - 1].is_some() {
            Some(format!("two nodes claim rank {rank}"))
        } else {
            None
        };
        if let Some(reason) = refusal {
            let _ = wire::send(&mut stream, Tag::Refused, reason.as_bytes());
            return Err(CoreError::Cluster(reason));
        }
        wire::send(&mut stream, Tag::Welcome, &[])
            .map_err(|e| io_error(Peer::Node(rank), "welcoming it", &e, config.timeout))?;
        joined[rank - 1] = Some(stream);
    }
    Ok(joined.into_iter().flatten().collect())
}

/// Binds the coordinator's address; a port still in use (a previous run's socket, a node's
/// momentary self-connection) is retried until the deadline, any other error is final.
fn listen(address: &str, deadline: Instant) -> Result<TcpListener> {
    loop {
        match TcpListener::bind(address) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => return Err(CoreError::Cluster(format!("node 0 cannot listen at {address}: {e}"))),
        }
    }
}

/// Whether a stream's two ends are the same address (see `connect`).
fn is_self_connection(stream: &TcpStream) -> bool {
    matches!((stream.local_addr(), stream.peer_addr()), (Ok(local), Ok(peer)) if local == peer)
}

/// A node's side of joining: connect (retrying until the timeout), introduce itself, wait for
/// the coordinator's welcome.
fn connect(config: &ClusterConfig) -> Result<TcpStream> {
    let address = &config.coordinator;
    let deadline = Instant::now() + config.timeout;
    let mut last_error = String::from("no address");
    let mut stream = loop {
        let addresses = address
            .to_socket_addrs()
            .map_err(|e| CoreError::Cluster(format!("coordinator address `{address}` (expected HOST:PORT): {e}")))?;
        let attempt =
            addresses.into_iter().find_map(|a| match TcpStream::connect_timeout(&a, Duration::from_secs(1)) {
                // A connection to oneself: retrying a local port with no listener can make the
                // kernel pick that very port as the local end (TCP simultaneous open). Such a
                // socket would also hold the port the coordinator is about to listen at.
                Ok(stream) if is_self_connection(&stream) => {
                    last_error = String::from("nobody listens yet");
                    None
                }
                Ok(stream) => Some(stream),
                Err(e) => {
                    last_error = e.to_string();
                    None
                }
            });
        if let Some(stream) = attempt {
            break stream;
        }
        if Instant::now() >= deadline {
            return Err(CoreError::Cluster(format!(
                "node {} could not reach the coordinator at {address} within {} s: {last_error}",
                config.rank,
                config.timeout.as_secs_f64()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let peer = Peer::Coordinator;
    wire::configure(&stream, config.timeout).map_err(|e| io_error(peer, "setting up", &e, config.timeout))?;
    stream_hello(&mut stream, config)?;
    Ok(stream)
}

/// Sends this node's introduction and waits for the coordinator's answer.
fn stream_hello(stream: &mut TcpStream, config: &ClusterConfig) -> Result<()> {
    use std::io::Write;
    let peer = Peer::Coordinator;
    stream
        .write_all(&wire::hello(config.nodes, config.rank))
        .map_err(|e| io_error(peer, "introducing this node", &e, config.timeout))?;
    wire::receive(stream, Tag::Welcome, peer).map(|_| ()).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => CoreError::Cluster(format!("node 0 refused node {}: {e}", config.rank)),
        _ => io_error(peer, "joining", &e, config.timeout),
    })
}
