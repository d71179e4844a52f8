//! ProtoPNet: similarity, costs, initialisation, push, pruning, save/load, learning.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::Tolerance;
use kiln_core::train::{Phase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, digits, split};
use kiln_proto::class_identity::{l1_wrong_class, own_class_mask};
use kiln_proto::protopnet::loss::{cluster_cost, separation_cost};
use kiln_proto::protopnet::{PushSet, prune, push};
use kiln_proto::similarity::{l2_distances, log_similarity};
use kiln_proto::{ProtoPNet, ProtoPNetConfig, ProtoPNetSchedule};

fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

#[test]
fn distances_and_similarity_match_hand_computation() {
    let device = Device::flex();
    // One image, D = 2, a 1×2 grid with patches z0 = (1, 0) and z1 = (0, 1).
    let latent = Tensor::<4>::from_data(TensorData::new(vec![1.0f32, 0.0, 0.0, 1.0], [1, 2, 1, 2]), &device);
    let prototypes = Tensor::<2>::from_data([[1.0f32, 0.0], [0.5, 0.5]], &device);
    let d = l2_distances(latent, prototypes);
    d.clone().into_data().assert_approx_eq::<f32>(
        &TensorData::new(vec![0.0f32, 2.0, 0.5, 0.5], [1, 2, 1, 2]),
        Tolerance::absolute(1e-6),
    );
    let s = host(log_similarity(Tensor::<1>::from_floats([0.0, 1.0, 3.0], &device), 1e-4));
    let expected = [(1.0f32 / 1e-4).ln(), (2.0f32 / 1.0001).ln(), (4.0f32 / 3.0001).ln()];
    for (a, b) in s.iter().zip(expected) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
}

