//! Link prediction utilities: leakage-free edge splits, negative sampling, ranking metrics
//! (Hits@K, MRR, ROC AUC) and the classic heuristics (common neighbours, Adamic–Adar, resource
//! allocation) as baselines.

mod heuristics;
mod metrics;
mod split;

pub use heuristics::{Heuristic, adamic_adar, common_neighbor_count, resource_allocation};
pub use metrics::{LinkMetrics, hits_at_k, mrr, roc_auc};
pub use split::{LinkSplit, negative_sampling};
