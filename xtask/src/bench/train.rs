//! The training-step section: Kiln's benchmark programs beside their PyTorch references, every
//! row at all threads and at one, with each model's peak memory.

use std::collections::BTreeMap;

use serde_json::Value;

use super::lines::{cargo_bench, implementation, key, ms_and_ratio, peak, python, reference, text, thread_counts};

/// A Kiln benchmark program: package, bench, extra environment.
type Program = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

/// Kiln's programs.
const KILN: &[Program] = &[
    ("kiln-core", "train_step", &[]),
    ("kiln-proto", "protopnet_step", &[]),
    // The whole-subnet rows only (the pieces are for profiling).
    ("kiln-nas", "ofa_step", &[("KILN_BENCH_ONLY", "train_,forward_")]),
    ("kiln-data", "digits_epoch", &[]),
    ("kiln-tabular", "tabpfn_infer", &[]),
];

/// The PyTorch references.
const TORCH: &[&str] = &["bench/pytorch/train_step.py", "bench/pytorch/ofa_step.py", "bench/pytorch/tabpfn_infer.py"];

/// Runs every program at `threads` and at one thread; returns Kiln's lines and the references'.
fn measure(threads: usize) -> Result<(Vec<Value>, Vec<Value>), String> {
    let (mut kiln, mut torch) = (Vec::new(), Vec::new());
    for t in thread_counts(threads) {
        for (package, bench, extra) in KILN {
            eprintln!("xtask: {package} {bench}, {t} thread(s)");
            let mut env = vec![("RAYON_NUM_THREADS", t.to_string())];
            env.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
            kiln.extend(cargo_bench(package, bench, &env)?);
        }
        for script in TORCH {
            eprintln!("xtask: {script}, {t} thread(s)");
            torch.extend(python(script, &[("KILN_BENCH_THREADS", t.to_string())]).unwrap_or_default());
        }
    }
    Ok((kiln, torch))
}

/// Kiln's lines grouped by (model, measure) in the order they first ran, most threads first.
fn rows(kiln: &[Value]) -> Vec<&Value> {
    let mut order: BTreeMap<(String, String), usize> = BTreeMap::new();
    for line in kiln {
        let next = order.len();
        order.entry(key(line)).or_insert(next);
    }
    let mut rows: Vec<&Value> = kiln.iter().collect();
    rows.sort_by_key(|l| (order[&key(l)], std::cmp::Reverse(l["threads"].as_u64().unwrap_or(0))));
    rows
}

