//! The RoI head ablation model: jitter, mask targets and pasting by hand, head shapes for both
//! extractors, the losses, a short training run on aerial scenes, save/load.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::train::{BatchSource, Phase, TrainPhase, Trainer};
use kiln_data::detection::Mask;
use kiln_data::procedural::aerial::{AerialConfig, generate};
use kiln_semi::catnet::{
    Roi, RoiExtractor, RoiHeadConfig, RoiSource, box_iou, evaluate_rois, jitter_boxes, mask_target, paste_mask,
};

use super::assert_close;

#[test]
fn jitter_keeps_iou_and_is_seeded() {
    let boxes: Vec<[f32; 4]> = (0..50)
        .map(|i| {
            let (x, y, s) = (i as f32, 2.0 * i as f32, 2.0 + (i % 7) as f32 * 4.0);
            [x, y, x + s, y + 0.5 * s + 1.0]
        })
        .collect();
    for amount in [0.1, 0.3, 1.0] {
        let a = jitter_boxes(&boxes, amount, 3);
        assert_eq!(a, jitter_boxes(&boxes, amount, 3), "same seed");
        assert_ne!(a, jitter_boxes(&boxes, amount, 4), "another seed");
        let moved = a.iter().zip(&boxes).filter(|(j, b)| j != b).count();
        assert!(moved > 40, "amount {amount}: only {moved} boxes moved");
        for (j, b) in a.iter().zip(&boxes) {
            assert!(box_iou(j, b) >= 0.5, "amount {amount}: {j:?} vs {b:?}");
        }
    }
    for (j, b) in jitter_boxes(&boxes, 0.1, 3).iter().zip(&boxes) {
        let (w, h) = (b[2] - b[0], b[3] - b[1]);
        let (cj, cb) = (0.5 * (j[0] + j[2]), 0.5 * (b[0] + b[2]));
        assert!((cj - cb).abs() <= 0.1 * w + 1e-4 && ((j[3] - j[1]) / h - 1.0).abs() <= 0.1 + 1e-4, "{j:?} {b:?}");
    }
    assert_eq!(jitter_boxes(&boxes, 0.0, 9), boxes);
}

/// An L of three pixels at the top left and one pixel at (3, 3), in a 4 × 4 image.
fn hand_mask() -> Mask {
    let mut mask = Mask::new(4, 4);
    for (y, x) in [(0, 0), (0, 1), (1, 0), (3, 3)] {
        mask.set(y, x, true);
    }
    mask
}

#[test]
fn mask_target_hand_values() {
    let mask = hand_mask();
    // One sample per bin, at pixel centres: the top-left 2 × 2 block.
    assert_eq!(mask_target(&mask, &[0.0, 0.0, 2.0, 2.0], 2), vec![1.0, 1.0, 1.0, 0.0]);
    // 2 × 2 samples per bin: the block means are 3/4, 0, 0, 1/4.
    assert_eq!(mask_target(&mask, &[0.0, 0.0, 4.0, 4.0], 2), vec![1.0, 0.0, 0.0, 0.0]);
    // The identity crop.
    let identity: Vec<f32> = mask.bits.iter().map(|&b| f32::from(u8::from(b))).collect();
    assert_eq!(mask_target(&mask, &[0.0, 0.0, 4.0, 4.0], 4), identity);
    // Between pixels: x samples at 1.25 and 2.25 (0.75 px and 1.75 px after the half-pixel
    // shift), y at 0.25 (clamped to row 0) and 0.75 (¾ row 0 + ¼ row 1):
    // row 0: ¼·1 + ¾·1 = 1, ¼·1 + ¾·0 = 0.25; row 1: ¼·1 + ¾·0 = 0.25, 0;
    // bins: 1, 0.25, 0.75 + 0.0625, 0.1875 → 1, 0, 1, 0.
    assert_eq!(mask_target(&mask, &[0.75, 0.0, 2.75, 1.0], 2), vec![1.0, 0.0, 1.0, 0.0]);
    // Outside the image.
    assert_eq!(mask_target(&mask, &[-8.0, -8.0, -4.0, -4.0], 3), vec![0.0; 9]);
}

