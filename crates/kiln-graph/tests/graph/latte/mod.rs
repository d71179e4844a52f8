//! LATTE: attention normalisation, agreement across devices, the meta-relation plan, and
//! learning on the typed SBM against a homogeneous GCN.

mod learning;
mod model;
