//! TPGN: causality of HIE, hand values of a tiny model, shapes, configuration errors, save/load,
//! devices, the CSV entry point, and learning on the generated series.

use burn::module::Param;
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::tensor::to_vec;
use kiln_seq::SeqError;
use kiln_seq::baseline::SeasonalNaive;
use kiln_seq::forecast::{ForecastData, SplitScheme, WindowSpec};
use kiln_seq::io::ett::Features;
use kiln_seq::synth::series::SeriesConfig;
use kiln_seq::tpgn::train::{FitSettings, evaluate, fit};
use kiln_seq::tpgn::{ForecastOptions, PgnBranch, Tpgn, TpgnConfig, forecast_csv};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-seq-tpgn-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn hie_is_strictly_causal() {
    let device = Device::flex();
    let branch = PgnBranch::new(7, 5, 3, &device);
    let z = Tensor::<3>::random([2, 5, 7], Distribution::Normal(0.0, 1.0), &device);
    let h = to_vec(branch.hie(z.clone()));
    assert_eq!(branch.hie(z.clone()).dims(), [2, 3, 7]);
    for r in 0..7 {
        let bump = Tensor::<3>::zeros([2, 5, 7], &device)
            .slice_assign([0..2, 0..5, r..r + 1], Tensor::ones([2, 5, 1], &device));
        let h2 = to_vec(branch.hie(z.clone() + bump));
        for (i, (a, b)) in h.iter().zip(&h2).enumerate() {
            let row = i % 7;
            if row <= r {
                assert_eq!(a, b, "editing row {r} changed h at row {row}");
            }
        }
        if r < 6 {
            assert!(h.iter().zip(&h2).any(|(a, b)| a != b), "row {r} should reach a later row");
        }
    }
}

fn conv(device: &Device, shape: [usize; 3], w: &[f32], b: &[f32]) -> Conv1d {
    let mut c = Conv1dConfig::new(shape[1], shape[0], shape[2]).init(device);
    c.weight = Param::from_tensor(Tensor::from_data(TensorData::new(w.to_vec(), shape), device));
    c.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(b.to_vec(), [shape[0]]), device)));
    c
}

fn linear(device: &Device, shape: [usize; 2], w: &[f32], b: &[f32]) -> Linear {
    let mut l = LinearConfig::new(shape[0], shape[1]).init(device);
    l.weight = Param::from_tensor(Tensor::from_data(TensorData::new(w.to_vec(), shape), device));
    l.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(b.to_vec(), [shape[1]]), device)));
    l
}

fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

#[test]
fn tiny_tpgn_matches_hand_values() {
    // R = 2 rows, P = 2 columns, d = 1, one time feature (F = 2), H = 4 (two output rows).
    let device = Device::flex();
    let cfg = TpgnConfig { period: 2, d_model: 1, time_features: 1, ..TpgnConfig::new(4, 4) };
    let mut model = cfg.try_init(&device).unwrap();
    // HIE: h_1 = 0.5 x_0 − 1.0 m_0 + 0.1 (h_0 = 0.1, the padding).
    model.pgn.hie = conv(&device, [1, 2, 1], &[0.5, -1.0], &[0.1]);
    // Gate: g = 0.3 x + 0.2 m − 0.4 h + 0.05, c = −0.7 x + 0.1 m + 0.9 h − 0.2.
    model.pgn.gate = conv(&device, [2, 3, 1], &[0.3, 0.2, -0.4, -0.7, 0.1, 0.9], &[0.05, -0.2]);
    // l_p = 0.6 o_0 + 1.1 o_1 − 0.3.
    model.pgn.fc = conv(&device, [1, 1, 2], &[0.6, 1.1], &[-0.3]);
    let short = model.short.as_mut().unwrap();
    // s_r = 0.2 x_{r,0} − 0.5 x_{r,1} + 0.3 m_{r,0} + 0.4 m_{r,1} + 0.01.
    short.row = conv(&device, [1, 2, 2], &[0.2, -0.5, 0.3, 0.4], &[0.01]);
    // s = 0.8 s_0 − 0.6 s_1 + 0.2.
    short.col = conv(&device, [1, 1, 2], &[0.8, -0.6], &[0.2]);
    // Output row k of column p: W[0][k] s + W[1][k] l_p + b_k.
    model.head = linear(&device, [2, 2], &[1.5, -0.5, 0.7, 2.0], &[0.1, -0.1]);

    let x = [0.3f32, -1.2, 0.8, 2.0];
    let m = [-0.5f32, 0.25, 0.1, 0.4];
    let out = model.forward(
        Tensor::from_data(TensorData::new(x.to_vec(), [1, 4, 1]), &device),
        Tensor::from_data(TensorData::new(m.to_vec(), [1, 4, 1]), &device),
    );
    assert_eq!(out.dims(), [1, 4, 1]);
    let got = to_vec(out);

    let at = |r: usize, p: usize| r * 2 + p;
    let s_row = |r: usize| 0.2 * x[at(r, 0)] - 0.5 * x[at(r, 1)] + 0.3 * m[at(r, 0)] + 0.4 * m[at(r, 1)] + 0.01;
    let s = 0.8 * s_row(0) - 0.6 * s_row(1) + 0.2;
    let mut expected = [0f32; 4];
    for p in 0..2 {
        let h = [0.1, 0.5 * x[at(0, p)] - 1.0 * m[at(0, p)] + 0.1];
        let o = |r: usize| {
            let (xr, mr) = (x[at(r, p)], m[at(r, p)]);
            let g = sigmoid(0.3 * xr + 0.2 * mr - 0.4 * h[r] + 0.05);
            let c = (-0.7 * xr + 0.1 * mr + 0.9 * h[r] - 0.2).tanh();
            g * h[r] + (1.0 - g) * c
        };
        let l = 0.6 * o(0) + 1.1 * o(1) - 0.3;
        expected[p] = 1.5 * s + 0.7 * l + 0.1; // output row 0
        expected[2 + p] = -0.5 * s + 2.0 * l - 0.1; // output row 1
    }
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < 1e-5, "got {got:?}, expected {expected:?}");
    }
}

