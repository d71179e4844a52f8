//! [`LearngenePoolConfig`]: the ancestry, the auxiliary models whose blocks become the
//! learngene instances, which pairs of instances stitch, and the two training stages' settings.

use serde::{Deserialize, Serialize};

use super::error::LearngeneError;
use crate::vit::VitConfig;

/// Where an auxiliary model's block and attention outputs are matched to the ancestry's
/// (criterion2.py's `loss_pos`). For a student of `d` blocks and a teacher of `D` blocks, point
/// `k` of 3 pairs student block `⌊k·d/3⌋ − 1` with teacher block `⌊k·D/3⌋ − 1` (0-based).
/// Official code: students of 9 blocks at 2, 5, 8 against DeiT-B's (12 blocks) 3, 7, 11, which
/// is the formula's value for `D = 12`; for another ancestry depth the teacher points scale
/// with it (6 blocks: 1, 3, 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchPoints {
    /// The last block only (`[end]`; the official S and B auxiliaries).
    End,
    /// Points 2 and 3 (`[mid,end]`).
    MidEnd,
    /// Points 1, 2 and 3 (`[front,end]`; the official Ti auxiliary).
    FrontEnd,
}

impl MatchPoints {
    /// The scheme's name in the official code.
    pub fn name(self) -> &'static str {
        match self {
            Self::End => "[end]",
            Self::MidEnd => "[mid,end]",
            Self::FrontEnd => "[front,end]",
        }
    }

    /// Which thirds are matched (`k` of `⌊k·d/3⌋ − 1`).
    fn thirds(self) -> &'static [usize] {
        match self {
            Self::End => &[3],
            Self::MidEnd => &[2, 3],
            Self::FrontEnd => &[1, 2, 3],
        }
    }

    /// The fewest blocks for which every point is a block.
    fn min_depth(self) -> usize {
        match self {
            Self::End => 1,
            Self::MidEnd => 2,
            Self::FrontEnd => 3,
        }
    }

    /// The matched `(student block, teacher block)` pairs, 0-based, in order.
    ///
    /// # Errors
    /// [`LearngeneError::MatchPoints`] when a point falls before the first block of either.
    pub fn pairs(self, student_depth: usize, teacher_depth: usize) -> Result<Vec<(usize, usize)>, LearngeneError> {
        for (which, depth) in [("student", student_depth), ("teacher", teacher_depth)] {
            if depth < self.min_depth() {
                return Err(LearngeneError::MatchPoints {
                    points: self.name(),
                    which,
                    depth,
                    needed: self.min_depth(),
                });
            }
        }
        Ok(self.thirds().iter().map(|&k| (k * student_depth / 3 - 1, k * teacher_depth / 3 - 1)).collect())
    }
}

/// One auxiliary model: its ViT (a learngene instance after distillation) and its matching
/// points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuxiliaryConfig {
    /// The auxiliary ViT (fewer and/or narrower blocks than the ancestry).
    pub vit: VitConfig,
    /// Where its block and attention outputs are matched to the ancestry's.
    pub points: MatchPoints,
}

/// Distillation of the ancestry into one auxiliary model (criterion2.py, the paper §3.1):
/// `L = α·CE(s, y) + (1 − α)·(softCE(s/T, t/T) + L_rep + L_attn)`, trained with AdamW.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DistillConfig {
    /// Weight `α` of the hard-label cross-entropy (official 0.1).
    pub alpha: f64,
    /// Temperature `T` of the logit term (official 1).
    pub temperature: f64,
    /// Epochs (paper 100).
    pub epochs: usize,
    /// AdamW learning rate (official 5e-4, cosine-annealed here).
    pub lr: f64,
    /// AdamW decoupled weight decay (official 0.05).
    pub weight_decay: f32,
}

impl DistillConfig {
    /// The paper's settings: α = 0.1, T = 1, 100 epochs of AdamW at 5e-4 with decay 0.05.
    pub fn new() -> Self {
        Self { alpha: 0.1, temperature: 1.0, epochs: 100, lr: 5e-4, weight_decay: 0.05 }
    }
}

impl Default for DistillConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Fine-tuning of the whole pool, one uniformly drawn descendant per step (the official
/// `main.py`: plain cross-entropy, no teacher).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FinetuneConfig {
    /// Epochs (paper 50).
    pub epochs: usize,
    /// AdamW learning rate (official `main.py` 5e-5).
    pub lr: f64,
    /// AdamW decoupled weight decay (0.05, as the distillation).
    pub weight_decay: f32,
}

impl FinetuneConfig {
    /// 50 epochs of AdamW at 5e-5, decay 0.05.
    pub fn new() -> Self {
        Self { epochs: 50, lr: 5e-5, weight_decay: 0.05 }
    }
}

impl Default for FinetuneConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// A Learngene Pool: the ancestry, the auxiliary models (smallest first), the stitched pairs
/// and the training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearngenePoolConfig {
    /// The ancestry (paper: a pretrained DeiT-B of 12 blocks).
    pub ancestry: VitConfig,
    /// The auxiliary models, narrowest first; instance `i` is auxiliary `i`'s blocks.
    pub auxiliaries: Vec<AuxiliaryConfig>,
    /// Pairs `(front, end)` of instances that descendants stitch, front (smaller) first.
    pub pairs: Vec<(usize, usize)>,
    /// Distillation into the auxiliary models.
    pub distill: DistillConfig,
    /// Fine-tuning of the pool.
    pub finetune: FinetuneConfig,
}

