//! The baselines SemiPFL is compared with, on the same [`FedDigits`]: local-only, FedAvg on
//! the labels, and FedAvg of the autoencoder with a local head. Each returns every client's
//! macro F1 on its test examples.

use burn::prelude::Device;
use kiln_core::seed::derive_seed;
use kiln_data::VectorExample;

use super::autoencoder::AutoencoderConfig;
use super::base::BaseModel;
use super::config::SemiPflConfig;
use super::data::{ClientData, FedDigits};
use super::local::{features, predict, train_autoencoder, train_classifier};
use super::metrics::macro_f1;
use super::server::num_classes;
use crate::core::{ClientUpdate, ParamSet};
use crate::error::Result;
use crate::fedavg::weighted_mean;

/// FedAvg rounds with as many client trainings as SemiPFL's run:
/// `max(1, ⌊rounds · clients_per_round / clients⌋)`, every client in every round.
pub fn fedavg_rounds(config: &SemiPflConfig, clients: usize) -> usize {
    (config.rounds * config.clients_per_round / clients.max(1)).max(1)
}

fn score(
    model: &BaseModel,
    encoder: Option<&super::autoencoder::Autoencoder>,
    client: &ClientData,
    device: &Device,
) -> Result<f64> {
    let x = features(encoder, &client.test, device)?;
    let truth: Vec<usize> = client.test.iter().map(|e| e.label).collect();
    Ok(macro_f1(&truth, &predict(model, &x, device)?))
}

fn labels(items: &[VectorExample]) -> Vec<usize> {
    items.iter().map(|e| e.label).collect()
}

/// Local-only: each client trains the base model on its raw labelled pixels for
/// `base_epochs + finetune_epochs` epochs (the epochs SemiPFL's base model gets in all).
///
/// # Errors
/// When a tensor cannot be read back.
pub fn local_only(data: &FedDigits, config: &SemiPflConfig, device: &Device) -> Result<Vec<f64>> {
    let classes = num_classes(data);
    let input = config.ae_dims[0];
    data.clients
        .iter()
        .map(|client| {
            let x = features(None, &client.labelled, device)?;
            let model = BaseModel::new(input, config.base_hidden, classes, device);
            let epochs = config.base_epochs + config.finetune_epochs;
            let seed = derive_seed(config.seed, 2 << 40 | client.id as u64);
            let model =
                train_classifier(model, &x, &labels(&client.labelled), &config.classifier_loop(epochs, seed), device);
            score(&model, None, client, device)
        })
        .collect()
}

/// FedAvg on the labels: the base model on raw pixels, each round every client trains
/// `finetune_epochs` on its labelled examples from the global model and the server averages
/// weighted by label counts ([`weighted_mean`]); the final global model is scored on every
/// client.
///
/// # Errors
/// A layout error or a tensor that cannot be read back.
pub fn fedavg_labels(data: &FedDigits, config: &SemiPflConfig, device: &Device) -> Result<Vec<f64>> {
    let classes = num_classes(data);
    let template = BaseModel::new(config.ae_dims[0], config.base_hidden, classes, device);
    let mut global = ParamSet::from_module(&template)?;
    for round in 0..fedavg_rounds(config, data.clients.len()) {
        let mut updates = Vec::with_capacity(data.clients.len());
        for client in &data.clients {
            let x = features(None, &client.labelled, device)?;
            let seed = derive_seed(config.seed, 3 << 40 | (round as u64) << 20 | client.id as u64);
            let model = train_classifier(
                global.apply_to(template.clone())?,
                &x,
                &labels(&client.labelled),
                &config.classifier_loop(config.finetune_epochs, seed),
                device,
            );
            updates.push(ClientUpdate {
                client: client.id,
                num_examples: client.labelled.len(),
                params: ParamSet::from_module(&model)?,
                metrics: Vec::new(),
            });
        }
        global = weighted_mean(&global, &updates)?;
    }
    let model = global.apply_to(template)?;
    data.clients.iter().map(|client| score(&model, None, client, device)).collect()
}

/// FedAvg of the autoencoder, then a local head: each round every client trains the shared
/// autoencoder `ae_epochs` on its unlabelled inputs and the server averages weighted by
/// input counts; then each client trains a base model on its labels encoded by the final
/// autoencoder for `base_epochs + finetune_epochs` epochs.
///
/// # Errors
/// A layout error or a tensor that cannot be read back.
pub fn fedavg_autoencoder(data: &FedDigits, config: &SemiPflConfig, device: &Device) -> Result<Vec<f64>> {
    let classes = num_classes(data);
    let template = AutoencoderConfig::new(config.ae_dims.clone()).init(device);
    let mut global = ParamSet::from_module(&template)?;
    for round in 0..fedavg_rounds(config, data.clients.len()) {
        let mut updates = Vec::with_capacity(data.clients.len());
        for client in &data.clients {
            let seed = derive_seed(config.seed, 4 << 40 | (round as u64) << 20 | client.id as u64);
            let ae = train_autoencoder(
                global.apply_to(template.clone())?,
                &client.unlabelled,
                &config.ae_loop(seed),
                device,
            );
            updates.push(ClientUpdate {
                client: client.id,
                num_examples: client.unlabelled.len(),
                params: ParamSet::from_module(&ae)?,
                metrics: Vec::new(),
            });
        }
        global = weighted_mean(&global, &updates)?;
    }
    let ae = global.apply_to(template)?;
    let latent = config.ae_dims.last().copied().unwrap_or(1);
    data.clients
        .iter()
        .map(|client| {
            let x = features(Some(&ae), &client.labelled, device)?;
            let seed = derive_seed(config.seed, 5 << 40 | client.id as u64);
            let model = train_classifier(
                BaseModel::new(latent, config.base_hidden, classes, device),
                &x,
                &labels(&client.labelled),
                &config.classifier_loop(config.base_epochs + config.finetune_epochs, seed),
                device,
            );
            score(&model, Some(&ae), client, device)
        })
        .collect()
}
