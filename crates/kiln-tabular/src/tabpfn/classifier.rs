//! A scikit-learn-like classifier around the TabPFN network: `fit` stores the training set
//! (no gradient step: the "training" is one forward pass at prediction time, §3 of the paper),
//! `predict_proba` runs the ensemble of [`crate::tabpfn::ensemble`].

use std::path::Path;

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::store::ModuleRecord;
use burn::tensor::activation::softmax;

use crate::error::{Result, TabularError};
use crate::preprocess::preprocess;
use crate::tabpfn::ensemble::{EnsembleConfig, members};
use crate::tabpfn::model::{TabPfn, TabPfnConfig};

/// The checkpoint shipped in the repository (burnpack), trained by `examples/train_tabpfn.rs`
/// with `configs/tabpfn-small.json`; its architecture is [`TabPfnConfig::new()`].
pub static SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../weights/tabpfn-small.bpk");

/// Test rows per forward pass (test rows never attend to each other, so chunking is exact).
const TEST_CHUNK: usize = 512;

/// The training set stored by `fit`.
#[derive(Debug, Clone)]
struct Context {
    x: Vec<f32>,
    y: Vec<usize>,
    features: usize,
    classes: Vec<usize>,
}

/// TabPFN as a classifier: `fit(x, y)`, `predict(x)`, `predict_proba(x)`.
///
/// ```no_run
/// # use burn::prelude::Device;
/// # fn main() -> kiln_tabular::Result<()> {
/// let device = Device::flex();
/// let mut clf = kiln_tabular::TabPfnClassifier::new(&device)?;
/// clf.fit(&[vec![0.0, 1.0], vec![1.0, 0.0], vec![0.1, 0.9]], &[0, 1, 0])?;
/// let labels = clf.predict(&[vec![0.9, 0.1]])?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TabPfnClassifier {
    model: TabPfn,
    device: Device,
    ensemble: EnsembleConfig,
    context: Option<Context>,
}

