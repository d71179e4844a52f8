//! The RetinaNet-lite detector: shapes for every neck, the paper-scale configuration, losses
//! and gradients, and overfitting one scene.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_semi::catnet::{DetectConfig, DetectionTarget, DetectorConfig, NeckKind, box_iou};

fn scene(device: &Device) -> (Tensor<4>, Vec<DetectionTarget>) {
    // A bright 24 × 16 rectangle on a dark background.
    let mut pixels = vec![-1.0f32; 3 * 96 * 96];
    for c in 0..3 {
        for y in 30..46 {
            for x in 20..44 {
                pixels[c * 96 * 96 + y * 96 + x] = 1.0;
            }
        }
    }
    let image = Tensor::<1>::from_floats(pixels.as_slice(), device).reshape([1, 3, 96, 96]);
    (image, vec![DetectionTarget { boxes: vec![[20.0, 30.0, 44.0, 46.0]], classes: vec![1] }])
}

#[test]
fn small_detector_shapes_for_every_neck() {
    let device = Device::flex();
    for neck in [NeckKind::Fpn, NeckKind::DenseFpn, NeckKind::DenseFpnScp] {
        let model = DetectorConfig::small(3, neck).init(&device);
        assert_eq!(model.fpn.is_some(), neck == NeckKind::Fpn);
        assert_eq!(model.scp.is_some(), neck == NeckKind::DenseFpnScp);
        let x = Tensor::<4>::random([2, 3, 96, 96], Distribution::Default, &device);
        let sizes: Vec<[usize; 4]> = model.pyramid(x.clone()).iter().map(|t| t.dims()).collect();
        assert_eq!(sizes, vec![[2, 32, 24, 24], [2, 32, 12, 12], [2, 32, 6, 6]], "{neck:?}");
        let (logits, deltas, anchors) = model.forward(x.clone());
        let total = (576 + 144 + 36) * 6;
        assert_eq!((logits.dims(), deltas.dims(), anchors.len()), ([2, total, 3], [2, total, 4], total));
        // At the prior of 0.01 nothing passes the 0.05 score threshold.
        let found = model.detect(x, &DetectConfig::default());
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(Vec::is_empty));
    }
}

#[test]
fn paper_configuration_builds_p3_to_p7() {
    let device = Device::flex();
    let config = DetectorConfig::new(20);
    assert_eq!((config.channels, config.stacks, config.levels, config.neck), (256, 5, 5, NeckKind::DenseFpnScp));
    let model = config.init(&device);
    let sizes: Vec<[usize; 4]> =
        model.pyramid(Tensor::zeros([1, 3, 128, 128], &device)).iter().map(|t| t.dims()).collect();
    assert_eq!(sizes, vec![[1, 256, 16, 16], [1, 256, 8, 8], [1, 256, 4, 4], [1, 256, 2, 2], [1, 256, 1, 1]]);
}

#[test]
fn loss_is_finite_and_gradients_reach_every_part() {
    let device = Device::flex().autodiff();
    let model = DetectorConfig::small(2, NeckKind::DenseFpnScp).init(&device);
    let (image, targets) = scene(&device);
    let loss = model.loss(image, &targets);
    let (cls, reg) = (loss.classification.clone().into_scalar::<f32>(), loss.regression.clone().into_scalar::<f32>());
    assert!(cls.is_finite() && cls > 0.0 && reg.is_finite() && reg > 0.0, "{cls} {reg}");
    let grads = GradientsParams::from_grads((loss.classification + loss.regression).backward(), &model);
    let g = |w: &burn::module::Param<Tensor<4>>| grads.get::<4>(w.id).map(|t| t.abs().sum().into_scalar::<f32>());
    assert!(g(&model.head.cls_out.weight).is_some_and(|v| v > 0.0), "head");
    assert!(g(&model.backbone[0].conv.weight).is_some_and(|v| v > 0.0), "backbone");
    let scp = model.scp.as_ref().expect("SCP");
    // m starts at zero, so its own gradient (through y and a) is what moves it.
    assert!(g(&scp.blocks[0].m.weight).is_some_and(|v| v > 0.0), "SCP m");
}

#[test]
fn overfits_one_scene_and_finds_the_object() {
    let device = Device::flex().autodiff();
    let mut model = DetectorConfig::small(2, NeckKind::DenseFpnScp).init(&device);
    let (image, targets) = scene(&device);
    let mut optim = AdamConfig::new().init();
    let mut first = None;
    let mut last = 0.0;
    for _ in 0..60 {
        let loss = model.loss(image.clone(), &targets);
        let total = loss.classification + loss.regression;
        last = total.clone().into_scalar::<f32>();
        first.get_or_insert(last);
        let grads = GradientsParams::from_grads(total.backward(), &model);
        model = optim.step(3e-3, model, grads);
    }
    let first = first.unwrap_or(0.0);
    assert!(last < 0.3 * first, "loss {first} → {last}");
    let (plain, _) = scene(&Device::flex());
    let found = model.valid().detect(plain, &DetectConfig::default());
    let best = found[0].first().expect("a detection");
    assert_eq!(best.class, 1);
    assert!(box_iou(&best.bbox, &targets[0].boxes[0]) > 0.5, "{best:?}");
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    let config = DetectorConfig::small(2, NeckKind::DenseFpnScp);
    let model = config.init(&device);
    let dir = std::env::temp_dir().join(format!("kiln-semi-catnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("detector.bpk");
    model.clone().save_file(&path).unwrap();
    let loaded = config.init(&device).load_file(&path);
    let x = Tensor::<4>::random([1, 3, 96, 96], Distribution::Default, &device);
    let (a, b) = (model.forward(x.clone()), loaded.forward(x));
    assert_eq!(kiln_core::testing::max_abs_diff(a.0, b.0), 0.0);
    assert_eq!(kiln_core::testing::max_abs_diff(a.1, b.1), 0.0);
    let _ = std::fs::remove_dir_all(&dir);
}
