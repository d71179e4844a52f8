//! Search traces: every real evaluation in order, with the hypervolume curve.
//!
//! `hypervolume[k]` is the hypervolume (see [`hypervolume`](mod@super::hypervolume)) of the
//! non-dominated front of `evaluations[..=k]`, so traces of different searches compare at equal
//! numbers of real evaluations (the sample-efficiency curves of DyNAS-T, Cummings et al. 2022).

use serde::{Deserialize, Serialize};

use super::hypervolume::HypervolumeTracker;
use super::pareto::non_dominated_front;
use super::{Objective, Problem, SearchError, directions};

/// The real evaluations of a search and the hypervolume after each one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchTrace {
    /// The objectives, in the order of each evaluation's values.
    pub objectives: Vec<Objective>,
    /// The hypervolume reference point.
    pub reference: Vec<f64>,
    /// `(encoding, objective values)` in evaluation order.
    pub evaluations: Vec<(Vec<usize>, Vec<f64>)>,
    /// Hypervolume of the front of the first `k + 1` evaluations, for each `k`.
    pub hypervolume: Vec<f64>,
}

impl SearchTrace {
    /// The trace of a list of evaluations (e.g. [`Nsga2Result::evaluated`](super::Nsga2Result)).
    pub fn from_evaluations(problem: &Problem, evaluations: Vec<(Vec<usize>, Vec<f64>)>) -> Result<Self, SearchError> {
        let mut builder = TraceBuilder::new(problem)?;
        for (enc, values) in evaluations {
            builder.record(enc, values)?;
        }
        Ok(builder.finish())
    }

    /// Number of real evaluations.
    pub fn len(&self) -> usize {
        self.evaluations.len()
    }

    /// Whether nothing was evaluated.
    pub fn is_empty(&self) -> bool {
        self.evaluations.is_empty()
    }

    /// The final hypervolume (0 for an empty trace).
    pub fn final_hypervolume(&self) -> f64 {
        self.hypervolume.last().copied().unwrap_or(0.0)
    }

    /// Indices of the non-dominated evaluations, in evaluation order.
    pub fn front(&self) -> Result<Vec<usize>, SearchError> {
        let values: Vec<Vec<f64>> = self.evaluations.iter().map(|(_, v)| v.clone()).collect();
        non_dominated_front(&values, &directions(&self.objectives))
    }
}

/// Builds a trace one evaluation at a time.
#[derive(Debug, Clone)]
pub(crate) struct TraceBuilder {
    tracker: HypervolumeTracker,
    trace: SearchTrace,
}

impl TraceBuilder {
    pub(crate) fn new(problem: &Problem) -> Result<Self, SearchError> {
        Ok(Self {
            tracker: HypervolumeTracker::new(problem.reference(), &problem.directions())?,
            trace: SearchTrace {
                objectives: problem.objectives().to_vec(),
                reference: problem.reference().to_vec(),
                evaluations: Vec::new(),
                hypervolume: Vec::new(),
            },
        })
    }

    pub(crate) fn record(&mut self, enc: Vec<usize>, values: Vec<f64>) -> Result<(), SearchError> {
        let hv = self.tracker.push(&values)?;
        self.trace.evaluations.push((enc, values));
        self.trace.hypervolume.push(hv);
        Ok(())
    }

    pub(crate) fn len(&self) -> usize {
        self.trace.evaluations.len()
    }

    pub(crate) fn finish(self) -> SearchTrace {
        self.trace
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The non-dominated evaluations of `trace` as CSV, sorted by the first objective (best first):
/// header `evaluation,gene_0,…,gene_{L−1},<objective names>`, where `evaluation` is the index in
/// the trace. An empty trace (or one with inconsistent values) gives the header only.
pub fn pareto_csv(trace: &SearchTrace) -> String {
    let genes = trace.evaluations.first().map_or(0, |(e, _)| e.len());
    let mut header = vec!["evaluation".to_string()];
    header.extend((0..genes).map(|g| format!("gene_{g}")));
    header.extend(trace.objectives.iter().map(|o| csv_field(&o.name)));
    let mut out = header.join(",");
    out.push('\n');
    let mut front = trace.front().unwrap_or_default();
    if let Some(first) = trace.objectives.first() {
        front.sort_by(|&a, &b| {
            let (x, y) =
                (first.direction.to_min(trace.evaluations[a].1[0]), first.direction.to_min(trace.evaluations[b].1[0]));
            x.total_cmp(&y).then(a.cmp(&b))
        });
    }
    for i in front {
        let (enc, values) = &trace.evaluations[i];
        let mut row = vec![i.to_string()];
        row.extend(enc.iter().map(|g| g.to_string()));
        row.extend(values.iter().map(|v| v.to_string()));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
