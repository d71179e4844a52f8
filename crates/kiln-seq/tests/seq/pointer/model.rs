//! The model: pointer scores against the formula by hand, padding, decoding, devices, save/load.

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_seq::batch::SeqBatch;
use kiln_seq::pointer::model::MASKED;
use kiln_seq::pointer::{Constraint, Decode, PointerBatch, PointerExample, PointerNet, PointerNetConfig, Task};
use kiln_seq::synth::points::examples;

fn matrix(rows: usize, cols: usize, v: &[f32], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(v.to_vec(), [rows, cols]), device)
}

#[test]
fn pointer_scores_match_the_formula_by_hand_for_three_inputs() {
    let device = Device::flex();
    let mut net = PointerNetConfig::new(2).with_hidden(2).init(&device);
    // burn's Linear computes x·W with W [in, out].
    net.w1.weight = Param::from_tensor(matrix(2, 2, &[1.0, 0.5, 0.0, 1.0], &device));
    net.w2.weight = Param::from_tensor(matrix(2, 2, &[2.0, 0.0, 0.0, 1.0], &device));
    net.v.weight = Param::from_tensor(matrix(2, 1, &[1.0, -0.5], &device));
    net.end_key = Param::from_tensor(Tensor::from_data(TensorData::new(vec![0.1f32, 0.2], [2]), &device));
    // Three encoder states and one padded slot.
    let e = [[0.2f32, -0.1], [0.4, 0.3], [-0.3, 0.6], [9.0, 9.0]];
    let d = [0.3f32, -0.2];
    let enc: Vec<f32> = e.iter().flatten().copied().collect();
    let enc = Tensor::<3>::from_data(TensorData::new(enc, [1, 4, 2]), &device);
    let mask = matrix(1, 5, &[1.0, 1.0, 1.0, 1.0, 0.0], &device);
    let u = to_vec(net.scores(net.keys(enc), matrix(1, 2, &d, &device), mask));
    // u_j = v·tanh(W₁ᵀe_j + W₂ᵀd): W₁ᵀe = (e₀, 0.5e₀ + e₁), W₂ᵀd = (2d₀, d₁) = (0.6, −0.2).
    let keys = [[0.1f32, 0.2], e[0], e[1], e[2]];
    for (j, k) in keys.iter().enumerate() {
        let h = [(k[0] + 0.6).tanh(), (0.5 * k[0] + k[1] - 0.2).tanh()];
        let want = h[0] - 0.5 * h[1];
        assert!((u[j] - want).abs() < 1e-6, "u[{j}] = {} vs {want}", u[j]);
    }
    assert_eq!(u[4], MASKED);
}

fn pointer_batch(task: Task, inputs: &[Vec<f32>], device: &Device) -> PointerBatch {
    let ex = task.examples(inputs.to_vec(), 0).unwrap();
    let refs: Vec<&PointerExample> = ex.iter().collect();
    PointerBatch::new(&refs, device).unwrap()
}

#[test]
fn padding_gets_zero_probability_and_zero_loss() {
    let device = Device::flex();
    let net = PointerNetConfig::new(2).with_hidden(16).init(&device);
    let (a, b) = (examples(1, 3, 3, 2, 1).unwrap(), examples(1, 6, 6, 2, 2).unwrap());
    let both = pointer_batch(Task::Tsp, &[a[0].clone(), b[0].clone()], &device);
    let alone = pointer_batch(Task::Tsp, &a, &device);
    let lp = to_vec(net.forward(&both));
    let lp_alone = to_vec(net.forward(&alone));
    let (l, c) = (7, 7); // 6 cities + end; 7 choices (end + 6)
    for step in 0..4 {
        for choice in 4..c {
            assert_eq!(lp[step * c + choice].exp(), 0.0, "padded choice {choice} at step {step}");
        }
        for choice in 0..4 {
            let (x, y) = (lp[step * c + choice], lp_alone[step * 4 + choice]);
            assert!((x - y).abs() < 1e-5, "step {step} choice {choice}: {x} vs {y}");
        }
    }
    assert_eq!(lp.len(), 2 * l * c);
    // The batch loss is the token-weighted mean of the two examples' losses: padding adds nothing.
    let loss = |batch: &PointerBatch| {
        let lp = net.forward(batch);
        to_vec(kiln_seq::batch::masked_cross_entropy(lp, batch.targets.clone(), batch.target_mask.clone()))[0]
    };
    let b_alone = pointer_batch(Task::Tsp, &b, &device);
    let want = (4.0 * loss(&alone) + 7.0 * loss(&b_alone)) / 11.0;
    assert!((loss(&both) - want).abs() < 1e-5, "{} vs {want}", loss(&both));
}

fn mixed_batch(n: usize, seed: u64, device: &Device) -> SeqBatch {
    let xs = examples(n, 3, 8, 2, seed).unwrap();
    let refs: Vec<&[f32]> = xs.iter().map(Vec::as_slice).collect();
    SeqBatch::from_sequences(&refs, 2, device).unwrap()
}