#[test]
fn output_length_is_pred_len() {
    let device = Device::flex();
    for (seq, pred, short) in [(168, 96, true), (48, 30, true), (72, 24, false)] {
        let cfg = TpgnConfig { short_branch: short, ..TpgnConfig::small(seq, pred) };
        let model = cfg.try_init(&device).unwrap();
        let x = Tensor::<3>::random([3, seq, 2], Distribution::Normal(0.0, 1.0), &device);
        let m = Tensor::<3>::random([3, seq, 4], Distribution::Default, &device);
        assert_eq!(model.forward(x, m).dims(), [3, pred, 2]);
    }
}

#[test]
fn presets_follow_the_paper() {
    let paper = TpgnConfig::new(168, 168);
    assert_eq!((paper.period, paper.d_model, paper.epochs, paper.batch_size, paper.patience), (24, 32, 25, 32, 5));
    assert_eq!((paper.lr, paper.lr_decay, paper.short_branch, paper.instance_norm), (1e-3, 0.9, true, false));
    assert_eq!((paper.rows(), paper.pred_rows()), (7, 7));
    assert_eq!(TpgnConfig::etth1(168, 168).d_model, 2);
    let small = TpgnConfig::small(168, 96);
    assert_eq!((small.d_model, small.epochs), (8, 10));
    assert!(!small.clone().without_short_branch().short_branch);
    let json = serde_json::to_string(&small).unwrap();
    assert_eq!(serde_json::from_str::<TpgnConfig>(&json).unwrap(), small);
}

#[test]
fn invalid_configs_are_typed_errors() {
    let device = Device::flex();
    let e = TpgnConfig::new(100, 24).try_init(&device).unwrap_err();
    assert!(matches!(e, SeqError::NotMultipleOfPeriod { what: "seq_len", value: 100, period: 24 }), "{e}");
    let e = TpgnConfig::new(24, 24).try_init(&device).unwrap_err();
    assert!(matches!(e, SeqError::Config { field: "seq_len", .. }), "{e}");
    let e = TpgnConfig { d_model: 0, ..TpgnConfig::new(48, 24) }.try_init(&device).unwrap_err();
    assert!(matches!(e, SeqError::Config { field: "d_model", .. }), "{e}");
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    let cfg = TpgnConfig::small(48, 24);
    let model = cfg.try_init(&device).unwrap();
    let path = scratch("save").join("tpgn.bpk");
    model.save(&path).unwrap();
    let loaded = Tpgn::load(&cfg, &path, &device).unwrap();
    let x = Tensor::<3>::random([2, 48, 1], Distribution::Normal(0.0, 1.0), &device);
    let m = Tensor::<3>::random([2, 48, 4], Distribution::Default, &device);
    assert_eq!(to_vec(model.forward(x.clone(), m.clone())), to_vec(loaded.forward(x, m)));
    assert!(Tpgn::load(&cfg, scratch("absent").join("none.bpk"), &device).is_err());
}

