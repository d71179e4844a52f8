//! ST-ProtoPNet's push (`push_trivial.py`, `push_support.py`): as ProtoPNet's, class-specific,
//! but the nearest patch is the one of highest projection similarity `⟨z, p/‖p‖⟩`, and the
//! prototype becomes that patch's feature vector normalised to unit length.
//!
//! Also the paper's geometric claim, measurable here: support prototypes lie nearer the
//! decision boundary, i.e. nearer the prototypes of other classes, than trivial ones.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_data::Batcher;
use serde::{Deserialize, Serialize};

use super::model::{PrototypeBranch, StProtoPNet, normalize_rows};
use kiln_core::nn::ReceptiveField;

use crate::push_set::{PrototypeSource, PushReport, PushSet};
use crate::similarity::projection_similarities;

/// The push of both prototype sets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StPushReport {
    /// Trivial prototypes' sources.
    pub trivial: PushReport,
    /// Support prototypes' sources.
    pub support: PushReport,
}

/// Projects both prototype sets onto their most similar own-class patches.
pub fn push(mut model: StProtoPNet, set: &PushSet, device: &Device) -> (StProtoPNet, StPushReport) {
    let classes = model.prototype_classes();
    let mut best: [Vec<Found>; 2] = [vec![None; classes.len()], vec![None; classes.len()]];
    let mut grid = (1, 1);
    for (chunk_index, chunk) in set.images.chunks(set.batch_size).enumerate() {
        let first = chunk_index * set.batch_size;
        let features = model.features.features(set.batcher.batch(chunk, device, None).images);
        for (slot, branch) in [&model.trivial, &model.support].into_iter().enumerate() {
            let latent = branch.latent(features.clone());
            let [b, d, h, w] = latent.dims();
            grid = (h, w);
            let m = branch.prototype_vectors.dims()[0];
            let maps = to_vec(projection_similarities(latent.clone(), branch.prototype_vectors.val()));
            let latent = to_vec(latent);
            for i in 0..b {
                let label = set.images[first + i].label;
                for (j, _) in classes.iter().enumerate().filter(|(_, c)| **c == label) {
                    for p in 0..h * w {
                        let score = maps[(i * m + j) * h * w + p];
                        if best[slot][j].as_ref().is_none_or(|found| score > found.0) {
                            let patch = (0..d).map(|c| latent[(i * d + c) * h * w + p]).collect();
                            best[slot][j] = Some((score, first + i, p / w, p % w, patch));
                        }
                    }
                }
            }
        }
    }
    let [trivial_best, support_best] = best;
    let rf = model.features.receptive_field();
    let (trivial, trivial_report) = project(model.trivial, trivial_best, &classes, set, grid, rf);
    let (support, support_report) = project(model.support, support_best, &classes, set, grid, rf);
    model.trivial = trivial;
    model.support = support;
    (model, StPushReport { trivial: trivial_report, support: support_report })
}

/// The best patch so far: (score, image index, row, column, latent vector).
type Found = Option<(f32, usize, usize, usize, Vec<f32>)>;

fn project(
    mut branch: PrototypeBranch,
    best: Vec<Found>,
    classes: &[usize],
    set: &PushSet,
    grid: (usize, usize),
    rf: ReceptiveField,
) -> (PrototypeBranch, PushReport) {
    let [m, d] = branch.prototype_vectors.dims();
    let mut vectors = to_vec(branch.prototype_vectors.val());
    let mut sources = Vec::with_capacity(m);
    for (j, found) in best.into_iter().enumerate() {
        let mut source = PrototypeSource {
            prototype: j,
            class: classes[j],
            image_index: None,
            patch: (0, 0),
            grid,
            score: f32::NEG_INFINITY,
            receptive_field: (0, 0, 0, 0),
        };
        if let Some((score, index, y, x, patch)) = found {
            let norm = patch.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            for (slot, value) in vectors[j * d..(j + 1) * d].iter_mut().zip(&patch) {
                *slot = value / norm;
            }
            let image = &set.images[index].image;
            source.image_index = Some(index);
            source.patch = (y, x);
            source.score = score;
            source.receptive_field = rf.input_box(y, x, image.height, image.width);
        }
        sources.push(source);
    }
    let device = branch.prototype_vectors.device();
    let projected = Tensor::<2>::from_data(TensorData::new(vectors, [m, d]), &device);
    branch.prototype_vectors = branch.prototype_vectors.map(|_| projected);
    (branch, PushReport { sources })
}

/// Mean over prototypes of the Euclidean distance (between unit vectors) to the nearest
/// prototype of another class in the same set. Smaller means nearer the decision boundary.
pub fn mean_distance_to_other_class(prototypes: Tensor<2>, classes: &[usize]) -> f64 {
    let [m, d] = prototypes.dims();
    let unit = to_vec(normalize_rows(prototypes));
    let mut total = 0.0;
    let mut count = 0usize;
    for a in 0..m {
        let nearest = (0..m)
            .filter(|&b| classes.get(b) != classes.get(a))
            .map(|b| (0..d).map(|c| (unit[a * d + c] - unit[b * d + c]).powi(2)).sum::<f32>().sqrt())
            .fold(f32::INFINITY, f32::min);
        if nearest.is_finite() {
            total += f64::from(nearest);
            count += 1;
        }
    }
    if count == 0 { 0.0 } else { total / count as f64 }
}
