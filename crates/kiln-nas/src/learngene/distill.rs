//! Stage 1: distilling the ancestry into an auxiliary model on the engine (the official
//! `train.py` with `criterion2.py`), and assembling the pool from the distilled auxiliaries:
//! their ViTs become the instances and their learned transformation matrices initialise the
//! stitch layers.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::train::{
    ImageBatch, LrSchedule, OptimizerConfig, Phase, StepContext, StepOutput, TrainModel, TrainPhase, Trainable,
};

use super::config::{DistillConfig, LearngenePoolConfig};
use super::error::LearngeneError;
use super::loss::learngene_distillation_loss;
use super::model::{LearngenePool, PairStitches};
use crate::stitch::StitchLayer;
use crate::vit::Vit;

/// An auxiliary model under distillation: the student ViT and, per matched point, the learned
/// maps from the ancestry's width to the student's (official `trans_layer_map` for block
/// outputs and `trans_layer_att` for attention branches, `Dense(tea_dim, stu_dim)` with bias).
#[derive(Module, Debug)]
pub struct Auxiliary {
    /// The student; its blocks become a learngene instance.
    pub student: Vit,
    /// Maps `W_p` of the teacher's block outputs, one per matched point.
    pub rep_maps: Vec<Linear>,
    /// Maps `V_p` of the teacher's attention branches, one per matched point.
    pub attn_maps: Vec<Linear>,
    /// Matched `(student block, teacher block)` points.
    #[module(skip)]
    pub points: Vec<(usize, usize)>,
}

impl Auxiliary {
    /// The mean of the block-output maps' weights, `[d_teacher, d_student]` in burn's row
    /// layout (the official `mean(stack(TransLayerMap weights))`).
    pub fn mean_rep_map(&self) -> Option<Tensor<2>> {
        let count = self.rep_maps.len();
        let sum = self.rep_maps.iter().map(|m| m.weight.val()).reduce(|a, b| a + b)?;
        Some(sum / count as f64)
    }
}

/// Ancestry (frozen teacher) and one auxiliary model: what the engine trains in stage 1.
#[derive(Module, Debug)]
pub struct Distillation {
    /// The ancestry, frozen by [`DistillConfig::phases`] and detached in the loss.
    pub teacher: Vit,
    /// The auxiliary model and its maps.
    pub auxiliary: Auxiliary,
    /// Weight `α` of the hard-label cross-entropy.
    #[module(skip)]
    pub alpha: f64,
    /// Temperature of the logit term.
    #[module(skip)]
    pub temperature: f64,
}

impl LearngenePoolConfig {
    /// Auxiliary model `index` with fresh weights and maps.
    ///
    /// # Errors
    /// [`LearngeneError`] when the configuration is invalid or `index` is out of range.
    pub fn auxiliary(&self, index: usize, device: &Device) -> Result<Auxiliary, LearngeneError> {
        self.validate()?;
        let aux = self.auxiliaries.get(index).ok_or_else(|| LearngeneError::Auxiliary {
            index,
            reason: format!("the pool has {} auxiliary models", self.auxiliaries.len()),
        })?;
        let points = aux.points.pairs(aux.vit.depth, self.ancestry.depth)?;
        let map = || LinearConfig::new(self.ancestry.width, aux.vit.width).init(device);
        Ok(Auxiliary {
            student: aux.vit.init(device),
            rep_maps: points.iter().map(|_| map()).collect(),
            attn_maps: points.iter().map(|_| map()).collect(),
            points,
        })
    }

    /// The distillation of the trained ancestry `teacher` into a fresh auxiliary `index`.
    ///
    /// # Errors
    /// [`LearngeneError`] as [`auxiliary`](Self::auxiliary), or when `teacher` is not shaped
    /// as [`ancestry`](Self::ancestry).
    pub fn distillation(&self, teacher: Vit, index: usize, device: &Device) -> Result<Distillation, LearngeneError> {
        let auxiliary = self.auxiliary(index, device)?;
        let (t, a) = (&teacher.config, &self.ancestry);
        if (t.width, t.depth, t.tokens(), t.classes) != (a.width, a.depth, a.tokens(), a.classes) {
            return Err(LearngeneError::Auxiliary {
                index,
                reason: format!("the teacher {t:?} is not shaped as the ancestry {a:?}"),
            });
        }
        Ok(Distillation { teacher, auxiliary, alpha: self.distill.alpha, temperature: self.distill.temperature })
    }
}

