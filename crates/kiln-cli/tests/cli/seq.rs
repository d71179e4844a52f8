//! `kiln seq forecast`: TPGN on a generated ETT-format CSV end to end, and a malformed file's
//! error naming its row and column.

use kiln_seq::synth::series::SeriesConfig;

use crate::common::{Scratch, assert_fails, assert_succeeds, kiln};

#[test]
fn seq_forecast_writes_predictions_and_metrics() {
    let scratch = Scratch::new("seq-forecast");
    let csv = scratch.path().join("series.csv");
    SeriesConfig::new(1200, 4).write_csv(&csv).expect("a generated series");
    let out = scratch.path().join("out");
    let (csv_arg, out_arg) = (csv.to_str().expect("UTF-8"), out.to_str().expect("UTF-8"));
    let args = [
        "seq",
        "forecast",
        "--csv",
        csv_arg,
        "--target",
        "OT",
        "--seq-len",
        "48",
        "--pred-len",
        "24",
        "--epochs",
        "1",
        "--device",
        "flex",
        "--out",
        out_arg,
    ];
    let text = assert_succeeds(&kiln(&args));
    // 1200 rows split 70/10/20: 217 test windows of 48 → 24.
    assert!(text.contains("test windows: 217"), "{text}");
    let mse = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: MSE ")))
            .and_then(|l| l.split(',').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} line in {text}"))
    };
    assert!(mse("TPGN").is_finite() && mse("seasonal naive").is_finite(), "{text}");
    let predictions = std::fs::read_to_string(out.join("predictions.csv")).expect("predictions.csv");
    assert_eq!(predictions.lines().count(), 1 + 217 * 24);
    assert!(out.join("metrics.json").is_file() && out.join("model.bpk").is_file());
}

#[test]
fn seq_forecast_names_the_bad_row_and_column() {
    let scratch = Scratch::new("seq-forecast-bad");
    let csv = scratch.path().join("bad.csv");
    std::fs::write(&csv, "date,a,OT\n2016-07-01 00:00:00,1.0,2.0\n2016-07-01 01:00:00,3.0,x\n").expect("a file");
    let out = scratch.path().join("out");
    let (csv_arg, out_arg) = (csv.to_str().expect("UTF-8"), out.to_str().expect("UTF-8"));
    let err = assert_fails(&kiln(&["seq", "forecast", "--csv", csv_arg, "--device", "flex", "--out", out_arg]));
    assert!(err.contains("row 3") && err.contains("`OT`") && err.contains("`x`"), "{err}");
    let err = assert_fails(&kiln(&[
        "seq",
        "forecast",
        "--csv",
        csv_arg,
        "--features",
        "Q",
        "--device",
        "flex",
        "--out",
        out_arg,
    ]));
    assert!(err.contains("--features Q"), "{err}");
}
