//! Times one training step (forward, backward, Adam) of the shared MLP and CNN at batch 64 on
//! 28×28 grey inputs, where the CNN step's time goes (phases, layers), and inference at batch
//! 256. Prints one JSON object per line (`cargo xtask bench` collects them into docs/bench.md),
//! with the peak memory of the process (`peak_mb`) and its base once the inputs were built
//! (`base_mb`).
//!
//! Each part runs in its own process (`KILN_BENCH_MODEL` = `mlp`, `cnn` (step and phases),
//! `layers`, `inference`; unset: all, one child each). Device: `KILN_DEVICE` (default auto).
//! Steps: `KILN_BENCH_STEPS` (default 20). Threads: `RAYON_NUM_THREADS` (flex's pool).

mod common;

use burn::module::Module;
use burn::nn::BatchNormConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Int, Tensor};
use burn::tensor::Distribution;
use common::Reporter;
use kiln_core::device::select_str;
use kiln_core::nn::fused::{batch_norm, batch_norm_train, conv2d};
use kiln_core::nn::{Cnn, CnnConfig, MlpConfig, cross_entropy};
use kiln_core::timing::median_time_ms;

const BATCH: usize = 64;

/// 3 warm-up steps, then the median of `steps` timed ones.
fn time_steps(steps: usize, step: impl FnMut()) -> f64 {
    median_time_ms(3, steps, step)
}

/// The inputs every training part shares: 64 normal 28×28 images and their targets `i mod 10`.
struct Inputs {
    device: Device,
    steps: usize,
    x: Tensor<4>,
    y: Tensor<1, Int>,
}

