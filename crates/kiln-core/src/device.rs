//! Device selection: the one place in Kiln that knows burn's backend features.
//!
//! A [`DeviceSpec`] is parsed from `auto | cpu | flex | ndarray | wgpu[:N] | cuda[:N]`, from a
//! `--device` flag or the `KILN_DEVICE` environment variable. [`select`] turns it into a burn
//! [`Device`]. `auto` picks a compiled-in GPU backend only when a real GPU adapter is present
//! (software adapters such as Mesa's lavapipe do not count) and flex otherwise; unlike burn's
//! own `Device::default()`, which prefers wgpu whenever it is compiled, even with no GPU.

use std::fmt;
use std::str::FromStr;

use burn::prelude::Device;

use crate::error::{CoreError, Result};

/// The environment variable read by [`DeviceSpec::from_env`].
pub const DEVICE_ENV: &str = "KILN_DEVICE";

/// Which backend and device to run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceSpec {
    /// A present GPU if a GPU backend is compiled in, otherwise flex.
    #[default]
    Auto,
    /// burn's pure-Rust CPU backend (`cpu` is an alias).
    Flex,
    /// burn's deprecated ndarray CPU backend (feature `ndarray`).
    NdArray,
    /// A wgpu adapter (feature `wgpu`); `None` lets wgpu choose, which may be a software adapter.
    Wgpu(Option<usize>),
    /// A CUDA GPU (feature `cuda`).
    Cuda(Option<usize>),
}

impl DeviceSpec {
    /// Reads `KILN_DEVICE`; `auto` when unset or empty.
    pub fn from_env() -> Result<Self> {
        match std::env::var(DEVICE_ENV) {
            Ok(value) if !value.trim().is_empty() => value.parse(),
            _ => Ok(Self::Auto),
        }
    }

    /// The cargo feature that compiles this backend in (`None` for `auto`).
    pub fn feature(&self) -> Option<&'static str> {
        match self {
            Self::Auto => None,
            Self::Flex => Some("flex"),
            Self::NdArray => Some("ndarray"),
            Self::Wgpu(_) => Some("wgpu"),
            Self::Cuda(_) => Some("cuda"),
        }
    }

    /// Whether this backend is compiled into the current build.
    pub fn is_compiled(&self) -> bool {
        match self {
            Self::Auto => true,
            Self::Flex => cfg!(feature = "flex"),
            Self::NdArray => cfg!(feature = "ndarray"),
            Self::Wgpu(_) => cfg!(feature = "wgpu"),
            Self::Cuda(_) => cfg!(feature = "cuda"),
        }
    }
}

impl FromStr for DeviceSpec {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        let (name, index) = match s.split_once(':') {
            Some((name, index)) => {
                let index = index.parse::<usize>().map_err(|_| CoreError::UnknownDevice(s.clone()))?;
                (name, Some(index))
            }
            None => (s.as_str(), None),
        };
        match (name, index) {
            ("auto", None) => Ok(Self::Auto),
            ("cpu" | "flex", None) => Ok(Self::Flex),
            ("ndarray", None) => Ok(Self::NdArray),
            ("wgpu", index) => Ok(Self::Wgpu(index)),
            ("cuda", index) => Ok(Self::Cuda(index)),
            _ => Err(CoreError::UnknownDevice(s.clone())),
        }
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auto => write!(f, "auto"),
            Self::Flex => write!(f, "flex"),
            Self::NdArray => write!(f, "ndarray"),
            Self::Wgpu(None) => write!(f, "wgpu"),
            Self::Wgpu(Some(i)) => write!(f, "wgpu:{i}"),
            Self::Cuda(None) => write!(f, "cuda"),
            Self::Cuda(Some(i)) => write!(f, "cuda:{i}"),
        }
    }
}

/// What `kiln devices` reports for one backend.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    /// Backend name as accepted by [`DeviceSpec`].
    pub backend: &'static str,
    /// Compiled into this build.
    pub compiled: bool,
    /// Number of hardware devices found (CPU backends report 1; software GPU adapters are not
    /// counted).
    pub present: usize,
}

/// Every backend Kiln knows, whether it is compiled in and how many devices it found.
pub fn available() -> Vec<DeviceInfo> {
    vec![
        DeviceInfo { backend: "flex", compiled: cfg!(feature = "flex"), present: usize::from(cfg!(feature = "flex")) },
        DeviceInfo {
            backend: "ndarray",
            compiled: cfg!(feature = "ndarray"),
            present: usize::from(cfg!(feature = "ndarray")),
        },
        DeviceInfo { backend: "wgpu", compiled: cfg!(feature = "wgpu"), present: gpu_count(DeviceSpec::Wgpu(None)) },
        DeviceInfo { backend: "cuda", compiled: cfg!(feature = "cuda"), present: gpu_count(DeviceSpec::Cuda(None)) },
    ]
}

/// Number of hardware GPUs a compiled GPU backend can reach (0 when not compiled).
fn gpu_count(spec: DeviceSpec) -> usize {
    gpu_devices(spec).len()
}

