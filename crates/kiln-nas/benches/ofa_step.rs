//! Times the digits OFA supernet ([`OfaConfig::digits`]: 8×8 grey inputs, batch 64), where the
//! NAS results pages spend their time:
//!
//! - `forward_largest` / `forward_smallest`: [`OfaSupernet::forward_subnet`] without autodiff
//!   (inference batch norm), logits read back.
//! - `train_largest` / `train_smallest`: one training pass, autodiff forward + cross-entropy +
//!   backward (no optimiser).
//! - `shrink_step_4`: one progressive-shrinking step of [`ShrinkingModel`] with a teacher, the
//!   last expand stage (4 subnets per step): [`TrainModel::step`] + backward.
//! - `piece_*`: the parts of a pass, each timed alone, forward without autodiff unless named
//!   `_train` (autodiff forward + backward of the sum): the stem, one elastic block (largest
//!   and smallest choice), its convolutions, batch norms, [`channel_mask`],
//!   [`ElasticDepthwiseConv::active_kernel`], [`resize`].
//!
//! One JSON object per line (`{"impl","device","model","what","batch","ms","threads","peak_mb",
//! "base_mb"}`, like kiln-core's `train_step`); each time is the median of `KILN_BENCH_STEPS`
//! (default 20) runs after 3 warm-up runs. Device: `KILN_DEVICE` (default auto); threads:
//! `RAYON_NUM_THREADS` (flex's pool). The largest subnet, the smallest, the shrinking step and
//! the pieces each run in their own process (`KILN_BENCH_MODEL` = `largest`, `smallest`,
//! `shrink`, `pieces`; unset: all), so that `peak_mb` is that part's. `KILN_BENCH_ONLY=a,b`
//! runs only the lines whose name contains `a` or `b` (to profile one).
//!
//! [`ElasticDepthwiseConv::active_kernel`]: kiln_nas::elastic::ElasticDepthwiseConv::active_kernel

#[path = "../../kiln-core/benches/common/mod.rs"]
mod common;

use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::Distribution;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use common::Reporter;
use kiln_core::device::select_str;
use kiln_core::nn::cross_entropy;
use kiln_core::nn::fused::batch_norm;
use kiln_core::timing::median_time_ms;
use kiln_core::train::{StepContext, TrainModel};
use kiln_nas::elastic::{banded_depthwise, channel_mask, pointwise};
use kiln_nas::ofa::{OfaConfig, OfaSupernet, ShrinkStage, ShrinkingModel, SubnetConfig, resize};

const BATCH: usize = 64;

struct Bench {
    device: Device,
    steps: usize,
    /// Only the lines whose name contains one of these (`KILN_BENCH_ONLY`), for profiling one.
    only: Option<Vec<String>>,
    out: Reporter,
}

impl Bench {
    /// Times `f` (which must read its result back or sync) and reports it as `what`.
    fn time(&self, what: &str, f: impl FnMut()) {
        if self.only.as_ref().is_some_and(|only| !only.iter().any(|o| what.contains(o.as_str()))) {
            return;
        }
        self.out.report(what, BATCH, median_time_ms(3, self.steps, f));
    }

    /// Times a forward without autodiff, its output read back.
    fn forward<const D: usize>(&self, what: &str, f: impl Fn() -> Tensor<D>) {
        self.time(what, || {
            let _ = f().into_data();
        });
    }

    /// Times an autodiff forward and the backward of the sum of its output.
    fn train<const D: usize>(&self, what: &str, f: impl Fn() -> Tensor<D>) {
        self.time(what, || {
            let _ = f().sum().backward();
            let _ = self.device.sync();
        });
    }
}

fn images(device: &Device, side: usize) -> Tensor<4> {
    Tensor::random([BATCH, 1, side, side], Distribution::Normal(0.0, 1.0), device)
}

fn targets(device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new((0..BATCH as i64).map(|i| i % 10).collect(), [BATCH]), device)
}

/// The `name`d subnet (`largest` or `smallest`): a forward without autodiff and one training
/// pass.
fn subnet(bench: &Bench, config: &OfaConfig, name: &str) {
    let cfg = if name == "largest" { SubnetConfig::largest(config) } else { SubnetConfig::smallest(config) };
    let device = &bench.device;
    let ad = device.clone().autodiff();
    let x = images(device, 8);
    let (xa, ya) = (images(&ad, 8), targets(&ad));
    let plain: OfaSupernet = config.init(device);
    bench.forward(&format!("forward_{name}"), || plain.forward_subnet(&cfg, x.clone()));
    let trained: OfaSupernet = config.init(&ad);
    bench.time(&format!("train_{name}"), || {
        let loss = cross_entropy(trained.forward_subnet(&cfg, xa.clone()), ya.clone());
        let _ = loss.backward();
        let _ = device.sync();
    });
}

/// One progressive-shrinking step with a teacher, 4 subnets per step.
fn shrink(bench: &Bench, config: &OfaConfig) {
    let device = &bench.device;
    let ad = device.clone().autodiff();
    let (xa, ya) = (images(&ad, 8), targets(&ad));
    let model = ShrinkingModel::with_trained_teacher(config.init(&ad));
    let stage = ShrinkStage::expand(config, 2);
    let mut seed = 0u64;
    bench.time("shrink_step_4", || {
        seed += 1;
        let batch = kiln_core::train::ImageBatch { images: xa.clone(), targets: ya.clone() };
        let ctx = StepContext {
            stage: stage.clone(),
            epoch: 0,
            global_step: seed,
            step_in_epoch: 0,
            step_seed: seed,
            training: true,
        };
        let _ = model.step(batch, &ctx).loss.backward();
        let _ = device.sync();
    });
}

