//! Times one ProtoPNet joint-phase training step (forward, full loss, backward, Adam) of the
//! small preset: CNN backbone 32-64-128, 5 prototypes per class of 64 channels, 6 classes,
//! batch 64 of 32×32 RGB; then the same step split into `forward_loss`, `backward` and
//! `optimizer` (each synced), as the CNN's rows. One JSON object per line, like kiln-core's
//! `train_step` bench, with the process's peak memory and its base once the inputs were built.
//! Steps:
//! `KILN_BENCH_STEPS` (default 20); threads: `RAYON_NUM_THREADS` (flex's pool).

#[path = "../../kiln-core/benches/common/mod.rs"]
mod common;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Int, Tensor, TensorData};
use burn::tensor::Distribution;
use common::Reporter;
use kiln_core::device::select_str;
use kiln_core::timing::median_time_ms;
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

    let model = model.take().expect("model");
    common::report_step_phases(&out, batch, common::steps(), model, |m| m.losses(x.clone(), y.clone()).loss);
}