impl TabPfnClassifier {
    /// The classifier with the shipped weights (embedded in the binary: no file, no download).
    ///
    /// # Errors
    /// [`TabularError::Weights`] if the embedded checkpoint does not match the architecture.
    pub fn new(device: &Device) -> Result<Self> {
        let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(SHIPPED_WEIGHTS.to_vec()))
            .map_err(|e| TabularError::Weights { what: "shipped checkpoint".into(), message: format!("{e:?}") })?;
        let model = TabPfnConfig::new()
            .init(device)
            .try_load_record(record)
            .map_err(|e| TabularError::Weights { what: "shipped checkpoint".into(), message: format!("{e:?}") })?;
        Ok(Self::from_model(model, device))
    }

    /// The classifier with weights from a burnpack file (`.bpk`) of the shipped architecture
    /// ([`TabPfnConfig::new()`]), e.g. a checkpoint `model.bpk` of `examples/train_tabpfn.rs`.
    ///
    /// # Errors
    /// [`TabularError::Weights`] if the file is missing or does not match the architecture.
    pub fn from_file(path: impl AsRef<Path>, device: &Device) -> Result<Self> {
        Self::from_file_with_config(path, &TabPfnConfig::new(), device)
    }

    /// The classifier with weights from a burnpack file (`.bpk`) of a model with architecture
    /// `config`.
    ///
    /// # Errors
    /// [`TabularError::Weights`] if the file is missing or does not match `config`.
    pub fn from_file_with_config(path: impl AsRef<Path>, config: &TabPfnConfig, device: &Device) -> Result<Self> {
        let path = path.as_ref();
        config.validate()?;
        let model = config
            .init(device)
            .try_load_file(path)
            .map_err(|e| TabularError::Weights { what: path.display().to_string(), message: format!("{e:?}") })?;
        Ok(Self::from_model(model, device))
    }

    /// The classifier around an existing network (e.g. one just trained).
    pub fn from_model(model: TabPfn, device: &Device) -> Self {
        Self { model: model.fork(device), device: device.clone(), ensemble: EnsembleConfig::default(), context: None }
    }

    /// Sets the ensemble.
    pub fn with_ensemble(mut self, ensemble: EnsembleConfig) -> Self {
        self.ensemble = ensemble;
        self
    }

    /// The ensemble settings.
    pub fn ensemble(&self) -> &EnsembleConfig {
        &self.ensemble
    }

    /// The network.
    pub fn model(&self) -> &TabPfn {
        &self.model
    }

    /// The class labels seen by `fit`, ascending: the columns of `predict_proba`.
    pub fn classes(&self) -> &[usize] {
        self.context.as_ref().map_or(&[], |c| &c.classes)
    }

    /// Stores the training set. `x` has one row per example (NaN marks a missing value), `y`
    /// the class labels (any `usize` values; at most `max_classes` distinct ones).
    ///
    /// # Errors
    /// [`TabularError::LengthMismatch`], [`TabularError::ShapeMismatch`],
    /// [`TabularError::NotFinite`], [`TabularError::TooFew`], [`TabularError::TooManyRows`],
    /// [`TabularError::TooManyFeatures`], [`TabularError::TooManyClasses`].
    pub fn fit(&mut self, x: &[Vec<f32>], y: &[usize]) -> Result<&mut Self> {
        if x.len() != y.len() {
            return Err(TabularError::LengthMismatch { rows: x.len(), targets: y.len() });
        }
        if x.len() < 2 {
            return Err(TabularError::TooFew { what: "training rows", min: 2, found: x.len() });
        }
        if x.len() > self.model.max_train_rows {
            return Err(TabularError::TooManyRows { found: x.len(), max: self.model.max_train_rows });
        }
        let features = x[0].len();
        if features == 0 {
            return Err(TabularError::TooFew { what: "features", min: 1, found: 0 });
        }
        if features > self.model.max_features {
            return Err(TabularError::TooManyFeatures { found: features, max: self.model.max_features });
        }
        let flat = flatten(x, features)?;
        let mut classes = y.to_vec();
        classes.sort_unstable();
        classes.dedup();
        if classes.len() < 2 {
            return Err(TabularError::TooFew { what: "classes", min: 2, found: classes.len() });
        }
        if classes.len() > self.model.max_classes {
            return Err(TabularError::TooManyClasses { found: classes.len(), max: self.model.max_classes });
        }
        let y = y.iter().map(|label| classes.partition_point(|c| c < label)).collect();
        self.context = Some(Context { x: flat, y, features, classes });
        Ok(self)
    }

    /// Class probabilities `[rows, classes]`, columns in the order of [`classes`](Self::classes).
    ///
    /// # Errors
    /// [`TabularError::NotFitted`], [`TabularError::ShapeMismatch`], [`TabularError::NotFinite`].
    pub fn predict_proba(&self, x: &[Vec<f32>]) -> Result<Vec<Vec<f32>>> {
        let context = self.context.as_ref().ok_or(TabularError::NotFitted)?;
        let test = flatten(x, context.features)?;
        let k = context.classes.len();
        let mut out = Vec::with_capacity(x.len());
        for chunk in test.chunks(TEST_CHUNK * context.features) {
            out.extend(self.ensemble_proba(context, chunk, k));
        }
        Ok(out)
    }

    /// The most probable class label of each row.
    ///
    /// # Errors
    /// As [`predict_proba`](Self::predict_proba).
    pub fn predict(&self, x: &[Vec<f32>]) -> Result<Vec<usize>> {
        let proba = self.predict_proba(x)?;
        let classes = self.classes();
        Ok(proba.iter().map(|p| classes[argmax(p)]).collect())
    }

    /// One forward pass of all members over `test` (row-major), averaged logits, softmax.
    fn ensemble_proba(&self, context: &Context, test: &[f32], k: usize) -> Vec<Vec<f32>> {
        let (f, width) = (context.features, self.model.max_features);
        let (n_train, n_test) = (context.y.len(), test.len() / f);
        let members = members(&self.ensemble, k, f);
        let m = members.len();
        let mut x = Vec::with_capacity(m * (n_train + n_test) * width);
        let mut y = Vec::with_capacity(m * n_train);
        for member in &members {
            let (tr, te, _) = preprocess(&context.x, test, f, width, member.preprocess);
            x.extend(tr);
            x.extend(te);
            y.extend(context.y.iter().map(|&c| ((c + member.class_shift) % k) as i64));
        }
        let x = Tensor::<3>::from_data(TensorData::new(x, [m, n_train + n_test, width]), &self.device);
        let y = Tensor::<2, Int>::from_data(TensorData::new(y, [m, n_train]), &self.device);
        let logits = self.model.forward(x, y).narrow(2, 0, k); // [m, n_test, k]
        // Undo the class shift: original class c sits at (c + s) mod k.
        let unshifted: Vec<Tensor<3>> = members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let l = logits.clone().narrow(0, i, 1);
                let s = member.class_shift % k;
                if s == 0 { l } else { Tensor::cat(vec![l.clone().narrow(2, s, k - s), l.narrow(2, 0, s)], 2) }
            })
            .collect();
        let mean = Tensor::cat(unshifted, 0).mean_dim(0).reshape([n_test, k]) / self.ensemble.temperature;
        let proba = kiln_core::tensor::to_vec(softmax(mean, 1));
        proba.chunks(k).map(<[f32]>::to_vec).collect()
    }
}

/// Rows to a row-major array, checking widths and finiteness (NaN is a missing value).
fn flatten(x: &[Vec<f32>], features: usize) -> Result<Vec<f32>> {
    let mut flat = Vec::with_capacity(x.len() * features);
    for (row, values) in x.iter().enumerate() {
        if values.len() != features {
            return Err(TabularError::ShapeMismatch { row, expected: features, found: values.len() });
        }
        for (feature, &value) in values.iter().enumerate() {
            if value.is_infinite() {
                return Err(TabularError::NotFinite { row, feature, value });
            }
        }
        flat.extend_from_slice(values);
    }
    Ok(flat)
}

/// Index of the largest value (the first on ties).
pub(crate) fn argmax(p: &[f32]) -> usize {
    p.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (i, &v)| if v > best.1 { (i, v) } else { best }).0
}