#[allow(unused_variables)]
fn gpu_devices(spec: DeviceSpec) -> Vec<Device> {
    match spec {
        #[cfg(feature = "wgpu")]
        DeviceSpec::Wgpu(_) => Device::enumerate(burn::tensor::DeviceType::Wgpu).into_iter().collect(),
        #[cfg(feature = "cuda")]
        DeviceSpec::Cuda(_) => Device::enumerate(burn::tensor::DeviceType::Cuda).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Turns a [`DeviceSpec`] into a burn [`Device`] (without autodiff).
///
/// Errors when the backend is not compiled in (naming the feature to enable) or when a GPU
/// index is out of range.
pub fn select(spec: DeviceSpec) -> Result<Device> {
    if let Some(feature) = spec.feature()
        && !spec.is_compiled()
    {
        return Err(CoreError::BackendNotCompiled { device: spec.to_string(), feature });
    }
    match spec {
        DeviceSpec::Auto => Ok(auto()),
        DeviceSpec::Flex => flex(),
        DeviceSpec::NdArray => ndarray(),
        DeviceSpec::Wgpu(None) => wgpu_default(),
        DeviceSpec::Wgpu(Some(i)) | DeviceSpec::Cuda(Some(i)) => {
            let devices = gpu_devices(spec);
            let found = devices.len();
            devices.into_iter().nth(i).ok_or(CoreError::DeviceNotPresent { device: spec.to_string(), found })
        }
        DeviceSpec::Cuda(None) => gpu_devices(spec)
            .into_iter()
            .next()
            .ok_or(CoreError::DeviceNotPresent { device: spec.to_string(), found: 0 }),
    }
}

/// Parses `text` (or `KILN_DEVICE` when `None`) and selects the device.
pub fn select_str(text: Option<&str>) -> Result<Device> {
    let spec = match text {
        Some(text) => text.parse()?,
        None => DeviceSpec::from_env()?,
    };
    select(spec)
}

/// The `auto` choice: CUDA, then a hardware wgpu adapter, then flex (then ndarray).
fn auto() -> Device {
    for spec in [DeviceSpec::Cuda(None), DeviceSpec::Wgpu(None)] {
        if let Some(device) = gpu_devices(spec).into_iter().next() {
            return device;
        }
    }
    flex().or_else(|_| ndarray()).or_else(|_| wgpu_default()).unwrap_or_default()
}

fn flex() -> Result<Device> {
    #[cfg(feature = "flex")]
    return Ok(Device::flex());
    #[allow(unreachable_code)]
    Err(CoreError::BackendNotCompiled { device: "flex".into(), feature: "flex" })
}

fn wgpu_default() -> Result<Device> {
    #[cfg(feature = "wgpu")]
    return Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice));
    #[allow(unreachable_code)]
    Err(CoreError::BackendNotCompiled { device: "wgpu".into(), feature: "wgpu" })
}

/// The deprecated ndarray backend; the one place its deprecation warning is silenced.
#[allow(deprecated)]
fn ndarray() -> Result<Device> {
    #[cfg(feature = "ndarray")]
    return Ok(Device::ndarray());
    #[allow(unreachable_code)]
    Err(CoreError::BackendNotCompiled { device: "ndarray".into(), feature: "ndarray" })
}

/// Every compiled device a test should run on: flex and ndarray when compiled, wgpu's default
/// adapter (a software one is fine for tests) and the first CUDA GPU when present.
pub fn compiled_devices() -> Vec<(DeviceSpec, Device)> {
    let mut out = Vec::new();
    for spec in [DeviceSpec::Flex, DeviceSpec::NdArray, DeviceSpec::Wgpu(None), DeviceSpec::Cuda(None)] {
        if spec.is_compiled()
            && let Ok(device) = select(spec)
        {
            out.push((spec, device));
        }
    }
    out
}

/// Frees what burn's autodiff graph still holds of forward passes on `device`'s autodiff
/// version that were never back-propagated.
///
/// burn 0.22 registers every operation of an autodiff device in its graph, untracked ones
/// included (so that a later tracked operation can still reach an untracked parent), and sweeps
/// the entries whose tensors are gone only at the end of a backward pass. A loop of
/// forward-only passes on an autodiff device, such as batch-norm recalibration (training-mode
/// statistics need the autodiff device), therefore grows without bound: about 4 MB per
/// recalibration of the digits OFA supernet, measured. This runs a one-element backward, whose
/// end-of-pass sweep releases every orphaned entry; live tensors are not touched.
pub fn sweep_autodiff_graph(device: &Device) {
    use burn::prelude::Tensor;
    let autodiff = device.clone().autodiff();
    let probe = Tensor::<1>::zeros([1], &autodiff).require_grad();
    let _ = probe.sum().backward();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        for text in ["auto", "flex", "ndarray", "wgpu", "wgpu:1", "cuda", "cuda:0"] {
            let spec: DeviceSpec = text.parse().unwrap();
            assert_eq!(spec.to_string(), text);
        }
        assert_eq!("CPU".parse::<DeviceSpec>().unwrap(), DeviceSpec::Flex);
        assert_eq!(" cuda:3 ".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cuda(Some(3)));
    }

    #[test]
    fn rejects_unknown_devices() {
        for text in ["", "tpu", "wgpu:x", "flex:1", "cuda:-1"] {
            assert!(matches!(text.parse::<DeviceSpec>(), Err(CoreError::UnknownDevice(_))), "{text}");
        }
    }

    #[test]
    fn missing_backend_names_its_feature() {
        let missing = [DeviceSpec::NdArray, DeviceSpec::Wgpu(None), DeviceSpec::Cuda(None)]
            .into_iter()
            .find(|spec| !spec.is_compiled());
        if let Some(spec) = missing {
            let err = select(spec).unwrap_err();
            let feature = spec.feature().unwrap();
            assert!(err.to_string().contains(&format!("--features {feature}")), "{err}");
        }
    }

    #[test]
    fn auto_selects_something() {
        let device = select(DeviceSpec::Auto).unwrap();
        assert!(!device.is_autodiff());
    }
}
