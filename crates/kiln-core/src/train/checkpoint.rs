//! Checkpoints: model and optimiser through burnpack (`.bpk`), the run's position as JSON.
//!
//! Layout in the run directory:
//! ```text
//! checkpoint/epoch-00012/{model.bpk, optim.bpk, state.json}
//! checkpoint/latest            (name of the newest complete checkpoint; written last)
//! ```
//! `latest` is replaced atomically after the checkpoint's files are on disk, so a run killed
//! while writing resumes from the previous checkpoint.

use std::fs;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use serde::{Deserialize, Serialize};

use super::report::EpochRecord;
use crate::error::{CoreError, Result};

/// Where a run stands: everything besides weights needed to continue it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunState {
    /// Names of the run's phases, to refuse resuming with another schedule.
    pub phases: Vec<String>,
    /// Phase being run.
    pub phase_index: usize,
    /// Epochs of that phase already completed.
    pub epochs_done: usize,
    /// Epochs completed over the whole run (drives shuffling and dropout seeds).
    pub global_epoch: usize,
    /// Optimiser steps taken over the whole run.
    pub global_step: u64,
    /// The run's seed.
    pub seed: u64,
    /// Per-epoch records so far.
    pub records: Vec<EpochRecord>,
}

fn checkpoint_root(run_dir: &Path) -> PathBuf {
    run_dir.join("checkpoint")
}

fn ckpt_err(path: &Path, message: impl ToString) -> CoreError {
    CoreError::Checkpoint { path: path.to_path_buf(), message: message.to_string() }
}

/// Writes a checkpoint and points `latest` at it; keeps the newest `keep` checkpoints.
pub fn save<M: Module>(
    run_dir: &Path,
    model: &M,
    optim: Option<&ModuleOptimizer>,
    state: &RunState,
    keep: usize,
) -> Result<PathBuf> {
    let root = checkpoint_root(run_dir);
    let name = format!("epoch-{:05}", state.global_epoch);
    let dir = root.join(&name);
    fs::create_dir_all(&dir).map_err(|e| CoreError::io(&dir, e))?;
    let model_path = dir.join("model.bpk");
    model.clone().save_file(&model_path).map_err(|e| ckpt_err(&model_path, format!("{e:?}")))?;
    let optim_path = dir.join("optim.bpk");
    match optim {
        Some(optim) => optim.save(&optim_path).map_err(|e| ckpt_err(&optim_path, format!("{e:?}")))?,
        None => {
            let _ = fs::remove_file(&optim_path);
        }
    }
    let state_path = dir.join("state.json");
    let json = serde_json::to_string_pretty(state).map_err(|e| ckpt_err(&state_path, e))?;
    fs::write(&state_path, json).map_err(|e| CoreError::io(&state_path, e))?;
    let tmp = root.join("latest.tmp");
    fs::write(&tmp, &name).map_err(|e| CoreError::io(&tmp, e))?;
    let latest = root.join("latest");
    fs::rename(&tmp, &latest).map_err(|e| CoreError::io(&latest, e))?;
    prune(&root, keep);
    Ok(dir)
}

/// Removes all but the newest `keep` checkpoint directories.
fn prune(root: &Path, keep: usize) {
    let Ok(entries) = fs::read_dir(root) else { return };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("epoch-")))
        .collect();
    dirs.sort();
    let excess = dirs.len().saturating_sub(keep.max(1));
    for dir in dirs.into_iter().take(excess) {
        let _ = fs::remove_dir_all(dir);
    }
}

/// The newest complete checkpoint of a run, if any.
pub fn latest(run_dir: &Path) -> Result<Option<PathBuf>> {
    let root = checkpoint_root(run_dir);
    let latest = root.join("latest");
    if !latest.exists() {
        return Ok(None);
    }
    let name = fs::read_to_string(&latest).map_err(|e| CoreError::io(&latest, e))?;
    let dir = root.join(name.trim());
    if !dir.join("state.json").exists() {
        return Err(ckpt_err(&dir, "`latest` points at a checkpoint without state.json"));
    }
    Ok(Some(dir))
}

/// Reads a checkpoint's run state.
pub fn load_state(dir: &Path) -> Result<RunState> {
    let path = dir.join("state.json");
    let text = fs::read_to_string(&path).map_err(|e| CoreError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| ckpt_err(&path, e))
}

/// Loads a checkpoint's weights into `model` (parameter ids are restored too, so optimiser
/// state keyed by id lines up).
pub fn load_model<M: Module>(dir: &Path, model: M) -> Result<M> {
    let path = dir.join("model.bpk");
    model.try_load_file(&path).map_err(|e| ckpt_err(&path, format!("{e:?}")))
}

/// Loads a checkpoint's optimiser state into `optim`, when the checkpoint has one.
pub fn load_optimizer(dir: &Path, optim: ModuleOptimizer) -> Result<ModuleOptimizer> {
    let path = dir.join("optim.bpk");
    if !path.exists() {
        return Ok(optim);
    }
    optim.load(&path).map_err(|e| ckpt_err(&path, format!("{e:?}")))
}

/// Loads weights saved by [`save`] or `Module::save_file`, from a checkpoint directory, a run
/// directory (its latest checkpoint) or a `.bpk` file.
pub fn load_weights<M: Module>(path: &Path, model: M) -> Result<M> {
    if path.is_file() {
        return model.try_load_file(path).map_err(|e| ckpt_err(path, format!("{e:?}")));
    }
    if path.join("model.bpk").exists() {
        return load_model(path, model);
    }
    match latest(path)? {
        Some(dir) => load_model(&dir, model),
        None => Err(ckpt_err(path, "no model.bpk and no checkpoint/latest here")),
    }
}
