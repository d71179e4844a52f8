//! [`ParamSet`]: a model's float parameters as named host tensors (path, shape, `f32` values),
//! read from and written back to a burn module through burn's module visitor and mapper.
//!
//! Paths are the dotted module paths burn's parameter groups use (`hidden.0.weight`,
//! `head.bias`), collected from `ModuleVisitor::enter_module`/`exit_module` around each float
//! parameter. Integer and boolean parameters are not exchanged (none of Kiln's models train
//! one); buffers stored as float parameters (batch-norm running statistics) are.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::error::{FedError, Result};

/// One named tensor of a [`ParamSet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedTensor {
    /// Dotted module path (`head.weight`).
    pub path: String,
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Row-major values; `shape.iter().product()` of them.
    pub values: Vec<f32>,
}

/// The float parameters of a model, in the module's visiting order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ParamSet {
    /// The tensors.
    pub tensors: Vec<NamedTensor>,
}

#[derive(Default)]
struct Reader {
    stack: Vec<String>,
    tensors: Vec<NamedTensor>,
    error: Option<FedError>,
}

impl ModuleVisitor for Reader {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.stack.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.stack.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let shape = tensor.dims().to_vec();
        match kiln_core::tensor::try_to_vec(tensor) {
            Ok(values) => self.tensors.push(NamedTensor { path: self.stack.join("."), shape, values }),
            Err(e) => {
                self.error.get_or_insert(e.into());
            }
        }
    }
}

struct Writer<'a> {
    stack: Vec<String>,
    by_path: HashMap<&'a str, &'a NamedTensor>,
    written: usize,
    error: Option<FedError>,
}

impl ModuleMapper for Writer<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.stack.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.stack.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let path = self.stack.join(".");
        let Some(entry) = self.by_path.get(path.as_str()) else {
            self.error.get_or_insert(FedError::ParamMismatch {
                path,
                client: None,
                reason: "the model has this parameter, the set does not".into(),
            });
            return param;
        };
        let dims = param.val().dims();
        if entry.shape != dims || entry.values.len() != dims.iter().product::<usize>() {
            self.error.get_or_insert(FedError::ParamMismatch {
                path,
                client: None,
                reason: format!(
                    "shape {:?} ({} values) does not fit the model's {dims:?}",
                    entry.shape,
                    entry.values.len()
                ),
            });
            return param;
        }
        self.written += 1;
        let data = TensorData::new(entry.values.clone(), dims.to_vec());
        param.map(|tensor| Tensor::from_data(data, &tensor.device()))
    }
}

impl ParamSet {
    /// Reads every float parameter of `module` to the host.
    ///
    /// # Errors
    /// [`FedError::Core`] when a tensor cannot be read back from its device.
    pub fn from_module<M: Module>(module: &M) -> Result<Self> {
        let mut reader = Reader::default();
        module.visit(&mut reader);
        match reader.error {
            Some(e) => Err(e),
            None => Ok(Self { tensors: reader.tensors }),
        }
    }

    /// Writes these values into `module`'s parameters (on each parameter's device, keeping its
    /// id and whether it trains).
    ///
    /// # Errors
    /// [`FedError::ParamMismatch`] naming the path when the module has a parameter the set
    /// lacks, a shape differs, or the set has a path the module does not.
    pub fn apply_to<M: Module>(&self, module: M) -> Result<M> {
        let mut by_path = HashMap::with_capacity(self.tensors.len());
        for tensor in &self.tensors {
            if by_path.insert(tensor.path.as_str(), tensor).is_some() {
                return Err(FedError::ParamMismatch {
                    path: tensor.path.clone(),
                    client: None,
                    reason: "the path appears twice in the set".into(),
                });
            }
        }
        let mut writer = Writer { stack: Vec::new(), by_path, written: 0, error: None };
        let module = module.map(&mut writer);
        if let Some(e) = writer.error {
            return Err(e);
        }
        if writer.written != self.tensors.len() {
            let known = ParamSet::from_module(&module)?;
            let extra = self.tensors.iter().find(|t| known.get(&t.path).is_none()).map(|t| t.path.clone());
            return Err(FedError::ParamMismatch {
                path: extra.unwrap_or_default(),
                client: None,
                reason: "the set has this parameter, the model does not".into(),
            });
        }
        Ok(module)
    }

    /// The tensor at `path`.
    pub fn get(&self, path: &str) -> Option<&NamedTensor> {
        self.tensors.iter().find(|t| t.path == path)
    }

    /// Total number of values.
    pub fn num_values(&self) -> usize {
        self.tensors.iter().map(|t| t.values.len()).sum()
    }

    /// Checks that `other` has the same paths and shapes in the same order (an update against
    /// the global parameters).
    ///
    /// # Errors
    /// [`FedError::ParamMismatch`] naming the first path that differs and `client`.
    pub fn check_layout(&self, other: &ParamSet, client: Option<usize>) -> Result<()> {
        if self.tensors.len() != other.tensors.len() {
            let path = other.tensors.get(self.tensors.len()).or(self.tensors.get(other.tensors.len()));
            return Err(FedError::ParamMismatch {
                path: path.map(|t| t.path.clone()).unwrap_or_default(),
                client,
                reason: format!("{} tensors where {} are expected", other.tensors.len(), self.tensors.len()),
            });
        }
        for (mine, theirs) in self.tensors.iter().zip(&other.tensors) {
            if mine.path != theirs.path || mine.shape != theirs.shape || mine.values.len() != theirs.values.len() {
                return Err(FedError::ParamMismatch {
                    path: theirs.path.clone(),
                    client,
                    reason: format!(
                        "{}{:?} where {}{:?} is expected",
                        theirs.path, theirs.shape, mine.path, mine.shape
                    ),
                });
            }
        }
        Ok(())
    }
}
