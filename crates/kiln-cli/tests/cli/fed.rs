//! `kiln fed`: FedAvg and SemiPFL on the digits from the command line, their per-round logs,
//! SemiPFL's resume, and the typed refusals of flags it cannot run.

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
        (&["--algo", "magic"][..], "known algorithms are fedavg, semipfl and fedrecon"),
        (&["--algo", "fedrecon"][..], "two missions"),
        (&["--algo", "fedrecon", "--data", "cifar"][..], "procedural:24"),
        (&["--algo", "fedrecon", "--data", "procedural:24", "--clients", "0"][..], "clients"),
        (&["--algo", "fedrecon", "--data", "procedural:24", "--resume"][..], "not resumable"),
        (&["--algo", "semipfl", "--alpha", "iid"][..], "Dirichlet"),
        (&["--algo", "semipfl", "--labels", "1.5"][..], "label_fraction"),
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

#[test]
fn fed_semipfl_runs_and_resumes() {
    let scratch = Scratch::new("fed-semipfl");
    let out = scratch.path().join("run");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let base = ["fed", "--algo", "semipfl", "--clients", "4", "--labels", "0.2", "--device", "flex", "--out", out_arg];
    let mut first = base.to_vec();
    first.extend(["--rounds", "2"]);
    let text = assert_succeeds(&kiln(&first));
    assert!(text.contains("rounds: 2"), "{text}");
    let f1 = text
        .lines()
        .find_map(|l| l.strip_prefix("mean macro F1 over clients: "))
        .and_then(|a| a.strip_suffix('%'))
        .and_then(|a| a.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!((0.0..=100.0).contains(&f1), "{text}");
    let clients: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("clients.json")).expect("clients.json")).expect("JSON");
    assert_eq!(clients.as_array().map(Vec::len), Some(4), "{clients}");

    let mut more = base.to_vec();
    more.extend(["--rounds", "3", "--resume"]);
    let text = assert_succeeds(&kiln(&more));
    assert!(text.contains("rounds: 3"), "{text}");
    let log = std::fs::read_to_string(out.join("rounds.jsonl")).expect("rounds.jsonl");
    let rounds: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let numbers: Vec<u64> = rounds.iter().filter_map(|r| r["round"].as_u64()).collect();
    assert_eq!(numbers, [1, 2, 3], "the resumed run continues the log: {log}");

    let mut other = base.to_vec();
    other.extend(["--resume", "--seed", "5"]);
    let err = assert_fails(&kiln(&other));
    assert!(err.contains("cannot resume") && err.contains("seed"), "{err}");
}

#[test]
fn fed_recon_runs_missions_and_reports() {
    let scratch = Scratch::new("fed-recon");
    let out = scratch.path().join("run");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let args = [
        "fed",
        "--algo",
        "fedrecon",
        "--data",
        "procedural:24",
        "--clients",
        "2",
        "--rounds",
        "2",
        "--episodes",
        "2",
        "--device",
        "flex",
        "--out",
        out_arg,
    ];
    let text = assert_succeeds(&kiln(&args));
    assert!(text.contains("missions: 2"), "{text}");
    assert!(text.contains("mission 2: server base"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report.json")).expect("JSON");
    let missions = report["missions"].as_array().expect("missions");
    assert_eq!(missions.len(), 2, "{report}");
    for m in missions {
        assert_eq!(m["clients"].as_array().map(Vec::len), Some(2), "{m}");
        assert!(m["bytes_received"].as_u64().is_some_and(|b| b > 0), "{m}");
    }
}

#[test]
fn fed_recon_on_digits_reports_the_base_digits_before_and_after() {
    let scratch = Scratch::new("fed-recon-digits");
    let out = scratch.path().join("run");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let args =
        ["fed", "--algo", "fedrecon", "--clients", "2", "--episodes", "20", "--device", "flex", "--out", out_arg];
    let text = assert_succeeds(&kiln(&args));
    assert!(text.contains("base digits after mission 2:") && text.contains("all ten:"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report.json")).expect("JSON");
    assert_eq!(report["settings"]["clients"], 2, "{report}");
    assert_eq!(report["settings"]["training"]["Episodes"]["episodes_per_epoch"], 20, "{report}");
    let before = report["record"]["base_before"].as_f64().expect("base_before");
    let all = report["record"]["all"].as_f64().expect("all");
    assert!(before > 0.5 && (0.0..=1.0).contains(&all), "{report}");
}
