//! `kiln graph train` and `kiln graph link` on files the tests write: the run directory of
//! `kiln train`, a halted run resumed to the same result as an uninterrupted one, `kiln eval` on
//! the run, and malformed files reported with file and line.

use std::path::Path;
use std::process::Output;

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln, line_count, read_summary, stdout, test_lines};
use crate::graph_files::{LABELS, write_edges, write_linqs};

/// `kiln graph <command> --data <data> --out <out>` on flex with `extra` flags.
pub fn graph(command: &str, data: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["graph", command, "--data", data, "--device", "flex", "--quiet", "--out", arg(out)];
    args.extend(extra);
    kiln(&args)
}

/// Runs `command` halted after `halt` epochs and resumed, and uninterrupted in another
/// directory; both must print the same test results, and `kiln eval` on the resumed run too.
/// Returns the resumed run's directory inside `scratch`.
fn halt_resume_and_eval(
    scratch: &Scratch,
    command: &str,
    data: &str,
    flags: &[&str],
    halt: &str,
) -> std::path::PathBuf {
    let (resumed, straight) = (scratch.path().join("resumed"), scratch.path().join("straight"));
    let halted_flags = [flags, &["--halt-after-epochs", halt]].concat();
    let halted = assert_succeeds(&graph(command, data, &resumed, &halted_flags));
    assert!(halted.contains(&format!("halted after {halt} epochs")), "{halted}");
    assert_eq!(line_count(&resumed.join("metrics.jsonl")), halt.parse::<usize>().unwrap());
    assert!(!resumed.join("model.bpk").exists(), "a halted run has no final weights");
    assert!(!read_summary(&resumed).report.completed);

    let finished = graph(command, data, &resumed, &[flags, &["--resume"]].concat());
    assert_succeeds(&finished);
    assert!(read_summary(&resumed).report.completed);
    assert!(resumed.join("model.bpk").exists() && resumed.join("config.json").exists());
    let uninterrupted = graph(command, data, &straight, flags);
    assert_succeeds(&uninterrupted);
    assert!(!test_lines(&finished).is_empty(), "{}", stdout(&finished));
    assert_eq!(test_lines(&finished), test_lines(&uninterrupted), "resumed and uninterrupted runs differ");

    let evaluated = kiln(&["eval", "--checkpoint", arg(&resumed), "--device", "flex"]);
    assert_succeeds(&evaluated);
    assert_eq!(test_lines(&evaluated), test_lines(&finished), "eval differs from training");
    resumed
}

#[test]
fn graph_train_resumes_a_halted_run_and_eval_reproduces_it() {
    let scratch = Scratch::new("graph-train");
    let content = write_linqs(scratch.path(), "papers");
    let data = format!("linqs:{}", content.display());
    let flags = ["--model", "gcn", "--epochs", "30", "--hidden", "8"];
    let run = halt_resume_and_eval(&scratch, "train", &data, &flags, "12");
    assert_eq!(line_count(&run.join("metrics.jsonl")), 30);

    // config.json names the model, its typed config and the labels.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["options"]["model"], "gcn");
    assert_eq!(config["options"]["task"]["task"], "node");
    assert_eq!(config["config"]["kind"], "Gcn");
    assert_eq!(config["config"]["input"], 6);
    assert_eq!(config["data"]["labels"], serde_json::json!(LABELS));

    // The data changed since training: eval says so instead of scoring other nodes.
    let mut text = std::fs::read_to_string(&content).unwrap();
    text.push_str("p99\t1\t0\t0\t0\t0\t0\tTheory\n");
    std::fs::write(&content, text).unwrap();
    let err = assert_fails(&kiln(&["eval", "--checkpoint", arg(&run), "--device", "flex"]));
    assert!(err.contains("changed since training"), "{err}");
}

#[test]
fn every_node_classifier_trains_and_evaluates() {
    let scratch = Scratch::new("graph-models");
    let data = format!("linqs:{}", write_linqs(scratch.path(), "papers").display());
    for model in ["gcn", "sage", "gat", "gin"] {
        let out = scratch.path().join(model);
        let trained = graph("train", &data, &out, &["--model", model, "--epochs", "3", "--per-class", "4"]);
        let text = assert_succeeds(&trained);
        assert!(text.contains("test accuracy:"), "{model}: {text}");
        let evaluated = kiln(&["eval", "--checkpoint", arg(&out), "--device", "flex"]);
        assert_succeeds(&evaluated);
        assert_eq!(test_lines(&evaluated), test_lines(&trained), "{model}");
    }
}

