//! Pictures of a trained Prob-PSENN: histograms of an uncertainty on the in-distribution and
//! OOD sets, and the decoded prototype means beside decoded samples of each prototype.

use kiln_core::metrics::argmax;
use kiln_core::tensor::try_to_vec;
use kiln_data::Image;
use kiln_proto::prob_psenn::ProbPsenn;
use kiln_proto::render::{BLACK, Canvas, Chart, Histogram, Point, RgbImage, Series, scale_nearest, to_rgb};

use crate::psenn::SetOutput;
use crate::psenn_data::{SETS, SIDE};

/// Bins of the uncertainty histograms.
const BINS: usize = 30;
/// Zoom of the decoded 8×8 images.
const ZOOM: u32 = 5;
/// Gap between tiles in pixels.
const GAP: u32 = 4;
/// Width of the row labels in pixels.
const LABEL: u32 = 96;

/// Histogram chart of score `score` of the sets' outputs (one series per set, same bins).
pub fn uncertainty_histogram(
    title: &str,
    outputs: &[SetOutput],
    score: usize,
) -> Result<Chart, Box<dyn std::error::Error>> {
    let max = outputs.iter().flat_map(|o| o.scores[score].iter().copied()).fold(0.0, f64::max);
    let mut chart = Chart::new(title).x_label("uncertainty (nats)").y_label("test inputs");
    for (set, output) in SETS.iter().zip(outputs) {
        let histogram = Histogram::with_range(&output.scores[score], BINS, 0.0, max.max(1e-6))?;
        chart = chart.series(Series::histogram(*set, histogram));
    }
    Ok(chart)
}

/// A grey `SIDE × SIDE` tile of pixels in `[0, 1]`, zoomed.
fn tile(pixels: &[f32]) -> RgbImage {
    scale_nearest(&to_rgb(&Image { channels: 1, height: SIDE, width: SIDE, pixels: pixels.to_vec() }), ZOOM)
}

/// One row per prototype: its label (the class its last-layer weight favours most, i.e. the
/// most negative weight on its distance, and its mean σ), the decoded mean `g(μ_j)`, then
/// decoded samples `g(μ_j + σ_j ⊙ ε)`.
pub fn prototype_panel(model: &ProbPsenn, samples: usize, seed: u64) -> Result<RgbImage, Box<dyn std::error::Error>> {
    let (m, n, c) = (model.num_prototypes(), SIDE * SIDE, model.num_classes());
    let means = try_to_vec(model.decode_prototype_means())?;
    let drawn = try_to_vec(model.decode_prototype_samples(samples, seed)?)?; // [S, m, n]
    let weights = try_to_vec(model.last_layer.weight.val())?; // [m, C]
    let sigma = try_to_vec(model.sigma())?; // [m, D]
    let d = model.latent_dim();
    let side = SIDE as u32 * ZOOM;
    let width = LABEL + (1 + samples as u32) * (side + GAP) + GAP;
    let mut canvas = Canvas::new(width, 2 * GAP + 12 + m as u32 * (side + GAP));
    canvas.text(Point::new(GAP as i32, GAP as i32), "prototype   mean   then samples", BLACK, 1);
    for j in 0..m {
        let top = (2 * GAP + 12 + j as u32 * (side + GAP)) as i32;
        let favoured = argmax(&weights[j * c..(j + 1) * c].iter().map(|w| -w).collect::<Vec<f32>>());
        let mean_sigma = sigma[j * d..(j + 1) * d].iter().sum::<f32>() / d.max(1) as f32;
        let label = format!("p{j}: class {favoured}\ns {mean_sigma:.3}");
        canvas.text(Point::new(GAP as i32, top + 4), &label, BLACK, 1);
        canvas.paste(&tile(&means[j * n..(j + 1) * n]), Point::new(LABEL as i32, top));
        for s in 0..samples {
            let start = (s * m + j) * n;
            let x = LABEL + (1 + s as u32) * (side + GAP) + GAP;
            canvas.paste(&tile(&drawn[start..start + n]), Point::new(x as i32, top));
        }
    }
    Ok(canvas.into_image())
}