#[test]
fn greedy_decoding_agrees_with_the_teacher_forced_forward() {
    let device = Device::flex();
    let net = PointerNetConfig::new(2).with_hidden(16).init(&device);
    let seq = mixed_batch(6, 4, &device);
    let hyps = net.decode_with(&seq, Decode::Greedy, Constraint::Free).unwrap();
    // Feed the greedy outputs back as targets: each step's argmax must be the greedy choice.
    let xs = examples(6, 3, 8, 2, 4).unwrap();
    let ex: Vec<PointerExample> = xs
        .iter()
        .zip(&hyps)
        .map(|(x, h)| PointerExample { values: x.clone(), features: 2, target: h.choices.clone() })
        .collect();
    let refs: Vec<&PointerExample> = ex.iter().collect();
    let batch = PointerBatch::new(&refs, &device).unwrap();
    let [_, l, c] = net.forward(&batch).dims();
    let lp = to_vec(net.forward(&batch));
    for (b, h) in hyps.iter().enumerate() {
        let mut want: Vec<usize> = h.choices.iter().map(|&i| i + 1).collect();
        if h.ended {
            want.push(0);
        }
        for (i, &w) in want.iter().enumerate() {
            let row = &lp[(b * l + i) * c..(b * l + i + 1) * c];
            let arg = (0..c).max_by(|&x, &y| row[x].total_cmp(&row[y])).unwrap();
            assert_eq!(arg, w, "example {b} step {i}");
        }
        let sum: f32 = want.iter().enumerate().map(|(i, &w)| lp[(b * l + i) * c + w]).sum();
        assert!((sum - h.log_prob).abs() < 1e-4, "example {b}: {sum} vs {}", h.log_prob);
    }
}

#[test]
fn beam_never_repeats_and_width_one_is_greedy() {
    let device = Device::flex();
    let net = PointerNetConfig::new(2).with_hidden(16).init(&device);
    let seq = mixed_batch(8, 5, &device);
    for width in [2, 4] {
        for out in net.decode(&seq, Decode::Beam { width }).unwrap().iter().zip(&seq.lengths) {
            let (choices, &n) = out;
            let mut sorted = choices.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), choices.len(), "a repeat: {choices:?}");
            assert!(!choices.is_empty() && choices.iter().all(|&i| i < n));
        }
        let perms = net.decode_with(&seq, Decode::Beam { width }, Constraint::Permutation).unwrap();
        for (h, &n) in perms.iter().zip(&seq.lengths) {
            assert!(kiln_seq::pointer::tsp::is_permutation(&h.choices, n) && h.ended, "{h:?}");
        }
    }
    for constraint in [Constraint::Free, Constraint::NoRepeat, Constraint::Permutation] {
        let g = net.decode_with(&seq, Decode::Greedy, constraint).unwrap();
        let b = net.decode_with(&seq, Decode::Beam { width: 1 }, constraint).unwrap();
        assert_eq!(g, b, "{constraint:?}");
    }
    let wrong = SeqBatch::from_sequences(&[&[0.1, 0.2, 0.3]], 1, &device).unwrap();
    assert!(net.decode(&wrong, Decode::Greedy).is_err());
}

#[test]
fn save_and_load_round_trip() {
    let device = Device::flex();
    let config = PointerNetConfig::new(2).with_hidden(8);
    let net = config.init(&device);
    let batch = pointer_batch(Task::Hull, &examples(3, 4, 7, 2, 8).unwrap(), &device);
    let dir = std::env::temp_dir().join(format!("kiln-seq-pointer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pointer.bpk");
    net.clone().save_file(&path).unwrap();
    let loaded: PointerNet = config.init(&device).load_file(&path);
    assert_eq!(to_vec(net.forward(&batch)), to_vec(loaded.forward(&batch)));
    let json = serde_json::to_string(&config).unwrap();
    let back: PointerNetConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back.hidden, 8);
    std::fs::remove_dir_all(&dir).ok();
}

kiln_core::test_device!(agrees_with_flex, |device| {
    let flex = Device::flex();
    let net = PointerNetConfig::new(2).with_hidden(16).init(&flex);
    let inputs = examples(4, 3, 7, 2, 11).unwrap();
    let on_flex = to_vec(net.forward(&pointer_batch(Task::Tsp, &inputs, &flex)));
    let moved = net.clone().to_device(&device);
    let here = to_vec(moved.forward(&pointer_batch(Task::Tsp, &inputs, &device)));
    let diff = on_flex.iter().zip(&here).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(diff < 1e-3, "largest difference {diff}");
    let seq = mixed_batch(4, 12, &device);
    for (choices, &n) in moved.decode(&seq, Decode::Beam { width: 3 }).unwrap().iter().zip(&seq.lengths) {
        assert!(!choices.is_empty() && choices.iter().all(|&i| i < n), "{choices:?}");
    }
});
