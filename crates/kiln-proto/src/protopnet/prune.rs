//! Pruning (Chen et al. 2019, §2.5; `prune.py`): a prototype whose `k` nearest training
//! patches (one per image: the image's closest patch) include fewer than `τ` patches of its own
//! class is removed, with its last-layer connections. Defaults `k = 6`, `τ = 3`.

use burn::module::Param;
use burn::prelude::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::model::ProtoPNet;
use crate::class_identity::class_identity;
use crate::push_set::PushSet;
use kiln_core::tensor::to_vec;

/// Which prototypes were removed and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PruneReport {
    /// Indices (before pruning) of the removed prototypes.
    pub removed: Vec<usize>,
    /// Indices (before pruning) of the kept prototypes, in their new order.
    pub kept: Vec<usize>,
    /// For every prototype, how many of its `k` nearest images are of its class.
    pub own_class_neighbours: Vec<usize>,
}

/// Prunes prototypes with fewer than `tau` own-class images among their `k` nearest.
pub fn prune(model: ProtoPNet, push_set: &PushSet, device: &Device, k: usize, tau: usize) -> (ProtoPNet, PruneReport) {
    let classes = model.prototype_classes();
    let m = classes.len();
    // (distance, label) of every image's closest patch, per prototype.
    let mut nearest: Vec<Vec<(f32, usize)>> = vec![Vec::new(); m];
    push_set.scan(&model, device, |first, batch| {
        let [b, _, h, w] = batch.shape;
        for i in 0..b {
            let label = push_set.images[first + i].label;
            for (j, list) in nearest.iter_mut().enumerate() {
                let mut best = f32::INFINITY;
                for y in 0..h {
                    for x in 0..w {
                        best = best.min(batch.distance(i, j, y, x));
                    }
                }
                list.push((best, label));
            }
        }
    });
    let mut report = PruneReport::default();
    for (j, mut list) in nearest.into_iter().enumerate() {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        let own = list.iter().take(k).filter(|(_, label)| *label == classes[j]).count();
        report.own_class_neighbours.push(own);
        if own < tau { report.removed.push(j) } else { report.kept.push(j) }
    }
    (keep_prototypes(model, &report.kept), report)
}

/// The model restricted to the prototypes `kept` (in that order), with their last-layer rows.
pub fn keep_prototypes(mut model: ProtoPNet, kept: &[usize]) -> ProtoPNet {
    let classes = model.prototype_classes();
    let num_classes = model.num_classes();
    let d = model.prototype_dim();
    let device = model.prototype_vectors.device();
    let vectors = to_vec(model.prototype_vectors.val());
    let weights = to_vec(model.last_layer.weight.val());
    let rows = |data: &[f32], width: usize| -> Vec<f32> {
        kept.iter().flat_map(|&j| data[j * width..(j + 1) * width].iter().copied()).collect()
    };
    let n = kept.len();
    model.prototype_vectors =
        Param::from_tensor(Tensor::from_data(TensorData::new(rows(&vectors, d), [n, d]), &device));
    model.last_layer.weight =
        Param::from_tensor(Tensor::from_data(TensorData::new(rows(&weights, num_classes), [n, num_classes]), &device));
    let kept_classes: Vec<usize> = kept.iter().map(|&j| classes[j]).collect();
    model.prototype_class_identity =
        Param::from_tensor(class_identity(&kept_classes, num_classes, &device)).set_require_grad(false);
    model
}
