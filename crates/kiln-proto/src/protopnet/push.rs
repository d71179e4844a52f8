//! Push (prototype projection, Chen et al. 2019 §2.2 step 2; `push.py`): every prototype
//! becomes the latent patch closest to it among the training images *of its own class*,
//! `p_j ← argmin_{z ∈ patches(f(x_i)), y_i = class(j)} ‖z − p_j‖²`, so that each prototype
//! is a real patch of a real training image whose source we record.

use kiln_core::tensor::to_vec;

use burn::prelude::{Device, Tensor, TensorData};
use kiln_data::Batcher;

use super::model::ProtoPNet;
use crate::push_set::{PrototypeSource, PushReport, PushSet};
use crate::similarity::l2_distances;

impl PushSet {
    /// Runs `visit(first_index, latent [b, D, H, W], distances [b, m, H, W])` batch by batch,
    /// with both maps on the host (row-major).
    pub fn scan(&self, model: &ProtoPNet, device: &Device, mut visit: impl FnMut(usize, &LatentBatch)) {
        for (chunk_index, chunk) in self.images.chunks(self.batch_size).enumerate() {
            let batch = self.batcher.batch(chunk, device, None);
            let latent = model.latent(batch.images);
            let distances = l2_distances(latent.clone(), model.prototype_vectors.val());
            let [b, d, h, w] = latent.dims();
            let m = distances.dims()[1];
            let host = LatentBatch {
                latent: to_vec(latent),
                distances: to_vec(distances),
                shape: [b, d, h, w],
                num_prototypes: m,
            };
            visit(chunk_index * self.batch_size, &host);
        }
    }
}

/// A batch's latent map and distance maps on the host.
pub struct LatentBatch {
    /// `[b, D, H, W]` row-major.
    pub latent: Vec<f32>,
    /// `[b, m, H, W]` row-major.
    pub distances: Vec<f32>,
    /// `[b, D, H, W]`.
    pub shape: [usize; 4],
    /// `m`.
    pub num_prototypes: usize,
}

impl LatentBatch {
    /// Distance of prototype `j` to patch `(y, x)` of image `i` of the batch.
    pub fn distance(&self, i: usize, j: usize, y: usize, x: usize) -> f32 {
        let [_, _, h, w] = self.shape;
        self.distances[((i * self.num_prototypes + j) * h + y) * w + x]
    }

    /// The latent vector of patch `(y, x)` of image `i`.
    pub fn patch(&self, i: usize, y: usize, x: usize) -> Vec<f32> {
        let [_, d, h, w] = self.shape;
        (0..d).map(|c| self.latent[((i * d + c) * h + y) * w + x]).collect()
    }
}

/// The closest own-class patch found so far for one prototype.
#[derive(Clone)]
struct Nearest {
    distance: f32,
    image_index: usize,
    y: usize,
    x: usize,
    patch: Vec<f32>,
}

/// Projects every prototype onto its nearest own-class latent patch in `push_set`.
pub fn push(mut model: ProtoPNet, push_set: &PushSet, device: &Device) -> (ProtoPNet, PushReport) {
    let classes = model.prototype_classes();
    let m = classes.len();
    let d = model.prototype_dim();
    let mut best: Vec<Option<Nearest>> = vec![None; m];
    let mut grid = (1, 1);
    push_set.scan(&model, device, |first, batch| {
        let [b, _, h, w] = batch.shape;
        grid = (h, w);
        for i in 0..b {
            let label = push_set.images[first + i].label;
            for (j, &class) in classes.iter().enumerate() {
                if class != label {
                    continue;
                }
                for y in 0..h {
                    for x in 0..w {
                        let dist = batch.distance(i, j, y, x);
                        if best[j].as_ref().is_none_or(|b| dist < b.distance) {
                            best[j] = Some(Nearest {
                                distance: dist,
                                image_index: first + i,
                                y,
                                x,
                                patch: batch.patch(i, y, x),
                            });
                        }
                    }
                }
            }
        }
    });
    let mut vectors = to_vec(model.prototype_vectors.val());
    let rf = model.features.receptive_field();
    let mut sources = Vec::with_capacity(m);
    for (j, found) in best.into_iter().enumerate() {
        let source = match found {
            Some(Nearest { distance: dist, image_index, y, x, patch }) => {
                vectors[j * d..(j + 1) * d].copy_from_slice(&patch);
                let image = &push_set.images[image_index].image;
                PrototypeSource {
                    prototype: j,
                    class: classes[j],
                    image_index: Some(image_index),
                    patch: (y, x),
                    grid,
                    score: dist,
                    receptive_field: rf.input_box(y, x, image.height, image.width),
                }
            }
            None => PrototypeSource {
                prototype: j,
                class: classes[j],
                image_index: None,
                patch: (0, 0),
                grid,
                score: f32::INFINITY,
                receptive_field: (0, 0, 0, 0),
            },
        };
        sources.push(source);
    }
    let param_device = model.prototype_vectors.device();
    let projected = Tensor::<2>::from_data(TensorData::new(vectors, [m, d]), &param_device);
    model.prototype_vectors = model.prototype_vectors.map(|_| projected);
    (model, PushReport { sources })
}
