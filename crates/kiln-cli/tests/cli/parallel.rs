//! `kiln train` over several processes on the loopback address, and the parallel flags' usage
//! errors.

use std::net::TcpListener;
use std::process::{Command, Stdio};

use crate::common::{Scratch, arg, assert_succeeds, kiln, read_summary, stderr};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

fn node_args<'a>(rank: &'a str, coordinator: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "train",
        "--model",
        "mlp",
        "--data",
        "digits",
        "--epochs",
        "2",
        "--device",
        "flex",
        "--quiet",
        "--nodes",
        "2",
        "--node-rank",
        rank,
        "--coordinator",
        coordinator,
        "--cluster-timeout",
        "120",
        "--out",
        out,
    ]
}

#[test]
fn two_processes_train_one_model_and_only_node_zero_checkpoints() {
    let scratch = Scratch::new("two-nodes");
    let coordinator = format!("127.0.0.1:{}", free_port());
    let (out0, out1) = (scratch.path().join("node0"), scratch.path().join("node1"));
    let node1 = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(node_args("1", &coordinator, arg(&out1)))
        .env_remove("KILN_DEVICE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let node0 = kiln(&node_args("0", &coordinator, arg(&out0)));
    let node1 = node1.wait_with_output().unwrap();
    assert_succeeds(&node0);
    assert_succeeds(&node1);
    assert!(out0.join("checkpoint").join("latest").exists() && out0.join("metrics.jsonl").exists());
    assert!(!out1.join("checkpoint").exists() && !out1.join("metrics.jsonl").exists());
    // The same weights on both nodes: the same test predictions.
    let (s0, s1) = (read_summary(&out0), read_summary(&out1));
    assert_eq!(s0.test.accuracy(), s1.test.accuracy());
    assert_eq!(s0.test.loss, s1.test.loss);
    assert!(s0.test.accuracy().unwrap() > 0.5, "two epochs on the digits: {:?}", s0.test.accuracy());
}

#[test]
fn parallel_flags_are_checked_before_anything_runs() {
    let scratch = Scratch::new("parallel-usage");
    let out = arg(scratch.path());
    let cases: [(&[&str], &str); 4] = [
        (&["--nodes", "2"], "needs --coordinator"),
        (&["--nodes", "2", "--node-rank", "2", "--coordinator", "127.0.0.1:1"], "--node-rank 2 is not below --nodes 2"),
        (&["--node-rank", "1"], "need --nodes N with N > 1"),
        (&["--devices", "flex,warp"], "unknown device `warp`"),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["train", "--model", "mlp", "--epochs", "1", "--quiet", "--out", out];
        args.extend_from_slice(flags);
        let output = kiln(&args);
        assert!(!output.status.success(), "{flags:?} was accepted");
        assert!(stderr(&output).contains(expected), "{flags:?}: {}", stderr(&output));
    }
}
