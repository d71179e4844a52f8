//! The 3-D BSP-Net shipped inside kiln-geom: what `kiln geom reconstruct` uses when no
//! checkpoint is given. Trained by `cargo xtask train bspnet` (the example
//! `examples/train_bspnet.rs`), which writes `weights/bspnet3d.bpk` and its training record
//! `weights/bspnet3d.bpk.json`.

use std::path::PathBuf;

use burn::module::Module;
use burn::prelude::Device;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use kiln_core::CoreError;

use super::config::BspNetConfig;
use super::model::BspNet;
use crate::error::{GeomError, Result};

/// The shipped model's architecture: [`BspNetConfig::small_3d`] at 32³ with `ef_dim = 6`
/// (about 307k parameters, 1.2 MB of weights).
pub fn shipped_config() -> BspNetConfig {
    BspNetConfig::small_3d(32).with_ef_dim(6)
}

/// The shipped weights (burnpack), embedded in the binary: no file, no download.
pub static SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../weights/bspnet3d.bpk");

/// The shipped model and its configuration ([`shipped_config`]).
///
/// # Errors
/// [`GeomError::Core`] (a checkpoint error) if the embedded weights do not match the
/// architecture.
pub fn load(device: &Device) -> Result<(BspNet, BspNetConfig)> {
    let config = shipped_config();
    let error = |e: String| {
        GeomError::Core(CoreError::Checkpoint { path: PathBuf::from("kiln-geom/weights/bspnet3d.bpk"), message: e })
    };
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(SHIPPED_WEIGHTS.to_vec()))
        .map_err(|e| error(format!("{e:?}")))?;
    let model = config.init(device).try_load_record(record).map_err(|e| error(format!("{e:?}")))?;
    Ok((model, config))
}