const INTRO: &str = "Median of 20 timed steps after 3 warm-up steps (`KILN_BENCH_STEPS`; the TabPFN \
    rows fewer, at least 5, where 20 would take over 10 s). Every row runs at all the machine's threads and at one thread: Kiln's programs with `RAYON_NUM_THREADS` \
    (flex's pool), PyTorch with `torch.set_num_threads` (`KILN_BENCH_THREADS`); each row's ratio \
    compares the two at the same thread count. Training step = forward, loss, backward, Adam update.\n\n\
    - `mlp`, `cnn`: 28×28×1 inputs, batch 64 (`crates/kiln-core/benches/train_step.rs`, \
    `bench/pytorch/train_step.py`); the `forward_loss`, `backward`, `optimizer` and `layer_*` rows say \
    where the CNN step's time goes; `inference` at batch 256.\n\
    - `protopnet`: the small preset, 6 classes, 32×32×3 (`crates/kiln-proto/benches/protopnet_step.rs`).\n\
    - `ofa-digits`: the digits Once-for-All supernet (`crates/kiln-nas/benches/ofa_step.rs`, \
    `bench/pytorch/ofa_step.py`), batch 64. Largest subnet: 3 + 3 blocks, kernel 5, expand 4, 8×8 \
    input; smallest: 1 + 1 blocks, kernel 3, expand 2, resized to 6×6. `train_*`: forward, \
    cross-entropy, backward (no optimiser, as in Kiln's bench); `forward_*`: inference. Kiln runs \
    both inside the supernet (the smallest with its hidden channels masked), PyTorch as static \
    networks of the subnets' layer shapes.\n\
    - `cnn-digits`: one epoch of the `cnn` on kiln-data's 1,797 8×8 digits (29 batches of 64, \
    shuffled), median of 5 epochs after one (`crates/kiln-data/benches/digits_epoch.rs`): Kiln \
    through `Trainer::fit` and a `DataLoader`, with the trainer's batch prefetch (`epoch`) and \
    without (`epoch, no prefetch`); PyTorch through a `TensorDataset` `DataLoader` in the training \
    loop's thread, the loss read back every step.\n\
    - `tabpfn-500+500`: TabPFN inference on 500 training and 500 test rows, 10 features \
    (`crates/kiln-tabular/benches/tabpfn_infer.rs`, `bench/pytorch/tabpfn_infer.py`). Kiln: the \
    shipped checkpoint; PyTorch: the same transformer (4 post-LN layers, width 96, 4 heads, \
    feed-forward 192, every row attending to the training rows) with random weights. Batch = \
    ensemble members: `forward` is the transformer alone, `predict_proba` (Kiln only) adds the \
    default ensemble's preprocessing.\n\
    - Peak MB: the process's peak resident memory at the line (VmHWM; PyTorch: `ru_maxrss`), each \
    model in its own process; in brackets, the growth over the same process once its inputs were \
    built (PyTorch's base includes the torch import, about 0.5 GB).\n\n";

/// Runs the programs and returns the section: the table and its notes.
pub fn section(threads: usize) -> Result<String, String> {
    let (kiln, torch) = measure(threads)?;
    let mut md = String::from(INTRO);
    md.push_str("| model | measure | batch | threads | Kiln ms | PyTorch ms | Kiln / PyTorch | Kiln peak MB | PyTorch peak MB |\n");
    md.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for k in rows(&kiln) {
        let ms = k["ms"].as_f64().unwrap_or(f64::NAN);
        let pt = reference(k, &torch, "pytorch");
        let (tms, ratio) = ms_and_ratio(ms, pt);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {ms:.2} | {tms} | {ratio} | {} | {} |\n",
            text(k, "model"),
            text(k, "what"),
            k["batch"],
            k["threads"],
            peak(Some(k)),
            peak(pt),
        ));
    }
    let missing = torch.iter().filter(|t| implementation(t) == "pytorch" && reference(t, &kiln, "kiln").is_none());
    for t in missing {
        eprintln!("xtask: PyTorch line without a Kiln line: {t}");
    }
    md.push_str(&format!("\nKiln device: {}.\n", kiln.first().map_or("?", |k| text(k, "device"))));
    md.push_str(&targets(&kiln, &torch));
    Ok(md)
}

/// The training steps with a speed target, and the target: Kiln's step at most this many times
/// PyTorch's at the same thread count.
const TARGETS: (&[&str], f64) = (&["cnn", "protopnet"], 1.5);

/// One sentence per targeted training step and thread count: its ratio against the target.
fn targets(kiln: &[Value], torch: &[Value]) -> String {
    let (models, target) = TARGETS;
    let mut parts = Vec::new();
    for k in kiln.iter().filter(|k| text(k, "what") == "train_step" && models.contains(&text(k, "model"))) {
        let (Some(ms), Some(pt)) = (k["ms"].as_f64(), reference(k, torch, "pytorch").and_then(|t| t["ms"].as_f64()))
        else {
            continue;
        };
        let ratio = ms / pt;
        let verdict = if ratio <= target { "met".to_string() } else { format!("missed by {:.2}×", ratio - target) };
        parts.push(format!("{} at {} thread(s) {ratio:.2}× ({verdict})", text(k, "model"), k["threads"]));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        "\nTarget: the CNN and ProtoPNet training steps within {target}× PyTorch's at every thread count, on a \
         quiet machine. This run: {}.\n",
        parts.join("; ")
    )
}
