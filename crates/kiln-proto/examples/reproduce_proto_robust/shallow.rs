//! The shallow models on the embedded 8×8 digits: GLVQ, RBF and robust RBF, stable CBC with
//! the margin loss and robust stable CBC, each scored by clean, certified and PGD-L2 robust accuracy at the radii.

use burn::prelude::{Device, Int, Tensor};
use kiln_core::train::{Phase, TrainModel, TrainPhase, Trainer, VectorBatch};
use kiln_data::{Batcher, DataLoader, VectorBatcher, VectorExample, digits, split};
use kiln_proto::attack::PgdConfig;
use kiln_proto::cbc::{CbcObjective, CbcTraining, RobustCbcConfig};
use kiln_proto::certify::{Certificate, certified_accuracy, clean_accuracy, pgd_accuracy};
use kiln_proto::glvq::GlvqConfig;
use kiln_proto::rbf::{RbfConfig, RbfObjective, RbfTraining};
use serde::Serialize;

/// The radii on 8×8 inputs: the paper's MNIST radii {0.5, 1, 1.58} × √(64/784), rounded.
pub const RADII: [f64; 3] = [0.15, 0.3, 0.45];

/// The shallow models compared, in table order.
pub const MODELS: [&str; 5] =
    ["GLVQ", "RBF (cross-entropy)", "robust RBF", "stable CBC (margin loss)", "robust stable CBC"];

/// One model, one seed: accuracies at every radius of [`RADII`].
#[derive(Debug, Clone, Serialize)]
pub struct ShallowRun {
    /// Model name (one of [`MODELS`]).
    pub model: &'static str,
    /// Seed of split, initialisation and shuffling.
    pub seed: u64,
    /// Clean test accuracy.
    pub clean: f64,
    /// Certified accuracy per radius.
    pub certified: Vec<f64>,
    /// PGD-L2 robust accuracy per radius.
    pub pgd: Vec<f64>,
}

/// The digits as vectors in `[0, 1]^64`, 80/20 split by seed (no standardisation: the
/// components and prototypes live in the box).
pub fn digit_vectors(seed: u64) -> Result<(Vec<VectorExample>, Vec<VectorExample>), kiln_data::DataError> {
    let data = split(digits()?, 0.0, 0.2, seed);
    let vectors = |set: Vec<kiln_data::ImageExample>| {
        set.into_iter().map(|e| VectorExample { features: e.image.pixels, label: e.label }).collect::<Vec<_>>()
    };
    Ok((vectors(data.train), vectors(data.test)))
}

/// Trains `model` for `phases` on `train` (batch 128, shuffled by seed).
pub fn fit<M: TrainModel<Batch = VectorBatch>>(
    model: M,
    phases: &[Phase<M>],
    train: &[VectorExample],
    seed: u64,
    device: &Device,
) -> Result<M, kiln_core::CoreError> {
    let loader = DataLoader::new(train.to_vec(), VectorBatcher::default(), 128).shuffled(seed);
    let (model, _) = Trainer::new(device.clone()).with_seed(seed).fit(model, phases, &loader, None)?;
    Ok(model)
}

/// Clean, certified and PGD accuracy of a trained model on the test set.
pub fn score<M: Certificate>(
    name: &'static str,
    model: &M,
    test: &[VectorExample],
    seed: u64,
    pgd: &PgdConfig,
    device: &Device,
) -> Result<ShallowRun, Box<dyn std::error::Error>> {
    let batch = VectorBatcher::default().batch(test, device, None);
    let (x, y): (Tensor<2>, Tensor<1, Int>) = (batch.features, batch.targets);
    let mut run = ShallowRun {
        model: name,
        seed,
        clean: clean_accuracy(model, x.clone(), y.clone()),
        certified: vec![],
        pgd: vec![],
    };
    for delta in RADII {
        run.certified.push(certified_accuracy(model, x.clone(), y.clone(), delta)?);
        run.pgd.push(pgd_accuracy(model, x.clone(), y.clone(), delta, pgd)?);
    }
    Ok(run)
}

/// Trains and scores the shallow models of [`MODELS`] for one seed.
pub fn run_seed(
    seed: u64,
    epochs: usize,
    pgd: &PgdConfig,
    device: &Device,
) -> Result<Vec<ShallowRun>, Box<dyn std::error::Error>> {
    let (train, test) = digit_vectors(seed)?;
    let mut runs = Vec::new();

    device.seed(seed);
    let glvq = GlvqConfig::new(64, 10).init(device);
    let phases = vec![Phase::train("glvq", TrainPhase::new(epochs, 5e-3))];
    let glvq = fit(glvq, &phases, &train, seed, device)?;
    runs.push(score(MODELS[0], &glvq, &test, seed, pgd, device)?);

    for (name, objective) in [(MODELS[1], RbfObjective::CrossEntropy), (MODELS[2], RbfObjective::Robust)] {
        device.seed(seed);
        // The robust RBF is layer-normalised (enlaight's `RobustRBF`); the plain one is not.
        let model = RbfConfig::small(64, 10).with_layer_normalization(objective == RbfObjective::Robust).init(device);
        let training = RbfTraining { epochs, ..RbfTraining::paper(objective) };
        let model = fit(model, &training.phases(), &train, seed, device)?;
        runs.push(score(name, &model, &test, seed, pgd, device)?);
    }

    for (name, objective) in [(MODELS[3], CbcObjective::Margin), (MODELS[4], CbcObjective::Robust)] {
        device.seed(seed);
        let model = RobustCbcConfig::small(64, 10).init(device);
        let training = CbcTraining { epochs, ..CbcTraining::paper(objective) };
        let model = fit(model, &training.phases(), &train, seed, device)?;
        runs.push(score(name, &model, &test, seed, pgd, device)?);
    }
    Ok(runs)
}