impl LearngenePoolConfig {
    /// The paper's setting: DeiT-B/16 (12 blocks) distilled into 9-block auxiliaries at the
    /// Ti (192, 3 heads, `[front,end]`), S (384, 6 heads, `[end]`) and B (768, 12 heads,
    /// `[end]`) widths, every pair stitched. (The official pool also has 6-block instances:
    /// [`with_instance_depth`](Self::with_instance_depth)`(6)`.)
    pub fn new() -> Self {
        Self::family(VitConfig::deit_base(), 9, [(192, 3), (384, 6), (768, 12)])
    }

    /// CPU preset: 32 px images in patches of 8 (16 patches and the class token), an ancestry
    /// of 6 blocks at width 96 (12 heads), auxiliaries of 3 blocks at widths 24/48/96 with
    /// 3/6/12 heads (head width 8), 10 classes. The matching points scale with the depths:
    /// the Ti auxiliary's blocks 0, 1, 2 against the ancestry's 1, 3, 5.
    pub fn small() -> Self {
        let ancestry = VitConfig::small().with_width(96, 12).with_depth(6);
        Self::family(ancestry, 3, [(24, 3), (48, 6), (96, 12)])
    }

    /// The embedded 8×8 digits (one channel, patch 4: 4 patches and the class token, 10
    /// classes): an ancestry of 6 blocks at width 32 (4 heads), auxiliaries of 3 blocks at
    /// widths 16/24/32 with 2/3/4 heads (head width 8), matched as [`small`](Self::small).
    pub fn digits() -> Self {
        let ancestry = VitConfig::digits().with_images(8, 1, 4).with_width(32, 4).with_depth(6);
        Self::family(ancestry, 3, [(16, 2), (24, 3), (32, 4)])
    }

    /// Three auxiliaries of `depth` blocks at the given `(width, heads)`, the first matched
    /// `[front,end]`, the others `[end]`, every pair stitched, the paper's training settings.
    fn family(ancestry: VitConfig, depth: usize, widths: [(usize, usize); 3]) -> Self {
        let auxiliaries = widths
            .iter()
            .enumerate()
            .map(|(i, &(width, heads))| AuxiliaryConfig {
                vit: ancestry.clone().with_width(width, heads).with_depth(depth),
                points: if i == 0 { MatchPoints::FrontEnd } else { MatchPoints::End },
            })
            .collect();
        Self {
            ancestry,
            auxiliaries,
            pairs: vec![(0, 1), (0, 2), (1, 2)],
            distill: DistillConfig::new(),
            finetune: FinetuneConfig::new(),
        }
    }

    /// The same pool with `depth` blocks in every auxiliary model.
    pub fn with_instance_depth(mut self, depth: usize) -> Self {
        for aux in &mut self.auxiliaries {
            aux.vit.depth = depth;
        }
        self
    }

    /// The same pool for other images (side, channels, patch side) and classes, ancestry and
    /// auxiliaries alike.
    pub fn with_images(mut self, image_size: usize, channels: usize, patch_size: usize, classes: usize) -> Self {
        let resize = |v: VitConfig| v.with_images(image_size, channels, patch_size).with_classes(classes);
        self.ancestry = resize(self.ancestry);
        for aux in &mut self.auxiliaries {
            aux.vit = resize(aux.vit.clone());
        }
        self
    }

    /// The learngene instances' configurations (the auxiliary ViTs).
    pub fn instances(&self) -> Vec<VitConfig> {
        self.auxiliaries.iter().map(|a| a.vit.clone()).collect()
    }

    /// Blocks per instance.
    pub fn instance_depth(&self) -> usize {
        self.auxiliaries.first().map_or(0, |a| a.vit.depth)
    }

    /// Checks that the pool can be built and distilled.
    ///
    /// # Errors
    /// The first inconsistency as a [`LearngeneError`].
    pub fn validate(&self) -> Result<(), LearngeneError> {
        let vit_err = |which: String| move |source| LearngeneError::Vit { which, source };
        self.ancestry.validate().map_err(vit_err("ancestry".into()))?;
        let first = self.auxiliaries.first().ok_or(LearngeneError::NoInstances)?;
        for (index, aux) in self.auxiliaries.iter().enumerate() {
            let v = &aux.vit;
            v.validate().map_err(vit_err(format!("instance {index}")))?;
            let a = &self.ancestry;
            for (what, differs) in [
                ("image size", v.image_size != a.image_size),
                ("channels", v.channels != a.channels),
                ("patch size", v.patch_size != a.patch_size),
                ("classes", v.classes != a.classes),
            ] {
                if differs {
                    return Err(LearngeneError::Mismatch { index, what });
                }
            }
            if v.depth != first.vit.depth || v.depth == 0 {
                return Err(LearngeneError::Depth { index, depth: v.depth, expected: first.vit.depth });
            }
            aux.points.pairs(v.depth, a.depth)?;
        }
        for &(front, end) in &self.pairs {
            if front >= end || end >= self.auxiliaries.len() {
                return Err(LearngeneError::Pair { front, end, instances: self.auxiliaries.len() });
            }
        }
        let d = &self.distill;
        let hypers = [
            ("distill.alpha", d.alpha, (0.0..=1.0).contains(&d.alpha), "0 ≤ α ≤ 1"),
            ("distill.temperature", d.temperature, d.temperature > 0.0, "T > 0"),
            ("distill.lr", d.lr, d.lr > 0.0, "> 0"),
            ("finetune.lr", self.finetune.lr, self.finetune.lr > 0.0, "> 0"),
        ];
        for (name, value, ok, expected) in hypers {
            if !ok || !value.is_finite() {
                return Err(LearngeneError::Hyper { name, value, expected });
            }
        }
        Ok(())
    }
}

impl Default for LearngenePoolConfig {
    fn default() -> Self {
        Self::new()
    }
}