#[test]
fn graph_link_resumes_a_halted_run_and_reports_ranking_metrics() {
    let scratch = Scratch::new("graph-link");
    let data = format!("edges:{}", write_edges(scratch.path()).display());
    let flags =
        ["--model", "ncn", "--epochs", "4", "--batch-size", "16", "--hidden", "16", "--features", "8", "--k", "5"];
    let run = halt_resume_and_eval(&scratch, "link", &data, &flags, "2");
    let summary = read_summary(&run);
    for metric in ["hits@5", "mrr", "auc"] {
        let value = summary.metrics.get(metric).copied().unwrap_or(f64::NAN);
        assert!((0.0..=1.0).contains(&value), "{metric} = {value}");
    }
    let config = std::fs::read_to_string(run.join("config.json")).unwrap();
    assert!(config.contains("\"random\""), "the featureless edge list gets random features: {config}");
}

#[test]
fn ncnc_trains_on_an_edge_list() {
    let scratch = Scratch::new("graph-ncnc");
    let data = format!("edges:{}", write_edges(scratch.path()).display());
    let out = scratch.path().join("run");
    let flags = ["--model", "ncnc", "--epochs", "1", "--batch-size", "32", "--hidden", "8", "--features", "4"];
    let text = assert_succeeds(&graph("link", &data, &out, &flags));
    assert!(text.contains("test mrr:"), "{text}");
}

#[test]
fn malformed_graph_files_name_file_and_line() {
    let scratch = Scratch::new("graph-malformed");
    let out = scratch.path().join("run");
    let content = write_linqs(scratch.path(), "papers");
    let data = format!("linqs:{}", content.display());
    let named = |err: &str, path: &Path, line: usize| {
        assert!(
            err.contains(&format!("{}:{line}:", path.display())),
            "{} line {line} not named:\n{err}",
            path.display()
        );
    };

    // A word that is not a number on line 3 of the .content file.
    let text = std::fs::read_to_string(&content).unwrap();
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 2 { l.replacen("\t0\t", "\tzero\t", 1) } else { l.into() })
        .collect();
    std::fs::write(&content, broken.join("\n")).unwrap();
    let err = assert_fails(&graph("train", &data, &out, &[]));
    named(&err, &content, 3);
    assert!(err.contains("`zero`"), "{err}");
    std::fs::write(&content, text).unwrap();

    // A citation of a paper that is not in the .content file.
    let cites = content.with_extension("cites");
    let mut text = std::fs::read_to_string(&cites).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("p0\tp404\n");
    std::fs::write(&cites, text).unwrap();
    let err = assert_fails(&graph("train", &data, &out, &[]));
    named(&err, &cites, line);
    assert!(err.contains("p404"), "{err}");

    // No .cites beside the .content file.
    std::fs::remove_file(&cites).unwrap();
    let err = assert_fails(&graph("link", &data, &out, &[]));
    assert!(err.contains(&cites.display().to_string()), "{err}");

    // An edge list with a ragged row and one with an id that is not a number.
    let edges = scratch.path().join("bad-edges.txt");
    std::fs::write(&edges, "0 1\n1 2 3 4\n").unwrap();
    let err = assert_fails(&graph("link", &format!("edges:{}", edges.display()), &out, &[]));
    named(&err, &edges, 2);
    std::fs::write(&edges, "0 1\n1 two\n").unwrap();
    let err = assert_fails(&graph("link", &format!("edges:{}", edges.display()), &out, &[]));
    named(&err, &edges, 2);
    assert!(err.contains("`two`"), "{err}");

    // Node classification needs features and labels: an edge list is refused.
    let err = assert_fails(&graph("train", &format!("edges:{}", write_edges(scratch.path()).display()), &out, &[]));
    assert!(err.contains("linqs:"), "{err}");
    assert!(!out.join("checkpoint").exists(), "nothing was trained");
}
