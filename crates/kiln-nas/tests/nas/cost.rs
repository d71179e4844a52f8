//! Subnet cost: analytic MACs and parameters against hand counts and burn's `num_params`,
//! measured latency and its JSON lookup table.

use burn::module::Module;
use burn::prelude::Device;
use kiln_nas::ofa::{
    LatencySettings, LatencyTable, OfaConfig, OfaSupernet, SubnetConfig, device_label, measure_latency, subnet_macs,
    subnet_params, subnet_trainable_params,
};

#[test]
fn macs_of_the_largest_and_smallest_digits_subnets_match_hand_counts() {
    let cfg = OfaConfig::digits();
    // Largest: depths [3, 3], kernel 5, expand 4, resolution 8; stem 1 → 16, units 24 (s1), 32 (s2).
    // Stem 3×3 at 8×8:                         8·8·16·1·9              =    9_216
    // Unit 1, block 1 (16 → 64 → 24, 8×8):
    //   expand 8·8·64·16 = 65_536, dw 8·8·64·25 = 102_400, project 8·8·24·64 = 98_304 →  266_240
    // Unit 1, blocks 2, 3 (24 → 96 → 24, 8×8):
    //   expand 8·8·96·24 = 147_456, dw 8·8·96·25 = 153_600, project 8·8·24·96 = 147_456
    //                                                        → 448_512 each, × 2 =  897_024
    // Unit 2, block 1 (24 → 96 → 32, stride 2: (8 + 4 − 5)/2 + 1 = 4, so 8×8 → 4×4):
    //   expand 8·8·96·24 = 147_456, dw 4·4·96·25 = 38_400, project 4·4·32·96 = 49_152  →  235_008
    // Unit 2, blocks 2, 3 (32 → 128 → 32, 4×4):
    //   expand 4·4·128·32 = 65_536, dw 4·4·128·25 = 51_200, project 4·4·32·128 = 65_536
    //                                                        → 182_272 each, × 2 =  364_544
    // Head 32·10                                                                 =      320
    // Total 9_216 + 266_240 + 897_024 + 235_008 + 364_544 + 320                  = 1_772_352
    let largest = SubnetConfig::largest(&cfg);
    assert_eq!(subnet_macs(&cfg, &largest), 1_772_352);

    // Smallest: depths [1, 1], kernel 3, expand 2, resolution 6.
    // Stem 3×3 at 6×6:                         6·6·16·1·9              =    5_184
    // Unit 1, block 1 (16 → 32 → 24, 6×6):
    //   expand 6·6·32·16 = 18_432, dw 6·6·32·9 = 10_368, project 6·6·24·32 = 27_648 →    56_448
    // Unit 2, block 1 (24 → 48 → 32, stride 2: (6 + 2 − 3)/2 + 1 = 3, so 6×6 → 3×3):
    //   expand 6·6·48·24 = 41_472, dw 3·3·48·9 = 3_888, project 3·3·32·48 = 13_824   →    59_184
    // Head 32·10                                                                 =      320
    // Total 5_184 + 56_448 + 59_184 + 320                                        =  121_136
    let smallest = SubnetConfig::smallest(&cfg);
    assert_eq!(subnet_macs(&cfg, &smallest), 121_136);
    assert!(subnet_macs(&cfg, &smallest) < subnet_macs(&cfg, &largest));

    // Shrinking any one dimension of the largest subnet lowers the MACs.
    let mut shallower = largest.clone();
    shallower.depths[1] = 2;
    let mut thinner = largest.clone();
    thinner.expands[0] = 2;
    let mut narrower_kernel = largest.clone();
    narrower_kernel.kernels[3] = 3;
    let mut lower_res = largest.clone();
    lower_res.resolution = 6;
    for smaller in [shallower, thinner, narrower_kernel, lower_res] {
        assert!(subnet_macs(&cfg, &smaller) < subnet_macs(&cfg, &largest), "{smaller:?}");
    }
}