impl TrainModel for Distillation {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        let teacher = self.teacher.forward_traced(batch.images.clone());
        let student = self.auxiliary.student.forward_traced(batch.images);
        let aux = &self.auxiliary;
        let matched = |outputs: &[Tensor<3>], maps: &[Linear], teacher_outputs: &[Tensor<3>]| {
            aux.points
                .iter()
                .zip(maps)
                .map(|(&(s, t), map)| (outputs[s].clone(), map.forward(teacher_outputs[t].clone().detach())))
                .collect::<Vec<_>>()
        };
        let representation = matched(&student.block_outputs, &aux.rep_maps, &teacher.block_outputs);
        let attention = matched(&student.attention_outputs, &aux.attn_maps, &teacher.attention_outputs);
        let terms = learngene_distillation_loss(
            student.logits.clone(),
            teacher.logits.detach(),
            batch.targets.clone(),
            representation,
            attention,
            self.alpha,
            self.temperature,
        );
        StepOutput::classification(terms.total, student.logits, batch.targets)
            .with_term("cross_entropy", terms.cross_entropy)
            .with_term("soft_cross_entropy", terms.logits)
            .with_term("representation", terms.representation)
            .with_term("attention", terms.attention)
    }
}

impl DistillConfig {
    /// One phase `distill`: `epochs` of AdamW at `lr` (cosine-annealed to 1% of it) with
    /// decoupled decay `weight_decay`, the teacher frozen.
    pub fn phases(&self) -> Vec<Phase<Distillation>> {
        let phase = TrainPhase::new(self.epochs, self.lr)
            .with_optimizer(OptimizerConfig::AdamW { weight_decay: self.weight_decay })
            .with_schedule(LrSchedule::Cosine { min_factor: 0.01 })
            .with_trainable(Trainable::except(["teacher"]));
        vec![Phase::train("distill", phase)]
    }
}

impl LearngenePool {
    /// The pool of distilled auxiliary models (in the configuration's order): their ViTs are
    /// the instances; each stitch layer `front → end` starts from the front auxiliary's mean
    /// block-output map `M_f` (ancestry → front width), transposed, with zero bias, as the
    /// official `initialize_stitching_weights` does for Ti → B (where the end has the
    /// ancestry's width). When the end is narrower than the ancestry, the map is composed
    /// with the end auxiliary's: `M_fᵀ · M_e` (front → ancestry → end; our extension, the
    /// official code initialises only Ti → B). Identity stitches (equal widths) hold no layer.
    ///
    /// # Errors
    /// [`LearngeneError`] when the configuration is invalid or an auxiliary does not fit it.
    pub fn from_auxiliaries(config: &LearngenePoolConfig, auxiliaries: Vec<Auxiliary>) -> Result<Self, LearngeneError> {
        config.validate()?;
        if auxiliaries.len() != config.auxiliaries.len() {
            return Err(LearngeneError::Auxiliary {
                index: auxiliaries.len(),
                reason: format!("{} auxiliary models for {} instances", auxiliaries.len(), config.auxiliaries.len()),
            });
        }
        let mut maps = Vec::new();
        for (index, (aux, cfg)) in auxiliaries.iter().zip(&config.auxiliaries).enumerate() {
            let v = &aux.student.config;
            if (v.width, v.depth, v.tokens(), v.classes)
                != (cfg.vit.width, cfg.vit.depth, cfg.vit.tokens(), cfg.vit.classes)
            {
                return Err(LearngeneError::Auxiliary { index, reason: format!("student {v:?} is not {:?}", cfg.vit) });
            }
            let mean = aux
                .mean_rep_map()
                .ok_or_else(|| LearngeneError::Auxiliary { index, reason: "no transformation matrices".into() })?;
            if mean.dims() != [config.ancestry.width, cfg.vit.width] {
                return Err(LearngeneError::Auxiliary { index, reason: format!("maps of shape {:?}", mean.dims()) });
            }
            maps.push(mean.detach());
        }
        let per_pair = super::descendant::stitch_layers_per_pair(config.instance_depth());
        let ancestry_width = config.ancestry.width;
        let stitches = config
            .pairs
            .iter()
            .map(|&(front, end)| {
                let (d_front, d_end) = (config.auxiliaries[front].vit.width, config.auxiliaries[end].vit.width);
                if d_front == d_end {
                    return PairStitches { layers: Vec::new() };
                }
                let to_ancestry = maps[front].clone().transpose();
                let weight = if d_end == ancestry_width { to_ancestry } else { to_ancestry.matmul(maps[end].clone()) };
                let bias = Tensor::<1>::zeros([d_end], &weight.device());
                // One layer per window, each with its own parameters (fresh ids).
                let layers =
                    (0..per_pair).map(|_| StitchLayer::from_matrix(weight.clone(), Some(bias.clone()))).collect();
                PairStitches { layers }
            })
            .collect();
        let instances = auxiliaries.into_iter().map(|a| a.student).collect();
        Ok(Self { instances, stitches, config: config.clone() })
    }
}
