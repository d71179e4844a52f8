//! The training loop: phases, optimisers, schedules, freezing, logging, checkpoints, resume.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use burn::module::Module;
use burn::prelude::Device;

use super::checkpoint::{self, RunState};
use super::cluster::Cluster;
use super::params::check_phase_patterns;
use super::phase::{ActionContext, Phase, PhaseKind};
use super::progress::{MetricsLog, summary_line};
use super::report::{EpochRecord, Report};
use super::selection::{Selection, Tracker};
use super::step::{BatchSource, TrainModel};
use crate::error::{CoreError, Result};
use crate::seed::derive_seed;

mod epoch;
mod evaluate;
mod group;
mod prefetch;

/// Runs a list of [`Phase`]s over a model.
///
/// ```ignore
/// let (model, report) = Trainer::new(device)
///     .with_run_dir("runs/cnn")
///     .with_seed(7)
///     .fit(model, &[Phase::train("main", TrainPhase::new(10, 1e-3))], &train, Some(&valid))?;
/// ```
#[derive(Debug, Clone)]
pub struct Trainer {
    device: Device,
    replicas: Vec<Device>,
    cluster: Option<Arc<Cluster>>,
    run_dir: Option<PathBuf>,
    seed: u64,
    checkpoint_every: usize,
    keep_checkpoints: usize,
    resume: bool,
    progress: bool,
    topk: usize,
    halt_after_epochs: Option<usize>,
    selection: Option<Selection>,
    prefetch: bool,
}

impl Trainer {
    /// A trainer on `device` (a plain device; autodiff is added for the gradient phases).
    pub fn new(device: Device) -> Self {
        Self {
            device: device.inner(),
            replicas: Vec::new(),
            cluster: None,
            run_dir: None,
            seed: 0,
            checkpoint_every: 1,
            keep_checkpoints: 2,
            resume: false,
            progress: false,
            topk: 5,
            halt_after_epochs: None,
            selection: None,
            prefetch: true,
        }
    }

    /// Trains data-parallel on `devices` (the first is the main device, which holds the model
    /// and the optimiser). Each optimiser step takes one batch per device from the source (so
    /// the global batch is `devices × batch size`), runs forward and backward on each device in
    /// its own thread on a fork of the model, and sums the gradients, each scaled by
    /// `1 / devices`, through burn's multi-device optimiser step (`step_multi`). With a loss
    /// that is a mean over equal-size batches this is the gradient of the global batch.
    pub fn with_devices(mut self, devices: Vec<Device>) -> Self {
        if let Some(first) = devices.first() {
            self.device = first.clone().inner();
        }
        self.replicas = if devices.len() > 1 { devices.into_iter().map(Device::inner).collect() } else { Vec::new() };
        self
    }

    /// Trains as one node of a group of processes ([`Cluster`]; see
    /// [`cluster`](super::cluster) for the protocol): every optimiser step takes `nodes ×
    /// devices` batches, this node's are `step · nodes · devices + rank · devices + d`, and the
    /// gradients are summed over the group before the step, so every node holds the weights
    /// one process would reach on the concatenated batch. Node 0's weights and buffers are
    /// sent to every node at the start and after each epoch; resuming, node 0's latest
    /// checkpoint is. Only node 0 writes the run directory (log, checkpoints, report); every
    /// node returns the trained model. Combine with [`Self::with_devices`] for several devices
    /// per node.
    pub fn with_cluster(mut self, cluster: Cluster) -> Self {
        self.cluster = Some(Arc::new(cluster));
        self
    }

