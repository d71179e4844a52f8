//! Descendant models: one learngene instance on its own, or two instances stitched small →
//! large, enumerated as the official `get_stitch_configs` does with paired stitching (a window
//! of 2 blocks sliding by 1).

use serde::{Deserialize, Serialize};

use super::config::LearngenePoolConfig;

/// One descendant model of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Descendant {
    /// Instance `i` on its own: its embedding, blocks, norm and head.
    Instance(usize),
    /// The front instance's embedding and blocks `0..=front_last`, a stitch layer, then the end
    /// instance's blocks `end_first..` with its norm and head (official `stitch_cfgs = [(j, k)]`).
    Stitched {
        /// The smaller instance (its index in the pool).
        front: usize,
        /// The larger instance.
        end: usize,
        /// Last block of the front instance that runs (`j`).
        front_last: usize,
        /// First block of the end instance that runs (`k`).
        end_first: usize,
    },
}

impl Descendant {
    /// Number of transformer blocks it runs.
    pub fn blocks(&self, instance_depth: usize) -> usize {
        match *self {
            Self::Instance(_) => instance_depth,
            Self::Stitched { front_last, end_first, .. } => front_last + 1 + instance_depth.saturating_sub(end_first),
        }
    }
}

/// Paired stitching of two `depth`-block networks (SN-Net's `paired_stitching` with window 2
/// and stride 1): every `(j, k)` with `|j − k| ≤ 1`, in window order, and the stitch layer each
/// uses: the index of the first window holding both blocks (`max(j, k) − 1`, 0 for `(0, 0)`).
/// `depth ≥ 2` gives `3·depth − 2` cuts over `depth − 1` stitch layers (9 blocks: 25 over 8);
/// one block gives `(0, 0)` over one layer.
pub fn paired_stitching(depth: usize) -> Vec<((usize, usize), usize)> {
    let mut cuts: Vec<((usize, usize), usize)> = Vec::new();
    let mut layer = 0;
    for start in 0..depth {
        let window: Vec<usize> = (start..(start + 2).min(depth)).collect();
        let mut added = false;
        for &j in &window {
            for &k in &window {
                if !cuts.iter().any(|&(cut, _)| cut == (j, k)) {
                    cuts.push(((j, k), layer));
                    added = true;
                }
            }
        }
        if added {
            layer += 1;
        }
    }
    cuts
}

/// Stitch layers per stitched pair for `depth`-block instances.
pub fn stitch_layers_per_pair(depth: usize) -> usize {
    paired_stitching(depth).last().map_or(0, |&(_, layer)| layer + 1)
}

/// The stitch layer a cut `(j, k)` uses, if the cut is one of [`paired_stitching`]'s.
pub fn stitch_layer_of(depth: usize, front_last: usize, end_first: usize) -> Option<usize> {
    paired_stitching(depth).into_iter().find(|&(cut, _)| cut == (front_last, end_first)).map(|(_, layer)| layer)
}

impl LearngenePoolConfig {
    /// Every descendant: each instance on its own (in pool order), then for each stitched pair
    /// (in [`pairs`](Self::pairs) order) every paired-stitching cut. `n` instances of depth
    /// `d ≥ 2` and `p` pairs give `n + p·(3d − 2)` descendants.
    ///
    /// The official training samples a subset (`stitch_cfg_ids`: Ti, B and the Ti → B cuts)
    /// and never chains three instances; here every configured pair is a descendant.
    pub fn descendants(&self) -> Vec<Descendant> {
        let mut out: Vec<Descendant> = (0..self.auxiliaries.len()).map(Descendant::Instance).collect();
        let cuts = paired_stitching(self.instance_depth());
        for &(front, end) in &self.pairs {
            out.extend(cuts.iter().map(|&((front_last, end_first), _)| Descendant::Stitched {
                front,
                end,
                front_last,
                end_first,
            }));
        }
        out
    }

    /// Whether `descendant` is one of [`descendants`](Self::descendants), and if stitched,
    /// the index of its pair in [`pairs`](Self::pairs) and its stitch layer.
    pub(crate) fn locate(&self, descendant: &Descendant) -> Result<Option<(usize, usize)>, String> {
        let depth = self.instance_depth();
        match *descendant {
            Descendant::Instance(i) if i < self.auxiliaries.len() => Ok(None),
            Descendant::Instance(i) => Err(format!("the pool has {} instances, not {}", self.auxiliaries.len(), i + 1)),
            Descendant::Stitched { front, end, front_last, end_first } => {
                let pair = self
                    .pairs
                    .iter()
                    .position(|&p| p == (front, end))
                    .ok_or_else(|| format!("instances ({front}, {end}) are not a stitched pair"))?;
                let layer = stitch_layer_of(depth, front_last, end_first).ok_or_else(|| {
                    format!("({front_last}, {end_first}) is no paired-stitching cut of {depth} blocks")
                })?;
                Ok(Some((pair, layer)))
            }
        }
    }
}