/// One Adam step of `model` per call, synced.
fn train_steps<M: Module>(inputs: &Inputs, model: M, forward: impl Fn(&M) -> Tensor<2>) -> (f64, M) {
    let mut model = Some(model);
    let mut optim = AdamConfig::new().init();
    let ms = time_steps(inputs.steps, || {
        let m = model.take().expect("model");
        let loss = cross_entropy(forward(&m), inputs.y.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let m = optim.step(1e-3, m, grads);
        let _ = inputs.device.sync();
        model = Some(m);
    });
    (ms, model.expect("model"))
}

/// MLP 784-128-64-10, one training step.
fn mlp(inputs: &Inputs, out: &Reporter) {
    let ad = inputs.x.device();
    let xf = inputs.x.clone().flatten::<2>(1, 3);
    let (ms, _) = train_steps(inputs, MlpConfig::new(784, 10).init(&ad).train(), |m| m.forward(xf.clone()));
    out.report("train_step", BATCH, ms);
}

/// CNN: conv3×3(1→32)-BN-ReLU-maxpool2, conv3×3(32→64)-BN-ReLU, global average pool, linear;
/// one training step, then where its time goes: forward + loss, backward, optimiser (each
/// synced).
fn cnn(inputs: &Inputs, out: &Reporter) {
    let ad = inputs.x.device();
    let (ms, cnn) = train_steps(inputs, CnnConfig::new(1, 10).init(&ad).train(), |m| m.forward(inputs.x.clone()));
    out.report("train_step", BATCH, ms);

    common::report_step_phases(out, BATCH, inputs.steps, cnn, |m| {
        cross_entropy(m.forward(inputs.x.clone()), inputs.y.clone())
    });
}

/// Per-layer forward times of the CNN's first block and second conv (no autodiff; convolutions
/// and batch norms through `kiln_core::nn::fused`, as the CNN runs them), to see which
/// operation dominates; then training-mode batch norm of the first block's shape, burn's own
/// against `kiln_core::nn::fused`: forward only without autodiff (`batch_norm_train`), and
/// forward + backward on the autodiff device (`BatchNorm::forward` against `fused::batch_norm`;
/// the backward is seeded with ones, so both rows also fill one tensor of ones).
fn layers(inputs: &Inputs, out: &Reporter) {
    let device = &inputs.device;
    let plain: Cnn = CnnConfig::new(1, 10).init(device);
    let xs = inputs.x.clone().inner();
    let b0 = &plain.blocks[0];
    let c1 = conv2d(&b0.conv, xs.clone());
    let n1 = batch_norm(&b0.norm, c1.clone());
    let pool = burn::nn::pool::MaxPool2dConfig::new([2, 2]).init();
    let pooled = pool.forward(burn::tensor::activation::relu(n1.clone()));
    let b1 = &plain.blocks[1];
    let c2 = conv2d(&b1.conv, pooled.clone());
    let layer = |name: &str, f: &dyn Fn() -> Tensor<4>| {
        let ms = time_steps(inputs.steps, || {
            let _ = f().into_data();
        });
        out.report(name, BATCH, ms);
    };
    layer("layer_conv1_1to32_28px", &|| conv2d(&b0.conv, xs.clone()));
    layer("layer_bn1_32ch_28px", &|| batch_norm(&b0.norm, c1.clone()));
    layer("layer_relu_maxpool_32ch_28px", &|| pool.forward(burn::tensor::activation::relu(n1.clone())));
    layer("layer_conv2_32to64_14px", &|| conv2d(&b1.conv, pooled.clone()));
    layer("layer_bn2_64ch_14px", &|| batch_norm(&b1.norm, c2.clone()));

    let (gamma, beta) = (Tensor::<1>::ones([32], device), Tensor::<1>::zeros([32], device));
    layer("layer_bn1_train_fwd_32ch_28px", &|| {
        burn::tensor::module::batch_norm_train(c1.clone(), gamma.clone(), beta.clone(), 1e-5).output
    });
    layer("layer_bn1_train_fwd_32ch_28px_fused", &|| {
        batch_norm_train(c1.clone(), gamma.clone(), beta.clone(), 1e-5).expect("valid batch norm").output
    });
    let bn = BatchNormConfig::new(32).init(&inputs.x.device());
    for (name, fused) in
        [("layer_bn1_train_fwd_bwd_32ch_28px", false), ("layer_bn1_train_fwd_bwd_32ch_28px_fused", true)]
    {
        let ms = time_steps(inputs.steps, || {
            let x = Tensor::<4>::from_inner(c1.clone()).require_grad();
            let y = if fused { batch_norm(&bn, x) } else { bn.forward(x) };
            let _grads = y.backward();
            let _ = device.sync();
        });
        out.report(name, BATCH, ms);
    }
}

/// CNN inference at batch 256, logits read back.
fn inference(device: &Device, steps: usize) {
    let xi = Tensor::<4>::random([256, 1, 28, 28], Distribution::Normal(0.0, 1.0), device);
    let out = Reporter::new(device, "cnn");
    let cnn: Cnn = CnnConfig::new(1, 10).init(device);
    let ms = time_steps(steps, || {
        let _ = cnn.forward(xi.clone()).into_data();
    });
    out.report("inference", 256, ms);
}

fn main() {
    let Some(part) = common::model_of_this_process(&["mlp", "cnn", "layers", "inference"]) else {
        return;
    };
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let steps = common::steps();
    if part == "inference" {
        return inference(&device, steps);
    }
    let ad = device.clone().autodiff();
    let x = Tensor::<4>::random([BATCH, 1, 28, 28], Distribution::Normal(0.0, 1.0), &ad);
    let y = Tensor::<1, Int>::from_data(
        burn::tensor::TensorData::new((0..BATCH as i64).map(|i| i % 10).collect(), [BATCH]),
        &ad,
    );
    let inputs = Inputs { device: device.clone(), steps, x, y };
    let out = Reporter::new(&device, if part == "mlp" { "mlp" } else { "cnn" });
    match part.as_str() {
        "mlp" => mlp(&inputs, &out),
        "cnn" => cnn(&inputs, &out),
        _ => layers(&inputs, &out),
    }
}
