//! ST-ProtoPNet: prototype-geometry costs, unit-norm constraint, push, learning.

use burn::prelude::{Device, Tensor};
use kiln_core::train::{Phase, Trainer};
use kiln_data::{Batcher, DataLoader, ImageBatcher, Normalize, digits, split};
use kiln_proto::ProtoPNetSchedule;
use kiln_proto::protopnet::PushSet;
use kiln_proto::st_protopnet::loss::{closeness_cost, discrimination_cost, masked_max_similarity, orthogonality_cost};
use kiln_proto::st_protopnet::{StProtoPNet, StProtoPNetConfig, mean_distance_to_other_class, push, push_action};

fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

#[test]
fn prototype_costs_match_hand_computation() {
    let device = Device::flex();
    // Class 0: (1, 0), (0, 1); class 1: (0.6, 0.8), (−1, 0).
    let p = Tensor::<2>::from_data([[1.0f32, 0.0], [0.0, 1.0], [0.6, 0.8], [-1.0, 0.0]], &device);
    // Cross-class inner products: 0.6, −1, 0.8, 0 → max 0.8, min −1.
    let dis = discrimination_cost(p.clone(), 2).into_scalar::<f32>();
    assert!((dis - 0.8).abs() < 1e-5, "{dis}");
    let clo = closeness_cost(p.clone(), 2).into_scalar::<f32>();
    assert!((clo - 1.0).abs() < 1e-5, "{clo}");
    // Class 1's Gram matrix has off-diagonal −0.6 twice; class 0's is the identity.
    let orth = orthogonality_cost(p, 2).into_scalar::<f32>();
    assert!((orth - 1.2).abs() < 1e-5, "{orth}");
    let s = Tensor::<2>::from_data([[0.9f32, 0.1, -0.5], [0.2, 0.3, 0.4]], &device);
    let mask = Tensor::<2>::from_data([[0.0f32, 1.0, 1.0], [1.0, 0.0, 0.0]], &device);
    let v = masked_max_similarity(s, mask).into_scalar::<f32>();
    assert!((v - (0.1 + 0.2) / 2.0).abs() < 1e-6, "{v}");
}

fn digits_setup(
    seed: u64,
) -> (PushSet, DataLoader<kiln_data::ImageExample, kiln_data::ImageBatch>, Vec<kiln_data::ImageExample>, ImageBatcher) {
    let data = split(digits().unwrap(), 0.0, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let set = PushSet::new(data.train.clone(), batcher.clone());
    let loader = DataLoader::new(data.train, batcher.clone(), 64).shuffled(seed);
    (set, loader, data.test, batcher)
}

#[test]
fn push_projects_onto_unit_patches_and_training_keeps_unit_prototypes() {
    let device = Device::flex();
    device.seed(5);
    let (set, loader, test, batcher) = digits_setup(5);
    let model = StProtoPNetConfig::small(10, 1).init(&device);
    let schedule =
        ProtoPNetSchedule { warm_epochs: 1, joint_epochs: 2, last_layer_epochs: 1, ..ProtoPNetSchedule::small() };
    let phases: Vec<Phase<StProtoPNet>> = schedule.phases_with(push_action(set.clone()));
    let (model, report) = Trainer::new(device.clone()).with_seed(5).fit(model, &phases, &loader, None).unwrap();
    assert!(report.completed);
    for branch in [&model.trivial, &model.support] {
        let p = host(branch.prototype_vectors.val());
        for row in p.chunks(64) {
            let norm: f32 = row.iter().map(|v| v * v).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "prototype norm {norm}");
        }
    }
    // Push again and check that each prototype's source patch now has cosine similarity 1.
    let (pushed, push_report) = push(model, &set, &device);
    for (branch, sources) in [(&pushed.trivial, &push_report.trivial), (&pushed.support, &push_report.support)] {
        for source in &sources.sources {
            let index = source.image_index.expect("every class has images");
            assert_eq!(set.images[index].label, source.class);
            let batch = batcher.batch(std::slice::from_ref(&set.images[index]), &device, None);
            let out = branch.forward(pushed.features.features(batch.images));
            let cos = host(out.cosines)[source.prototype];
            assert!((cos - 1.0).abs() < 1e-3, "prototype {} has cosine {cos} to its source", source.prototype);
        }
    }
    let _ = (test, mean_distance_to_other_class(pushed.support.prototype_vectors.val(), &pushed.prototype_classes()));
}

#[test]
fn learns_digits() {
    let device = Device::flex();
    device.seed(6);
    let (set, loader, test, batcher) = digits_setup(6);
    let model = StProtoPNetConfig::small(10, 1).init(&device);
    let phases = ProtoPNetSchedule::small().phases_with(push_action(set));
    let trainer = Trainer::new(device.clone()).with_seed(6);
    let (model, _) = trainer.fit(model, &phases, &loader, None).unwrap();
    let acc = trainer.evaluate(&model, &DataLoader::new(test, batcher, 256)).unwrap().accuracy().unwrap();
    assert!(acc >= 0.9, "ST-ProtoPNet test accuracy on digits {acc}");
}