#[test]
fn paste_inverts_the_crop() {
    let mut truth = Mask::new(20, 24);
    for y in 4..12 {
        for x in 6..18 {
            if (x + y) % 5 != 0 || x < 10 {
                truth.set(y, x, true);
            }
        }
    }
    // Cropping to a pixel-aligned box at its own size and pasting back is the identity.
    let bbox = [6.0, 4.0, 18.0, 16.0];
    let crop = mask_target(&truth, &bbox, 12);
    assert_eq!(paste_mask(&crop, 12, &bbox, 20, 24, 0.5), truth);
    // A constant map fills exactly the box's pixels.
    let pasted = paste_mask(&[1.0; 9], 3, &[2.0, 3.0, 5.0, 7.0], 10, 10, 0.5);
    let filled: Vec<(usize, usize)> =
        (0..10).flat_map(|y| (0..10).map(move |x| (y, x))).filter(|&(y, x)| pasted.get(y, x)).collect();
    assert_eq!(filled, (3..7).flat_map(|y| (2..5).map(move |x| (y, x))).collect::<Vec<_>>());
}

#[test]
fn head_shapes_for_both_extractors() {
    let device = Device::flex();
    let images = Tensor::<4>::random([2, 3, 96, 96], Distribution::Default, &device);
    let rois = [
        Roi::new(0, [10.0, 12.0, 14.0, 15.0]),
        Roi::new(1, [30.0, 20.0, 60.0, 44.0]),
        Roi::new(1, [70.0, 70.0, 90.0, 95.0]),
    ];
    for extractor in [RoiExtractor::Hierarchical, RoiExtractor::SingleLevel] {
        let model = RoiHeadConfig::small(4, extractor).init(&device).unwrap();
        assert_eq!(model.extractor(), extractor);
        assert_eq!(model.box_extractor.is_some(), extractor == RoiExtractor::Hierarchical);
        let (boxes, masks) = model.roi_features(images.clone(), &rois).unwrap();
        assert_eq!(boxes.dims(), [3, 32, 7, 7]);
        assert_eq!(masks.dims(), [3, 32, 14, 14]);
        let out = model.forward(images.clone(), &rois).unwrap();
        assert_eq!(out.class_logits.dims(), [3, 4]);
        assert_eq!(out.mask_logits.dims(), [3, 4, 28, 28]);
        assert!(model.forward(images.clone(), &[]).is_err());
        assert!(model.forward(images.clone(), &[Roi::new(2, [0.0, 0.0, 4.0, 4.0])]).is_err());
    }
}

#[test]
fn paper_configuration_validates() {
    let config = RoiHeadConfig::new(15);
    assert!(config.validate().is_ok());
    assert_eq!((config.channels, config.fc_width, config.box_size, config.mask_size), (256, 1024, 7, 14));
    assert_eq!(config.pyramid_config().levels, 4);
    assert!(RoiHeadConfig::new(3).with_strides(vec![8, 16, 32]).validate().is_ok());
    assert!(RoiHeadConfig::new(3).with_strides(vec![4, 8, 16]).validate().is_err());
    assert!(RoiHeadConfig::small(3, RoiExtractor::SingleLevel).with_strides(vec![2, 4]).validate().is_err());
    assert!(RoiHeadConfig::small(3, RoiExtractor::SingleLevel).with_strides(vec![8, 16]).validate().is_ok());
    assert!(RoiHeadConfig::new(0).validate().is_err());
    // A bad configuration is refused by `init` too, never a panic.
    assert!(RoiHeadConfig::new(3).with_strides(vec![4, 8, 16]).init(&burn::prelude::Device::flex()).is_err());
}

