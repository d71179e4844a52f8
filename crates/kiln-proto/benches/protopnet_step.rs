//! Times one ProtoPNet joint-phase training step (forward, full loss, backward, Adam) of the
//! small preset: CNN backbone 32-64-128, 5 prototypes per class of 64 channels, 6 classes,
//! batch 64 of 32×32 RGB. One JSON object per line, like kiln-core's `train_step` bench.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Int, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::device::select_str;
use kiln_core::timing::median_time_ms;
use kiln_proto::ProtoPNetConfig;

fn main() {
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let steps: usize = std::env::var("KILN_BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let ad = device.clone().autodiff();
    let batch = 64;
    let x = Tensor::<4>::random([batch, 3, 32, 32], Distribution::Normal(0.0, 1.0), &ad);
    let y = Tensor::<1, Int>::from_data(TensorData::new((0..batch as i64).map(|i| i % 6).collect(), [batch]), &ad);
    let mut model = Some(ProtoPNetConfig::small(6, 3).init(&ad).train());
    let mut optim = AdamConfig::new().init();
    let mut step = || {
        let m = model.take().expect("model");
        let loss = m.losses(x.clone(), y.clone()).loss;
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let m = optim.step(1e-3, m, grads);
        let _ = device.sync();
        model = Some(m);
    };
    let ms = median_time_ms(3, steps, &mut step);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{{\"impl\":\"kiln\",\"device\":\"{device:?}\",\"model\":\"protopnet\",\"what\":\"train_step\",\"batch\":{batch},\"ms\":{:.3},\"threads\":{threads}}}",
        ms
    );
}
