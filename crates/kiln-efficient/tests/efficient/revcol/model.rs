//! The inverse, the α clamp, configuration errors, save/load and devices.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_efficient::EfficientError;
use kiln_efficient::revcol::RevColConfig;

use super::{config, images};

/// Random states of the small preset's levels for a batch of 2 (8, 4, 2, 1 px).
fn states(device: &Device) -> Vec<Tensor<4>> {
    [(8, 8), (16, 4), (24, 2), (32, 1)]
        .into_iter()
        .map(|(c, s)| Tensor::random([2, c, s, s], Distribution::Normal(0.0, 1.0), device))
        .collect()
}

#[test]
fn the_inverse_rebuilds_the_previous_column() {
    let device = Device::flex();
    device.seed(3);
    let model = config().init(&device).unwrap_or_else(|e| panic!("{e}"));
    let x = Tensor::<4>::random([2, 8, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    for (i, column) in model.columns().iter().enumerate().skip(1) {
        let previous = states(&device);
        let out = column.forward(&x, Some(&previous), None);
        // The column does change its input: the check below is not trivially satisfied.
        assert!(max_abs_diff(out[0].clone(), previous[0].clone()) > 1e-2);
        let rebuilt = column.inverse(&x, &out, None);
        for (k, (a, b)) in rebuilt.into_iter().zip(previous).enumerate() {
            // c^{i−1} = (c^i − F(·)) / α: f32 rounding of c^i and F, divided by |α|.
            let largest = out[k].clone().abs().max().into_scalar::<f32>();
            let smallest_alpha = column.alpha(k).abs().min().into_scalar::<f32>();
            let tolerance = 64.0 * f32::EPSILON * largest.max(1.0) / smallest_alpha;
            let d = max_abs_diff(a, b);
            assert!(d < tolerance, "column {i} level {k}: rebuilt within {d}, f32 rounding allows {tolerance}");
        }
    }
}

#[test]
fn alpha_is_clamped_away_from_zero() {
    let device = Device::flex();
    let model = config().with_alpha_init(-0.25).init(&device).unwrap_or_else(|e| panic!("{e}"));
    let alpha: Vec<f32> = model.columns()[1].alpha(0).into_data().iter::<f32>().collect();
    assert!(alpha.iter().all(|&a| (a + 0.25).abs() < 1e-7), "sign kept: {alpha:?}");
    let err = config().with_alpha_init(1e-4).init(&device).err();
    assert!(matches!(err, Some(EfficientError::InvalidConfig { name: "alpha_init", .. })), "{err:?}");
}

#[test]
fn bad_configs_are_typed_errors() {
    let device = Device::flex();
    match RevColConfig::small().with_columns(0).init(&device) {
        Err(EfficientError::InvalidConfig { name, value, .. }) => {
            assert_eq!((name, value.as_str()), ("columns", "0"));
        }
        other => panic!("expected a columns error, got {other:?}"),
    }
    let err = RevColConfig::small().with_blocks(vec![1, 1]).init(&device).err();
    assert!(matches!(err, Some(EfficientError::InvalidConfig { name: "blocks", .. })), "{err:?}");
    let err = RevColConfig::small().with_drop_path(1.0).init(&device).err();
    assert!(matches!(err, Some(EfficientError::InvalidConfig { name: "drop_path", .. })), "{err:?}");
    let model = RevColConfig::small().init(&device).unwrap_or_else(|e| panic!("{e}"));
    assert!(model.check_input([1, 3, 32, 32]).is_ok());
    assert!(model.check_input([1, 3, 24, 32]).is_err(), "24 px is no multiple of 4·2³");
}

#[test]
fn the_paper_defaults_are_revcol_t() {
    let c = RevColConfig::new();
    assert_eq!((c.columns, c.channels.clone(), c.blocks.clone()), (4, vec![64, 128, 256, 512], vec![2, 2, 4, 2]));
    assert_eq!((c.reconstruction_weight, c.classification_weight, c.alpha_init), (3.0, 0.7, 0.5));
    assert_eq!(c.supervised_columns(), vec![0, 1, 2]);
    assert_eq!(RevColConfig::new().with_columns(16).supervised_columns(), vec![3, 7, 11]);
    assert!(RevColConfig::small().with_columns(8).init(&Device::flex()).is_ok());
}

#[test]
fn save_and_load_round_trip() {
    let device = Device::flex();
    let model = config().init(&device).unwrap_or_else(|e| panic!("{e}"));
    let other = config().init(&device).unwrap_or_else(|e| panic!("{e}"));
    let x = images(2, &device);
    let dir = std::env::temp_dir().join(format!("kiln-revcol-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("revcol.bpk");
    model.save(&path).unwrap_or_else(|e| panic!("{e}"));
    let expected = model.forward(x.clone());
    assert!(max_abs_diff(other.forward(x.clone()), expected.clone()) > 1e-4, "two inits differ");
    let loaded = other.load(&path).unwrap_or_else(|e| panic!("{e}"));
    let d = max_abs_diff(loaded.forward(x), expected);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(d < 1e-6, "loaded logits differ by {d}");
    let missing = config().init(&device).unwrap_or_else(|e| panic!("{e}")).load(&dir.join("absent.bpk"));
    assert!(matches!(missing, Err(EfficientError::File { .. })));
}

kiln_core::test_device!(revcol_matches_flex, |device| {
    let flex = burn::prelude::Device::flex();
    let model = config().init(&flex).unwrap_or_else(|e| panic!("{e}"));
    let x = images(2, &flex);
    let expected = model.forward(x.clone());
    let moved = model.clone().to_device(&device);
    let got = moved.forward(x.to_device(&device)).to_device(&flex);
    let d = kiln_core::testing::max_abs_diff(got, expected);
    assert!(d < 1e-4, "logits differ from flex by {d}");
    // The inverse holds on the device too.
    let xs = images(2, &device);
    let states = moved.column_states(xs.clone(), None);
    let x0 = moved.stem_forward(xs);
    let rebuilt = moved.columns()[1].inverse(&x0, &states[1], None);
    for (a, b) in rebuilt.into_iter().zip(states[0].clone()) {
        let d = kiln_core::testing::max_abs_diff(a.to_device(&flex), b.to_device(&flex));
        assert!(d < 1e-4, "inverse on the device within {d}");
    }
});
