//! Link prediction utilities: leakage-free edge splits, negative sampling against the training
//! edges, each positive's own negatives for MRR, ranking metrics as OGB computes them (Hits@K,
//! MRR, ROC AUC) and the classic heuristics (common neighbours, Adamic–Adar, resource
//! allocation) as baselines.

mod heuristics;
mod metrics;
mod ranking;
mod split;

pub use heuristics::{Heuristic, adamic_adar, common_neighbor_count, resource_allocation};
pub use metrics::{LinkMetrics, hits_at_k, mrr, pooled_mrr, roc_auc};
pub use ranking::RankingNegatives;
pub use split::{LinkSplit, negative_sampling, sample_negatives};
