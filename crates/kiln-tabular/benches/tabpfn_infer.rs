//! Times TabPFN inference with the shipped checkpoint ([`TabPfnClassifier::new`], what
//! `kiln tabular` loads) on 500 training and 500 test rows of a seeded prior table (10 features,
//! 3 classes, no missing values; [`PriorConfig::generate`] with seed 13):
//!
//! - `forward, 1 member`: one forward of the transformer, batch 1, logits read back;
//! - `forward, 8 members`: the same rows stacked 8 times, the size of the default ensemble's
//!   one forward (batch 8);
//! - `predict_proba, 8 members`: [`TabPfnClassifier::predict_proba`] after `fit`: the default
//!   ensemble's preprocessing (z-score, power transform, feature and class shifts) and forward,
//!   averaged and soft-maxed.
//!
//! One JSON object per line, like kiln-core's `train_step` bench, with peak memory. Each time is
//! the median of `KILN_BENCH_STEPS` (default 20) runs after 3 warm-up runs, fewer (at least 5)
//! where they would take over 10 s. Threads: `RAYON_NUM_THREADS` (flex's pool).

#[path = "../../kiln-core/benches/common/mod.rs"]
mod common;

use burn::prelude::{Int, Tensor, TensorData};
use common::Reporter;
use kiln_core::device::select_str;
use kiln_tabular::{PriorConfig, TabPfnClassifier};

const TRAIN: usize = 500;
const TEST: usize = 500;
const FEATURES: usize = 10;
/// Milliseconds of timed runs per row, at most (but 5 runs at least).
const BUDGET_MS: f64 = 10_000.0;

fn main() {
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let steps = common::steps();
    let table = PriorConfig::new(TRAIN + TEST)
        .with_num_features(FEATURES)
        .with_num_classes(3)
        .with_missing_p(0.0)
        .generate(13)
        .expect("a valid prior configuration");
    let out = Reporter::new(&device, "tabpfn-500+500");
    let mut clf = TabPfnClassifier::new(&device).expect("the shipped checkpoint loads");
    let model = clf.model();
    let width = model.max_features;
    let padded = table.padded(width);
    let labels: Vec<i64> = table.y[..TRAIN].iter().map(|&c| c as i64).collect();
    for members in [1, 8] {
        let x =
            Tensor::<3>::from_data(TensorData::new(padded.repeat(members), [members, TRAIN + TEST, width]), &device);
        let y = Tensor::<2, Int>::from_data(TensorData::new(labels.repeat(members), [members, TRAIN]), &device);
        let ms = common::median_capped_ms(steps, BUDGET_MS, || {
            let _ = model.forward(x.clone(), y.clone()).into_data();
        });
        let plural = if members == 1 { "member" } else { "members" };
        out.report(&format!("forward, {members} {plural}"), members, ms);
    }
    let rows = table.rows();
    clf.fit(&rows[..TRAIN], &table.y[..TRAIN]).expect("a valid training table");
    let ms = common::median_capped_ms(steps, BUDGET_MS, || {
        let _ = clf.predict_proba(&rows[TRAIN..]).expect("test rows of the training width");
    });
    out.report("predict_proba, 8 members", clf.ensemble().members, ms);
}
