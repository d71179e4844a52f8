//! Per-channel normalisation: `x ↦ (x − mean_c) / std_c`.

use crate::item::{ImageExample, VectorExample};

/// `x ↦ (x − mean_c) / std_c` per channel `c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalize {
    /// Channel means.
    pub mean: Vec<f32>,
    /// Channel standard deviations.
    pub std: Vec<f32>,
}

impl Normalize {
    /// Mean and standard deviation of each channel over `examples` (a constant channel gets
    /// std 1).
    pub fn fit(examples: &[ImageExample]) -> Self {
        let channels = examples.first().map_or(1, |e| e.image.channels);
        let mut sum = vec![0f64; channels];
        let mut sq = vec![0f64; channels];
        let mut count = vec![0f64; channels];
        for e in examples {
            let plane = e.image.height * e.image.width;
            for (i, &v) in e.image.pixels.iter().enumerate() {
                let c = (i / plane.max(1)).min(channels - 1);
                sum[c] += f64::from(v);
                sq[c] += f64::from(v) * f64::from(v);
                count[c] += 1.0;
            }
        }
        let mean: Vec<f32> = sum.iter().zip(&count).map(|(s, n)| (s / n.max(1.0)) as f32).collect();
        let std = sq
            .iter()
            .zip(&count)
            .zip(&mean)
            .map(|((q, n), m)| {
                let std = (q / n.max(1.0) - f64::from(*m).powi(2)).max(0.0).sqrt() as f32;
                // A constant channel carries no scale: leave it unscaled rather than divide by ~0.
                if std < 1e-6 { 1.0 } else { std }
            })
            .collect();
        Self { mean, std }
    }

    /// The identity normalisation for `channels` channels.
    pub fn identity(channels: usize) -> Self {
        Self { mean: vec![0.0; channels], std: vec![1.0; channels] }
    }

    /// Normalises `pixels` (CHW, `plane = h·w`) in place.
    pub fn apply(&self, pixels: &mut [f32], plane: usize) {
        for (i, v) in pixels.iter_mut().enumerate() {
            let c = i / plane.max(1);
            let (m, s) = (self.mean.get(c).copied().unwrap_or(0.0), self.std.get(c).copied().unwrap_or(1.0));
            *v = (*v - m) / s;
        }
    }

    /// The images normalised and flattened into feature vectors (CHW order), for a network on
    /// vectors such as the MLP.
    pub fn flatten(&self, items: Vec<ImageExample>) -> Vec<VectorExample> {
        items
            .into_iter()
            .map(|e| {
                let mut features = e.image.pixels;
                self.apply(&mut features, e.image.height * e.image.width);
                VectorExample { features, label: e.label }
            })
            .collect()
    }
}
