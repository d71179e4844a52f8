//! The four ways to transfer a pretrained ResNet to a new task, trained the same way (same
//! epochs, batches, optimiser) so that accuracy, memory and time compare:
//!
//! - [`TransferMethod::FullFineTune`]: every parameter trains;
//! - [`TransferMethod::LinearProbe`]: a new linear classifier on the frozen features;
//! - [`TransferMethod::Adapter`]: [`AdapterResNet`], adapters inside the frozen network;
//! - [`TransferMethod::UniPt`]: [`UniPtClassifier`], the parallel network beside it.
//!
//! [`train_transfer`] is the library entry point; [`transfer_model`] also returns the trained
//! [`Transferred`] network, which saves and reloads (what `kiln transfer` writes).

use std::path::Path;

use burn::module::Module;
use burn::nn::LinearConfig;
use burn::prelude::Device;
use kiln_core::nn::ResNet;
use kiln_core::train::{BatchSource, ImageBatch, OptimizerConfig, Phase, TrainModel, TrainPhase, Trainable, Trainer};
use serde::{Deserialize, Serialize};

use crate::adapter::AdapterResNet;
use crate::error::{EfficientError, Result};
use crate::unipt::{UniPtClassifier, UniPtConfig};

/// A transfer method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferMethod {
    /// Every parameter trains, a new head included.
    FullFineTune,
    /// Only a new linear head trains, on frozen features.
    LinearProbe,
    /// Bottleneck adapters after every block and a new head train; gradients pass through the
    /// frozen backbone.
    Adapter,
    /// UniPT's parallel network and a new head train; the backbone runs without autodiff.
    UniPt,
}

impl TransferMethod {
    /// Every method, in table order.
    pub const ALL: [Self; 4] = [Self::FullFineTune, Self::LinearProbe, Self::Adapter, Self::UniPt];

    /// A short name for tables and the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::FullFineTune => "full fine-tuning",
            Self::LinearProbe => "linear probe",
            Self::Adapter => "adapter",
            Self::UniPt => "UniPT",
        }
    }
}

/// How every method trains.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TransferSettings {
    /// Epochs of Adam.
    pub epochs: usize,
    /// Learning rate.
    pub lr: f64,
    /// Width `D` of UniPT's output.
    pub unipt_out_dim: usize,
    /// The run's seed (shuffling, step seeds).
    pub seed: u64,
}

impl Default for TransferSettings {
    /// 5 epochs of Adam at 1e-3, UniPT width 128, seed 0.
    fn default() -> Self {
        Self { epochs: 5, lr: 1e-3, unipt_out_dim: 128, seed: 0 }
    }
}

/// What [`train_transfer`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferOutcome {
    /// The method.
    pub method: TransferMethod,
    /// Top-1 accuracy on the test source, in `[0, 1]`.
    pub accuracy: f64,
    /// Parameters that trained.
    pub trainable_params: usize,
    /// Mean training loss of the last epoch (NaN if it diverged).
    pub final_train_loss: f64,
}

/// `pretrained` with a new `classes`-way head (full fine-tuning and the linear probe).
pub fn with_new_head(pretrained: &ResNet, classes: usize, device: &Device) -> ResNet {
    let mut model = pretrained.clone();
    model.head = LinearConfig::new(pretrained.out_channels(), classes).init(device);
    model
}

/// Trains `model` with the given trainable parameters and returns it (inference mode) with its
/// test accuracy and its last epoch's mean training loss.
///
/// # Errors
/// From the engine (a pattern that names nothing, a batch that cannot be built).
pub fn fit_and_test<M: TrainModel<Stage = ()>>(
    model: M,
    trainable: Trainable,
    settings: &TransferSettings,
    train: &dyn BatchSource<M::Batch>,
    test: &dyn BatchSource<M::Batch>,
    device: &Device,
) -> Result<(M, f64, f64)> {
    let phase =
        TrainPhase::new(settings.epochs, settings.lr).with_optimizer(OptimizerConfig::adam()).with_trainable(trainable);
    let trainer = Trainer::new(device.clone()).with_seed(settings.seed);
    let (model, report) = trainer.fit(model, &[Phase::train("transfer", phase)], train, None)?;
    let loss = report.records.last().and_then(|r| r.train.get("loss").copied()).unwrap_or(f64::NAN);
    let accuracy = trainer.evaluate(&model, test)?.accuracy().unwrap_or(0.0);
    Ok((model, accuracy, loss))
}

fn file_error(path: &Path, e: impl std::fmt::Debug) -> EfficientError {
    EfficientError::File { path: path.to_path_buf(), message: format!("{e:?}") }
}

/// A transferred network, of the architecture its method builds.
#[derive(Debug, Clone)]
pub enum Transferred {
    /// Full fine-tuning and the linear probe: the ResNet with a new head.
    ResNet(Box<ResNet>),
    /// The frozen ResNet with bottleneck adapters and a new head.
    Adapter(Box<AdapterResNet>),
    /// The frozen ResNet beside UniPT's parallel network and a new head.
    UniPt(Box<UniPtClassifier>),
}

