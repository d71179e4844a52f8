//! Times one training step (forward, backward, Adam) of the shared MLP and CNN at batch 64 on
//! 28×28 grey inputs, and inference throughput at batch 256. Prints one JSON object per line
//! (`cargo xtask bench` collects them into docs/bench.md).
//!
//! Device: `KILN_DEVICE` (default auto). Steps: `KILN_BENCH_STEPS` (default 20).

use std::time::Instant;

use burn::module::Module;
use burn::nn::BatchNormConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Int, Tensor};
use burn::tensor::Distribution;
use kiln_core::device::select_str;
use kiln_core::nn::fused::{batch_norm, batch_norm_train};
use kiln_core::nn::{CnnConfig, MlpConfig, cross_entropy};
use kiln_core::timing::{median, median_time_ms};

/// 3 warm-up steps, then the median of `steps` timed ones.
fn time_steps(steps: usize, step: impl FnMut()) -> f64 {
    median_time_ms(3, steps, step)
}

fn report(device: &Device, model: &str, what: &str, batch: usize, ms: f64) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{{\"impl\":\"kiln\",\"device\":\"{device:?}\",\"model\":\"{model}\",\"what\":\"{what}\",\"batch\":{batch},\"ms\":{ms:.3},\"threads\":{threads}}}"
    );
}

fn main() {
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let steps = std::env::var("KILN_BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let ad = device.clone().autodiff();
    let batch = 64;
    let x = Tensor::<4>::random([batch, 1, 28, 28], Distribution::Normal(0.0, 1.0), &ad);
    let y = Tensor::<1, Int>::from_data(
        burn::tensor::TensorData::new((0..batch as i64).map(|i| i % 10).collect(), [batch]),
        &ad,
    );

    // MLP 784-128-64-10.
    let mut mlp = Some(MlpConfig::new(784, 10).init(&ad).train());
    let mut optim = AdamConfig::new().init();
    let xf = x.clone().flatten::<2>(1, 3);
    let ms = time_steps(steps, || {
        let m = mlp.take().expect("model");
        let loss = cross_entropy(m.forward(xf.clone()), y.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let m = optim.step(1e-3, m, grads);
        let _ = device.sync();
        mlp = Some(m);
    });
    report(&device, "mlp", "train_step", batch, ms);

    // CNN: conv3×3(1→32)-BN-ReLU-maxpool2, conv3×3(32→64)-BN-ReLU, global average pool, linear.
    let mut cnn = Some(CnnConfig::new(1, 10).init(&ad).train());
    let mut optim = AdamConfig::new().init();
    let ms = time_steps(steps, || {
        let m = cnn.take().expect("model");
        let loss = cross_entropy(m.forward(x.clone()), y.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let m = optim.step(1e-3, m, grads);
        let _ = device.sync();
        cnn = Some(m);
    });
    report(&device, "cnn", "train_step", batch, ms);

    // Where the CNN step's time goes: forward + loss, backward, optimiser (each synced).
    let (mut fwd, mut bwd, mut opt) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..steps + 3 {
        let m = cnn.take().expect("model");
        let t = Instant::now();
        let loss = cross_entropy(m.forward(x.clone()), y.clone());
        let _ = loss.clone().into_scalar::<f32>();
        let t1 = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let _ = device.sync();
        let t2 = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let m = optim.step(1e-3, m, grads);
        let _ = m.head.weight.val().into_data();
        let t3 = t.elapsed().as_secs_f64() * 1e3;
        cnn = Some(m);
        if i >= 3 {
            fwd.push(t1);
            bwd.push(t2);
            opt.push(t3);
        }
    }
    report(&device, "cnn", "forward_loss", batch, median(&mut fwd));
    report(&device, "cnn", "backward", batch, median(&mut bwd));
    report(&device, "cnn", "optimizer", batch, median(&mut opt));

    // Per-layer forward times of the CNN's first block and second conv (no autodiff), to see
    // which operation dominates.
    let plain = cnn.as_ref().expect("model").clone().valid();
    let xs = x.clone().inner();
    let b0 = &plain.blocks[0];
    let c1 = b0.conv.forward(xs.clone());
    let n1 = b0.norm.forward(c1.clone());
    let pool = burn::nn::pool::MaxPool2dConfig::new([2, 2]).init();
    let pooled = pool.forward(burn::tensor::activation::relu(n1.clone()));
    let b1 = &plain.blocks[1];
    let c2 = b1.conv.forward(pooled.clone());
    let layer = |name: &str, f: &dyn Fn() -> Tensor<4>| {
        let ms = time_steps(steps, || {
            let _ = f().into_data();
        });
        report(&device, "cnn", name, batch, ms);
    };
    layer("layer_conv1_1to32_28px", &|| b0.conv.forward(xs.clone()));
    layer("layer_bn1_32ch_28px", &|| b0.norm.forward(c1.clone()));
    layer("layer_relu_maxpool_32ch_28px", &|| pool.forward(burn::tensor::activation::relu(n1.clone())));
    layer("layer_conv2_32to64_14px", &|| b1.conv.forward(pooled.clone()));
    layer("layer_bn2_64ch_14px", &|| b1.norm.forward(c2.clone()));

    // Training-mode batch norm (batch statistics) of the first block's shape: burn's own against
    // `kiln_core::nn::fused`. Forward only without autodiff (`batch_norm_train`), then forward +
    // backward on the autodiff device (`BatchNorm::forward` against `fused::batch_norm`; the
    // backward is seeded with ones, so both rows also fill one tensor of ones).
    let (gamma, beta) = (Tensor::<1>::ones([32], &device), Tensor::<1>::zeros([32], &device));
    layer("layer_bn1_train_fwd_32ch_28px", &|| {
        burn::tensor::module::batch_norm_train(c1.clone(), gamma.clone(), beta.clone(), 1e-5).output
    });
    layer("layer_bn1_train_fwd_32ch_28px_fused", &|| {
        batch_norm_train(c1.clone(), gamma.clone(), beta.clone(), 1e-5).expect("valid batch norm").output
    });
    let bn = BatchNormConfig::new(32).init(&ad);
    for (name, fused) in
        [("layer_bn1_train_fwd_bwd_32ch_28px", false), ("layer_bn1_train_fwd_bwd_32ch_28px_fused", true)]
    {
        let ms = time_steps(steps, || {
            let x = Tensor::<4>::from_inner(c1.clone()).require_grad();
            let y = if fused { batch_norm(&bn, x) } else { bn.forward(x) };
            let _grads = y.backward();
            let _ = device.sync();
        });
        report(&device, "cnn", name, batch, ms);
    }

    // Inference, batch 256.
    let cnn = cnn.expect("model").valid();
    let xi = Tensor::<4>::random([256, 1, 28, 28], Distribution::Normal(0.0, 1.0), &device);
    let ms = time_steps(steps, || {
        let _ = cnn.forward(xi.clone()).into_data();
    });
    report(&device, "cnn", "inference", 256, ms);
}
