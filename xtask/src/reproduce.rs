//! `cargo xtask reproduce <family|all> [ARGS...]`: each family's experiments, written to
//! docs/results/.
//!
//! One rule for every family: the experiment is the example `reproduce_<family>` of the
//! family's crate (`crates/<crate>/examples/reproduce_<family>/main.rs` and its modules), run
//! here in release mode as `reproduce_<family> docs/results ARGS...` (a `-` in the family
//! name is `_` in the example name: `proto-robust` runs `reproduce_proto_robust`). It writes
//! `docs/results/<family>.md` and the pictures beside it through `kiln_core::experiment`, whose
//! `ExperimentArgs` defines ARGS (`--quick`, `--seeds N | --seeds A,B,...`, a family's own
//! options such as tabular's `--weights FILE`). The example runs with glibc's malloc told to
//! keep freed memory ([`MALLOC_ENV`]).

/// The families with an experiment, each with the crate whose example it is.
const FAMILIES: &[(&str, &str)] = &[
    ("digits", "kiln-data"),
    ("proto", "kiln-proto"),
    ("proto-robust", "kiln-proto"),
    ("nas", "kiln-nas"),
    ("nas-growth", "kiln-nas"),
    ("nas-train", "kiln-nas"),
    ("graph", "kiln-graph"),
    ("graph-hetero", "kiln-graph"),
    ("graph-apps", "kiln-graph"),
    ("geom", "kiln-geom"),
    ("geom-scenes", "kiln-geom"),
    ("tabular", "kiln-tabular"),
    ("proto-eval", "kiln-proto"),
    ("seq", "kiln-seq"),
    ("fed", "kiln-fed"),
    ("efficient", "kiln-efficient"),
    ("semi", "kiln-semi"),
];

/// Where the results pages go.
const RESULTS: &str = "docs/results";

/// glibc's malloc settings for the experiments (ignored by other C libraries): keep freed
/// memory in the process instead of handing large blocks back to the OS after every step and
/// page-faulting them in again (a ProtoPNet step 208 → 173 ms, the CNN's 63 → 53 ms on 2 cores;
/// `docs/bench-notes.md`). The `kiln` binary and the benchmark programs use mimalloc instead;
/// a variable the user has set wins.
const MALLOC_ENV: [(&str, &str); 3] = [
    ("MALLOC_MMAP_THRESHOLD_", "4294967296"),
    ("MALLOC_TRIM_THRESHOLD_", "4294967296"),
    ("MALLOC_TOP_PAD_", "268435456"),
];

/// Runs one family's experiment (or every one for `all`), passing `args` on.
pub fn run(family: &str, args: &[String]) -> Result<(), String> {
    if family == "all" {
        return FAMILIES.iter().try_for_each(|(f, _)| run(f, args));
    }
    let Some((_, package)) = FAMILIES.iter().find(|(f, _)| *f == family) else {
        let known: Vec<&str> = FAMILIES.iter().map(|(f, _)| *f).collect();
        return Err(format!("unknown family `{family}`; known: {} or all", known.join(", ")));
    };
    // A family name may hold `-` (proto-robust); example names use `_`.
    let example = format!("reproduce_{}", family.replace('-', "_"));
    let mut cargo = vec!["run", "--quiet", "--release", "--package", package, "--example", &example, "--", RESULTS];
    cargo.extend(args.iter().map(String::as_str));
    let env: Vec<(&str, &str)> = MALLOC_ENV.into_iter().filter(|(k, _)| std::env::var_os(k).is_none()).collect();
    crate::cargo_with_env(&cargo, &env)
}

/// `cargo xtask train tabpfn [CONFIG.json]`: trains the TabPFN checkpoint shipped in
/// crates/kiln-tabular/weights (release build; resumable with `--resume`).
/// `cargo xtask train bspnet [--quick]`: trains the 3-D BSP-Net shipped in
/// crates/kiln-geom/weights (release build, a few minutes).
pub fn train(what: &str, rest: &[String]) -> Result<(), String> {
    let (package, example) = match what {
        "tabpfn" => ("kiln-tabular", "train_tabpfn"),
        "bspnet" => ("kiln-geom", "train_bspnet"),
        other => return Err(format!("unknown model `{other}` to train; known: tabpfn, bspnet")),
    };
    let mut args = vec!["run", "--quiet", "--release", "--package", package, "--example", example, "--"];
    args.extend(rest.iter().map(String::as_str));
    crate::cargo(&args)
}
