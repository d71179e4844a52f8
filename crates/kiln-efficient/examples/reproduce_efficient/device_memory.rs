//! Device memory of one RevCol training step on an accelerator (CUDA, or a hardware wgpu
//! adapter), when the program is built with that backend's feature and one is present: the
//! allocator's `bytes_reserved` (`kiln_efficient::memory::device_memory`, burn's
//! `Device::memory_pool_usage()`) after one gradients call, in a fresh child process per
//! configuration so no earlier run's pages are held.

use std::process::Command;

use burn::prelude::Device;
use kiln_core::device::{DeviceSpec, select};
use kiln_core::experiment::{ResultsPage, Table};
use kiln_efficient::memory::device_memory;

use crate::revcol::{Backward, step_peak};

/// Set to `columns:reversible|plain|checkpointed`, the program measures that step on the
/// accelerator and exits.
pub const CHILD_ENV: &str = "KILN_REVCOL_DEVICE_MEMORY";

const MB: f64 = 1024.0 * 1024.0;

/// Images per measured step (the full run's batch).
const BATCH: usize = 64;

/// The device `auto` selects, when it reports its allocator (flex does not).
pub fn accelerator() -> Option<Device> {
    let device = select(DeviceSpec::Auto).ok()?;
    device_memory(&device).map(|_| device)
}

fn backward(mode: &str) -> Result<Backward, String> {
    match mode {
        "reversible" => Ok(Backward::Reversible),
        "plain" => Ok(Backward::Plain),
        "checkpointed" => Ok(Backward::Checkpointed),
        other => Err(format!("{CHILD_ENV}: unknown mode {other}")),
    }
}

/// The child's work: one gradients call of `spec` on the accelerator, printed as
/// `reserved_before reserved_after` in bytes.
pub fn child(spec: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (columns, mode) = spec.split_once(':').ok_or_else(|| format!("{CHILD_ENV}={spec}: expected columns:mode"))?;
    let device = accelerator().ok_or("no accelerator that reports its memory")?;
    let before = device_memory(&device).ok_or("the accelerator stopped reporting")?;
    step_peak(columns.parse()?, backward(mode)?, BATCH, 0, &device, false)?;
    let after = device_memory(&device).ok_or("the accelerator stopped reporting")?;
    println!("{} {}", before.reserved, after.reserved);
    Ok(())
}

fn measure(columns: usize, mode: &str) -> Result<(u64, u64), Box<dyn std::error::Error>> {
    let out = Command::new(std::env::current_exe()?).env(CHILD_ENV, format!("{columns}:{mode}")).output()?;
    if !out.status.success() {
        return Err(format!("child {columns}:{mode} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(str::parse::<u64>);
    match (fields.next(), fields.next()) {
        (Some(Ok(before)), Some(Ok(after))) => Ok((before, after)),
        _ => Err(format!("child {columns}:{mode} printed `{text}`").into()),
    }
}

/// Adds the section: the table on an accelerator, otherwise how to get it.
pub fn section(page: &mut ResultsPage, columns: &[usize]) -> Result<(), Box<dyn std::error::Error>> {
    let Some(device) = accelerator() else {
        page.paragraph(
            "Device memory (GPU): not measured here, no accelerator that reports its allocator is present \
             (this run used flex, whose heap the tables above count). On a machine with a GPU, \
             `cargo run --release -p kiln-efficient --features cuda --example reproduce_efficient -- docs/results` \
             (or `--features wgpu` with a hardware adapter) adds the allocator's reserved bytes after one step per \
             configuration here.",
        );
        return Ok(());
    };
    let mut table = Table::new(["columns", "backward", "reserved before (MB)", "reserved after one step (MB)"]);
    for &n in columns {
        for mode in ["reversible", "plain", "checkpointed"] {
            let (before, after) = measure(n, mode)?;
            table.row([
                n.to_string(),
                mode.to_string(),
                format!("{:.1}", before as f64 / MB),
                format!("{:.1}", after as f64 / MB),
            ]);
        }
    }
    page.paragraph(&format!(
        "Device memory on {device:?}: the allocator's `bytes_reserved` (burn's `Device::memory_pool_usage()`, \
         pages held for reuse included) before and after one not-warmed-up gradients call with batch {BATCH}, \
         each row in a fresh child process."
    ));
    page.table(&table);
    Ok(())
}
