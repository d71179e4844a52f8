//! Typed (heterogeneous) graphs: node types with their own counts, features, labels and
//! train/test nodes, and relations `(src_type, rel, dst_type)` with weighted edges — PyG's
//! `HeteroData` on the host.
//!
//! - [`graph`]: [`HeteroGraph`], reverse relations, the homogeneous view, per-relation tensors
//!   for message passing and the metapath join `A_{a∘b} = A_a · A_b` (a sparse product with
//!   values, `w(s, d) = Σ_m w_a(s, m) w_b(m, d)`).
//! - [`generate`]: a seeded typed SBM (authors–papers–venues).
//!
//! Readers: [`crate::io::hgb`] (the HGB benchmark directory: DBLP, ACM, IMDB) and
//! [`crate::io::typed_tsv`].

pub mod generate;
pub mod graph;

pub use generate::{TypedSbm, typed_sbm};
pub use graph::{HeteroGraph, NodeType, Relation, relation_tensors, sparse_product};
