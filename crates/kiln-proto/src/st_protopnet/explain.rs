//! "This looks like that" for ST-ProtoPNet: the prediction is the sum of both branches' logits,
//! so the evidence is every prototype of both sets, trivial prototypes numbered `0..m` and
//! support prototypes `m..2m`, each with its projection-similarity map, its last-layer weight to
//! the predicted class and its source patch from the push.

use burn::prelude::Device;
use kiln_core::tensor::to_vec;
use kiln_data::{Image, ImageBatcher};

use super::model::{BranchOutput, PrototypeBranch, StProtoPNet};
use super::push::StPushReport;
use crate::explain::{Explanation, PrototypeEvidence, single_image};
use crate::push_set::{PrototypeSource, PushReport};

/// `source` as prototype `offset + source.prototype` of the joined numbering.
fn renumbered(source: &PrototypeSource, offset: usize) -> PrototypeSource {
    PrototypeSource { prototype: source.prototype + offset, ..source.clone() }
}

impl StPushReport {
    /// Both sets' sources in one report, trivial prototypes numbered `0..m` and support
    /// prototypes `m..2m`, ordered by class (each class's trivial, then its support
    /// prototypes), so a gallery with `2m / classes` columns has one row per class.
    pub fn combined(&self) -> PushReport {
        let m = self.trivial.sources.len();
        let mut sources: Vec<PrototypeSource> = self
            .trivial
            .sources
            .iter()
            .map(|s| renumbered(s, 0))
            .chain(self.support.sources.iter().map(|s| renumbered(s, m)))
            .collect();
        sources.sort_by_key(|s| (s.class, s.prototype));
        PushReport { sources }
    }
}

impl StProtoPNet {
    /// Explains the prediction for `image` with the `top_k` prototypes of either set that
    /// contribute most to the predicted class.
    pub fn explain(
        &self,
        image: &Image,
        batcher: &ImageBatcher,
        device: &Device,
        top_k: usize,
        push: Option<&StPushReport>,
    ) -> Explanation {
        let out = self.forward(single_image(image, batcher, device));
        let logits = to_vec(out.logits);
        let predicted = kiln_core::metrics::argmax(&logits);
        let classes = self.prototype_classes();
        let m = classes.len();
        let [_, _, h, w] = out.trivial.projection_maps.dims();
        let branches = [
            (0, &self.trivial, &out.trivial, push.map(|p| &p.trivial)),
            (m, &self.support, &out.support, push.map(|p| &p.support)),
        ];
        let mut evidence = Vec::with_capacity(2 * m);
        for (offset, branch, branch_out, sources) in branches {
            evidence.extend(self.branch_evidence(branch, branch_out, predicted, offset, sources));
        }
        Explanation::ranked(predicted, logits, (h, w), evidence, top_k)
    }

    /// The evidence of one branch's prototypes, numbered from `offset`.
    fn branch_evidence(
        &self,
        branch: &PrototypeBranch,
        out: &BranchOutput,
        predicted: usize,
        offset: usize,
        sources: Option<&PushReport>,
    ) -> Vec<PrototypeEvidence> {
        let [_, m, h, w] = out.projection_maps.dims();
        let maps = to_vec(out.projection_maps.clone());
        let similarities = to_vec(out.projections.clone());
        let weights = to_vec(branch.last_layer.weight.val()); // [m, K]
        let k = self.num_classes();
        let classes = self.prototype_classes();
        (0..m)
            .map(|j| {
                PrototypeEvidence::from_map(
                    (offset + j, classes[j]),
                    similarities[j],
                    weights[j * k + predicted],
                    maps[j * h * w..(j + 1) * h * w].to_vec(),
                    w,
                    sources.and_then(|p| p.sources.get(j)).map(|s| renumbered(s, offset)),
                )
            })
            .collect()
    }
}