    /// Where the metrics log and checkpoints go (created if missing).
    pub fn with_run_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.run_dir = Some(dir.into());
        self
    }

    /// The run's seed: shuffling, dropout and step seeds derive from it.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checkpoint every `n` epochs (0: only at the end). Needs a run directory.
    pub fn with_checkpoint_every(mut self, n: usize) -> Self {
        self.checkpoint_every = n;
        self
    }

    /// Continue from the run directory's latest checkpoint, when there is one.
    pub fn with_resume(mut self, resume: bool) -> Self {
        self.resume = resume;
        self
    }

    /// Show a progress bar and one summary line per epoch on stderr.
    pub fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    /// `k` of the top-k accuracy that is logged.
    pub fn with_topk(mut self, k: usize) -> Self {
        self.topk = k.max(1);
        self
    }

    /// Stop after this many epochs in this call, as if the process were killed (a later call
    /// with `with_resume(true)` continues from the last checkpoint). For time-boxed runs and tests.
    pub fn with_halt_after_epochs(mut self, epochs: usize) -> Self {
        self.halt_after_epochs = Some(epochs);
        self
    }

    /// Return the model of the best validation epoch rather than the last, and stop early
    /// with the selection's patience ([`Selection`]). `fit` then needs validation data.
    pub fn with_selection(mut self, selection: Selection) -> Self {
        self.selection = Some(selection);
        self
    }

    /// Build the next batch on a worker thread while the current step runs (default: on).
    /// Batches are still addressed by `(epoch, index)` and consumed in order, so a run gives
    /// the same results either way, and an error of batch `k` stops the run at batch `k`. Turn
    /// it off for a source whose batches draw from the device's random generator (the steps'
    /// dropout draws from it too, so building ahead would change who draws what) or to measure
    /// the loader. Data-parallel runs ([`Self::with_devices`]) already build their batches in
    /// the replicas' threads and do not prefetch.
    pub fn with_prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }

    /// The device the trainer runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Trains `model` through `phases`. Returns the model in evaluation mode (no autodiff) and
    /// the run's report.
    pub fn fit<M: TrainModel>(
        &self,
        model: M,
        phases: &[Phase<M>],
        train: &dyn BatchSource<M::Batch>,
        valid: Option<&dyn BatchSource<M::Batch>>,
    ) -> Result<(M, Report)> {
        let mut model = model.valid();
        check_phase_patterns(&model, phases)?;
        let mut state = RunState {
            phases: phases.iter().map(|p| p.name.clone()).collect(),
            phase_index: 0,
            epochs_done: 0,
            global_epoch: 0,
            global_step: 0,
            seed: self.seed,
            records: Vec::new(),
        };
        let mut resume_dir = None;
        if let Some(dir) = self.run_dir.as_ref().filter(|_| self.writes_files()) {
            std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
            if self.resume {
                resume_dir = checkpoint::latest(dir)?;
            }
            if resume_dir.is_none() {
                // A fresh run: do not mix its log and checkpoints with an earlier run's.
                let _ = std::fs::remove_file(dir.join("metrics.jsonl"));
                let _ = std::fs::remove_dir_all(dir.join("checkpoint"));
            }
        }
        // In a training group, node 0's checkpoint (a copy on the other nodes, removed at the end).
        let resume_dir = self.share_checkpoint(resume_dir)?;
        let copied = resume_dir.clone().filter(|_| !self.writes_files());
        let mut resume_dir = match resume_dir {
            Some(ckpt) => {
                let saved = checkpoint::load_state(&ckpt)?;
                if saved.phases != state.phases || saved.seed != state.seed {
                    return Err(CoreError::InvalidConfig(format!(
                        "cannot resume {}: it was written by phases {:?} with seed {}, not {:?} with seed {}",
                        ckpt.display(),
                        saved.phases,
                        saved.seed,
                        state.phases,
                        state.seed
                    )));
                }
                model = checkpoint::load_model(&ckpt, model)?;
                state = saved;
                Some(ckpt)
            }
            None => None,
        };
        model = self.sync_state(model)?;
        let mut log = MetricsLog::open(self.run_dir.as_deref().filter(|_| self.writes_files()))?;
        let mut epochs_this_call = 0usize;
        if self.selection.is_some() && valid.is_none() {
            return Err(CoreError::InvalidConfig("Trainer::with_selection needs validation data".into()));
        }
        let mut tracker = self.selection.clone().map(Tracker::new);
        let mut stopped_early = false;

        'phases: while state.phase_index < phases.len() {
            let phase = &phases[state.phase_index];
            match &phase.kind {
                PhaseKind::Action(action) => {
                    let start = Instant::now();
                    let ctx = ActionContext {
                        device: &self.device,
                        run_dir: self.run_dir.as_deref(),
                        seed: derive_seed(self.seed, state.global_epoch as u64),
                        phase_index: state.phase_index,
                    };
                    model = action(model.valid(), &ctx).map_err(|e| match e {
                        CoreError::Phase { .. } => e,
                        other => CoreError::Phase { phase: phase.name.clone(), message: other.to_string() },
                    })?;
                    model = self.sync_state(model)?;
                    let valid_eval =
                        valid.map(|v| self.evaluate_at(&model, v, &phase.stage, 0, state.global_step)).transpose()?;
                    state.global_epoch += 1;
                    let record = EpochRecord {
                        phase: phase.name.clone(),
                        epoch: 0,
                        global_epoch: state.global_epoch,
                        lr: 0.0,
                        train: BTreeMap::new(),
                        valid: valid_eval.map(|e| e.scalars()),
                        seconds: start.elapsed().as_secs_f64(),
                    };
                    let stop = match tracker.as_mut() {
                        Some(t) => t.observe(&record, || model.clone())?,
                        None => false,
                    };
                    self.finish_epoch(&mut log, &mut state, record, 1);
                    state.phase_index += 1;
                    state.epochs_done = 0;
                    self.maybe_checkpoint(&model, None, &state, phases.len())?;
                    if stop {
                        stopped_early = true;
                        break 'phases;
                    }
                }
                PhaseKind::Train(tp) if tp.epochs == 0 => {
                    // An empty phase: nothing to train, move on.
                    state.phase_index += 1;
                    state.epochs_done = 0;
                }
                PhaseKind::Train(tp) => {
                    let mut optim = tp.optimizer.init_with_groups(&tp.groups);
                    if let Some(dir) = resume_dir.take()
                        && state.epochs_done > 0
                    {
                        optim = checkpoint::load_optimizer(&dir, optim)?;
                    }
                    let mut training = tp.trainable.apply(model)?.train();
                    let per_step = self.replicas_in_group();
                    let available = train.num_batches() / per_step;
                    if available == 0 && per_step > 1 {
                        return Err(CoreError::InvalidConfig(format!(
                            "phase `{}`: {} batch(es) per epoch cannot feed {per_step} data-parallel replicas \
                             (every step takes one batch per device of every node); use fewer devices or \
                             smaller batches",
                            phase.name,
                            train.num_batches()
                        )));
                    }
                    let steps = tp.max_steps_per_epoch.map_or(available, |m| m.min(available));
                    while state.epochs_done < tp.epochs {
                        if self.halt_after_epochs.is_some_and(|h| epochs_this_call >= h) {
                            return Ok((training.valid(), self.report(&state, false)));
                        }
                        let record;
                        (training, record) =
                            self.train_epoch(training, &mut optim, tp, phase, steps, &mut state, train, valid)?;
                        epochs_this_call += 1;
                        let stop = match tracker.as_mut() {
                            Some(t) => t.observe(&record, || training.valid())?,
                            None => false,
                        };
                        self.finish_epoch(&mut log, &mut state, record, tp.epochs);
                        if state.epochs_done == tp.epochs {
                            state.phase_index += 1;
                            state.epochs_done = 0;
                        }
                        self.maybe_checkpoint(&training.valid(), Some(&optim), &state, phases.len())?;
                        if stop {
                            stopped_early = true;
                            model = training.valid();
                            break 'phases;
                        }
                        if state.epochs_done == 0 {
                            break;
                        }
                    }
                    model = training.valid();
                }
            }
        }
        let mut report = self.report(&state, true);
        report.stopped_early = stopped_early;
        if let Some(t) = tracker {
            (model, report.best_epoch) = t.finish(model);
        }
        if let Some(dir) = copied {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(dir) = self.run_dir.as_ref().filter(|_| self.writes_files()) {
            let path = dir.join("report.json");
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| CoreError::Checkpoint { path: path.clone(), message: e.to_string() })?;
            std::fs::write(&path, json).map_err(|e| CoreError::io(&path, e))?;
        }
        Ok((model, report))
    }

    fn finish_epoch(&self, log: &mut MetricsLog, state: &mut RunState, record: EpochRecord, epochs_in_phase: usize) {
        if self.progress {
            eprintln!("{}", summary_line(&record, epochs_in_phase));
        }
        log.write(&record);
        state.records.push(record);
    }

    fn maybe_checkpoint<M: Module>(
        &self,
        model: &M,
        optim: Option<&burn::optim::ModuleOptimizer>,
        state: &RunState,
        phase_count: usize,
    ) -> Result<()> {
        let Some(dir) = self.run_dir.as_ref().filter(|_| self.writes_files()) else { return Ok(()) };
        let finished = state.phase_index >= phase_count;
        let due = self.checkpoint_every > 0 && state.global_epoch.is_multiple_of(self.checkpoint_every);
        if due || finished {
            checkpoint::save(dir, model, optim, state, self.keep_checkpoints)?;
        }
        Ok(())
    }

    fn report(&self, state: &RunState, completed: bool) -> Report {
        Report {
            records: state.records.clone(),
            completed,
            global_step: state.global_step,
            best_epoch: None,
            stopped_early: false,
        }
    }
}
