//! `kiln fed`: FedAvg on the digits from the command line, its per-round log, and the typed
//! refusals of flags it cannot run.

use crate::common::{Scratch, assert_fails, assert_succeeds, kiln};

#[test]
fn fed_runs_rounds_and_logs_each() {
    let scratch = Scratch::new("fed");
    let out = scratch.path().join("run");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let args = ["fed", "--clients", "4", "--rounds", "3", "--alpha", "0.5", "--device", "flex", "--out", out_arg];
    let text = assert_succeeds(&kiln(&args));
    assert!(text.contains("rounds: 3"), "{text}");
    let accuracy = text
        .lines()
        .find_map(|l| l.strip_prefix("test accuracy after the last round: "))
        .and_then(|a| a.strip_suffix('%'))
        .and_then(|a| a.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(accuracy > 30.0, "three rounds of FedAvg learn the digits past chance (10%): {text}");
    let log = std::fs::read_to_string(out.join("rounds.jsonl")).expect("rounds.jsonl");
    let rounds: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(rounds.len(), 3, "{log}");
    for (i, r) in rounds.iter().enumerate() {
        assert_eq!(r["round"], i + 1);
        // C = 0.5 of 4 clients.
        assert_eq!(r["clients"].as_array().map(Vec::len), Some(2), "{r}");
        assert!(r["bytes_sent"].as_u64().is_some_and(|b| b > 0), "{r}");
    }
    let sent: u64 = rounds.iter().filter_map(|r| r["bytes_sent"].as_u64()).sum();
    assert!(text.contains(&format!("bytes sent: {sent},")), "the summary adds up the log: {text}");
}

#[test]
fn fed_refuses_what_it_cannot_run() {
    let scratch = Scratch::new("fed-flags");
    let out = scratch.path().join("run");
    let out_arg = out.to_str().expect("a UTF-8 path");
    for (flags, expected) in [
        (&["--algo", "semipfl"][..], "only fedavg"),
        (&["--data", "procedural:24"][..], "only `digits`"),
        (&["--alpha", "lots"][..], "--alpha lots"),
        (&["--alpha", "0"][..], "alpha"),
        (&["--clients", "5000"][..], "client"),
    ] {
        let mut args = vec!["fed", "--rounds", "1", "--device", "flex", "--out", out_arg];
        args.extend_from_slice(flags);
        let err = assert_fails(&kiln(&args));
        assert!(err.contains(expected), "{flags:?}: `{expected}` missing from {err}");
    }
}
