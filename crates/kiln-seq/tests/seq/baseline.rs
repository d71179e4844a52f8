//! Baselines: seasonal naive and DLinear's decomposition by hand, output shapes, and the
//! uniform runner.

use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::tensor::to_vec;
use kiln_seq::baseline::{DLinear, Forecaster, GruForecaster, LstmForecaster, ModelKind, SeasonalNaive, train_model};
use kiln_seq::forecast::{ForecastData, SplitScheme, WindowSpec};
use kiln_seq::io::ett::Features;
use kiln_seq::synth::series::SeriesConfig;
use kiln_seq::tpgn::TpgnConfig;
use kiln_seq::tpgn::train::evaluate;

#[test]
fn seasonal_naive_repeats_the_last_period() {
    let device = Device::flex();
    let x = Tensor::<3>::from_data(TensorData::new((0..6).map(|v| v as f32).collect::<Vec<_>>(), [1, 6, 1]), &device);
    let m = Tensor::<3>::zeros([1, 6, 4], &device);
    let naive = SeasonalNaive { period: 2, pred_len: 5 };
    assert_eq!(to_vec(naive.forecast(x, m)), vec![4.0, 5.0, 4.0, 5.0, 4.0]);
}

#[test]
fn dlinear_moving_average_replicates_the_ends() {
    let device = Device::flex();
    let d = DLinear::new(5, 2, 3, &device);
    let x = Tensor::<3>::from_data(TensorData::new(vec![1.0f32, 2.0, 6.0, 4.0, 5.0], [1, 1, 5]), &device);
    let avg = to_vec(d.moving_average(x));
    let expected = [4.0 / 3.0, 3.0, 4.0, 5.0, 14.0 / 3.0];
    for (a, e) in avg.iter().zip(expected) {
        assert!((a - e).abs() < 1e-5, "{avg:?}");
    }
}

#[test]
fn every_baseline_forecasts_pred_len_steps() {
    let device = Device::flex();
    let x = Tensor::<3>::random([2, 48, 3], Distribution::Normal(0.0, 1.0), &device);
    let m = Tensor::<3>::random([2, 48, 4], Distribution::Default, &device);
    let models: Vec<Box<dyn Forecaster>> = vec![
        Box::new(GruForecaster::new(3, 4, 8, 30, &device)),
        Box::new(LstmForecaster::new(3, 4, 8, 30, &device)),
        Box::new(DLinear::new(48, 30, 25, &device)),
        Box::new(SeasonalNaive { period: 24, pred_len: 30 }),
    ];
    for model in models {
        assert_eq!(model.forecast(x.clone(), m.clone()).dims(), [2, 30, 3]);
    }
}

#[test]
fn every_kind_trains_and_tests_uniformly() {
    let device = Device::flex();
    let dir = std::env::temp_dir().join(format!("kiln-seq-baseline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let series = SeriesConfig::new(1000, 2).write_and_read(dir.join("s.csv"), Features::S).unwrap();
    let spec = WindowSpec { scheme: SplitScheme::Ratio, ..WindowSpec::new(48, 24) };
    let data = ForecastData::new(&series, &spec, 0).unwrap();
    let cfg = TpgnConfig { epochs: 2, patience: 1, max_steps_per_epoch: Some(3), ..TpgnConfig::small(48, 24) };
    for kind in ModelKind::ALL {
        let (model, summary) = train_model(kind, &data, &cfg, 0, &device).unwrap();
        let m = evaluate(model.as_ref(), &data.test, &device).unwrap();
        assert!(m.mse.is_finite() && m.mse > 0.0, "{}: {m:?}", kind.name());
        let trained = kind != ModelKind::SeasonalNaive;
        assert_eq!(summary.epochs_run > 0, trained, "{}", kind.name());
        assert!(summary.epochs_run <= 2 && summary.val_mse.len() == summary.epochs_run);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