#[test]
fn loss_terms_and_hand_mask_loss() {
    let device = Device::flex();
    let model = RoiHeadConfig::small(3, RoiExtractor::Hierarchical).init(&device).unwrap();
    let images = Tensor::<4>::random([1, 3, 96, 96], Distribution::Default, &device);
    let rois = [Roi::new(0, [10.0, 10.0, 30.0, 24.0]), Roi::new(0, [40.0, 50.0, 50.0, 70.0])];
    let mut mask = Mask::new(96, 96);
    for y in 12..22 {
        for x in 12..28 {
            mask.set(y, x, true);
        }
    }
    let loss = model.loss(images.clone(), &rois, &[2, 0], &[Some(mask), None]).unwrap();
    let (cls, bce) = (loss.classification.into_scalar::<f32>(), loss.mask.into_scalar::<f32>());
    // Fresh heads: near-uniform classes (ln 3), mask logits near 0 (ln 2).
    assert!((cls - 3f32.ln()).abs() < 0.3, "cls {cls}");
    assert!(bce.is_finite() && bce > 0.0 && bce < 5.0, "mask {bce}");
    assert!(model.loss(images.clone(), &rois, &[3, 0], &[None, None]).is_err(), "class out of range");
    assert!(model.loss(images, &rois, &[1], &[None, None]).is_err(), "lengths");
}

#[test]
fn source_batches_jittered_rois() {
    let device = Device::flex();
    let mut examples = generate(&AerialConfig::new(), 5, 11).unwrap();
    examples[2].instances.clear();
    let instances: usize = examples.iter().map(|e| e.instances.len()).sum();
    let source = RoiSource::new(examples, 2, Some(4));
    assert_eq!((source.len(), source.num_batches()), (4, 2));
    let mut seen = 0;
    for index in 0..2 {
        let batch = source.batch(1, index, &device).unwrap();
        assert_eq!(batch.rois.len(), batch.classes.len());
        assert_eq!(batch.rois.len(), batch.masks.len());
        assert!(batch.rois.iter().all(|r| r.batch < batch.images.dims()[0]));
        assert!(batch.masks.iter().all(Option::is_some));
        seen += batch.rois.len();
    }
    assert_eq!(seen, instances);
    let a = source.batch(0, 0, &device).unwrap();
    assert_eq!(a.rois, source.batch(0, 0, &device).unwrap().rois, "reproducible");
    assert!(source.batch(0, 2, &device).is_err());
}

#[test]
fn gradients_reach_every_part_and_one_batch_is_overfitted() {
    use burn::optim::{AdamConfig, GradientsParams};
    let device = Device::flex().autodiff();
    let examples = generate(&AerialConfig::new(), 2, 1).unwrap();
    let batch = RoiSource::new(examples, 2, None).with_jitter(0.0).batch(0, 0, &device).unwrap();
    let mut model = RoiHeadConfig::small(4, RoiExtractor::Hierarchical).init(&device).unwrap();
    let mut optim = AdamConfig::new().init();
    let (mut first, mut last) = (None, (0.0, 0.0));
    for step in 0..30 {
        let loss = model.loss(batch.images.clone(), &batch.rois, &batch.classes, &batch.masks).unwrap();
        last = (loss.classification.clone().into_scalar::<f32>(), loss.mask.clone().into_scalar::<f32>());
        first.get_or_insert(last);
        let grads = GradientsParams::from_grads((loss.classification + loss.mask).backward(), &model);
        if step == 0 {
            let g4 =
                |w: &burn::module::Param<Tensor<4>>| grads.get::<4>(w.id).map(|t| t.abs().sum().into_scalar::<f32>());
            let g2 =
                |w: &burn::module::Param<Tensor<2>>| grads.get::<2>(w.id).map(|t| t.abs().sum().into_scalar::<f32>());
            let positive = |g: Option<f32>| g.is_some_and(|v| v > 0.0);
            assert!(positive(g4(&model.pyramid.backbone[0].conv.weight)), "backbone");
            assert!(positive(g4(&model.box_extractor.as_ref().unwrap().gates[0].weight)), "box HRoIE");
            assert!(positive(g4(&model.mask_extractor.as_ref().unwrap().gates[2].weight)), "mask HRoIE");
            assert!(positive(g2(&model.fcs[0].weight)) && positive(g2(&model.cls.weight)), "box head");
            assert!(positive(g4(&model.upsample.weight)) && positive(g4(&model.mask_logits.weight)), "mask head");
        }
        model = optim.step(2e-3, model, grads);
    }
    let first = first.unwrap_or_default();
    assert!(last.0 < 0.1 * first.0, "cls {} → {}", first.0, last.0);
    assert!(last.1 < 0.6 * first.1, "mask {} → {}", first.1, last.1);
}

