//! Splits, standardisation and sliding windows.

use burn::prelude::Device;
use kiln_core::train::BatchSource;
use kiln_seq::forecast::{
    ETTH_TRAIN, ETTH_VAL_TEST, ForecastData, Metrics, SplitScheme, Standardizer, WindowSpec, split_borders,
};
use kiln_seq::io::ett::{EttSeries, Timestamp};

/// `n` hourly rows, two channels: `(t, 2t + 1)`.
fn ramp(n: usize) -> EttSeries {
    let h0 = Timestamp::parse("2016-07-01 00:00:00").unwrap().hours_since_epoch();
    let dates: Vec<Timestamp> = (0..n).map(|t| Timestamp::from_hours_since_epoch(h0 + t as i64)).collect();
    EttSeries {
        path: "ramp.csv".into(),
        columns: vec!["A".into(), "OT".into()],
        values: (0..n).flat_map(|t| [t as f32, 2.0 * t as f32 + 1.0]).collect(),
        marks: dates.iter().flat_map(Timestamp::time_features).collect(),
        dates,
    }
}

#[test]
fn etth_borders_follow_autoformer() {
    let b = split_borders(17420, 168, 96, SplitScheme::EttHourly).unwrap();
    assert_eq!(ETTH_TRAIN, 8640);
    assert_eq!(ETTH_VAL_TEST, 2880);
    assert_eq!(b, [(0, 8640), (8640 - 168, 11520), (11520 - 168, 14400)]);
    let r = split_borders(1000, 96, 24, SplitScheme::Ratio).unwrap();
    assert_eq!(r, [(0, 700), (700 - 96, 800), (800 - 96, 1000)]);
}

#[test]
fn first_val_and_test_targets_follow_the_previous_split() {
    let s = ramp(14400);
    let data = ForecastData::new(&s, &WindowSpec::new(168, 96), 0).unwrap();
    // Window 0's first target row is the split's first row.
    assert_eq!(data.val.start() + 168, 8640);
    assert_eq!(data.test.start() + 168, 11520);
    assert_eq!(data.train.len(), 8640 - 168 - 96 + 1);
    assert_eq!(data.test.len(), 2880 + 168 - 168 - 96 + 1);
    let (x, _, y) = data.test.window(0);
    let (x, y) = (data.scaler.inverse(x), data.scaler.inverse(y));
    assert!((x[0] - 11352.0).abs() < 0.05, "{}", x[0]);
    assert!((y[0] - 11520.0).abs() < 0.05, "{}", y[0]);
    assert!((y[1] - (2.0 * 11520.0 + 1.0)).abs() < 0.1, "{}", y[1]);
}

#[test]
fn standardises_with_training_statistics() {
    let s = ramp(1000);
    let spec = WindowSpec { scheme: SplitScheme::Ratio, ..WindowSpec::new(48, 24) };
    let data = ForecastData::new(&s, &spec, 0).unwrap();
    // Train rows 0..700: mean 349.5, population std sqrt((700² − 1)/12).
    let std = ((700f64 * 700.0 - 1.0) / 12.0).sqrt() as f32;
    assert!((data.scaler.mean[0] - 349.5).abs() < 1e-3);
    assert!((data.scaler.std[0] - std).abs() < 1e-2);
    assert!((data.scaler.std[1] - 2.0 * std).abs() < 2e-2);
    let sc = Standardizer::fit(&[1.0, 5.0, 3.0, 5.0], 2, 0, 2);
    assert_eq!(sc.mean, vec![2.0, 5.0]);
    assert_eq!(sc.std, vec![1.0, 1.0]); // a constant column keeps std 1
    assert_eq!(sc.inverse(&sc.transform(&[7.0, 9.0])), vec![7.0, 9.0]);
}

#[test]
fn batches_cover_every_window_in_a_seeded_order() {
    let s = ramp(1000);
    let spec = WindowSpec { scheme: SplitScheme::Ratio, batch_size: 64, ..WindowSpec::new(48, 24) };
    let data = ForecastData::new(&s, &spec, 7).unwrap();
    let device = Device::flex();
    let n = data.train.len();
    assert_eq!(data.train.num_batches(), n.div_ceil(64));
    let first_inputs = |epoch: usize| -> Vec<f32> {
        (0..data.train.num_batches())
            .flat_map(|i| {
                let b = data.train.batch(epoch, i, &device).unwrap();
                let [bs, l, c] = b.x.dims();
                assert_eq!((l, c), (48, 2));
                assert_eq!(b.y.dims(), [bs, 24, 2]);
                assert_eq!(b.x_mark.dims(), [bs, 48, 4]);
                let x = kiln_core::tensor::to_vec(b.x);
                (0..bs).map(|k| data.scaler.inverse(&x[k * l * c..k * l * c + 2])[0]).collect::<Vec<_>>()
            })
            .collect()
    };
    let e0 = first_inputs(0);
    let mut sorted: Vec<i64> = e0.iter().map(|v| v.round() as i64).collect();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..n as i64).collect::<Vec<_>>());
    assert_eq!(e0, first_inputs(0));
    assert_ne!(e0, first_inputs(1));
    // Test windows are chronological.
    let b = data.test.batch(3, 0, &device).unwrap();
    let x = data.scaler.inverse(&kiln_core::tensor::to_vec(b.x));
    assert!((x[0] - 752.0).abs() < 1e-2 && (x[48 * 2] - 753.0).abs() < 1e-2, "{} {}", x[0], x[96]);
}

#[test]
fn strided_windows_keep_every_kth() {
    let data = ForecastData::new(&ramp(1000), &WindowSpec { scheme: SplitScheme::Ratio, ..WindowSpec::new(48, 24) }, 0)
        .unwrap();
    let all = data.val.clone();
    let strided = data.val.clone().strided(4);
    assert_eq!(strided.len(), all.len().div_ceil(4));
    assert_eq!(strided.window(3).0, all.window(12).0);
}

#[test]
fn metrics_are_mse_and_mae() {
    let m = Metrics::of(&[1.0, 2.0, 3.0], &[1.0, 0.0, 4.0]);
    assert!((m.mse - 5.0 / 3.0).abs() < 1e-12);
    assert!((m.mae - 1.0).abs() < 1e-12);
}
