//! The local loops of SemiPFL and its baselines, on host data: the autoencoder's MSE epochs,
//! the base model's NLL epochs on (optionally encoded) labelled examples, and evaluation.

use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::metrics::argmax;
use kiln_core::seed::{permutation_from, rng};
use kiln_data::VectorExample;

use super::autoencoder::Autoencoder;
use super::base::{BaseModel, nll};
use crate::error::Result;

/// Rows `[n, d]` on `device`.
pub fn rows_tensor(rows: &[&[f32]], device: &Device) -> Tensor<2> {
    let d = rows.first().map_or(0, |r| r.len());
    let flat: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), d]), device)
}

/// Labels `[n]` on `device`.
pub fn labels_tensor(labels: &[usize], device: &Device) -> Tensor<1, Int> {
    let values: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
    Tensor::from_data(TensorData::new(values, [labels.len()]), device)
}

/// Batches of a seeded permutation of `0..n`; a trailing batch of one example is dropped
/// (batch norm cannot train on it) unless it is the only one.
fn batches(n: usize, batch: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
    let order = permutation_from(&mut rng(seed, epoch as u64), n);
    let mut out: Vec<Vec<usize>> = order.chunks(batch.max(1)).map(<[usize]>::to_vec).collect();
    if out.len() > 1 && out.last().is_some_and(|b| b.len() == 1) {
        out.pop();
    }
    out
}

/// The settings of one local loop (Adam, ε = 1e-8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalLoop {
    /// Epochs.
    pub epochs: usize,
    /// Examples per step.
    pub batch: usize,
    /// Learning rate.
    pub lr: f64,
    /// L2 weight decay added to the gradient (0 for none).
    pub weight_decay: f32,
    /// Seed of the batch orders.
    pub seed: u64,
}

/// Trains `ae` on `data` (MSE, Adam), batches in a seeded order.
pub fn train_autoencoder(ae: Autoencoder, data: &[Vec<f32>], run: &LocalLoop, device: &Device) -> Autoencoder {
    let LocalLoop { epochs, batch, lr, weight_decay, seed } = *run;
    let autodiff = device.clone().autodiff();
    let mut model = ae.fork(&autodiff).train();
    let decay = (weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay));
    let mut optim = AdamConfig::new().with_epsilon(1e-8).with_weight_decay(decay).init();
    for epoch in 0..epochs {
        for idx in batches(data.len(), batch, seed, epoch) {
            let rows: Vec<&[f32]> = idx.iter().map(|&i| data[i].as_slice()).collect();
            let x = rows_tensor(&rows, &autodiff);
            let loss = model.errors(x).mean();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(lr, model, grads);
        }
    }
    model.valid().fork(device)
}

/// Mean reconstruction MSE of `ae` over `data` (0 for no data).
///
/// # Errors
/// When a tensor cannot be read back.
pub fn mean_mse(ae: &Autoencoder, data: &[Vec<f32>], device: &Device) -> Result<f64> {
    let errors = per_example_mse(ae, data, device)?;
    Ok(if errors.is_empty() { 0.0 } else { errors.iter().map(|&e| f64::from(e)).sum::<f64>() / errors.len() as f64 })
}

/// Reconstruction MSE of every row of `data`.
///
/// # Errors
/// When a tensor cannot be read back.
pub fn per_example_mse(ae: &Autoencoder, data: &[Vec<f32>], device: &Device) -> Result<Vec<f32>> {
    let ae = ae.valid();
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(512) {
        let rows: Vec<&[f32]> = chunk.iter().map(Vec::as_slice).collect();
        out.extend(kiln_core::tensor::try_to_vec(ae.errors(rows_tensor(&rows, device)))?);
    }
    Ok(out)
}

/// The features the base model sees: the encoder's latent codes, or the raw inputs.
///
/// # Errors
/// When a tensor cannot be read back.
pub fn features(encoder: Option<&Autoencoder>, items: &[VectorExample], device: &Device) -> Result<Vec<Vec<f32>>> {
    let Some(ae) = encoder else { return Ok(items.iter().map(|e| e.features.clone()).collect()) };
    let ae = ae.valid();
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(512) {
        let rows: Vec<&[f32]> = chunk.iter().map(|e| e.features.as_slice()).collect();
        let z = ae.encode(rows_tensor(&rows, device));
        let [_, d] = z.dims();
        let values = kiln_core::tensor::try_to_vec(z)?;
        out.extend(values.chunks(d.max(1)).map(<[f32]>::to_vec));
    }
    Ok(out)
}

/// Trains `model` on `(x, y)` (NLL, Adam); fewer than 2 examples leave it unchanged.
pub fn train_classifier(model: BaseModel, x: &[Vec<f32>], y: &[usize], run: &LocalLoop, device: &Device) -> BaseModel {
    let LocalLoop { epochs, batch, lr, weight_decay, seed } = *run;
    if x.len() < 2 {
        return model;
    }
    let autodiff = device.clone().autodiff();
    let mut model = model.fork(&autodiff).train();
    let decay = (weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay));
    let mut optim = AdamConfig::new().with_epsilon(1e-8).with_weight_decay(decay).init();
    for epoch in 0..epochs {
        for idx in batches(x.len(), batch, seed, epoch) {
            let rows: Vec<&[f32]> = idx.iter().map(|&i| x[i].as_slice()).collect();
            let labels: Vec<usize> = idx.iter().map(|&i| y[i]).collect();
            let loss = nll(model.forward(rows_tensor(&rows, &autodiff)), labels_tensor(&labels, &autodiff));
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(lr, model, grads);
        }
    }
    model.valid().fork(device)
}

/// Arg-max predictions of `model` on feature rows `x`.
///
/// # Errors
/// When a tensor cannot be read back.
pub fn predict(model: &BaseModel, x: &[Vec<f32>], device: &Device) -> Result<Vec<usize>> {
    let model = model.valid();
    let mut out = Vec::with_capacity(x.len());
    for chunk in x.chunks(512) {
        let rows: Vec<&[f32]> = chunk.iter().map(Vec::as_slice).collect();
        let scores = model.forward(rows_tensor(&rows, device));
        let [_, k] = scores.dims();
        let values = kiln_core::tensor::try_to_vec(scores)?;
        out.extend(values.chunks(k.max(1)).map(argmax));
    }
    Ok(out)
}
