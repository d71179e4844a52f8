//! Data kept on a device across epochs: a full-batch source builds its tensors once per device
//! and hands out clones afterwards (a burn tensor clone shares the device buffer), instead of
//! uploading the same host vectors again every epoch.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use burn::prelude::Device;

/// A value built once per device and cloned on every later request for that device.
///
/// Devices are told apart by hardware identity, autodiff and gradient checkpointing: burn's
/// `Device` equality ignores autodiff, but tensors built for an autodiff device (training) are
/// not the tensors of the plain device (evaluation), so a source used for both keeps one entry
/// for each. A different device builds its own entry; nothing is ever evicted.
///
/// Cloning a cache gives an empty one: a cloned source, whose fields may then change, builds its
/// own tensors.
///
/// ```ignore
/// let batch = self.cache.get_or_try_build(device, || self.build(device))?;
/// ```
pub struct DeviceCache<T> {
    entries: Mutex<Vec<(Device, T)>>,
}

/// `a` and `b` are the same device in the same autodiff context.
fn same_context(a: &Device, b: &Device) -> bool {
    a == b && a.gradient_checkpointing_strategy() == b.gradient_checkpointing_strategy()
}

impl<T: Clone> DeviceCache<T> {
    /// An empty cache.
    pub fn new() -> Self {
        Self { entries: Mutex::new(Vec::new()) }
    }

    /// The value for `device`: built by `build` on the first request for that device (an error
    /// is returned and nothing is stored, so a later request tries again), a clone of the stored
    /// value afterwards. Concurrent requests wait for one build.
    ///
    /// # Errors
    /// The error of `build`.
    pub fn get_or_try_build<E>(&self, device: &Device, build: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        // A build that panicked stored nothing, so the entries behind a poisoned lock are whole.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, value)) = entries.iter().find(|(d, _)| same_context(d, device)) {
            return Ok(value.clone());
        }
        let value = build()?;
        entries.push((device.clone(), value.clone()));
        Ok(value)
    }

    /// [`Self::get_or_try_build`] with a build that cannot fail.
    pub fn get_or_build(&self, device: &Device, build: impl FnOnce() -> T) -> T {
        match self.get_or_try_build(device, || Ok::<T, std::convert::Infallible>(build())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Devices with a stored value.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// `true` while nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every stored value (the next request builds again).
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

impl<T: Clone> Default for DeviceCache<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Clone for DeviceCache<T> {
    /// An empty cache (see the type's documentation).
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for DeviceCache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let devices: Vec<String> =
            self.entries.lock().unwrap_or_else(PoisonError::into_inner).iter().map(|(d, _)| format!("{d:?}")).collect();
        f.debug_struct("DeviceCache").field("devices", &devices).finish()
    }
}
