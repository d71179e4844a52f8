//! The arguments every reproduce program accepts, parsed one way.
//!
//! `cargo xtask reproduce <family> [ARGS...]` runs the family's example with
//! `docs/results ARGS...`:
//!
//! ```text
//! [OUT_DIR] [--quick] [--seeds N | --seeds A,B,...] [--NAME VALUE ...]
//! ```
//! `OUT_DIR` (default `docs/results`) receives `<family>.md` and its pictures; `--quick` runs a
//! smaller experiment to check the pipeline; `--seeds 3` means seeds 0, 1, 2 and `--seeds 4,7`
//! exactly those; `--NAME VALUE` are the program's own options (`--weights FILE`). Both
//! `--name value` and `--name=value` are accepted.

use std::path::PathBuf;

/// Where results pages go unless the command line says otherwise.
pub const DEFAULT_OUT_DIR: &str = "docs/results";

/// What a reproduce program accepts beyond `[OUT_DIR] [--quick]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accepts<'a> {
    /// Whether `--seeds` is accepted (a program that runs one fixed configuration rejects it).
    pub seeds: bool,
    /// The program's own options, each taking a value, by name without the dashes.
    pub options: &'a [&'a str],
}

impl Accepts<'static> {
    /// `[OUT_DIR] [--quick]` only.
    pub const NOTHING_ELSE: Self = Self { seeds: false, options: &[] };
    /// `[OUT_DIR] [--quick] [--seeds ...]`.
    pub const SEEDS: Self = Self { seeds: true, options: &[] };
}

impl Accepts<'_> {
    fn usage(&self) -> String {
        let mut usage = String::from("[OUT_DIR] [--quick]");
        if self.seeds {
            usage.push_str(" [--seeds N | --seeds A,B,...]");
        }
        for name in self.options {
            usage.push_str(&format!(" [--{name} VALUE]"));
        }
        usage
    }
}

/// A command line a reproduce program cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    /// A `--flag` the program does not accept.
    #[error("unknown option `{flag}`; accepted: {usage}")]
    UnknownOption {
        /// The flag as given.
        flag: String,
        /// What the program accepts.
        usage: String,
    },
    /// An option given without its value.
    #[error("`--{0}` needs a value")]
    MissingValue(String),
    /// `--seeds` is neither a positive count nor a comma-separated list of seeds.
    #[error("`--seeds {0}`: expected a count (`--seeds 3` for 0, 1, 2) or a list (`--seeds 4,7`)")]
    InvalidSeeds(String),
    /// A second positional argument, or an `OUT_DIR` that names a file.
    #[error("unexpected argument `{arg}`: {reason}")]
    Unexpected {
        /// The argument.
        arg: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// The parsed command line of a reproduce program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentArgs {
    /// Directory of the results page and its pictures.
    pub out_dir: PathBuf,
    /// `--quick`: a smaller run that checks the pipeline, not one to report.
    pub quick: bool,
    /// `--seeds`: the seeds given on the command line, replacing the program's own.
    pub seeds: Option<Vec<u64>>,
    /// The program's own options in the order given, as `(name, value)`.
    pub options: Vec<(String, String)>,
    /// Every argument but `OUT_DIR`, as given (the page's provenance line repeats them).
    pub flags: Vec<String>,
}

impl Default for ExperimentArgs {
    fn default() -> Self {
        Self {
            out_dir: PathBuf::from(DEFAULT_OUT_DIR),
            quick: false,
            seeds: None,
            options: Vec::new(),
            flags: Vec::new(),
        }
    }
}

impl ExperimentArgs {
    /// Parses the process's arguments (without the program name).
    pub fn from_env(accepts: &Accepts<'_>) -> Result<Self, ArgsError> {
        Self::parse(std::env::args().skip(1), accepts)
    }

    /// Parses `args` (without the program name).
    pub fn parse<I, S>(args: I, accepts: &Accepts<'_>) -> Result<Self, ArgsError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut parsed = Self::default();
        let mut out_dir: Option<String> = None;
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let Some(flag) = arg.strip_prefix("--") else {
                if let Some(first) = &out_dir {
                    return Err(ArgsError::Unexpected {
                        arg,
                        reason: format!("the output directory is already `{first}`"),
                    });
                }
                if arg.ends_with(".md") {
                    return Err(ArgsError::Unexpected {
                        arg,
                        reason: "expected the output directory; the page is named after the family".into(),
                    });
                }
                out_dir = Some(arg);
                continue;
            };
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (flag.to_string(), None),
            };
            let takes_value = (name == "seeds" && accepts.seeds) || accepts.options.contains(&name.as_str());
            if name == "quick" && inline.is_none() {
                parsed.quick = true;
                parsed.flags.push(arg);
                continue;
            }
            if !takes_value {
                return Err(ArgsError::UnknownOption { flag: arg, usage: accepts.usage() });
            }
            let value = match inline {
                Some(value) => value,
                None => args.next().filter(|v| !v.starts_with("--")).ok_or(ArgsError::MissingValue(name.clone()))?,
            };
            parsed.flags.extend([format!("--{name}"), value.clone()]);
            if name == "seeds" {
                parsed.seeds = Some(parse_seeds(&value)?);
            } else {
                parsed.options.push((name, value));
            }
        }
        if let Some(dir) = out_dir {
            parsed.out_dir = PathBuf::from(dir);
        }
        Ok(parsed)
    }

    /// The seeds to run: those of `--seeds` when given, else the first of `full` under
    /// `--quick`, else `full`.
    pub fn seeds(&self, full: &[u64]) -> Vec<u64> {
        match (&self.seeds, self.quick) {
            (Some(seeds), _) => seeds.clone(),
            (None, true) => full.iter().take(1).copied().collect(),
            (None, false) => full.to_vec(),
        }
    }

    /// The value of the program's own option `name` (the last one when given twice).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `3` → `[0, 1, 2]`; `4,7` → `[4, 7]`.
fn parse_seeds(text: &str) -> Result<Vec<u64>, ArgsError> {
    let invalid = || ArgsError::InvalidSeeds(text.to_string());
    if text.contains(',') {
        let seeds: Vec<u64> =
            text.split(',').map(|s| s.trim().parse::<u64>().map_err(|_| invalid())).collect::<Result<_, _>>()?;
        return Ok(seeds);
    }
    match text.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok((0..n).collect()),
        _ => Err(invalid()),
    }
}