fn pieces(bench: &Bench, config: &OfaConfig) {
    let device = &bench.device;
    let ad = device.clone().autodiff();
    let plain: OfaSupernet = config.init(device);
    let trained: OfaSupernet = config.init(&ad);
    let x = images(device, 8);
    let xa = images(&ad, 8);
    let large = config.kernel_sizes.iter().copied().max().unwrap_or(3);
    let small = config.kernel_sizes.iter().copied().min().unwrap_or(3);
    let [emax, emin] = [
        config.expand_ratios.iter().copied().max().unwrap_or(1),
        config.expand_ratios.iter().copied().min().unwrap_or(1),
    ];

    bench.forward("piece_resize_8_to_8", || resize(x.clone(), 8));
    bench.forward("piece_resize_8_to_6", || resize(x.clone(), 6));
    let stem = |net: &OfaSupernet, x: Tensor<4>| {
        net.config.stem_activation.forward(net.stem_norm.forward(net.stem.forward(x)))
    };
    bench.forward("piece_stem", || stem(&plain, x.clone()));
    bench.train("piece_stem_train", || stem(&trained, xa.clone()));

    let h = stem(&plain, x.clone());
    let ha = stem(&trained, xa.clone()).detach();
    let block = &plain.units[0][0];
    let block_a = &trained.units[0][0];
    let in_ch = block.expand.weight.dims()[1];
    let max = block.max_hidden();
    bench.forward("piece_block_k5_e4", || block.forward(h.clone(), large, in_ch * emax));
    bench.forward("piece_block_k3_e2", || block.forward(h.clone(), small, in_ch * emin));
    bench.train("piece_block_k5_e4_train", || block_a.forward(ha.clone(), large, in_ch * emax));
    bench.train("piece_block_k3_e2_train", || block_a.forward(ha.clone(), small, in_ch * emin));
    let deep = &plain.units[1][1];
    let deep_a = &trained.units[1][1];
    let hd = Tensor::<4>::random([BATCH, deep.expand.weight.dims()[1], 4, 4], Distribution::Default, device);
    let hda = Tensor::<4>::random([BATCH, deep.expand.weight.dims()[1], 4, 4], Distribution::Default, &ad);
    let deep_in = deep.expand.weight.dims()[1];
    bench.forward("piece_block_u1_k5_e4", || deep.forward(hd.clone(), large, deep_in * emax));
    bench.train("piece_block_u1_k5_e4_train", || deep_a.forward(hda.clone(), large, deep_in * emax));

    bench.forward("piece_active_kernel_5", || block.depthwise.active_kernel(large));
    bench.forward("piece_active_kernel_3", || block.depthwise.active_kernel(small));
    bench.forward("piece_channel_mask", || channel_mask(max, in_ch * emin, device));
    bench.forward("piece_expand_conv", || block.expand.forward(h.clone()));
    let e = block.expand.forward(h.clone());
    let ea = block_a.expand.forward(ha.clone()).detach();
    bench.forward("piece_expand_bn", || block.expand_norm.forward(e.clone()));
    bench.train("piece_expand_bn_train", || block_a.expand_norm.forward(ea.clone()));
    bench.train("piece_expand_bn_fused_train", || batch_norm(&block_a.expand_norm, ea.clone()));
    bench.forward("piece_mask_mul", || e.clone() * channel_mask(max, in_ch * emin, device));
    bench.forward("piece_depthwise_k5", || block.depthwise.forward(e.clone(), large));
    bench.forward("piece_depthwise_k3", || block.depthwise.forward(e.clone(), small));
    bench.train("piece_depthwise_k5_train", || block_a.depthwise.forward(ea.clone(), large));
    bench.forward("piece_project_conv", || block.project.forward(e.clone()));
    bench.train("piece_project_conv_train", || block_a.project.forward(ea.clone()));
    bench.forward("piece_project_pointwise", || pointwise(e.clone(), block.project.weight.val()));
    bench.train("piece_project_pointwise_train", || pointwise(ea.clone(), block_a.project.weight.val()));

    // The depthwise convolution both ways: burn's direct `conv2d` and the banded product.
    let direct = |x: Tensor<4>, kernel: Tensor<4>| {
        let [c, _, k, _] = kernel.dims();
        conv2d(x, kernel, None, ConvOptions::new([1, 1], [k / 2, k / 2], [1, 1], c))
    };
    for k in [large, small] {
        let w = block.depthwise.active_kernel(k);
        let wa = || block_a.depthwise.active_kernel(k);
        bench.forward(&format!("piece_dw_k{k}_direct"), || direct(e.clone(), w.clone()));
        bench.forward(&format!("piece_dw_k{k}_banded"), || banded_depthwise(e.clone(), w.clone(), 1));
        bench.train(&format!("piece_dw_k{k}_direct_train"), || direct(ea.clone(), wa()));
        bench.train(&format!("piece_dw_k{k}_banded_train"), || banded_depthwise(ea.clone(), wa(), 1));
    }
}

fn main() {
    let Some(part) = common::model_of_this_process(&["largest", "smallest", "shrink", "pieces"]) else {
        return;
    };
    let device = select_str(None).expect("KILN_DEVICE names a compiled device");
    let only = std::env::var("KILN_BENCH_ONLY").ok().map(|s| s.split(',').map(str::to_string).collect());
    let out = Reporter::new(&device, "ofa-digits");
    let bench = Bench { device, steps: common::steps(), only, out };
    let config = OfaConfig::digits();
    match part.as_str() {
        "shrink" => shrink(&bench, &config),
        "pieces" => pieces(&bench, &config),
        name => subnet(&bench, &config, name),
    }
}