kiln_core::test_device!(flex_agrees_with_device, |device| {
    let flex = Device::flex();
    let cfg = TpgnConfig::small(72, 30);
    let model = cfg.try_init(&flex).unwrap();
    let path = scratch(&format!("device-{:?}", std::thread::current().id())).join("tpgn.bpk");
    model.save(&path).unwrap();
    let other = Tpgn::load(&cfg, &path, &device).unwrap();
    let xs: Vec<f32> = (0..2 * 72 * 3).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
    let ms: Vec<f32> = (0..2 * 72 * 4).map(|i| ((i * 13 % 23) as f32 / 22.0) - 0.5).collect();
    let run = |m: &Tpgn, d: &Device| {
        let x = Tensor::<3>::from_data(TensorData::new(xs.clone(), [2, 72, 3]), d);
        let mk = Tensor::<3>::from_data(TensorData::new(ms.clone(), [2, 72, 4]), d);
        to_vec(m.forward(x, mk))
    };
    let (a, b) = (run(&model, &flex), run(&other, &device));
    let diff = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max);
    assert!(diff < 1e-4, "flex and the device differ by {diff}");
});

#[test]
fn forecast_csv_writes_predictions_and_metrics() {
    let dir = scratch("cli");
    let csv = dir.join("series.csv");
    SeriesConfig::new(1200, 3).write_csv(&csv).unwrap();
    let mut options = ForecastOptions::new(&csv, "OT", 48, 24, dir.join("out"));
    options.config = Some(TpgnConfig { epochs: 1, max_steps_per_epoch: Some(5), ..TpgnConfig::small(48, 24) });
    let device = Device::flex();
    let report = forecast_csv(&options, &device).unwrap();
    assert_eq!(report.fit.epochs_run, 1);
    assert!(report.metrics.mse.is_finite() && report.metrics.mae > 0.0);
    // 1200 rows, 70/10/20: test rows 960..1200 plus 48 before → 240 + 48 − 48 − 24 + 1 windows.
    assert_eq!(report.test_windows, 217);
    let text = std::fs::read_to_string(&report.predictions).unwrap();
    assert_eq!(text.lines().count(), 1 + 217 * 24);
    assert!(text.starts_with("window,step,date,pred_OT,true_OT\n0,0,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report.metrics_file).unwrap()).unwrap();
    assert!(json["metrics"]["mse"].as_f64().is_some());
    assert!(report.model_file.is_file());
    options.target = "nope".into();
    assert!(matches!(forecast_csv(&options, &device), Err(SeqError::MissingColumn { .. })));
}

#[test]
fn tpgn_beats_seasonal_naive_at_horizon_96() {
    kiln_testkit::in_own_process("tpgn::tpgn_beats_seasonal_naive_at_horizon_96", tpgn_beats_naive_alone);
}

/// The body of [`tpgn_beats_seasonal_naive_at_horizon_96`], alone in its process.
fn tpgn_beats_naive_alone() {
    let device = Device::flex();
    let dir = scratch("learn");
    let series = SeriesConfig::new(3000, 11).write_and_read(dir.join("s.csv"), Features::S).unwrap();
    let spec = WindowSpec { scheme: SplitScheme::Ratio, ..WindowSpec::new(168, 96) };
    let data = ForecastData::new(&series, &spec, 11).unwrap();
    device.seed(11);
    let cfg = TpgnConfig { epochs: 4, max_steps_per_epoch: Some(50), ..TpgnConfig::small(168, 96) };
    let model = cfg.try_init(&device).unwrap();
    let (model, summary) = fit(model, &data, &FitSettings::from_config(&cfg, 11), &device).unwrap();
    let tpgn = evaluate(&model, &data.test, &device).unwrap();
    let naive = evaluate(&SeasonalNaive { period: 24, pred_len: 96 }, &data.test, &device).unwrap();
    eprintln!("TPGN {tpgn:?} vs seasonal naive {naive:?}; fit {summary:?}");
    assert!(tpgn.mse < 0.8 * naive.mse, "TPGN MSE {} vs seasonal naive {}", tpgn.mse, naive.mse);
    assert!(tpgn.mae < naive.mae);
}
