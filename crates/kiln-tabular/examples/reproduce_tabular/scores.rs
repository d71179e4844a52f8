//! Accuracy, ROC AUC and time of a method over seeds.

use kiln_core::experiment::{MeanStd, mean};

use crate::baselines::Proba;

/// Macro one-vs-rest ROC AUC (Mann–Whitney with ties), as sklearn's `roc_auc_score(ovr)`.
fn roc_auc(proba: &[Vec<f32>], y: &[usize], classes: usize) -> f64 {
    let auc_for = |c: usize| {
        let mut scored: Vec<(f32, bool)> = proba.iter().zip(y).map(|(p, &t)| (p[c], t == c)).collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (pos, neg) = (scored.iter().filter(|s| s.1).count() as f64, scored.iter().filter(|s| !s.1).count() as f64);
        if pos == 0.0 || neg == 0.0 {
            return None;
        }
        let (mut rank_sum, mut i) = (0.0, 0);
        while i < scored.len() {
            let mut j = i;
            while j < scored.len() && scored[j].0 == scored[i].0 {
                j += 1;
            }
            let rank = (i + j + 1) as f64 / 2.0;
            rank_sum += rank * scored[i..j].iter().filter(|s| s.1).count() as f64;
            i = j;
        }
        Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
    };
    let aucs: Vec<f64> =
        if classes == 2 { auc_for(1).into_iter().collect() } else { (0..classes).filter_map(auc_for).collect() };
    mean(&aucs)
}

/// Share of rows whose most probable class is the true one.
fn accuracy(proba: &[Vec<f32>], y: &[usize]) -> f64 {
    let argmax =
        |p: &Vec<f32>| p.iter().enumerate().fold((0, f32::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b }).0;
    proba.iter().zip(y).filter(|(p, t)| argmax(p) == **t).count() as f64 / y.len().max(1) as f64
}

/// One method's results over seeds.
#[derive(Default, Clone)]
pub struct Score {
    acc: Vec<f64>,
    auc: Vec<f64>,
    secs: Vec<f64>,
}

impl Score {
    /// Adds one seed's predictions on test classes `y` of a `k`-class table, made in `secs`.
    pub fn add(&mut self, proba: &Proba, y: &[usize], k: usize, secs: f64) {
        self.acc.push(accuracy(proba, y));
        self.auc.push(roc_auc(proba, y, k));
        self.secs.push(secs);
    }

    /// `accuracy mean ± std / mean ROC AUC`.
    pub fn cell(&self) -> String {
        format!("{:.3} / {:.3}", MeanStd::of(&self.acc), mean(&self.auc))
    }

    /// Mean fit + predict time in seconds.
    pub fn time(&self) -> f64 {
        mean(&self.secs)
    }
}
