//! The [`Trainer`]'s side of a training group ([`Cluster`](super::super::Cluster)): which node
//! writes the run's files, the coordinator's state and checkpoint sent to every node, and one
//! optimiser step's gradients summed over the group.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::GradientsParams;

use super::super::cluster::{bytes_f32, f32_bytes, flatten_gradients, read_state, unflatten_gradients, write_state};
use super::Trainer;
use crate::error::{CoreError, Result};

/// The files of a checkpoint that a resuming node needs.
const CHECKPOINT_FILES: [&str; 3] = ["model.bpk", "optim.bpk", "state.json"];

impl Trainer {
    /// Whether this process writes the run directory: alone, or as the group's node 0.
    pub(super) fn writes_files(&self) -> bool {
        self.cluster.as_ref().is_none_or(|c| c.is_coordinator())
    }

    /// Nodes × local devices: how many batches one optimiser step consumes.
    pub(super) fn replicas_in_group(&self) -> usize {
        self.nodes() * self.replicas.len().max(1)
    }

    /// Nodes in the group (1 without one).
    pub(super) fn nodes(&self) -> usize {
        self.cluster.as_ref().map_or(1, |c| c.nodes())
    }

    /// The global index of this node's first replica: batches `step · replicas_in_group +
    /// offset + d` are this node's.
    pub(super) fn replica_offset(&self) -> usize {
        self.cluster.as_ref().map_or(0, |c| c.rank()) * self.replicas.len().max(1)
    }

    /// `model` with node 0's parameters and buffers (unchanged without a group).
    pub(super) fn sync_state<M: Module>(&self, model: M) -> Result<M> {
        let Some(cluster) = self.cluster.as_ref().filter(|c| c.nodes() > 1) else { return Ok(model) };
        let mine = if cluster.is_coordinator() { read_state(&model)? } else { Vec::new() };
        let shared = cluster.broadcast(f32_bytes(&mine))?;
        write_state(model, &bytes_f32(&shared))
    }

    /// The local gradient sets (one per local device, each of its loss scaled by `1 /
    /// replicas_in_group`) summed over the group, as one set on the main device.
    pub(super) fn reduce_gradients<M: Module>(&self, model: &M, sets: &[GradientsParams]) -> Result<GradientsParams> {
        let mut flat = flatten_gradients(model, sets)?;
        if let Some(cluster) = &self.cluster {
            cluster.all_reduce_sum(&mut flat)?;
        }
        unflatten_gradients(model, &flat, &self.device)
    }

    /// Node 0's checkpoint to resume from, on every node: node 0 sends the files of its own
    /// (`resume_dir`, or nothing for a fresh run); another node writes them to a directory of
    /// its own and returns it.
    pub(super) fn share_checkpoint(&self, resume_dir: Option<PathBuf>) -> Result<Option<PathBuf>> {
        let Some(cluster) = self.cluster.as_ref().filter(|c| c.nodes() > 1) else { return Ok(resume_dir) };
        let bundle = match (&resume_dir, cluster.is_coordinator()) {
            (Some(dir), true) => pack(dir)?,
            _ => Vec::new(),
        };
        let bundle = cluster.broadcast(bundle)?;
        if cluster.is_coordinator() || bundle.is_empty() {
            return Ok(resume_dir);
        }
        let dir = std::env::temp_dir().join(format!("kiln-node{}-{}", cluster.rank(), std::process::id()));
        unpack(&bundle, &dir)?;
        Ok(Some(dir))
    }
}

/// The checkpoint files in `dir` as `(name length u32, name, length u64, bytes)` records.
fn pack(dir: &Path) -> Result<Vec<u8>> {
    let mut bundle = Vec::new();
    for name in CHECKPOINT_FILES {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
        bundle.extend_from_slice(&(name.len() as u32).to_le_bytes());
        bundle.extend_from_slice(name.as_bytes());
        bundle.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        bundle.extend_from_slice(&bytes);
    }
    Ok(bundle)
}

/// Writes a [`pack`]ed checkpoint into `dir`.
fn unpack(bundle: &[u8], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    let mut rest = bundle;
    let mut take = |n: usize| -> Result<&[u8]> {
        if rest.len() < n {
            return Err(CoreError::Cluster("node 0's checkpoint arrived cut short".into()));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let mut written = 0;
    while written < bundle.len() {
        let mut word = [0u8; 4];
        word.copy_from_slice(take(4)?);
        let name_len = u32::from_le_bytes(word) as usize;
        let name = String::from_utf8_lossy(take(name_len)?).into_owned();
        if !CHECKPOINT_FILES.contains(&name.as_str()) {
            return Err(CoreError::Cluster(format!("node 0 sent an unexpected checkpoint file `{name}`")));
        }
        let mut len = [0u8; 8];
        len.copy_from_slice(take(8)?);
        let len = u64::from_le_bytes(len) as usize;
        let path = dir.join(&name);
        std::fs::write(&path, take(len)?).map_err(|e| CoreError::io(&path, e))?;
        written += 4 + name_len + 8 + len;
    }
    Ok(())
}
