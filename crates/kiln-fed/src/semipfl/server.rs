//! [`SemiPfl`]: the server's hypernetwork rounds and the personalised evaluation, every
//! exchange a [`Message`] through an [`InProcess`] transport, so its bytes are counted.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::Device;
use kiln_core::seed::{derive_seed, permutation_from, rng};
use kiln_core::train::checkpoint::{self, RunState};
use kiln_data::VectorExample;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::autoencoder::{Autoencoder, AutoencoderConfig};
use super::base::BaseModel;
use super::config::SemiPflConfig;
use super::data::{ClientData, FedDigits};
use super::hypernet::{Hypernetwork, HypernetworkConfig, clip_global_norm, difference, surrogate};
use super::local::{features, mean_mse, per_example_mse, predict, train_autoencoder, train_classifier};
use super::metrics::{below_threshold, macro_f1};
use crate::core::{Endpoint, InProcess, Message, ParamSet, Transport};
use crate::error::{FedError, Result};

/// What one round did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundRecord {
    /// The round (1-based).
    pub round: usize,
    /// The clients sampled, in the order they were served.
    pub clients: Vec<usize>,
    /// Mean reconstruction MSE of the generated `θ_i` on the clients' data, before training.
    pub mse_before: f64,
    /// The same after the clients' local epochs (`θ̃_i`).
    pub mse_after: f64,
    /// Mean global gradient norm of the server steps, before clipping.
    pub grad_norm: f64,
    /// Bytes the server sent (`θ_i`).
    pub bytes_sent: u64,
    /// Bytes the server received (`θ̃_i`).
    pub bytes_received: u64,
}

/// One client's personalised result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientOutcome {
    /// The client.
    pub client: usize,
    /// Macro F1 on its test examples.
    pub f1: f64,
    /// Server examples under the MSE threshold (all were used when fewer than 2 were).
    pub server_examples: usize,
    /// Bytes exchanged for it (`θ_i`, `θ̃_i`, the base model).
    pub bytes: u64,
}

/// The phase name a SemiPFL checkpoint records, so another kind of run is not resumed as one.
const CHECKPOINT_PHASE: &str = "semipfl-rounds";

fn unexpected(endpoint: Endpoint, expected: &'static str, found: &Message) -> FedError {
    FedError::UnexpectedMessage { endpoint: endpoint.to_string(), expected, found: found.kind() }
}

/// A SemiPFL server: the hypernetwork (on the autodiff device), its Adam state, the
/// autoencoder template and the transport.
pub struct SemiPfl {
    config: SemiPflConfig,
    hnet: Hypernetwork,
    optim: ModuleOptimizer,
    template: Autoencoder,
    transport: InProcess,
    device: Device,
    sampler: StdRng,
    rounds_done: usize,
}

