//! Hardware cost of OFA subnets: analytic multiply-accumulates (MACs) and parameter counts, and
//! measured latency cached in a persistent lookup table, the efficiency side of Once-for-All's
//! search (Cai, Gan, Wang, Zhang, Han: "Once-for-All: Train One Network and Specialize it for
//! Efficient Deployment", ICLR 2020, §3.4, whose latency lookup tables and FLOPs profiler these
//! mirror).
//!
//! Counting conventions:
//! - **MACs** ([`subnet_macs`]) are for one forward pass of **one image**. As in OFA's profiler,
//!   only convolutions and the linear head count: a convolution costs
//!   `out_h · out_w · out_ch · (in_ch / groups) · k²`, the head `in · out`. Batch norm, ReLU,
//!   pooling (including the input resize and the global average pool), the residual additions,
//!   activations, SE gating and biases count as 0; a squeeze-and-excitation module counts its two
//!   1×1 convolutions on the pooled vector, `2 · hidden · mid`. Spatial sizes follow the strides: a convolution with stride `s`,
//!   kernel `k` and padding `k/2` maps `h` to `(h + 2·(k/2) − k)/s + 1` (`⌈h/s⌉` for odd `k`).
//! - **Parameters** ([`subnet_params`]) equal `supernet.extract(&cfg).num_params()`: burn's
//!   `num_params` visits every float tensor of the module, which includes the batch-norm
//!   running mean and variance (`RunningState`) as well as γ and β, so each BN channel counts 4.
//!   [`subnet_trainable_params`] counts only what an optimiser updates (BN channels count 2), the
//!   convention of OFA's `count_parameters`. Block convolutions have no bias; SE convolutions
//!   and the head have one.
//! - **Latency** ([`measure_latency`]) is the median wall-clock time in milliseconds of a forward
//!   pass of the extracted subnet in evaluation mode on a batch at the subnet's resolution,
//!   including reading the output back to the host. [`LatencyTable`] caches it per (encoding,
//!   device label, batch size) in a JSON file.
//!
//! Both analytic counts resolve a subnet exactly as [`OfaSupernet::forward_subnet`] and
//! [`OfaSupernet::extract`] do: depths clamped to `1..=max_depth`, missing kernels read as 3 and
//! missing expand ratios as 1, hidden widths clamped to the supernet's, and a kernel size outside
//! the supernet's list replaced by the effective kernel the elastic convolution produces.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_core::timing::median_time_ms;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::config::OfaConfig;
use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;
use crate::elastic::se_mid;

/// One convolution or linear layer of a resolved subnet.
struct Layer {
    /// Multiply-accumulates for one image.
    macs: u64,
    /// Weights (and biases) of the layer.
    weights: usize,
    /// Channels of the batch norm that follows it (0 for the head).
    norm_channels: usize,
}

/// Spatial output size of a convolution with kernel `k`, stride `s` and padding `k/2`.
fn conv_out(h: usize, k: usize, s: usize) -> usize {
    (h + 2 * (k / 2)).saturating_sub(k) / s.max(1) + 1
}

/// The kernel size the elastic depthwise convolution actually uses for a requested `k`: the
/// smallest available size at least `k`, else the largest (3 when the list is empty).
fn effective_kernel(sizes: &[usize], k: usize) -> usize {
    sizes.iter().copied().filter(|&s| s >= k).min().or_else(|| sizes.iter().copied().max()).unwrap_or(3)
}

