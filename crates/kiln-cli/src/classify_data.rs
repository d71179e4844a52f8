//! The data of `kiln train`: loaded from `--data`, split, normalised, and served as the batches
//! a classifier consumes (images, or feature vectors: tables, or images flattened for the MLP).

use kiln_core::train::{BatchSource, ImageBatch, VectorBatch};
use kiln_data::{
    Batcher, DataLoader, ImageBatcher, ImageExample, MeanImputer, Normalize, Splits, VectorBatcher, VectorExample,
};
use serde::{Deserialize, Serialize};

use crate::data_spec::{DataSpec, Loaded, load};
use crate::error::{CliError, Result};
use crate::options::ClassifyOptions;

/// Split data ready for batching, with the normalisation fitted on its training part.
pub enum Prepared {
    /// Images and their channel normalisation.
    Images {
        /// Training images.
        train: Vec<ImageExample>,
        /// Validation images.
        valid: Vec<ImageExample>,
        /// Held-out test images.
        test: Vec<ImageExample>,
        /// Channel normalisation.
        norm: Normalize,
    },
    /// Feature vectors and their standardisation.
    Vectors {
        /// Training rows.
        train: Vec<VectorExample>,
        /// Validation rows.
        valid: Vec<VectorExample>,
        /// Held-out test rows.
        test: Vec<VectorExample>,
        /// Feature standardisation.
        batcher: VectorBatcher,
    },
}

/// What a classification run records about its data in `config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifyData {
    /// Input shape `[channels, height, width]` (`[1, 1, features]` for tables).
    pub input_shape: [usize; 3],
    /// Class names.
    pub classes: Vec<String>,
    /// Channel means of images.
    pub mean: Vec<f32>,
    /// Channel standard deviations of images.
    pub std: Vec<f32>,
    /// Feature standardisation `(mean, std)` of tables.
    pub standardize: Vec<(f32, f32)>,
    /// Training means that replaced a table's missing values, per feature (empty when no value
    /// was missing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impute: Vec<f32>,
}

impl ClassifyData {
    /// Number of classes.
    pub fn num_classes(&self) -> usize {
        self.classes.len()
    }

    /// Values per example.
    pub fn input_size(&self) -> usize {
        self.input_shape.iter().product()
    }
}

fn empty_training_split() -> CliError {
    CliError::Usage("the training split is empty".into())
}

/// Loads and splits `data` (`csv` names the CSV target column and delimiter), fills in missing
/// table values with their training means (saying so on stderr), fits the normalisation on the
/// training split, and describes the result.
pub fn prepare(data: &str, csv: &ClassifyOptions, seed: u64) -> Result<(Prepared, ClassifyData)> {
    let spec: DataSpec = data.parse()?;
    Ok(match load(&spec, csv, seed)? {
        Loaded::Images { splits, classes } => {
            let input_shape = splits.train.first().map(|e| e.image.shape()).ok_or_else(empty_training_split)?;
            let norm = Normalize::fit(&splits.train);
            let info = ClassifyData {
                input_shape,
                classes,
                mean: norm.mean.clone(),
                std: norm.std.clone(),
                standardize: Vec::new(),
                impute: Vec::new(),
            };
            (Prepared::Images { train: splits.train, valid: splits.valid, test: splits.test, norm }, info)
        }
        Loaded::Vectors { mut splits, classes, features } => {
            let dim = splits.train.first().map(|e| e.features.len()).ok_or_else(empty_training_split)?;
            let impute = impute_missing(&mut splits, &features);
            let batcher = VectorBatcher::fit(&splits.train);
            let info = ClassifyData {
                input_shape: [1, 1, dim],
                classes,
                mean: Vec::new(),
                std: Vec::new(),
                standardize: batcher.standardize.clone(),
                impute,
            };
            (Prepared::Vectors { train: splits.train, valid: splits.valid, test: splits.test, batcher }, info)
        }
    })
}

