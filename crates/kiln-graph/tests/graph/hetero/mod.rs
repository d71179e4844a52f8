//! Typed graphs: construction, reverses, the homogeneous view, the metapath join, the typed
//! SBM, and the HGB and typed-TSV readers (round trip, each bad case, damaged copies).

mod graph;
mod hgb;
mod hgb_props;