impl Transferred {
    /// The untrained network `method` transfers `pretrained` into, for a `classes`-way task on
    /// `input`-shaped images (UniPT of width `unipt_out_dim`). Build it with the same arguments
    /// and [`Transferred::load`] to reload weights written by [`Transferred::save`].
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] for zero classes; an adapter or UniPT model that
    /// cannot be built for `input`.
    pub fn untrained(
        method: TransferMethod,
        pretrained: &ResNet,
        input: [usize; 3],
        classes: usize,
        unipt_out_dim: usize,
        device: &Device,
    ) -> Result<Self> {
        if classes == 0 {
            return Err(EfficientError::config("classes", classes, "must be positive"));
        }
        Ok(match method {
            TransferMethod::FullFineTune | TransferMethod::LinearProbe => {
                Self::ResNet(Box::new(with_new_head(pretrained, classes, device)))
            }
            TransferMethod::Adapter => {
                Self::Adapter(Box::new(AdapterResNet::new(pretrained.clone(), input, classes, device)?))
            }
            TransferMethod::UniPt => Self::UniPt(Box::new(UniPtClassifier::new(
                pretrained.clone().into(),
                input,
                |c| UniPtConfig::small(c, unipt_out_dim),
                classes,
                device,
            )?)),
        })
    }

    /// Writes the weights (burnpack) to `path`.
    ///
    /// # Errors
    /// [`EfficientError::File`] when the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        let saved = match self {
            Self::ResNet(m) => (**m).clone().save_file(path),
            Self::Adapter(m) => (**m).clone().save_file(path),
            Self::UniPt(m) => (**m).clone().save_file(path),
        };
        saved.map_err(|e| file_error(path, e))
    }

    /// Loads weights written by [`Transferred::save`] into this network.
    ///
    /// # Errors
    /// [`EfficientError::File`] when the file is missing, unreadable or of another
    /// architecture.
    pub fn load(self, path: &Path) -> Result<Self> {
        Ok(match self {
            Self::ResNet(m) => Self::ResNet(Box::new((*m).try_load_file(path).map_err(|e| file_error(path, e))?)),
            Self::Adapter(m) => Self::Adapter(Box::new((*m).try_load_file(path).map_err(|e| file_error(path, e))?)),
            Self::UniPt(m) => Self::UniPt(Box::new((*m).try_load_file(path).map_err(|e| file_error(path, e))?)),
        })
    }
}

/// Transfers `pretrained` to a `classes`-way task on `input`-shaped images with `method`, and
/// reports its test accuracy and trainable parameters.
///
/// # Errors
/// [`EfficientError::InvalidConfig`] for zero classes or epochs; a UniPT or adapter model that
/// cannot be built for `input`; errors of the engine.
#[allow(clippy::too_many_arguments)]
pub fn train_transfer(
    method: TransferMethod,
    pretrained: &ResNet,
    input: [usize; 3],
    classes: usize,
    train: &dyn BatchSource<ImageBatch>,
    test: &dyn BatchSource<ImageBatch>,
    settings: &TransferSettings,
    device: &Device,
) -> Result<TransferOutcome> {
    transfer_model(method, pretrained, input, classes, train, test, settings, device).map(|(outcome, _)| outcome)
}

/// [`train_transfer`], also returning the trained network (to [`Transferred::save`]).
///
/// # Errors
/// Those of [`train_transfer`].
#[allow(clippy::too_many_arguments)]
pub fn transfer_model(
    method: TransferMethod,
    pretrained: &ResNet,
    input: [usize; 3],
    classes: usize,
    train: &dyn BatchSource<ImageBatch>,
    test: &dyn BatchSource<ImageBatch>,
    settings: &TransferSettings,
    device: &Device,
) -> Result<(TransferOutcome, Transferred)> {
    if settings.epochs == 0 {
        return Err(EfficientError::config("epochs", settings.epochs, "must be positive"));
    }
    let untrained = Transferred::untrained(method, pretrained, input, classes, settings.unipt_out_dim, device)?;
    let (model, accuracy, final_train_loss, trainable_params) = match untrained {
        Transferred::ResNet(model) if method == TransferMethod::FullFineTune => {
            let n = model.num_params();
            let (m, a, l) = fit_and_test(*model, Trainable::All, settings, train, test, device)?;
            (Transferred::ResNet(Box::new(m)), a, l, n)
        }
        Transferred::ResNet(model) => {
            let n = model.head.num_params();
            let (m, a, l) = fit_and_test(*model, Trainable::only(["head"]), settings, train, test, device)?;
            (Transferred::ResNet(Box::new(m)), a, l, n)
        }
        Transferred::Adapter(model) => {
            let n = model.trainable_params();
            let (m, a, l) = fit_and_test(*model, AdapterResNet::trainable(), settings, train, test, device)?;
            (Transferred::Adapter(Box::new(m)), a, l, n)
        }
        Transferred::UniPt(model) => {
            let n = model.trainable_params();
            let (m, a, l) = fit_and_test(*model, UniPtClassifier::trainable(), settings, train, test, device)?;
            (Transferred::UniPt(Box::new(m)), a, l, n)
        }
    };
    Ok((TransferOutcome { method, accuracy, trainable_params, final_train_loss }, model))
}
