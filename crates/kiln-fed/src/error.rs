//! The error type of `kiln-fed`: every variant names the field, client or byte offset at fault.

use std::path::PathBuf;

use kiln_core::CoreError;

/// Everything that can go wrong in `kiln-fed`.
#[derive(Debug, thiserror::Error)]
pub enum FedError {
    /// A setting is out of range (`alpha` ≤ 0, a `fraction` outside (0, 1], zero clients).
    #[error("invalid `{field}` = {value}: {reason}")]
    InvalidSetting {
        /// The setting's name.
        field: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A split was asked for more clients (or shards) than there are examples.
    #[error("{examples} examples cannot be split over {clients} clients")]
    TooFewExamples {
        /// Examples available.
        examples: usize,
        /// Clients (or shards) asked for.
        clients: usize,
    },
    /// A shard stayed under `min_size` after every allowed redraw of a split, or a client was
    /// given fewer examples than a round needs.
    #[error("client {client}'s shard has {size} examples, under the minimum {min_size} (after {attempts} draws)")]
    ShardTooSmall {
        /// The client whose shard is too small.
        client: usize,
        /// Its size.
        size: usize,
        /// The minimum required.
        min_size: usize,
        /// How many draws were tried.
        attempts: usize,
    },
    /// A client of a federation has no examples.
    #[error("client {client} has no examples")]
    EmptyShard {
        /// The client.
        client: usize,
    },
    /// Two clients share an id.
    #[error("client id {client} is used twice")]
    DuplicateClient {
        /// The repeated id.
        client: usize,
    },
    /// Message bytes do not start with the `KFED` magic.
    #[error("not a kiln-fed message: magic {found:?}, expected {expected:?}")]
    BadMagic {
        /// The first bytes found.
        found: Vec<u8>,
        /// The magic expected.
        expected: [u8; 4],
    },
    /// Message bytes of an encoding version this build cannot read.
    #[error("message encoding version {found} is not supported (this build reads version {supported})")]
    UnsupportedVersion {
        /// The version in the bytes.
        found: u16,
        /// The version this build reads and writes.
        supported: u16,
    },
    /// Message bytes that are truncated, inconsistent or carry a value out of range.
    #[error("corrupt message: field `{field}` at byte {offset}: {reason}")]
    Decode {
        /// The field being read.
        field: &'static str,
        /// Byte offset where it starts.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// A parameter set does not fit a model (missing path, other shape), or an update does not
    /// fit the global parameters.
    #[error("parameter `{path}`{}: {reason}", client.map(|c| format!(" of client {c}")).unwrap_or_default())]
    ParamMismatch {
        /// The parameter's dotted path.
        path: String,
        /// The client whose update it is, when it came from a client.
        client: Option<usize>,
        /// What does not fit.
        reason: String,
    },
    /// A transport could not deliver or receive a message.
    #[error("transport to {endpoint}: {reason}")]
    Transport {
        /// The endpoint (`server`, `client 3`).
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// A message of the wrong kind arrived.
    #[error("{endpoint} expected a {expected} message, got {found}")]
    UnexpectedMessage {
        /// Where it arrived.
        endpoint: String,
        /// The kind expected.
        expected: &'static str,
        /// The kind received.
        found: &'static str,
    },
    /// A client's local training failed.
    #[error("client {client}: {source}")]
    Client {
        /// The client.
        client: usize,
        /// What the engine reported.
        source: Box<FedError>,
    },
    /// The training engine failed (checkpoint, batch, tensor read).
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Reading or writing a file of the federation (`rounds.jsonl`) failed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl FedError {
    /// An [`FedError::InvalidSetting`].
    pub fn setting(field: &'static str, value: impl ToString, reason: &'static str) -> Self {
        Self::InvalidSetting { field, value: value.to_string(), reason }
    }

    /// A [`FedError::Decode`].
    pub fn decode(field: &'static str, offset: usize, reason: impl Into<String>) -> Self {
        Self::Decode { field, offset, reason: reason.into() }
    }

    /// A [`FedError::File`].
    pub fn file(path: impl Into<PathBuf>, message: impl ToString) -> Self {
        Self::File { path: path.into(), message: message.to_string() }
    }
}

/// `Result` with [`FedError`].
pub type Result<T> = std::result::Result<T, FedError>;
