//! Writes one chart of each kind (lines with error bars as PNG and SVG, a Pareto front, a
//! histogram, a ROC curve) to the directory given as the first argument (default `charts`):
//! `cargo run -p kiln-render --example charts -- /tmp/charts`.

use kiln_render::{Chart, ErrorBar, Histogram, Legend, Marker, PALETTE, RocCurve, Series, faded};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "charts".into()));
    let chart = Chart::new("accuracy over epochs")
        .x_label("epoch")
        .y_label("accuracy")
        .series(Series::values("train", 1.0, &[0.5, 0.7, 0.8, 0.85, 0.9]))
        .series(Series::scatter("valid", [(1.0, 0.45), (3.0, 0.7), (5.0, 0.8)]).with_marker(Marker::Square))
        .series(Series::error_bars(
            "3 seeds",
            [ErrorBar::new(1.0, 0.4, 0.05), ErrorBar::new(3.0, 0.6, 0.04), ErrorBar::new(5.0, 0.75, 0.02)],
        ));
    chart.save_png(out.join("lines.png"))?;
    chart.save_svg(out.join("lines.svg"))?;
    let all = [(1.2e6, 0.5), (2.0e6, 0.62), (2.4e6, 0.6), (3.1e6, 0.71), (4.0e6, 0.7), (4.4e6, 0.78)];
    Chart::new("front")
        .x_label("MACs (lower is better)")
        .y_label("accuracy (higher is better)")
        .legend(Legend::LowerRight)
        .series(Series::scatter("", all).with_marker(Marker::Cross).with_color(faded(PALETTE[0])))
        .series(
            Series::pareto_front("LINAS front", [(1.2e6, 0.5), (2.0e6, 0.62), (3.1e6, 0.71), (4.4e6, 0.78)])
                .with_color(PALETTE[0]),
        )
        .save_png(out.join("pareto.png"))?;
    let values: Vec<f64> =
        (0..500).map(|i| ((i * 37 % 101) as f64 / 101.0 + (i * 13 % 7) as f64 / 7.0) / 2.0).collect();
    Chart::new("scores")
        .x_label("score")
        .y_label("count")
        .series(Series::histogram("scores", Histogram::new(&values, 20)?))
        .save_png(out.join("hist.png"))?;
    let roc = RocCurve::from_scores(&[0.9, 0.8, 0.4, 0.3], &[true, false, true, false])?;
    Chart::roc("ROC", &[("toy", &roc)]).save_png(out.join("roc.png"))?;
    Ok(())
}