#[test]
fn params_of_the_smallest_digits_subnet_match_a_hand_count() {
    let cfg = OfaConfig::digits();
    let smallest = SubnetConfig::smallest(&cfg);
    // burn's num_params counts 4 values per BN channel (γ, β, running mean, running variance).
    // Stem: 16·1·9 = 144 weights + 4·16 BN                                    =   208
    // Unit 1, block 1 (16 → 32 → 24, k3): 32·16 + 32·9 + 24·32 = 1_568 weights
    //   + 4·(32 + 32 + 24) = 352 BN                                           = 1_920
    // Unit 2, block 1 (24 → 48 → 32, k3): 48·24 + 48·9 + 32·48 = 3_120 weights
    //   + 4·(48 + 48 + 32) = 512 BN                                           = 3_632
    // Head: 32·10 + 10 bias                                                   =   330
    // Total 208 + 1_920 + 3_632 + 330                                         = 6_090
    assert_eq!(subnet_params(&cfg, &smallest), 6_090);
    // Trainable: 2 per BN channel, 16 + 88 + 128 = 232 BN channels → 6_090 − 2·232 = 5_626.
    assert_eq!(subnet_trainable_params(&cfg, &smallest), 5_626);
}

#[test]
fn params_equal_burns_count_of_the_extracted_subnet() {
    let device = Device::flex();
    device.seed(3);
    let supernet: OfaSupernet = OfaConfig::digits().init(&device);
    let cfg = &supernet.config;
    let mut subnets = vec![SubnetConfig::largest(cfg), SubnetConfig::smallest(cfg)];
    subnets.extend((0..6).map(|seed| supernet.sample_subnet(kiln_nas::ofa::OfaStage::Width, seed)));
    for subnet in &subnets {
        let extracted = supernet.extract(subnet);
        assert_eq!(subnet_params(cfg, subnet), extracted.num_params(), "{subnet:?}");
        assert!(subnet_trainable_params(cfg, subnet) < subnet_params(cfg, subnet));
    }
    let [small, large] = [&subnets[1], &subnets[0]].map(|s| subnet_params(cfg, s));
    assert!(small < large, "{small} vs {large}");
}

#[test]
fn latency_is_positive_and_the_table_round_trips_and_caches() {
    let device = Device::flex();
    device.seed(4);
    let supernet: OfaSupernet = OfaConfig::digits().init(&device);
    let cfg = &supernet.config;
    let largest = SubnetConfig::largest(cfg);
    let smallest = SubnetConfig::smallest(cfg);
    let ms = measure_latency(&supernet, &largest, &device, &LatencySettings { batch: 4, warmup: 2, repeats: 5 });
    assert!(ms.is_finite() && ms > 0.0, "{ms}");

    let dir = std::env::temp_dir().join(format!("kiln-nas-cost-{}", std::process::id()));
    let path = dir.join("latency.json");
    let _ = std::fs::remove_dir_all(&dir);
    // A missing file is an empty table.
    let mut table = LatencyTable::load(&path).unwrap();
    assert!(table.is_empty());
    let small_batch = LatencySettings { batch: 2, warmup: 1, repeats: 3 };

    let measured = table.get_or_measure(&supernet, &smallest, &device, &small_batch);
    assert!(measured > 0.0);
    let label = device_label(&device);
    assert_eq!(table.get(&smallest.encode(cfg), &label, 2), Some(measured));
    // A cached entry is returned without measuring: a sentinel survives.
    table.insert(largest.encode(cfg), label.clone(), 2, 1234.5);
    assert_eq!(table.get_or_measure(&supernet, &largest, &device, &small_batch), 1234.5);
    assert_eq!(table.get_or_measure(&supernet, &smallest, &device, &small_batch), measured);
    assert_eq!(table.len(), 2);
    // Another batch size is another entry.
    assert_eq!(table.get(&largest.encode(cfg), &label, 8), None);

    table.save(&path).unwrap();
    let reloaded = LatencyTable::load(&path).unwrap();
    // serde_json's default float parser may land one ulp off the written shortest form, so
    // a reloaded timing is compared to 1e-12 relative, not bit for bit.
    assert_eq!(reloaded.len(), table.len());
    let back = reloaded.get(&smallest.encode(cfg), &label, 2).expect("reloaded entry");
    assert!((back - measured).abs() <= 1e-12 * measured.abs(), "{back} vs {measured}");
    assert_eq!(reloaded.get(&largest.encode(cfg), &label, 2), Some(1234.5));

    // A corrupt file is an error naming the file.
    std::fs::write(&path, "not json").unwrap();
    let err = LatencyTable::load(&path).unwrap_err().to_string();
    assert!(err.contains("latency.json"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