#[test]
fn learns_on_aerial_scenes() {
    let device = Device::flex();
    let train = generate(&AerialConfig::new(), 16, 1).unwrap();
    let mut counts = [0usize; 4];
    train.iter().flat_map(|e| &e.instances).for_each(|i| counts[i.class] += 1);
    let majority = *counts.iter().max().unwrap() as f64 / counts.iter().sum::<usize>() as f64;
    let model = RoiHeadConfig::small(4, RoiExtractor::Hierarchical).init(&device).unwrap();
    let source = RoiSource::new(train.clone(), 2, Some(7));
    let phases = [Phase::train("roi", TrainPhase::new(6, 2e-3))];
    let (model, report) = Trainer::new(device.clone()).with_seed(5).fit(model, &phases, &source, None).unwrap();
    assert!(report.completed);
    let (first, last) = (&report.records[0].train, &report.records[5].train);
    for term in ["cls", "mask", "accuracy"] {
        assert!(last.contains_key(term), "term {term}");
    }
    assert!(last["loss"] < 0.8 * first["loss"], "loss {} → {}", first["loss"], last["loss"]);
    assert!(last["mask"] < first["mask"], "mask {} → {}", first["mask"], last["mask"]);
    assert!(last["accuracy"] > majority + 0.1, "training accuracy {} (majority class {majority})", last["accuracy"]);
    // Evaluation mode (batch-norm running statistics), on the training scenes' jittered boxes.
    let metrics = evaluate_rois(&model, &train, 3, &device).unwrap();
    assert_eq!(metrics.rois, counts.iter().sum::<usize>());
    assert!(f64::from(metrics.accuracy) > majority + 0.1, "accuracy {} (majority {majority})", metrics.accuracy);
    assert!(metrics.mask_iou > 0.3 && metrics.mask_iou <= 1.0, "mask IoU {}", metrics.mask_iou);
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    for extractor in [RoiExtractor::Hierarchical, RoiExtractor::SingleLevel] {
        let config = RoiHeadConfig::small(3, extractor);
        let model = config.init(&device).unwrap();
        let dir = std::env::temp_dir().join(format!("kiln-semi-catnet-roi-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("roi-{extractor:?}.bpk"));
        model.clone().save_file(&path).unwrap();
        let loaded = config.init(&device).unwrap().load_file(&path);
        let images = Tensor::<4>::random([1, 3, 96, 96], Distribution::Default, &device);
        let rois = [Roi::new(0, [5.0, 6.0, 25.0, 20.0])];
        let (a, b) =
            (model.valid().forward(images.clone(), &rois).unwrap(), loaded.valid().forward(images, &rois).unwrap());
        assert_close(&super::host(a.class_logits), &super::host(b.class_logits), 0.0, "class logits");
        assert_eq!(kiln_core::testing::max_abs_diff(a.mask_logits, b.mask_logits), 0.0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The ablation at a small scale, printed (`cargo test ... -- --ignored --nocapture`): both
/// extractors, 64 training scenes × 10 epochs, scored on 16 other scenes.
#[test]
#[ignore]
fn ablation_run() {
    let device = Device::flex();
    let config = AerialConfig::new();
    let (train, valid) = (generate(&config, 64, 1).unwrap(), generate(&config, 16, 2).unwrap());
    for extractor in [RoiExtractor::Hierarchical, RoiExtractor::SingleLevel] {
        let model = RoiHeadConfig::small(4, extractor).init(&device).unwrap();
        let source = RoiSource::new(train.clone(), 4, Some(7));
        let phases = [Phase::train("roi", TrainPhase::new(10, 2e-3))];
        let start = std::time::Instant::now();
        let (model, _) = Trainer::new(device.clone()).with_seed(5).fit(model, &phases, &source, None).unwrap();
        let seconds = start.elapsed().as_secs_f32();
        let (fit, held_out) = (evaluate_rois(&model, &train, 3, &device), evaluate_rois(&model, &valid, 3, &device));
        println!("{extractor:?}: {seconds:.1} s; train {:?}; held out {:?}", fit.unwrap(), held_out.unwrap());
    }
}
