//! The counting allocator checked against the kernel: one RevCol training step in a fresh
//! child process (this program, re-run with [`CHILD_ENV`] set), whose peak resident set
//! (`VmHWM` in `/proc/self/status`) grows by the step's peak over the resident set before it.

use std::process::Command;

use burn::prelude::Device;

use crate::revcol::{Backward, step_peak};

/// Set to `columns:reversible` or `columns:plain`, the program measures that one step and exits.
pub const CHILD_ENV: &str = "KILN_REVCOL_RSS";

/// A `/proc/self/status` field (`VmRSS`, `VmHWM`) in bytes; `None` off Linux.
pub fn status_bytes(field: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    let kb: usize = line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// The child's work: the first (not warmed-up) gradients call of `spec`, printed as
/// `counted_bytes rss_growth_bytes` (`-` when the kernel's figure is unavailable).
pub fn child(spec: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (columns, mode) = spec.split_once(':').ok_or_else(|| format!("{CHILD_ENV}={spec}: expected columns:mode"))?;
    let columns: usize = columns.parse()?;
    let backward = match mode {
        "reversible" => Backward::Reversible,
        "plain" => Backward::Plain,
        other => return Err(format!("{CHILD_ENV}: unknown mode {other}").into()),
    };
    let step = step_peak(columns, backward, 64, 0, &Device::flex(), false)?;
    let rss = step.rss_growth.map_or_else(|| "-".to_string(), |b| b.to_string());
    println!("{} {rss}", step.peak);
    Ok(())
}

/// One child per `(columns, mode)`: the counter's peak and the resident-set growth, in bytes.
pub fn measure(columns: usize, mode: &str) -> Result<(usize, Option<usize>), Box<dyn std::error::Error>> {
    let out = Command::new(std::env::current_exe()?).env(CHILD_ENV, format!("{columns}:{mode}")).output()?;
    if !out.status.success() {
        return Err(format!("child {columns}:{mode} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let counted: usize = fields.next().ok_or("child printed nothing")?.parse()?;
    let rss = fields.next().and_then(|f| f.parse().ok());
    Ok((counted, rss))
}
