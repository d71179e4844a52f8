//! Times one ProtoPNet joint-phase training step (forward, full loss, backward, Adam) of the
//! small preset: CNN backbone 32-64-128, 5 prototypes per class of 64 channels, 6 classes,
//! batch 64 of 32×32 RGB; then the same step split into `forward_loss`, `backward` and
//! `optimizer` (each synced), as the CNN's rows. One JSON object per line, like kiln-core's `train_step` bench, with
//! the process's peak memory and its base once the inputs were built. Steps:
//! `KILN_BENCH_STEPS` (default 20); threads: `RAYON_NUM_THREADS` (flex's pool).

#[path = "../../kiln-core/benches/common/mod.rs"]
mod common;

use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Int, Tensor, TensorData};
use burn::tensor::Distribution;
use common::Reporter;
use kiln_core::device::select_str;
use kiln_core::timing::{median, median_time_ms};
use kiln_proto::ProtoPNetConfig;

fn main() {
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let ad = device.clone().autodiff();
    let batch = 64;
    let x = Tensor::<4>::random([batch, 3, 32, 32], Distribution::Normal(0.0, 1.0), &ad);
    let y = Tensor::<1, Int>::from_data(TensorData::new((0..batch as i64).map(|i| i % 6).collect(), [batch]), &ad);
    let out = Reporter::new(&device, "protopnet");
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
    out.report("train_step", batch, median_time_ms(3, common::steps(), &mut step));

    // Where the step's time goes: the forward with every loss term (read back), the backward,
    // the Adam update (synced), each the median over the same number of steps.
    let (mut fwd, mut bwd, mut opt) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..common::steps() + 3 {
        let m = model.take().expect("model");
        let t = Instant::now();
        let loss = m.losses(x.clone(), y.clone()).loss;
        let _ = loss.clone().into_scalar::<f32>();
        let t1 = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let _ = device.sync();
        let t2 = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let m = optim.step(1e-3, m, grads);
        let _ = device.sync();
        let t3 = t.elapsed().as_secs_f64() * 1e3;
        model = Some(m);
        if i >= 3 {
            fwd.push(t1);
            bwd.push(t2);
            opt.push(t3);
        }
    }
    out.report("forward_loss", batch, median(&mut fwd));
    out.report("backward", batch, median(&mut bwd));
    out.report("optimizer", batch, median(&mut opt));
}
