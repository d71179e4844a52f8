//! `kiln eval --interpretability`: how consistently and how stably the prototypes of a
//! prototype network (ProtoPNet, ST-ProtoPNet, EvalProtoPNet) land on annotated object parts
//! (Huang et al., ICCV 2023; [`kiln_proto::interpretability`]), each score beside its chance
//! level (a random pixel instead of each activation maximum).
//!
//! The parts are those of the run's test split: for `--data procedural:N` the creatures are
//! generated and split again exactly as for training ([`crate::data_spec::procedural_splits`]),
//! and each image's keypoints are its parts' ([`PartKeypoints::from_part_image`]). The
//! activated region's half-size scales with the image (36 px at 224 px: 5 px at 32 px).

use burn::prelude::Device;
use kiln_data::{ImageBatcher, ImageExample};
use kiln_proto::interpretability::{
    AnnotatedImages, InterpretabilityConfig, InterpretabilityReport, PartKeypoints, PrototypeClasses, evaluate,
};

use crate::data_spec::{DataSpec, ProceduralSpec, procedural_splits};
use crate::error::{CliError, Result};

/// How a classifier exposes its prototypes to the part metrics.
pub type PrototypesOf<M> = fn(&M) -> &dyn PrototypeClasses;

/// The data `--interpretability` can score: data with part annotations.
pub const PART_DATA: &str = "procedural[:CLASSES[:cue=CUE][:size=PX]]";

/// A `kiln eval --interpretability` that does not fit the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpretabilityFlagError {
    /// The run's model has no prototypes.
    #[error("--interpretability: model `{model}` has no prototypes to score; runs of {prototype_models} have")]
    NoPrototypes {
        /// The run's model.
        model: String,
        /// The models that have, comma separated.
        prototype_models: String,
    },
    /// The run's data has no part annotations.
    #[error("--interpretability: the data `{data}` of this `{model}` run has no part annotations; {parts} has")]
    NoParts {
        /// The run's model.
        model: String,
        /// The run's `--data`.
        data: String,
        /// The data that has.
        parts: &'static str,
    },
}

/// What `kiln eval --interpretability` scores: the annotated data of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterpretabilityRequest {
    /// The run's procedural data (classes, cue, size).
    pub spec: ProceduralSpec,
}

impl InterpretabilityRequest {
    /// The request of `--interpretability` (`on`) for a run of `model` (with prototypes or
    /// not) on `data` (its `--data`); `None` without the flag.
    ///
    /// # Errors
    /// [`InterpretabilityFlagError`] naming what is missing: prototypes or part annotations.
    pub fn parse(
        model: &str,
        on: bool,
        has_prototypes: bool,
        data: &str,
    ) -> std::result::Result<Option<Self>, InterpretabilityFlagError> {
        if !on {
            return Ok(None);
        }
        if !has_prototypes {
            return Err(InterpretabilityFlagError::NoPrototypes {
                model: model.into(),
                prototype_models: super::prototype_names(),
            });
        }
        match data.parse::<DataSpec>() {
            Ok(DataSpec::Procedural(spec)) => Ok(Some(Self { spec })),
            _ => Err(InterpretabilityFlagError::NoParts { model: model.into(), data: data.into(), parts: PART_DATA }),
        }
    }
}

/// Both scores of `model` on the test split `test` of a run whose data `request` names,
/// seeded by the run's `seed`.
///
/// # Errors
/// [`CliError::DataChanged`] when the regenerated annotations do not pair with the test split;
/// what the evaluation returns.
pub fn score(
    model: &dyn PrototypeClasses,
    test: &[ImageExample],
    batcher: &ImageBatcher,
    request: &InterpretabilityRequest,
    seed: u64,
    run_dir: &std::path::Path,
    device: &Device,
) -> Result<InterpretabilityReport> {
    let parts = procedural_splits(&request.spec, seed)?.test;
    let paired = parts.len() == test.len() && parts.iter().zip(test).all(|(p, e)| p.label == e.label);
    if !paired {
        return Err(CliError::DataChanged {
            run: run_dir.to_path_buf(),
            message: "the part annotations no longer pair with the test split".into(),
        });
    }
    let keypoints: Vec<PartKeypoints> = parts.iter().map(PartKeypoints::from_part_image).collect();
    let data = AnnotatedImages::new(test, &keypoints, batcher)?;
    Ok(evaluate(model, &data, &InterpretabilityConfig::default().with_seed(seed), device)?)
}