/// Every convolution and linear layer of `subnet`, in forward order.
fn layers(config: &OfaConfig, subnet: &SubnetConfig) -> Vec<Layer> {
    let max_expand = config.expand_ratios.iter().copied().max().unwrap_or(1);
    let mut h = subnet.resolution;
    let stem = config.stem_channels;
    h = conv_out(h, 3, 1);
    let mut out = vec![Layer {
        macs: (h * h * stem * config.in_channels * 9) as u64,
        weights: stem * config.in_channels * 9,
        norm_channels: stem,
    }];
    let mut in_ch = stem;
    let mut slot = 0;
    for (u, unit) in config.units.iter().enumerate() {
        let max_depth = unit.max_depth;
        let depth = subnet.depths.get(u).copied().unwrap_or(max_depth).clamp(1, max_depth.max(1)).min(max_depth);
        for b in 0..depth {
            let stride = if b == 0 { unit.stride } else { 1 };
            let expand = subnet.expands.get(slot + b).copied().unwrap_or(1);
            let hidden = (in_ch * expand).clamp(1, (in_ch * max_expand).max(1));
            let k = effective_kernel(&config.kernel_sizes, subnet.kernels.get(slot + b).copied().unwrap_or(3));
            let oh = conv_out(h, k, stride);
            let co = unit.out_channels;
            out.push(Layer { macs: (h * h * hidden * in_ch) as u64, weights: hidden * in_ch, norm_channels: hidden });
            out.push(Layer { macs: (oh * oh * hidden * k * k) as u64, weights: hidden * k * k, norm_channels: hidden });
            if unit.use_se {
                let mid = se_mid(hidden);
                out.push(Layer { macs: (hidden * mid) as u64, weights: hidden * mid + mid, norm_channels: 0 });
                out.push(Layer { macs: (mid * hidden) as u64, weights: mid * hidden + hidden, norm_channels: 0 });
            }
            out.push(Layer { macs: (oh * oh * co * hidden) as u64, weights: co * hidden, norm_channels: co });
            h = oh;
            in_ch = co;
        }
        // A unit of depth 0 (never built) is skipped, as the supernet builds no blocks for it.
        slot += max_depth;
    }
    out.push(Layer {
        macs: (in_ch * config.num_classes) as u64,
        weights: in_ch * config.num_classes + config.num_classes,
        norm_channels: 0,
    });
    out
}

/// Multiply-accumulates of one forward pass of `subnet` on **one image**: convolutions
/// (`out_h · out_w · out_ch · in_ch_per_group · k²`) and the linear head (`in · out`); batch
/// norm, ReLU, pooling, residual additions and biases count as 0 (OFA's profiler convention).
pub fn subnet_macs(config: &OfaConfig, subnet: &SubnetConfig) -> u64 {
    layers(config, subnet).iter().map(|l| l.macs).sum()
}

/// Parameters of the extracted subnet, equal to `supernet.extract(subnet).num_params()`:
/// convolution weights (no biases), the head's weight and bias, and 4 values per batch-norm
/// channel (γ, β and the running mean and variance, all of which burn's `num_params` counts).
pub fn subnet_params(config: &OfaConfig, subnet: &SubnetConfig) -> usize {
    layers(config, subnet).iter().map(|l| l.weights + 4 * l.norm_channels).sum()
}

/// Trainable parameters of the extracted subnet: as [`subnet_params`] but with 2 values per
/// batch-norm channel (γ and β; the running statistics are not trained).
pub fn subnet_trainable_params(config: &OfaConfig, subnet: &SubnetConfig) -> usize {
    layers(config, subnet).iter().map(|l| l.weights + 2 * l.norm_channels).sum()
}

/// The label under which latencies on `device` are stored (its `Debug` form).
pub fn device_label(device: &Device) -> String {
    format!("{device:?}")
}

/// How a latency is measured: images per forward pass, untimed warm-up passes, timed passes
/// (the median is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencySettings {
    /// Images per forward pass (at least 1).
    pub batch: usize,
    /// Untimed passes first.
    pub warmup: usize,
    /// Timed passes (at least 1); their median is the latency.
    pub repeats: usize,
}

impl Default for LatencySettings {
    /// The search's setting: batch 1 (on-device latency as OFA and LINAS report it), 3 warm-up
    /// passes, the median of 9.
    fn default() -> Self {
        Self { batch: 1, warmup: 3, repeats: 9 }
    }
}

/// Median latency in milliseconds of a forward pass of `subnet` (extracted from `supernet`, in
/// evaluation mode, moved to `device`) on a batch of `settings.batch` images at the subnet's
/// resolution: `settings.warmup` untimed passes, then the median of `settings.repeats` timed
/// ones, each of which reads the output back to the host so that asynchronous backends finish
/// the work inside the timing. A batch or repeat count below 1 is treated as 1.
pub fn measure_latency(
    supernet: &OfaSupernet,
    subnet: &SubnetConfig,
    device: &Device,
    settings: &LatencySettings,
) -> f64 {
    let model = supernet.extract(subnet).valid().to_device(device);
    let r = model.resolution.max(1);
    let x = Tensor::<4>::ones([settings.batch.max(1), supernet.config.in_channels, r, r], device);
    median_time_ms(settings.warmup, settings.repeats, || {
        std::hint::black_box(model.forward(x.clone()).into_data());
    })
}