/// Replaces the missing values (NaN) of every split by the training mean of their feature and
/// says so on stderr, naming the columns; returns the means, or nothing when no value was
/// missing.
fn impute_missing(splits: &mut Splits<VectorExample>, features: &[String]) -> Vec<f32> {
    let imputer = MeanImputer::fit(&splits.train);
    let mut per_feature = vec![0usize; features.len()];
    for example in splits.train.iter().chain(&splits.valid).chain(&splits.test) {
        for (count, v) in per_feature.iter_mut().zip(&example.features) {
            *count += usize::from(v.is_nan());
        }
    }
    let total: usize = per_feature.iter().sum();
    if total == 0 {
        return Vec::new();
    }
    let columns: Vec<String> = features
        .iter()
        .zip(&per_feature)
        .zip(&imputer.unobserved)
        .filter(|((_, n), _)| **n > 0)
        .map(|((name, n), &unobserved)| {
            let note = if unobserved { ", none in the training split: imputed with 0" } else { "" };
            format!("{name} ({n}{note})")
        })
        .collect();
    eprintln!("note: {total} missing values imputed with the training mean of their column: {}", columns.join(", "));
    for set in [&mut splits.train, &mut splits.valid, &mut splits.test] {
        imputer.apply(set);
    }
    imputer.means
}

/// The data of a trained run, split and normalised as it was. Errors when the data no longer
/// gives what the run recorded (shape, classes, normalisation).
pub fn reload(
    data: &str,
    csv: &ClassifyOptions,
    seed: u64,
    recorded: &ClassifyData,
    run: &std::path::Path,
) -> Result<Prepared> {
    let (prepared, found) = prepare(data, csv, seed)?;
    crate::artifact::check_data(run, data, recorded, &found)?;
    Ok(prepared)
}

/// Training (shuffled), validation and test batches of one kind.
pub struct Sources<B> {
    /// Shuffled training batches.
    pub train: Box<dyn BatchSource<B>>,
    /// Validation batches.
    pub valid: Box<dyn BatchSource<B>>,
    /// Test batches.
    pub test: Box<dyn BatchSource<B>>,
}

impl<B: 'static> Sources<B> {
    fn new<I: Clone + Send + Sync + 'static>(
        (train, valid, test): (Vec<I>, Vec<I>, Vec<I>),
        batcher: impl Batcher<I, B> + Clone + 'static,
        batch_size: usize,
        seed: u64,
    ) -> Self {
        Self {
            train: Box::new(DataLoader::new(train, batcher.clone(), batch_size).shuffled(seed)),
            valid: Box::new(DataLoader::new(valid, batcher.clone(), batch_size)),
            test: Box::new(DataLoader::new(test, batcher, batch_size)),
        }
    }
}

/// What a classifier consumes, and how prepared data becomes batches of it.
pub trait Input: Sized + 'static {
    /// The batches of `data` for model `model` (named in the error when the data does not fit).
    fn sources(model: &str, data: Prepared, batch_size: usize, seed: u64) -> Result<Sources<Self>>;
}

impl Input for ImageBatch {
    fn sources(model: &str, data: Prepared, batch_size: usize, seed: u64) -> Result<Sources<Self>> {
        match data {
            Prepared::Images { train, valid, test, norm } => {
                Ok(Sources::new((train, valid, test), ImageBatcher::new(norm), batch_size, seed))
            }
            Prepared::Vectors { .. } => {
                Err(CliError::Usage(format!("--model {model} needs image data; use --model mlp for a CSV table")))
            }
        }
    }
}

impl Input for VectorBatch {
    fn sources(_model: &str, data: Prepared, batch_size: usize, seed: u64) -> Result<Sources<Self>> {
        Ok(match data {
            Prepared::Images { train, valid, test, norm } => {
                let splits = (norm.flatten(train), norm.flatten(valid), norm.flatten(test));
                Sources::new(splits, VectorBatcher::default(), batch_size, seed)
            }
            Prepared::Vectors { train, valid, test, batcher } => {
                Sources::new((train, valid, test), batcher, batch_size, seed)
            }
        })
    }
}
