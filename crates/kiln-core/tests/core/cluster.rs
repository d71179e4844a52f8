//! Training groups on the loopback address: the all-reduce and broadcast between threads, and
//! whole runs with a second process (this test binary re-run as node 1 by `child_node`).
//! Every test talks to 127.0.0.1 only.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use burn::prelude::Device;
use kiln_core::CoreError;
use kiln_core::nn::Mlp;
use kiln_core::train::{Cluster, ClusterConfig, Phase, TrainPhase, Trainer};

use crate::common::{Blobs, mlp, params, temp_dir};

/// The environment variable that makes `child_node` act: `MODE:PORT:DIR`.
const CHILD: &str = "KILN_TEST_CLUSTER_NODE";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

fn node(nodes: usize, rank: usize, port: u16) -> ClusterConfig {
    ClusterConfig::new(nodes, rank, format!("127.0.0.1:{port}")).with_timeout(Duration::from_secs(60))
}

fn cluster_message<T: std::fmt::Debug>(result: kiln_core::Result<T>) -> String {
    match result {
        Err(CoreError::Cluster(message)) => message,
        other => panic!("expected a cluster error, got {other:?}"),
    }
}

#[test]
fn all_reduce_sums_in_rank_order_and_broadcast_sends_node_zeros_bytes() {
    let port = free_port();
    let results: Vec<(Vec<f32>, Vec<u8>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|rank| {
                scope.spawn(move || {
                    let cluster = Cluster::join(&node(3, rank, port)).unwrap();
                    let mut values = vec![rank as f32, 0.5 * rank as f32, 1.0];
                    cluster.all_reduce_sum(&mut values).unwrap();
                    let bytes = cluster.broadcast(vec![rank as u8; 2]).unwrap();
                    (values, bytes)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (values, bytes) in results {
        assert_eq!(values, vec![3.0, 1.5, 3.0]);
        assert_eq!(bytes, vec![0, 0]);
    }
}

#[test]
fn mismatched_nodes_fail_with_the_reason() {
    // Another number of values.
    let port = free_port();
    let (coordinator, other) = std::thread::scope(|scope| {
        let other = scope.spawn(move || {
            let cluster = Cluster::join(&node(2, 1, port)).unwrap();
            cluster.all_reduce_sum(&mut [1.0, 2.0])
        });
        let cluster = Cluster::join(&node(2, 0, port)).unwrap();
        (cluster.all_reduce_sum(&mut [1.0, 2.0, 3.0]), other.join().unwrap())
    });
    assert!(cluster_message(coordinator).contains("node 1 sent 2 gradient values where node 0 has 3"));
    assert!(cluster_message(other).contains("closed the connection"));

    // Another group size: refused on both sides.
    let port = free_port();
    let (coordinator, other) = std::thread::scope(|scope| {
        let other = scope.spawn(move || Cluster::join(&node(3, 1, port)).map(|_| ()));
        (Cluster::join(&node(2, 0, port)).map(|_| ()), other.join().unwrap())
    });
    assert!(cluster_message(coordinator).contains("node 1 expects 3 nodes, node 0 expects 2"));
    let refused = cluster_message(other);
    assert!(refused.contains("refused node 1") && refused.contains("expects 3 nodes"), "{refused}");

    let bad = ClusterConfig::new(2, 2, "127.0.0.1:1").validate();
    assert!(matches!(bad, Err(CoreError::InvalidConfig(m)) if m.contains("rank 2")));
}

#[test]
fn missing_or_departed_nodes_are_errors_not_hangs() {
    let port = free_port();
    let lonely = Cluster::join(&node(2, 0, port).with_timeout(Duration::from_millis(300)));
    assert!(cluster_message(lonely).contains("node(s) 1 did not join"));
    let unreachable = Cluster::join(&node(2, 1, free_port()).with_timeout(Duration::from_millis(300)));
    assert!(cluster_message(unreachable).contains("could not reach the coordinator"));

    // The coordinator leaves after joining: the node's next exchange names it.
    let port = free_port();
    let node_result = std::thread::scope(|scope| {
        let other = scope.spawn(move || {
            let cluster = Cluster::join(&node(2, 1, port)).unwrap();
            let first = cluster.all_reduce_sum(&mut [1.0]);
            let again = cluster.all_reduce_sum(&mut [1.0]);
            (first, again)
        });
        drop(Cluster::join(&node(2, 0, port)).unwrap());
        other.join().unwrap()
    });
    assert!(cluster_message(node_result.0).contains("the coordinator (node 0) closed the connection"));
    assert!(cluster_message(node_result.1).contains("the group failed earlier"));
}

fn phases(epochs: usize) -> Vec<Phase<Mlp>> {
    vec![Phase::train("main", TrainPhase::new(epochs, 1e-2))]
}

/// Blobs in batches of 16: each node takes every other batch.
fn halves() -> Blobs {
    Blobs::new(96, 1, true)
}

/// Runs this test binary's `child_node` as node 1 of 2.
fn spawn_node(mode: &str, port: u16, dir: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["cluster::child_node", "--exact", "--ignored", "--test-threads=1"])
        .env(CHILD, format!("{mode}:{port}:{}", dir.display()))
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

fn write_params(model: &Mlp, path: &Path) {
    let text: Vec<String> = params(model).iter().flatten().map(|v| v.to_bits().to_string()).collect();
    std::fs::write(path, text.join("\n")).unwrap();
}

fn read_params(path: &Path) -> Vec<f32> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| f32::from_bits(l.parse().unwrap())).collect()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Node 1 of the whole-run tests, run in its own process by `spawn_node`; without the
/// environment variable it does nothing.
#[test]
#[ignore = "node 1 of the cluster tests, started by them in a second process"]
fn child_node() {
    let Ok(spec) = std::env::var(CHILD) else { return };
    let mut parts = spec.splitn(3, ':');
    let (mode, port, dir) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let (port, dir) = (port.parse().unwrap(), Path::new(dir));
    let device = Device::flex();
    // Another initialisation than node 0's: the run starts from node 0's weights anyway.
    let init = mlp(&device, 99);
    let run = dir.join("node1-run");
    let trainer = |halt: Option<usize>, resume: bool| {
        let trainer = Trainer::new(device.clone())
            .with_seed(4)
            .with_run_dir(&run)
            .with_resume(resume)
            .with_cluster(Cluster::join(&node(2, 1, port)).unwrap());
        match halt {
            Some(epochs) => trainer.with_halt_after_epochs(epochs),
            None => trainer,
        }
    };
    match mode {
        "train" => {
            let (model, _) = trainer(None, false).fit(init, &phases(2), &halves(), None).unwrap();
            write_params(&model, &dir.join("node1.txt"));
        }
        "resume" => {
            trainer(Some(1), false).fit(init.clone(), &phases(2), &halves(), None).unwrap();
            let (model, _) = trainer(None, true).fit(init, &phases(2), &halves(), None).unwrap();
            write_params(&model, &dir.join("node1.txt"));
        }
        "leave" => {
            // Joins, then the process ends before the first exchange, as a killed node would.
            let _cluster = Cluster::join(&node(2, 1, port)).unwrap();
            std::process::exit(0);
        }
        other => panic!("unknown mode {other}"),
    }
}

/// Node 0 in this process, node 1 in a child; returns node 0's and node 1's final weights.
fn run_pair(mode: &str, name: &str, node0: impl FnOnce(u16, &Path) -> Mlp) -> (Vec<f32>, Vec<f32>) {
    let dir = temp_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut child = spawn_node(mode, port, &dir);
    let model = node0(port, &dir);
    assert!(child.wait().unwrap().success(), "node 1 failed");
    assert!(!dir.join("node1-run").join("checkpoint").exists(), "node 1 wrote checkpoints");
    assert!(!dir.join("node1-run").join("metrics.jsonl").exists(), "node 1 wrote a log");
    let node1 = read_params(&dir.join("node1.txt"));
    let _ = std::fs::remove_dir_all(&dir);
    (params(&model).concat(), node1)
}

/// One process on batches of 32 (the two nodes' batches of 16 side by side).
fn one_process(init: Mlp, epochs: usize) -> Vec<f32> {
    let mut whole = Blobs::new(96, 1, true);
    whole.batch_size = 32;
    let (model, report) = Trainer::new(Device::flex()).with_seed(4).fit(init, &phases(epochs), &whole, None).unwrap();
    assert_eq!(report.global_step, 3 * epochs as u64);
    params(&model).concat()
}

#[test]
fn two_processes_train_as_one_on_the_concatenated_batch() {
    let device = Device::flex();
    let init = mlp(&device, 4);
    let (node0, node1) = run_pair("train", "cluster-train", |port, dir| {
        let run = dir.join("node0-run");
        let trainer = Trainer::new(device.clone())
            .with_seed(4)
            .with_run_dir(&run)
            .with_cluster(Cluster::join(&node(2, 0, port)).unwrap());
        let (model, report) = trainer.fit(init.clone(), &phases(2), &halves(), None).unwrap();
        assert_eq!(report.global_step, 6, "3 steps of 2 × 16 per epoch");
        assert!(run.join("checkpoint").exists() && run.join("report.json").exists());
        model
    });
    assert_eq!(max_diff(&node0, &node1), 0.0, "the nodes' weights differ");
    let reference = one_process(init.clone(), 2);
    let diff = max_diff(&node0, &reference);
    assert!(diff < 1e-5, "two nodes and one process differ by {diff}");
    assert!(max_diff(&node0, &params(&init).concat()) > 1e-3, "training moved the weights");
}

#[test]
fn a_group_resumes_from_node_zeros_checkpoint() {
    let device = Device::flex();
    let init = mlp(&device, 5);
    let (node0, node1) = run_pair("resume", "cluster-resume", |port, dir| {
        let run = dir.join("node0-run");
        let trainer = |halt: Option<usize>, resume: bool| {
            let trainer = Trainer::new(device.clone())
                .with_seed(4)
                .with_run_dir(&run)
                .with_resume(resume)
                .with_cluster(Cluster::join(&node(2, 0, port)).unwrap());
            match halt {
                Some(epochs) => trainer.with_halt_after_epochs(epochs),
                None => trainer,
            }
        };
        let (_, halted) = trainer(Some(1), false).fit(init.clone(), &phases(2), &halves(), None).unwrap();
        assert!(!halted.completed);
        let (model, report) = trainer(None, true).fit(init.clone(), &phases(2), &halves(), None).unwrap();
        assert!(report.completed);
        assert_eq!(report.global_step, 6);
        model
    });
    assert_eq!(max_diff(&node0, &node1), 0.0, "the nodes' weights differ after resuming");
    let diff = max_diff(&node0, &one_process(init, 2));
    assert!(diff < 1e-5, "resumed group and one process differ by {diff}");
}

#[test]
fn a_node_that_leaves_stops_the_group_with_its_name() {
    let device = Device::flex();
    let dir = temp_dir("cluster-leave");
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut child = spawn_node("leave", port, &dir);
    let trainer = Trainer::new(device.clone()).with_seed(4).with_cluster(Cluster::join(&node(2, 0, port)).unwrap());
    let result = trainer.fit(mlp(&device, 6), &phases(2), &halves(), None);
    let _ = child.wait();
    let message = cluster_message(result);
    assert!(message.contains("node 1 closed the connection"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn too_few_batches_for_the_replicas_is_an_error() {
    let device = Device::flex();
    let one_batch = Blobs::new(16, 1, false);
    let result = Trainer::new(device.clone()).with_devices(vec![Device::flex(), Device::flex()]).fit(
        mlp(&device, 1),
        &phases(1),
        &one_batch,
        None,
    );
    assert!(matches!(result, Err(CoreError::InvalidConfig(m)) if m.contains("1 batch(es) per epoch cannot feed 2")));
}