#[test]
fn cluster_separation_and_l1_match_hand_computation() {
    let device = Device::flex();
    // 4 prototypes: two of class 0, two of class 1; two images of classes 0 and 1.
    let identity = Tensor::<2>::from_data([[1.0f32, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], &device);
    let min_d = Tensor::<2>::from_data([[1.0f32, 2.0, 3.0, 4.0], [0.5, 0.25, 2.0, 1.5]], &device);
    let targets = Tensor::<1, Int>::from_data([0i64, 1], &device);
    let own = own_class_mask(identity.clone(), targets);
    // cluster: image 0 → min(1, 2) = 1; image 1 → min(2, 1.5) = 1.5; mean 1.25
    let c = cluster_cost(min_d.clone(), own.clone(), 2.0 * 64.0).into_scalar::<f32>();
    assert!((c - 1.25).abs() < 1e-5, "{c}");
    // separation: image 0 → min(3, 4) = 3; image 1 → min(0.5, 0.25) = 0.25; mean 1.625
    let s = separation_cost(min_d, own, 2.0 * 64.0).into_scalar::<f32>();
    assert!((s - 1.625).abs() < 1e-5, "{s}");
    let w = Tensor::<2>::from_data([[1.0f32, -0.5], [2.0, 0.25], [-3.0, 1.0], [0.0, 1.0]], &device);
    let l1 = l1_wrong_class(w, identity).into_scalar::<f32>();
    assert!((l1 - (0.5 + 0.25 + 3.0 + 0.0)).abs() < 1e-6, "{l1}");
}

#[test]
fn last_layer_starts_at_one_and_minus_half() {
    let device = Device::flex();
    let model = ProtoPNetConfig::small(3, 1).with_prototypes_per_class(2).init(&device);
    let w = host(model.last_layer.weight.val());
    assert_eq!(w.len(), 6 * 3);
    for j in 0..6 {
        for k in 0..3 {
            let expected = if j / 2 == k { 1.0 } else { -0.5 };
            assert_eq!(w[j * 3 + k], expected, "prototype {j}, class {k}");
        }
    }
    assert_eq!(model.prototype_classes(), vec![0, 0, 1, 1, 2, 2]);
}

fn digits_data(seed: u64) -> (Vec<ImageExample>, Vec<ImageExample>, ImageBatcher) {
    let data = split(digits().unwrap(), 0.0, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    (data.train, data.test, batcher)
}

fn accuracy(model: &ProtoPNet, images: &[ImageExample], batcher: &ImageBatcher) -> f64 {
    let trainer = Trainer::new(Device::flex());
    let loader = DataLoader::new(images.to_vec(), batcher.clone(), 256);
    trainer.evaluate(model, &loader).unwrap().accuracy().unwrap()
}

#[test]
fn push_makes_every_prototype_a_real_training_patch() {
    let device = Device::flex();
    device.seed(1);
    let (train, _, batcher) = digits_data(1);
    let train: Vec<ImageExample> = train.into_iter().take(300).collect();
    let model = ProtoPNetConfig::small(10, 1).with_prototypes_per_class(2).init(&device);
    let set = PushSet::with_batch_size(train.clone(), batcher.clone(), 64);
    let (model, report) = push(model, &set, &device);
    assert_eq!(report.sources.len(), 20);
    for source in &report.sources {
        let index = source.image_index.expect("every class has images");
        let image = &train[index];
        assert_eq!(image.label, source.class, "prototype {} pushed onto another class", source.prototype);
        assert_eq!(source.class, source.prototype / 2);
        // The prototype is now exactly that patch: distance 0 at the recorded position.
        let batch = kiln_data::Batcher::batch(&batcher, std::slice::from_ref(image), &device, None);
        let maps = host(model.forward(batch.images).distance_maps);
        let (h, w) = source.grid;
        let at = maps[(source.prototype * h + source.patch.0) * w + source.patch.1];
        assert!(at.abs() < 1e-4, "prototype {} is {at} from its source patch", source.prototype);
    }
}

#[test]
fn pruning_removes_a_planted_impure_prototype() {
    let device = Device::flex();
    device.seed(2);
    let (train, _, batcher) = digits_data(2);
    let set = PushSet::new(train.clone(), batcher.clone());
    // A briefly trained model (warm-up and joint only), so that the latent space separates classes.
    let model = ProtoPNetConfig::small(10, 1).with_prototypes_per_class(2).init(&device);
    let schedule = ProtoPNetSchedule { warm_epochs: 1, joint_epochs: 4, ..ProtoPNetSchedule::small() };
    let phases: Vec<Phase<ProtoPNet>> =
        schedule.phases(set.clone()).into_iter().filter(|p| p.stage.before_first_push()).collect();
    let loader = DataLoader::new(train.clone(), batcher.clone(), 64).shuffled(2);
    let (model, _) = Trainer::new(device.clone()).with_seed(2).fit(model, &phases, &loader, None).unwrap();
    let (mut model, _) = push(model, &set, &device);
    // The twin: a prototype of another class whose six nearest training patches are all of its
    // own class (so pruning keeps it on its own merit).
    let (_, before) = prune(model.clone(), &set, &device, 6, 3);
    let twin = (2..20).find(|&j| before.own_class_neighbours[j] == 6).expect("a pure prototype of another class");
    // Plant: prototype 0 (class 0) becomes a copy of the twin (a real patch of another class).
    let mut vectors = host(model.prototype_vectors.val());
    let d = model.prototype_dim();
    let planted: Vec<f32> = vectors[twin * d..(twin + 1) * d].to_vec();
    vectors[..d].copy_from_slice(&planted);
    let t = Tensor::<2>::from_data(TensorData::new(vectors, [20, d]), &device);
    model.prototype_vectors = model.prototype_vectors.map(|_| t);
    let (pruned, report) = prune(model, &set, &device, 6, 3);
    assert!(report.removed.contains(&0), "planted prototype kept: {report:?}");
    assert!(!report.removed.contains(&twin), "its genuine twin {twin} was removed: {report:?}");
    assert_eq!(report.removed.len() + report.kept.len(), 20);
    assert_eq!(pruned.num_prototypes(), report.kept.len());
    let classes = pruned.prototype_classes();
    for (new, &old) in report.kept.iter().enumerate() {
        assert_eq!(classes[new], old / 2);
    }
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    let model = ProtoPNetConfig::small(4, 3).init(&device);
    let dir = std::env::temp_dir().join(format!("kiln-proto-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("protopnet.bpk");
    model.clone().save_file(&path).unwrap();
    let loaded = ProtoPNetConfig::small(4, 3).init(&device).load_file(&path);
    let x = Tensor::<4>::random([2, 3, 32, 32], burn::tensor::Distribution::Default, &device);
    let (a, b) = (model.forward(x.clone()), loaded.forward(x));
    assert_eq!(host(a.logits), host(b.logits));
    assert_eq!(host(a.min_distances), host(b.min_distances));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn learns_digits_with_push() {
    kiln_testkit::in_own_process("protopnet::learns_digits_with_push", learns_digits_with_push_alone);
}

/// The body of [`learns_digits_with_push`], run in a process of its own (burn's device RNG to itself).
fn learns_digits_with_push_alone() {
    let device = Device::flex();
    device.seed(3);
    let (train, test, batcher) = digits_data(3);
    let model = ProtoPNetConfig::small(10, 1).init(&device);
    let schedule = ProtoPNetSchedule::small();
    let phases: Vec<Phase<ProtoPNet>> = schedule.phases(PushSet::new(train.clone(), batcher.clone()));
    let loader = DataLoader::new(train, batcher.clone(), 64).shuffled(3);
    let (model, report) = Trainer::new(device).with_seed(3).fit(model, &phases, &loader, None).unwrap();
    assert!(report.completed);
    let acc = accuracy(&model, &test, &batcher);
    assert!(acc >= 0.95, "ProtoPNet test accuracy on digits {acc}");
}

#[test]
fn explanation_png_has_the_expected_size_and_is_not_blank() {
    let device = Device::flex();
    device.seed(8);
    let (train, test, batcher) = digits_data(8);
    let train: Vec<ImageExample> = train.into_iter().take(200).collect();
    let model = ProtoPNetConfig::small(10, 1).with_prototypes_per_class(2).init(&device);
    let set = PushSet::with_batch_size(train, batcher.clone(), 64);
    let (model, report) = push(model, &set, &device);
    let explanation = model.explain(&test[0].image, &batcher, &device, 3, Some(&report));
    assert_eq!(explanation.evidence.len(), 3);
    let contributions: Vec<f32> = explanation.evidence.iter().map(|e| e.contribution).collect();
    assert!(contributions.windows(2).all(|w| w[0] >= w[1]), "sorted by contribution: {contributions:?}");
    for e in &explanation.evidence {
        assert!((e.contribution - e.similarity * e.weight).abs() < 1e-5);
        assert_eq!(e.activation.len(), explanation.grid.0 * explanation.grid.1);
    }
    assert!(explanation.to_text().contains(&format!("predicted class {}", explanation.predicted)));
    let png = explanation.render(&test[0].image, Some(&set));
    // 8×8 digits scaled ×12 to 96 px tiles; two tiles and a 300 px text column; 24 px title and
    // one 112 px row per prototype.
    assert_eq!((png.width(), png.height()), (2 * 96 + 300, 24 + 3 * 112));
    let distinct: std::collections::HashSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
    assert!(distinct.len() > 20, "only {} colours", distinct.len());
    let gallery = kiln_proto::explain::prototype_gallery(&report, &set, 2);
    assert!(gallery.width() > 0 && gallery.height() > 0);
}

/// Procedural images whose class is head shape × wing colour; ProtoPNet must learn them
/// (≥ 90% held-out accuracy after push and the last-layer phase), and a pruning phase on the
/// engine must leave a working model.
#[test]
fn learns_procedural_parts_then_prunes() {
    kiln_testkit::in_own_process(
        "protopnet::learns_procedural_parts_then_prunes",
        learns_procedural_parts_then_prunes_alone,
    );
}

/// The body of [`learns_procedural_parts_then_prunes`], run in a process of its own (burn's device RNG to itself).
fn learns_procedural_parts_then_prunes_alone() {
    use kiln_data::procedural::{ProceduralConfig, generate};
    let device = Device::flex();
    device.seed(4);
    let images: Vec<ImageExample> =
        generate(&ProceduralConfig::new(4).with_image_size(32).with_num_images(800).with_seed(4))
            .unwrap()
            .iter()
            .map(|p| p.to_example())
            .collect();
    let data = split(images, 0.0, 0.2, 4);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let set = PushSet::new(data.train.clone(), batcher.clone());
    let mut phases: Vec<Phase<ProtoPNet>> = ProtoPNetSchedule::small().phases(set.clone());
    phases
        .push(Phase::action("prune", kiln_proto::prune_action(set, 6, 3)).in_stage(kiln_proto::PrototypeStage::Prune));
    let loader = DataLoader::new(data.train, batcher.clone(), 64).shuffled(4);
    let (model, report) = Trainer::new(device).with_seed(4).fit(model_for(4, 3), &phases, &loader, None).unwrap();
    assert!(report.completed);
    assert!(model.num_prototypes() <= 20);
    let acc = accuracy(&model, &data.test, &batcher);
    assert!(acc >= 0.9, "ProtoPNet test accuracy on procedural parts {acc}");
}

fn model_for(classes: usize, channels: usize) -> ProtoPNet {
    ProtoPNetConfig::small(classes, channels).init(&Device::flex())
}
