//! What can go wrong when a Learngene Pool is configured, built or asked for a descendant.

use thiserror::Error;

use super::descendant::Descendant;
use crate::vit::VitError;

/// A configuration, descendant or set of auxiliary models the pool cannot use.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LearngeneError {
    /// A ViT configuration (the ancestry's or an instance's) is invalid.
    #[error("{which}: {source}")]
    Vit {
        /// Which network (`"ancestry"`, `"instance 1"`).
        which: String,
        /// What is wrong with it.
        source: VitError,
    },
    /// The pool has no learngene instance.
    #[error("a learngene pool needs at least one instance")]
    NoInstances,
    /// The instances and the ancestry do not share the token layout or the classes.
    #[error("instance {index} differs from the ancestry in {what}")]
    Mismatch {
        /// Instance index.
        index: usize,
        /// The differing size (`"image size"`, `"classes"`, ...).
        what: &'static str,
    },
    /// The instances do not all have the same number of blocks (paired stitching needs it).
    #[error("instance {index} has {depth} blocks, instance 0 has {expected}")]
    Depth {
        /// Instance index.
        index: usize,
        /// Its blocks.
        depth: usize,
        /// Blocks of instance 0.
        expected: usize,
    },
    /// A distillation matching point falls before the first block.
    #[error("{points} matching needs at least {needed} blocks in the {which}, it has {depth}")]
    MatchPoints {
        /// The matching scheme.
        points: &'static str,
        /// `"student"` or `"teacher"`.
        which: &'static str,
        /// Its blocks.
        depth: usize,
        /// The fewest blocks that work.
        needed: usize,
    },
    /// A stitching pair that is not `front < end < instances`.
    #[error("stitching pair ({front}, {end}) is invalid for {instances} instances (need front < end)")]
    Pair {
        /// Front instance.
        front: usize,
        /// End instance.
        end: usize,
        /// Instances in the pool.
        instances: usize,
    },
    /// A hyper-parameter out of range.
    #[error("{name} = {value} is out of range ({expected})")]
    Hyper {
        /// Name of the hyper-parameter.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The valid range.
        expected: &'static str,
    },
    /// A descendant this pool cannot build.
    #[error("descendant {descendant:?} is not one of this pool's: {reason}")]
    Descendant {
        /// The requested descendant.
        descendant: Descendant,
        /// Why not.
        reason: String,
    },
    /// Auxiliary models that do not fit the pool's configuration.
    #[error("auxiliary model {index}: {reason}")]
    Auxiliary {
        /// Instance index.
        index: usize,
        /// Why it does not fit.
        reason: String,
    },
}