impl SemiPfl {
    /// A server for `clients` clients. Initialisation draws from `device`'s RNG (seed it first
    /// for reproducible runs).
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] for a bad configuration or 0 clients.
    pub fn new(config: SemiPflConfig, clients: usize, device: &Device) -> Result<Self> {
        config.validate()?;
        let template = AutoencoderConfig::new(config.ae_dims.clone()).init(device);
        let layout = ParamSet::from_module(&template)?;
        let hyper = HypernetworkConfig::for_target(
            clients,
            SemiPflConfig::embedding_dim(clients),
            config.hyper_hidden,
            config.hyper_layers,
            &layout,
        );
        let hnet = hyper.init(device)?.fork(&device.clone().autodiff()).train();
        let sampler = rng(config.seed, 7);
        Ok(Self {
            config,
            hnet,
            optim: AdamConfig::new().with_epsilon(1e-8).init(),
            template,
            transport: InProcess::new(),
            device: device.clone(),
            sampler,
            rounds_done: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &SemiPflConfig {
        &self.config
    }

    /// Rounds completed so far (restored by [`SemiPfl::resume`]).
    pub fn rounds_done(&self) -> usize {
        self.rounds_done
    }

    /// Writes a checkpoint of the server to `run_dir/checkpoint/epoch-NNNNN/` (`NNNNN` = rounds
    /// done; kiln-core's layout): the hypernetwork, the server's Adam state and the rounds
    /// done. The newest two are kept.
    ///
    /// # Errors
    /// [`FedError::Core`] when a file cannot be written.
    pub fn save_checkpoint(&self, run_dir: &Path) -> Result<PathBuf> {
        let state = RunState {
            phases: vec![CHECKPOINT_PHASE.into()],
            phase_index: 0,
            epochs_done: self.rounds_done,
            global_epoch: self.rounds_done,
            global_step: self.rounds_done as u64,
            seed: self.config.seed,
            records: Vec::new(),
        };
        Ok(checkpoint::save(run_dir, &self.hnet, Some(&self.optim), &state, 2)?)
    }

    /// A server for `clients` clients that continues from `run_dir`'s newest checkpoint
    /// ([`SemiPfl::save_checkpoint`]), or a new one when there is none. The hypernetwork and
    /// Adam state are loaded and the client sampler is replayed to the saved round, so the
    /// rounds that follow are those an uninterrupted run would take (client training is seeded
    /// by round and client).
    ///
    /// # Errors
    /// Those of [`SemiPfl::new`]; [`FedError::InvalidSetting`] for a checkpoint of another kind
    /// of run or another seed; [`FedError::Core`] for unreadable files or a hypernetwork of
    /// another layout.
    pub fn resume(config: SemiPflConfig, clients: usize, device: &Device, run_dir: &Path) -> Result<Self> {
        let mut server = Self::new(config, clients, device)?;
        let Some(dir) = checkpoint::latest(run_dir)? else { return Ok(server) };
        let state = checkpoint::load_state(&dir)?;
        if state.phases != [CHECKPOINT_PHASE] {
            return Err(FedError::setting("run_dir", dir.display(), "holds a checkpoint of another kind of run"));
        }
        if state.seed != server.config.seed {
            return Err(FedError::setting("seed", server.config.seed, "differs from the checkpoint's seed"));
        }
        server.hnet = checkpoint::load_model(&dir, server.hnet)?;
        server.optim = checkpoint::load_optimizer(&dir, server.optim)?;
        for _ in 0..state.epochs_done {
            permutation_from(&mut server.sampler, clients);
        }
        server.rounds_done = state.epochs_done;
        Ok(server)
    }

    /// The hypernetwork (without autodiff).
    pub fn hypernetwork(&self) -> Hypernetwork {
        self.hnet.valid()
    }

    /// Replaces the hypernetwork (a loaded one); the server's Adam state is kept.
    ///
    /// # Errors
    /// [`FedError::ParamMismatch`] when its layout is not this server's.
    pub fn set_hypernetwork(&mut self, hnet: Hypernetwork) -> Result<()> {
        if hnet.layout() != self.hnet.layout() || hnet.clients() != self.hnet.clients() {
            return Err(FedError::ParamMismatch {
                path: "hypernetwork".into(),
                client: None,
                reason: "another target layout or number of clients".into(),
            });
        }
        self.hnet = hnet.fork(&self.device.clone().autodiff()).train();
        Ok(())
    }

    /// The autoencoder client `i` receives, `θ_i = h(v_i; φ)`.
    ///
    /// # Errors
    /// A bad client id.
    pub fn autoencoder_for(&self, client: usize) -> Result<Autoencoder> {
        self.hypernetwork().params(client)?.apply_to(self.template.clone())
    }

    /// Client side of a round: builds `θ_i`, reports its MSE, trains `E` epochs, returns
    /// `θ̃_i` and the MSE before and after.
    fn client_train(&self, client: &ClientData, theta: &ParamSet, seed: u64) -> Result<(Autoencoder, f64, f64)> {
        let ae = theta.apply_to(self.template.clone())?;
        let before = mean_mse(&ae, &client.unlabelled, &self.device)?;
        let c = &self.config;
        let ae = train_autoencoder(ae, &client.unlabelled, &c.ae_loop(seed), &self.device);
        let after = mean_mse(&ae, &client.unlabelled, &self.device)?;
        Ok((ae, before, after))
    }

    /// Sends `θ_i` to client `i`, lets it train, and returns what the server received:
    /// `(θ̃_i, bytes sent, bytes received, mse before, mse after)`.
    fn exchange(&self, client: &ClientData, theta: ParamSet, round: usize) -> Result<(ParamSet, u64, u64, f64, f64)> {
        let to = Endpoint::Client(client.id);
        let sent = self.transport.send(to, &Message::Broadcast { round, params: theta })?;
        let (message, _) = self.transport.recv(to)?;
        let Message::Broadcast { params, .. } = message else { return Err(unexpected(to, "broadcast", &message)) };
        let seed = derive_seed(self.config.seed, (round as u64) << 20 | client.id as u64);
        let (ae, before, after) = self
            .client_train(client, &params, seed)
            .map_err(|e| FedError::Client { client: client.id, source: Box::new(e) })?;
        let update = Message::Update {
            client: client.id,
            num_examples: client.unlabelled.len(),
            params: ParamSet::from_module(&ae)?,
            metrics: vec![("mse_before".into(), before), ("mse_after".into(), after)],
        };
        self.transport.send(Endpoint::Server, &update)?;
        let (message, received) = self.transport.recv(Endpoint::Server)?;
        match message {
            Message::Update { client: from, params, .. } if from == client.id => {
                Ok((params, sent as u64, received as u64, before, after))
            }
            other => Err(unexpected(Endpoint::Server, "update", &other)),
        }
    }

    /// One round: `clients_per_round` clients sampled without replacement; for each, in turn,
    /// `θ_i = h(v_i; φ)` is sent, the client trains its autoencoder and returns `θ̃_i`, and the
    /// server takes one Adam step on `(φ, v)` along `(∂θ_i/∂φ)ᵀ(θ_i − θ̃_i)`, clipped to a
    /// global norm of `clip_norm`.
    ///
    /// # Errors
    /// A client's failure, a transport or layout error.
    pub fn round(&mut self, data: &FedDigits) -> Result<RoundRecord> {
        let n = data.clients.len();
        if n != self.hnet.clients() {
            return Err(FedError::setting("clients", n, "differs from the hypernetwork's embeddings"));
        }
        self.rounds_done += 1;
        let round = self.rounds_done;
        let picked: Vec<usize> =
            permutation_from(&mut self.sampler, n).into_iter().take(self.config.clients_per_round.min(n)).collect();
        let mut record = RoundRecord {
            round,
            clients: picked.clone(),
            mse_before: 0.0,
            mse_after: 0.0,
            grad_norm: 0.0,
            bytes_sent: 0,
            bytes_received: 0,
        };
        for &i in &picked {
            let thetas = self.hnet.forward(i)?;
            let theta = self.hnet.valid().params(i)?;
            let (tilde, sent, received, before, after) = self.exchange(&data.clients[i], theta.clone(), round)?;
            let delta = difference(&theta, &tilde, Some(i))?;
            let loss = surrogate(&thetas, &delta)?;
            let mut grads = GradientsParams::from_grads(loss.backward(), &self.hnet);
            record.grad_norm += clip_global_norm(&self.hnet, &mut grads, self.config.clip_norm);
            self.hnet = self.optim.step(self.config.server_lr, self.hnet.clone(), grads);
            record.mse_before += before;
            record.mse_after += after;
            record.bytes_sent += sent;
            record.bytes_received += received;
        }
        let m = picked.len().max(1) as f64;
        record.mse_before /= m;
        record.mse_after /= m;
        record.grad_norm /= m;
        Ok(record)
    }

    /// Client `i`'s personalised model: it receives `θ_i` and trains its autoencoder (`θ̃_i`,
    /// sent back); the server encodes its labelled examples whose reconstruction MSE under
    /// `θ̃_i` is below the threshold (all of them when fewer than 2 are) and trains a base
    /// model on them; the client receives it, fine-tunes it on its own encoded labels and is
    /// scored by macro F1 on its test examples.
    ///
    /// # Errors
    /// A client's failure, a transport or layout error.
    pub fn personalise(&self, client: &ClientData, server: &[VectorExample], classes: usize) -> Result<ClientOutcome> {
        let c = &self.config;
        let theta = self.hypernetwork().params(client.id)?;
        let round = self.rounds_done + 1;
        let (tilde, sent, received, _, _) = self.exchange(client, theta, round)?;
        let ae = tilde.apply_to(self.template.clone())?;
        let server_items = server;
        let inputs: Vec<Vec<f32>> = server_items.iter().map(|e| e.features.clone()).collect();
        let mut keep = below_threshold(&per_example_mse(&ae, &inputs, &self.device)?, c.mse_threshold);
        if keep.len() < 2 {
            keep = (0..server_items.len()).collect();
        }
        let chosen: Vec<VectorExample> = keep.iter().map(|&i| server_items[i].clone()).collect();
        let x = features(Some(&ae), &chosen, &self.device)?;
        let y: Vec<usize> = chosen.iter().map(|e| e.label).collect();
        let latent = c.ae_dims.last().copied().unwrap_or(1);
        let seed = derive_seed(c.seed, 1 << 40 | client.id as u64);
        let base = BaseModel::new(latent, c.base_hidden, classes, &self.device);
        let base = train_classifier(base, &x, &y, &c.classifier_loop(c.base_epochs, seed), &self.device);
        let to = Endpoint::Client(client.id);
        let base_sent =
            self.transport.send(to, &Message::Broadcast { round, params: ParamSet::from_module(&base)? })?;
        let (message, _) = self.transport.recv(to)?;
        let Message::Broadcast { params, .. } = message else { return Err(unexpected(to, "broadcast", &message)) };
        let base = params.apply_to(BaseModel::new(latent, c.base_hidden, classes, &self.device))?;
        let lx = features(Some(&ae), &client.labelled, &self.device)?;
        let ly: Vec<usize> = client.labelled.iter().map(|e| e.label).collect();
        let base = train_classifier(base, &lx, &ly, &c.classifier_loop(c.finetune_epochs, seed + 1), &self.device);
        let tx = features(Some(&ae), &client.test, &self.device)?;
        let truth: Vec<usize> = client.test.iter().map(|e| e.label).collect();
        let f1 = macro_f1(&truth, &predict(&base, &tx, &self.device)?);
        Ok(ClientOutcome {
            client: client.id,
            f1,
            server_examples: keep.len(),
            bytes: sent + received + base_sent as u64,
        })
    }

    /// [`SemiPfl::personalise`] for every client, in id order.
    ///
    /// # Errors
    /// The first client's failure.
    pub fn evaluate(&self, data: &FedDigits) -> Result<Vec<ClientOutcome>> {
        let classes = num_classes(data);
        data.clients.iter().map(|c| self.personalise(c, &data.server, classes)).collect()
    }
}

/// `1 + ` the largest label of the server's and the clients' examples.
pub fn num_classes(data: &FedDigits) -> usize {
    let client_labels = data.clients.iter().flat_map(|c| c.labelled.iter().chain(&c.test));
    data.server.iter().chain(client_labels).map(|e| e.label + 1).max().unwrap_or(1)
}