/// Errors reading or writing a [`LatencyTable`] file.
#[derive(Debug, Error)]
pub enum LatencyTableError {
    /// The file could not be read or written.
    #[error("latency table {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid latency table.
    #[error("latency table {path}: invalid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse or serialisation error.
        source: serde_json::Error,
    },
}

/// What a latency is measured for: a subnet encoding ([`SubnetConfig::encode`]), a device label
/// ([`device_label`]) and a batch size.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LatencyKey {
    /// The subnet's encoding.
    pub encoding: Vec<usize>,
    /// The device label.
    pub device: String,
    /// The batch size.
    pub batch: usize,
}

/// One row of the JSON file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LatencyEntry {
    #[serde(flatten)]
    key: LatencyKey,
    latency_ms: f64,
}

/// The JSON file: a list of entries (JSON maps need string keys).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct LatencyFile {
    entries: Vec<LatencyEntry>,
}

/// A latency lookup table (OFA §3.4): measured median latencies in milliseconds per
/// [`LatencyKey`], persisted as JSON, measured only on a cache miss.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyTable {
    entries: BTreeMap<LatencyKey, f64>,
}

impl LatencyTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a table from a JSON file; a missing file gives an empty table.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LatencyTableError> {
        let path = path.as_ref();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::new()),
            Err(source) => return Err(LatencyTableError::Io { path: path.to_path_buf(), source }),
        };
        let file: LatencyFile = serde_json::from_str(&text)
            .map_err(|source| LatencyTableError::Json { path: path.to_path_buf(), source })?;
        Ok(Self { entries: file.entries.into_iter().map(|e| (e.key, e.latency_ms)).collect() })
    }

    /// Saves the table as JSON (entries sorted by key), creating the parent folder if needed.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), LatencyTableError> {
        let path = path.as_ref();
        let io = |source| LatencyTableError::Io { path: path.to_path_buf(), source };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = LatencyFile {
            entries: self
                .entries
                .iter()
                .map(|(key, &latency_ms)| LatencyEntry { key: key.clone(), latency_ms })
                .collect(),
        };
        let text = serde_json::to_string_pretty(&file)
            .map_err(|source| LatencyTableError::Json { path: path.to_path_buf(), source })?;
        std::fs::write(path, text).map_err(io)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The stored latency (ms) of `encoding` on the device labelled `device` at `batch`.
    pub fn get(&self, encoding: &[usize], device: &str, batch: usize) -> Option<f64> {
        self.entries.get(&LatencyKey { encoding: encoding.to_vec(), device: device.to_string(), batch }).copied()
    }

    /// Stores a latency (ms), replacing any previous one for the same key.
    pub fn insert(&mut self, encoding: Vec<usize>, device: impl Into<String>, batch: usize, latency_ms: f64) {
        self.entries.insert(LatencyKey { encoding, device: device.into(), batch }, latency_ms);
    }

    /// Iterates over the entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&LatencyKey, f64)> {
        self.entries.iter().map(|(k, &v)| (k, v))
    }

    /// The latency (ms) of `subnet` on `device`: the stored one (keyed by
    /// `subnet.encode(&supernet.config)`, [`device_label`] and `settings.batch`) or, on a miss,
    /// one measured with [`measure_latency`] and stored.
    pub fn get_or_measure(
        &mut self,
        supernet: &OfaSupernet,
        subnet: &SubnetConfig,
        device: &Device,
        settings: &LatencySettings,
    ) -> f64 {
        let key = LatencyKey {
            encoding: subnet.encode(&supernet.config),
            device: device_label(device),
            batch: settings.batch,
        };
        if let Some(&ms) = self.entries.get(&key) {
            return ms;
        }
        let ms = measure_latency(supernet, subnet, device, settings);
        self.entries.insert(key, ms);
        ms
    }
}
