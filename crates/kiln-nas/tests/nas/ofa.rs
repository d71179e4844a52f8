//! Once-for-All: encodings, extraction, progressive shrinking on the embedded digits.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::testing::max_abs_diff;
use kiln_core::train::{BatchSource, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize, digits, split};
use kiln_nas::ofa::{OfaConfig, OfaSupernet, ShrinkingSchedule, SubnetConfig};

#[test]
fn encoding_round_trips_and_spans_the_space() {
    let cfg = OfaConfig::digits();
    let choices = SubnetConfig::gene_choices(&cfg);
    assert_eq!(choices.len(), 2 + 2 * 6 + 1);
    for subnet in [SubnetConfig::largest(&cfg), SubnetConfig::smallest(&cfg)] {
        assert_eq!(SubnetConfig::decode(&subnet.encode(&cfg), &cfg), subnet);
    }
    let largest = SubnetConfig::largest(&cfg);
    assert_eq!(largest.depths, vec![3, 3]);
    assert_eq!((largest.kernels[0], largest.expands[0], largest.resolution), (5, 4, 8));
    let smallest = SubnetConfig::smallest(&cfg);
    assert_eq!((smallest.depths[1], smallest.kernels[5], smallest.expands[5], smallest.resolution), (1, 3, 2, 6));
}

#[test]
fn extracted_subnets_match_the_supernet() {
    let device = Device::flex();
    device.seed(1);
    let supernet: OfaSupernet = OfaConfig::digits().init(&device).valid();
    let x = Tensor::<4>::random([3, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let dir = std::env::temp_dir().join(format!("kiln-nas-ofa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for seed in 0..6 {
        let cfg = supernet.sample_subnet(kiln_nas::ofa::OfaStage::Width, seed);
        let extracted = supernet.extract(&cfg);
        let expected = supernet.forward_subnet(&cfg, x.clone());
        assert!(max_abs_diff(extracted.forward(x.clone()), expected.clone()) < 1e-5, "subnet {cfg:?}");
        // The extracted network saves and loads on its own.
        let path = dir.join(format!("subnet-{seed}.bpk"));
        extracted.clone().save_file(&path).unwrap();
        let reloaded = OfaConfig::digits().init(&device).extract(&cfg).load_file(&path);
        assert!(max_abs_diff(reloaded.forward(x.clone()), expected) < 1e-5);
    }
    let small = supernet.extract(&SubnetConfig::smallest(&supernet.config)).parameters();
    let large = supernet.extract(&SubnetConfig::largest(&supernet.config)).parameters();
    assert!(small < large, "{small} vs {large}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn subnet_accuracy(
    supernet: &OfaSupernet,
    cfg: &SubnetConfig,
    data: &DataLoader<kiln_data::ImageExample, kiln_data::ImageBatch>,
) -> f64 {
    let device = Device::flex();
    let mut metrics = ClassificationMetrics::new(1);
    for i in 0..data.num_batches() {
        let batch = data.batch(0, i, &device).unwrap();
        metrics.update(supernet.forward_subnet(cfg, batch.images), batch.targets);
    }
    metrics.accuracy()
}

#[test]
fn progressive_shrinking_trains_large_and_small_subnets_on_digits() {
    let device = Device::flex();
    device.seed(2);
    let data = split(digits().unwrap(), 0.0, 0.2, 2);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let train = DataLoader::new(data.train, batcher.clone(), 64).shuffled(2);
    let test = DataLoader::new(data.test, batcher, 256);
    let schedule = ShrinkingSchedule { full: 6, kernel: 2, depth: 2, width: 3, lr: 3e-3 };
    let (supernet, report) = Trainer::new(device)
        .with_seed(2)
        .fit(OfaConfig::digits().init(&Device::flex()), &schedule.phases(), &train, None)
        .unwrap();
    assert!(report.completed);
    let device = Device::flex();
    let (big, small) = (SubnetConfig::largest(&supernet.config), SubnetConfig::smallest(&supernet.config));
    let largest = subnet_accuracy(&supernet.recalibrate_bn(&big, &train, 10, &device).unwrap(), &big, &test);
    let smallest = subnet_accuracy(&supernet.recalibrate_bn(&small, &train, 10, &device).unwrap(), &small, &test);
    assert!(largest >= 0.9, "largest subnet {largest}");
    // Measured 0.73 (seed 2) alone, 0.59 when other tests of the binary share the device's
    // random generator: the smallest subnet (depth 1, kernel 3, expand 2, 6 px) after 3 epochs
    // of the width stage. Chance is 0.1.
    assert!(smallest >= 0.5, "smallest subnet {smallest}");
}
