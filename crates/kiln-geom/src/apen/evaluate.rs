//! Evaluation of APEN and the baselines on posed samples:
//!
//! - part mIoU: per shape, the mean over the part types of its class of
//!   `|pred ∩ true| / |pred ∪ true|` (1 when both are empty), averaged over shapes (the
//!   instance mIoU of ShapeNet-part);
//! - class accuracy and point accuracy;
//! - piecewise-equivariance error of the per-point part-centre vectors,
//!   `‖f(g·X) − g·f(X)‖_F / ‖f(X)‖_F` with `g` acting on each point by its part's motion, and
//!   the invariance error of the logits, `‖ℓ(g·X) − ℓ(X)‖_F / ‖ℓ(X)‖_F`, summed over the set.
//!   The moved cloud keeps the canonical cloud's fine partition (the over-segmentation is taken
//!   as given, as in the paper's bound).

use burn::prelude::{Device, Tensor};

use super::batch::PartBatches;
use super::data::PartSample;
use super::model::Apen;
use crate::error::{GeomError, Result};

/// Per-point part logits, class logits and per-point part centres.
#[derive(Debug, Clone)]
pub struct Prediction {
    /// `[B, N, P]`.
    pub logits: Tensor<3>,
    /// `[B, C]`.
    pub class_logits: Tensor<2>,
    /// `[B, N, 3]`.
    pub vectors: Tensor<3>,
}

/// A part segmenter: APEN or a baseline.
pub trait PartPredictor {
    /// The prediction for points `[B, N, 3]` and the fine partition `[B, N, K₀]` (which the
    /// baselines ignore).
    fn predict(&self, points: Tensor<3>, fine: Tensor<3>) -> Prediction;
}

impl PartPredictor for Apen {
    fn predict(&self, points: Tensor<3>, fine: Tensor<3>) -> Prediction {
        let out = self.forward(points, fine);
        Prediction { logits: out.logits, class_logits: out.class_logits, vectors: out.vectors }
    }
}

/// Segmentation and classification scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegMetrics {
    /// Instance part mIoU in `[0, 1]`.
    pub miou: f64,
    /// Class accuracy in `[0, 1]`.
    pub class_accuracy: f64,
    /// Point accuracy in `[0, 1]`.
    pub point_accuracy: f64,
}

/// Argmax over the last axis of `[B, …, C]` values given flat.
fn argmax_rows(values: &[f32], width: usize) -> Vec<usize> {
    values
        .chunks(width.max(1))
        .map(|r| r.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (j, &x)| if x > b.1 { (j, x) } else { b }).0)
        .collect()
}

/// One cloud's prediction on the host: logits `[N·P]`, class logits `[C]`, vectors `[N·3]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudPrediction {
    /// Part logits, row-major `[N, P]`.
    pub logits: Vec<f32>,
    /// Class logits.
    pub class_logits: Vec<f32>,
    /// Vectors, row-major `[N, 3]`.
    pub vectors: Vec<f32>,
}

/// The predictions of `model` on `samples` in batches of `batch` (fine partitions with
/// `fine_parts` FPS parts).
pub fn predict_all<M: PartPredictor>(
    model: &M,
    samples: &[PartSample],
    fine_parts: usize,
    batch: usize,
    fine: Option<&[Vec<usize>]>,
    device: &Device,
) -> Result<Vec<CloudPrediction>> {
    let source = PartBatches::new(std::sync::Arc::new(samples.to_vec()), fine_parts, batch)?;
    let mut out = Vec::new();
    for start in (0..samples.len()).step_by(batch.max(1)) {
        let idx: Vec<usize> = (start..(start + batch.max(1)).min(samples.len())).collect();
        let carried: Option<Vec<Vec<usize>>> = fine.map(|f| idx.iter().map(|&i| f[i].clone()).collect());
        let b = source.batch_of(&idx, carried.as_deref(), device)?;
        let p = model.predict(b.points, b.fine);
        let [bs, n, _] = p.logits.dims();
        let logits = kiln_core::tensor::to_vec(p.logits);
        let classes = kiln_core::tensor::to_vec(p.class_logits);
        let vectors = kiln_core::tensor::to_vec(p.vectors);
        let (pl, cl) = (logits.len() / (bs * n).max(1), classes.len() / bs.max(1));
        for i in 0..bs {
            out.push(CloudPrediction {
                logits: logits[i * n * pl..(i + 1) * n * pl].to_vec(),
                class_logits: classes[i * cl..(i + 1) * cl].to_vec(),
                vectors: vectors[i * n * 3..(i + 1) * n * 3].to_vec(),
            });
        }
    }
    Ok(out)
}

