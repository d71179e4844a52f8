//! Loaders for common graph file formats. Every reader reads UTF-8 text (a byte-order mark is
//! dropped, lines end in LF or CRLF, blank lines and `#`/`%` comments are skipped), and
//! malformed input gives a [`GraphError`] naming the file and the 1-based line: bytes that are
//! not UTF-8 ([`NotText`]), a file without data ([`Empty`]), non-numeric fields
//! ([`NotNumeric`]), `nan`/`inf` features and weights ([`NonFinite`]), ragged rows
//! ([`Ragged`]), ids out of range ([`IdOutOfRange`]), a repeated edge with another weight
//! ([`ConflictingDuplicate`]) and missing companion files ([`MissingFile`]). Memory follows the
//! size of the files, never a number written in them.
//!
//! - [`edge_list`]: `source target [weight]` per line, comma, tab or space separated; any
//!   integer ids, renumbered `0..n` in increasing order (the ids kept).
//! - [`linqs`]: the LINQS citation format (`*.content`: id, features, label; `*.cites`).
//! - [`tu`]: the TU graph-classification format (`DS_A.txt`, `DS_graph_indicator.txt`,
//!   `DS_graph_labels.txt`, optional `DS_node_labels.txt` / `DS_node_attributes.txt`).
//! - [`triples`]: knowledge-graph triples `head<TAB>relation<TAB>tail`.
//! - [`pdb`]: protein structures (fixed-column `ATOM`/`HETATM`, the first altLoc and model,
//!   insertion codes, chain breaks, `HELIX`/`SHEET`, gzip), malformed records as
//!   [`GraphError::Malformed`](crate::GraphError::Malformed) naming file and line.
//!
//! [`GraphError`]: crate::GraphError
//! [`NotText`]: crate::GraphError::NotText
//! [`Empty`]: crate::GraphError::Empty
//! [`NotNumeric`]: crate::GraphError::NotNumeric
//! [`NonFinite`]: crate::GraphError::NonFinite
//! [`Ragged`]: crate::GraphError::Ragged
//! [`IdOutOfRange`]: crate::GraphError::IdOutOfRange
//! [`ConflictingDuplicate`]: crate::GraphError::ConflictingDuplicate
//! [`MissingFile`]: crate::GraphError::MissingFile

mod coalesce;
pub mod edge_list;
pub mod hgb;
pub mod linqs;
pub mod pdb;
mod text;
pub mod triples;
pub mod tu;
pub mod typed_tsv;

pub use coalesce::Duplicates;
