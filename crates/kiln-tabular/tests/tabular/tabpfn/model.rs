//! The network: the attention mask (test rows see only training rows) and permutation
//! invariance over training rows (no positional encoding).

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::testing::max_abs_diff;
use kiln_tabular::TabPfnConfig;

fn small() -> TabPfnConfig {
    TabPfnConfig::new().with_max_features(6).with_max_classes(3).with_d_model(16).with_d_hidden(32).with_n_layers(2)
}

fn inputs(values: Vec<f32>, rows: usize, y: Vec<i64>, device: &Device) -> (Tensor<3>, Tensor<2, Int>) {
    let n = y.len();
    (
        Tensor::from_data(TensorData::new(values, [1, rows, 6]), device),
        Tensor::from_data(TensorData::new(y, [1, n]), device),
    )
}

fn data(rows: usize) -> Vec<f32> {
    (0..rows * 6).map(|i| ((i * 37 % 11) as f32 - 5.0) / 3.0).collect()
}

kiln_core::test_device!(changing_one_test_row_leaves_the_others_unchanged, |device| {
    device.seed(1);
    let model = small().init(&device);
    // Randomise the zero-initialised output maps so that attention matters.
    let model = perturb(model, &device);
    let (n_train, n_test) = (10, 4);
    let mut x = data(n_train + n_test);
    let y: Vec<i64> = (0..n_train as i64).map(|i| i % 3).collect();
    let (xa, ya) = inputs(x.clone(), n_train + n_test, y.clone(), &device);
    let before = model.forward(xa, ya);
    // Change test row 1 (row n_train + 1).
    for v in &mut x[(n_train + 1) * 6..(n_train + 2) * 6] {
        *v += 5.0;
    }
    let (xb, yb) = inputs(x, n_train + n_test, y, &device);
    let after = model.forward(xb, yb);
    for row in [0, 2, 3] {
        let d = max_abs_diff(before.clone().narrow(1, row, 1), after.clone().narrow(1, row, 1));
        assert!(d < 1e-5, "test row {row} changed by {d}");
    }
    let d = max_abs_diff(before.narrow(1, 1, 1), after.narrow(1, 1, 1));
    assert!(d > 1e-3, "the changed row's own logits must change ({d})");
});

kiln_core::test_device!(shuffling_training_rows_barely_changes_logits, |device| {
    device.seed(2);
    let model = perturb(small().init(&device), &device);
    let (n_train, n_test) = (12, 3);
    let x = data(n_train + n_test);
    let y: Vec<i64> = (0..n_train as i64).map(|i| (i * 7) % 3).collect();
    let perm = [5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6];
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for &p in &perm {
        xs.extend_from_slice(&x[p * 6..(p + 1) * 6]);
        ys.push(y[p]);
    }
    xs.extend_from_slice(&x[n_train * 6..]);
    let (xa, ya) = inputs(x, n_train + n_test, y, &device);
    let (xb, yb) = inputs(xs, n_train + n_test, ys, &device);
    let d = max_abs_diff(model.forward(xa, ya), model.forward(xb, yb));
    assert!(d < 1e-4, "logits moved by {d}");
});

/// Replaces the zero-initialised maps with small random ones (as after training).
fn perturb(mut model: kiln_tabular::TabPfn, device: &Device) -> kiln_tabular::TabPfn {
    use burn::nn::LinearConfig;
    for layer in &mut model.layers {
        layer.attention.output = LinearConfig::new(16, 16).init(device);
        layer.linear2 = LinearConfig::new(32, 16).init(device);
    }
    model
}