/// mIoU, class and point accuracy of `model` on `samples`.
pub fn segment_metrics<M: PartPredictor>(
    model: &M,
    samples: &[PartSample],
    fine_parts: usize,
    batch: usize,
    device: &Device,
) -> Result<SegMetrics> {
    if samples.is_empty() {
        return Err(GeomError::Invalid("no samples to evaluate".into()));
    }
    let preds = predict_all(model, samples, fine_parts, batch, None, device)?;
    let (mut miou, mut class_ok, mut point_ok, mut points) = (0.0, 0usize, 0usize, 0usize);
    for (s, pred) in samples.iter().zip(&preds) {
        let (logits, classes) = (&pred.logits, &pred.class_logits);
        let n = s.points.len();
        let labels = argmax_rows(logits, logits.len() / n.max(1));
        class_ok += usize::from(argmax_rows(classes, classes.len())[0] == s.class);
        point_ok += labels.iter().zip(&s.labels).filter(|(a, b)| a == b).count();
        points += n;
        // The part types present in the ground truth (for the procedural clouds, the class's
        // types `CLASSES[class]`, each of which has points; for a user's clouds, its labels).
        let mut types: Vec<usize> = s.labels.clone();
        types.sort_unstable();
        types.dedup();
        let iou: f64 = types
            .iter()
            .map(|&t| {
                let inter = labels.iter().zip(&s.labels).filter(|(p, g)| **p == t && **g == t).count();
                let union = labels.iter().zip(&s.labels).filter(|(p, g)| **p == t || **g == t).count();
                if union == 0 { 1.0 } else { inter as f64 / union as f64 }
            })
            .sum();
        miou += iou / types.len() as f64;
    }
    let count = samples.len() as f64;
    Ok(SegMetrics {
        miou: miou / count,
        class_accuracy: class_ok as f64 / count,
        point_accuracy: point_ok as f64 / points as f64,
    })
}

/// Relative equivariance errors of the vectors and invariance errors of the logits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EquivarianceError {
    /// `‖f(g·X) − g·f(X)‖ / ‖f(X)‖` of the part-centre vectors.
    pub vectors: f64,
    /// `‖ℓ(g·X) − ℓ(X)‖ / ‖ℓ(X)‖` of the part logits.
    pub logits: f64,
}

/// The errors of `model` between `canonical` samples and their `moved` copies (same points in
/// the same order, parts moved by `moved.motions ∘ canonical.motions⁻¹`).
pub fn equivariance_error<M: PartPredictor>(
    model: &M,
    canonical: &[PartSample],
    moved: &[PartSample],
    fine_parts: usize,
    batch: usize,
    device: &Device,
) -> Result<EquivarianceError> {
    if canonical.len() != moved.len() || canonical.is_empty() {
        return Err(GeomError::Invalid(format!("{} canonical and {} moved samples", canonical.len(), moved.len())));
    }
    let source = PartBatches::new(std::sync::Arc::new(canonical.to_vec()), fine_parts, batch)?;
    let a = predict_all(model, canonical, fine_parts, batch, None, device)?;
    let b = predict_all(model, moved, fine_parts, batch, Some(&source.fine), device)?;
    let (mut dv, mut nv, mut dl, mut nl) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (((x, gx), pa), pb) in canonical.iter().zip(moved).zip(&a).zip(&b) {
        let (la, va, lb, vb) = (&pa.logits, &pa.vectors, &pb.logits, &pb.vectors);
        let rel: Vec<_> = x.motions.iter().zip(&gx.motions).map(|(m, g)| g * m.inverse()).collect();
        for (i, &k) in x.parts.iter().enumerate() {
            let p = nalgebra::Point3::new(va[3 * i], va[3 * i + 1], va[3 * i + 2]);
            let gp = rel[k] * p;
            for d in 0..3 {
                dv += ((vb[3 * i + d] - gp[d]) as f64).powi(2);
                nv += (p[d] as f64).powi(2);
            }
        }
        dl += la.iter().zip(lb).map(|(u, v)| ((u - v) as f64).powi(2)).sum::<f64>();
        nl += la.iter().map(|u| (*u as f64).powi(2)).sum::<f64>();
    }
    Ok(EquivarianceError { vectors: (dv / nv.max(1e-30)).sqrt(), logits: (dl / nl.max(1e-30)).sqrt() })
}
