//! A module's gradients and state as one flat `f32` vector, in the module's visiting order (the
//! same on every node of a group, which holds the same model).
//!
//! Gradients: one presence flag per trainable parameter (1 when this node has its gradient),
//! then the values of every trainable parameter (zeros where absent). After a sum over the
//! nodes, a parameter with a positive flag has a gradient somewhere in the group and gets the
//! summed values. State: every float tensor the module visits (parameters and buffers such as
//! batch-norm running statistics), concatenated.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::{Device, Tensor, TensorData};

use crate::error::{CoreError, Result};
use crate::tensor::try_to_vec;

/// Collects the trainable parameters' gradients of several local gradient sets, summed.
struct Flatten<'a> {
    sets: &'a [GradientsParams],
    flags: Vec<f32>,
    values: Vec<f32>,
    error: Option<CoreError>,
}

impl ModuleVisitor for Flatten<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if !param.is_require_grad() {
            return;
        }
        let count = param.val().dims().iter().product::<usize>();
        let start = self.values.len();
        self.values.resize(start + count, 0.0);
        let mut present = false;
        for set in self.sets {
            let Some(grad) = set.get::<D>(param.id) else { continue };
            match try_to_vec(grad) {
                Ok(g) if g.len() == count => {
                    present = true;
                    for (v, x) in self.values[start..].iter_mut().zip(g) {
                        *v += x;
                    }
                }
                Ok(g) => {
                    self.error.get_or_insert(CoreError::Cluster(format!(
                        "a gradient has {} values for a parameter of {count}",
                        g.len()
                    )));
                }
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
        self.flags.push(if present { 1.0 } else { 0.0 });
    }
}

/// The gradients of `module`'s trainable parameters summed over `sets` (one per local
/// device), as flags followed by values (see the module docs).
pub(crate) fn flatten_gradients<M: Module>(module: &M, sets: &[GradientsParams]) -> Result<Vec<f32>> {
    let mut visitor = Flatten { sets, flags: Vec::new(), values: Vec::new(), error: None };
    module.visit(&mut visitor);
    if let Some(e) = visitor.error {
        return Err(e);
    }
    let mut flat = visitor.flags;
    flat.extend(visitor.values);
    Ok(flat)
}

/// Turns a flat vector back into gradients on `device`.
struct Unflatten<'a> {
    flat: &'a [f32],
    flag: usize,
    offset: usize,
    device: &'a Device,
    grads: GradientsParams,
}

impl ModuleVisitor for Unflatten<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if !param.is_require_grad() {
            return;
        }
        let dims = param.val().dims();
        let count = dims.iter().product::<usize>();
        let present = self.flat[self.flag] > 0.0;
        let values = &self.flat[self.offset..self.offset + count];
        self.flag += 1;
        self.offset += count;
        if present {
            let data = TensorData::new(values.to_vec(), dims.to_vec());
            self.grads.register(param.id, Tensor::<D>::from_data(data, self.device));
        }
    }
}

/// Counts the trainable parameters and their values.
#[derive(Default)]
struct Count {
    params: usize,
    values: usize,
}

impl ModuleVisitor for Count {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if param.is_require_grad() {
            self.params += 1;
            self.values += param.val().dims().iter().product::<usize>();
        }
    }
}

/// The gradients a flat vector of [`flatten_gradients`]'s layout holds for `module`, on
/// `device` (the device the optimiser steps on, without autodiff).
pub(crate) fn unflatten_gradients<M: Module>(module: &M, flat: &[f32], device: &Device) -> Result<GradientsParams> {
    let mut count = Count::default();
    module.visit(&mut count);
    if flat.len() != count.params + count.values {
        return Err(CoreError::Cluster(format!(
            "{} gradient values for a model of {} trainable parameters with {} values",
            flat.len(),
            count.params,
            count.values
        )));
    }
    let mut visitor = Unflatten { flat, flag: 0, offset: count.params, device, grads: GradientsParams::new() };
    module.visit(&mut visitor);
    Ok(visitor.grads)
}

/// Reads every float tensor of a module.
#[derive(Default)]
struct ReadState {
    values: Vec<f32>,
    error: Option<CoreError>,
}

impl ModuleVisitor for ReadState {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        match try_to_vec(param.val()) {
            Ok(values) => self.values.extend(values),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }
}

/// Every float tensor of `module` (parameters and buffers), concatenated.
pub(crate) fn read_state<M: Module>(module: &M) -> Result<Vec<f32>> {
    let mut visitor = ReadState::default();
    module.visit(&mut visitor);
    match visitor.error {
        Some(e) => Err(e),
        None => Ok(visitor.values),
    }
}

/// Writes a [`read_state`] vector back, keeping each tensor's device and whether it trains.
struct WriteState<'a> {
    values: &'a [f32],
    offset: usize,
    short: bool,
}

impl ModuleMapper for WriteState<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let dims = param.val().dims();
        let count = dims.iter().product::<usize>();
        if self.offset + count > self.values.len() {
            self.short = true;
            self.offset += count;
            return param;
        }
        let data = TensorData::new(self.values[self.offset..self.offset + count].to_vec(), dims.to_vec());
        self.offset += count;
        let tracked = param.is_require_grad();
        param.map(|tensor| {
            let fresh = Tensor::<D>::from_data(data, &tensor.device());
            if tracked { fresh.require_grad() } else { fresh }
        })
    }
}

/// `module` with the state `values` (as [`read_state`] reads it) written in.
///
/// # Errors
/// [`CoreError::Cluster`] when the number of values is not the module's.
pub(crate) fn write_state<M: Module>(module: M, values: &[f32]) -> Result<M> {
    let mut mapper = WriteState { values, offset: 0, short: false };
    let module = module.map(&mut mapper);
    if mapper.short || mapper.offset != values.len() {
        return Err(CoreError::Cluster(format!(
            "node 0's model has {} values, this node's {}: the nodes build different models",
            values.len(),
            mapper.offset
        )));
    }
    Ok(module)
}
