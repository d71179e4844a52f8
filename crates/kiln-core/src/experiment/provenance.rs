//! What a results page was made from and on: commit, machine, date.

use std::fmt;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The commit, machine and date behind a results page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// `git rev-parse --short HEAD` in the working directory (`None` outside a checkout).
    pub commit: Option<String>,
    /// Whether tracked files differed from the commit.
    pub dirty: bool,
    /// CPU threads available to the process.
    pub threads: usize,
    /// `RAYON_NUM_THREADS` when set (the flex backend's thread pool).
    pub rayon_threads: Option<String>,
    /// The CPU model (Linux's `/proc/cpuinfo`), when known.
    pub cpu: Option<String>,
    /// Operating system and architecture, e.g. `linux x86_64`.
    pub os: String,
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl Provenance {
    /// Collects the provenance of the current process and working directory.
    pub fn collect() -> Self {
        let git = |args: &[&str]| {
            Command::new("git")
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self {
            commit: git(&["rev-parse", "--short", "HEAD"]).filter(|c| !c.is_empty()),
            dirty: git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty()),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            rayon_threads: std::env::var("RAYON_NUM_THREADS").ok(),
            cpu: cpu_model(Path::new("/proc/cpuinfo")),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            date: utc_date(seconds),
        }
    }

    /// The machine part of the line: `2 CPU threads (RAYON_NUM_THREADS=1, AMD EPYC 7B13), linux
    /// x86_64`.
    pub fn machine(&self) -> String {
        let mut details: Vec<String> = Vec::new();
        if let Some(r) = &self.rayon_threads {
            details.push(format!("RAYON_NUM_THREADS={r}"));
        }
        if let Some(cpu) = &self.cpu {
            details.push(cpu.clone());
        }
        let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join(", ")) };
        format!("{} CPU threads{details}, {}", self.threads, self.os)
    }
}

impl fmt::Display for Provenance {
    /// `commit `abc1234`, 2 CPU threads (…), linux x86_64, 2025-01-31`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.commit {
            Some(c) if self.dirty => write!(f, "commit `{c}` with uncommitted changes")?,
            Some(c) => write!(f, "commit `{c}`")?,
            None => f.write_str("no git commit")?,
        }
        write!(f, ", {}, {}", self.machine(), self.date)
    }
}

/// The first `model name` of a cpuinfo file.
fn cpu_model(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
}

/// `YYYY-MM-DD` of a Unix time (days to civil date, proleptic Gregorian calendar).
pub(crate) fn utc_date(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::utc_date;

    #[test]
    fn dates_of_known_days() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_735_689_599), "2024-12-31");
        assert_eq!(utc_date(1_735_689_600), "2025-01-01");
    }
}
