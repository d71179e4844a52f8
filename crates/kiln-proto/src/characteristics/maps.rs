//! [`SimilarityMaps`]: a prototype network's similarity of every prototype at every latent
//! position, the quantity Nauta et al. measure before and after a modification.

use burn::prelude::Tensor;

use crate::similarity::{l2_distances, log_similarity};
use crate::{ProtoPNet, StProtoPNet};

/// A prototype network whose prototypes can be compared with every latent patch.
pub trait SimilarityMaps {
    /// The similarity of every prototype to every latent patch, larger meaning more similar
    /// (the maximum over the patches is what the network's last layer sees).
    ///
    /// # Shapes
    /// normalised images `[b, c, h, w]` → `[b, m, H, W]`
    fn similarity_maps(&self, images: Tensor<4>) -> Tensor<4>;
}

impl SimilarityMaps for ProtoPNet {
    /// `log((d + 1)/(d + ε))` of the squared L2 distance between each patch and prototype.
    fn similarity_maps(&self, images: Tensor<4>) -> Tensor<4> {
        log_similarity(l2_distances(self.latent(images), self.prototype_vectors.val()), self.epsilon)
    }
}

impl SimilarityMaps for StProtoPNet {
    /// Both branches' projection maps `⟨z, p/‖p‖⟩`, trivial prototypes `0..m` then support
    /// prototypes `m..2m` (the numbering of [`StProtoPNet::explain`]).
    fn similarity_maps(&self, images: Tensor<4>) -> Tensor<4> {
        let out = self.forward(images);
        Tensor::cat(vec![out.trivial.projection_maps, out.support.projection_maps], 1)
    }
}
