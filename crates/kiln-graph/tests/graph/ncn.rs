//! NCN and NCNC: the official presets, batches (checked negatives, target removal, predictor
//! edge dropout), completion, and the paper's claim that NCN beats the GCN dot-product baseline
//! where common neighbours matter.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::tensor::to_vec;
use kiln_core::train::{BatchSource, Trainer};
use kiln_graph::adjacency::Adjacency;
use kiln_graph::generate::{random_features, random_geometric};
use kiln_graph::ncn::batch::completion_candidates;
use kiln_graph::ncn::{
    BatchOptions, GaeConfig, LinkTask, LinkTrainSource, NcnConfig, NcnPreset, evaluate_link_model, link_loss,
    train_link_model,
};
use kiln_graph::tasks::{LinkTraining, train_link_predictor};
use kiln_graph::{Features, Graph};

fn tiny_task() -> LinkTask {
    let pairs = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (1, 3)];
    let adj = Adjacency::undirected(5, &pairs);
    let x = Features::new(2, (0..10).map(|v| v as f32 / 10.0).collect()).expect("features");
    LinkTask { x, train: pairs.to_vec(), adj }
}

#[test]
fn completion_candidates_are_the_one_sided_neighbours() {
    let task = tiny_task();
    // Target (0, 3): N(0) = {1, 2}, N(3) = {1, 2, 4} → common {1, 2}; only 3 has 4.
    let (pairs, target, node) = completion_candidates(&task.adj, &[(0, 3)]);
    assert_eq!(pairs.pairs, vec![(0, 4)]);
    assert_eq!((target, node), (vec![0], vec![4]));
    assert_eq!(pairs.cn.node, Vec::<usize>::new());
}

#[test]
fn training_batches_remove_their_targets() {
    let task = Arc::new(tiny_task());
    let device = Device::flex();
    let source = LinkTrainSource {
        task: Arc::clone(&task),
        batch_size: 2,
        options: BatchOptions { remove_targets: true, completion: true, predictor_edge_dropout: 0.0 },
        seed: 0,
    };
    assert_eq!(source.num_batches(), 3);
    let batch = source.batch(0, 0, &device).unwrap();
    assert_eq!(batch.num_pos, 2);
    assert_eq!(batch.graph.num_edges, 2 * (6 - 2));
    assert_eq!(to_vec(batch.labels.clone()), vec![1.0, 1.0, 0.0, 0.0]);
    let model = NcnConfig::new(2).with_hidden(8).with_completion(true).init(&device.clone().autodiff());
    let batch = source.batch(0, 0, &device.autodiff()).unwrap();
    let h = model.encode(batch.x.clone(), &batch.graph);
    let logits = model.score(&h, &batch.targets, batch.completion.as_ref());
    assert_eq!(logits.dims(), [4]);
    let loss = link_loss(logits, batch.labels, 2).into_scalar::<f32>();
    assert!(loss.is_finite() && loss > 0.0);
}

#[test]
fn ncn_beats_gcn_dot_product_on_a_random_geometric_graph() {
    let device = Device::flex();
    // 600 points with expected degree n π r² = 10; featureless: 16 random values per node.
    let g = random_geometric(600, (10.0 / (600.0 * std::f64::consts::PI)).sqrt(), 1).expect("graph");
    let graph = random_features(Graph { x: None, ..g }, 16, 1).expect("features");
    let mut training = LinkTraining { k: 50, ..LinkTraining::default() };
    training.train.epochs = 10;
    training.train.seed = 1;
    let trainer = Trainer::new(device.clone());
    let outcome = train_link_predictor(&graph, &NcnConfig::new(16).with_hidden(32), &training, &trainer).expect("ncn");
    let (task, split) = (&outcome.problem.task, &outcome.problem.split);
    kiln_core::seed::seed_device(&device, 1);
    let gae = GaeConfig::new(16).with_hidden(32).init(&device);
    let gae = train_link_model(gae, task, &training.train, &device).expect("gae");
    let gae = evaluate_link_model(&gae, task, &split.test, &split.test_neg, &split.test_ranking, 50, &device)
        .expect("metrics");
    let ncn = outcome.test.metrics;
    eprintln!("GAE {gae:?}\nNCN {ncn:?}");
    assert!(ncn.hits > gae.hits, "NCN Hits@50 {:.3} should beat GAE {:.3}", ncn.hits, gae.hits);
    assert!(ncn.auc > 0.9, "NCN AUC {:.3}", ncn.auc);
}

#[test]
fn random_features_keep_the_structure() {
    let g = Graph::undirected(3, &[(0, 1)]).expect("graph");
    let g = random_features(g, 4, 0).expect("features");
    assert_eq!(g.x.map(|x| x.values.len()), Some(12));
}

#[test]
fn ncnc_calibration_matches_the_formula() {
    let device = Device::flex();
    let model = NcnConfig::new(2).with_completion(true).init(&device);
    // p0 = σ(4.3 (s − 2.8)); p̂ = pt p0 / (pt p0 + 1 − p0) with pt = 0.75, α = 1.
    let logits = burn::prelude::Tensor::<1>::from_floats([2.8, 3.8, -10.0], &device);
    let got = to_vec(model.calibrate(logits));
    for (s, g) in [2.8f32, 3.8, -10.0].iter().zip(got) {
        let p0 = 1.0 / (1.0 + (-4.3 * (s - 2.8)).exp());
        let expected = 0.75 * p0 / (0.75 * p0 + 1.0 - p0);
        assert!((g - expected).abs() < 1e-5, "{s}: {g} vs {expected}");
    }
}

/// The official commands, as the GraphPKU/NeuralCommonNeighbor README gives them under
/// "Reproduce Results" (`$model` is `cn1` for NCN, `incn1cn1` for NCNC).
const OFFICIAL: [(NcnPreset, &str); 3] = [
    (
        NcnPreset::Cora,
        "python NeighborOverlap.py   --xdp 0.7 --tdp 0.3 --pt 0.75 --gnnedp 0.0 --preedp 0.4 --predp 0.05 --gnndp 0.05  --probscale 4.3 --proboffset 2.8 --alpha 1.0  --gnnlr 0.0043 --prelr 0.0024  --batch_size 1152  --ln --lnnn --predictor $model --dataset Cora  --epochs 100 --runs 10 --model puregcn --hiddim 256 --mplayers 1  --testbs 8192  --maskinput  --jk  --use_xlin  --tailact",
    ),
    (
        NcnPreset::Citeseer,
        "python NeighborOverlap.py   --xdp 0.4 --tdp 0.0 --pt 0.75 --gnnedp 0.0 --preedp 0.0 --predp 0.55 --gnndp 0.75  --probscale 6.5 --proboffset 4.4 --alpha 0.4  --gnnlr 0.0085 --prelr 0.0078  --batch_size 384  --ln --lnnn --predictor $model --dataset Citeseer  --epochs 100 --runs 10 --model puregcn --hiddim 256 --mplayers 1  --testbs 4096  --maskinput  --jk  --use_xlin  --tailact  --twolayerlin",
    ),
    (
        NcnPreset::Pubmed,
        "python NeighborOverlap.py   --xdp 0.3 --tdp 0.0 --pt 0.5 --gnnedp 0.0 --preedp 0.0 --predp 0.05 --gnndp 0.1  --probscale 5.3 --proboffset 0.5 --alpha 0.3  --gnnlr 0.0097 --prelr 0.002  --batch_size 2048  --ln --lnnn --predictor $model --dataset Pubmed  --epochs 100 --runs 10 --model puregcn --hiddim 256 --mplayers 1  --testbs 8192  --maskinput  --jk  --use_xlin  --tailact",
    ),
];

/// `--flag value` pairs and bare `--flag`s (value `""`) of a command line.
fn flags(command: &str) -> Vec<(&str, &str)> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut out = Vec::new();
    for (k, word) in words.iter().enumerate() {
        if let Some(flag) = word.strip_prefix("--") {
            let value = words.get(k + 1).filter(|next| !next.starts_with("--")).copied().unwrap_or("");
            out.push((flag, value));
        }
    }
    out
}

#[test]
fn presets_reproduce_the_official_commands() {
    for (preset, command) in OFFICIAL {
        let flags = flags(command);
        for completion in [false, true] {
            let config = preset.config(1433, completion);
            let training = preset.training();
            let set = |name: &str| flags.iter().any(|(f, _)| *f == name);
            for &(flag, value) in &flags {
                let number = || value.parse::<f64>().unwrap_or(f64::NAN);
                let checked = match flag {
                    "xdp" => config.input_dropout == number(),
                    "tdp" => config.tail_dropout == number(),
                    "gnndp" => config.encoder_dropout == number(),
                    "gnnedp" => config.encoder_edge_dropout == number(),
                    "predp" => config.predictor_dropout == number(),
                    "preedp" => config.predictor_edge_dropout == number(),
                    "pt" => config.pt == number(),
                    "probscale" => config.scale == number(),
                    "proboffset" => config.offset == number(),
                    "alpha" => config.alpha == number(),
                    "gnnlr" => training.lr == number(),
                    "prelr" => training.predictor_lr == number(),
                    "batch_size" => training.batch_size as f64 == number(),
                    "epochs" => training.epochs as f64 == number(),
                    "hiddim" => config.hidden as f64 == number(),
                    "mplayers" => config.mp_layers as f64 == number(),
                    "ln" => config.ln,
                    "lnnn" => config.ln_predictor,
                    "maskinput" => config.mask_input,
                    "jk" => config.jk,
                    "use_xlin" => config.xlin,
                    "tailact" => config.tailact,
                    "twolayerlin" => config.two_layer_lin,
                    // The only encoder here; NCN or NCNC by `completion`; ten seeds and the
                    // test batch size are the caller's.
                    "model" => value == "puregcn",
                    "predictor" | "dataset" | "runs" | "testbs" => true,
                    other => panic!("{}: flag --{other} is not checked", preset.name()),
                };
                assert!(checked, "{} (completion {completion}): --{flag} {value}", preset.name());
            }
            // Flags the commands leave at their defaults.
            assert_eq!(config.two_layer_lin, set("twolayerlin"), "{}", preset.name());
            assert!(!config.residual && config.beta == 1.0, "--res and --beta are left at their defaults");
            assert_eq!(config.completion, completion);
            assert!(preset.command().split_whitespace().all(|w| command.contains(w)), "{}", preset.name());
        }
    }
    // The defaults are the Cora command; `small` changes the width only.
    let cora = NcnPreset::Cora.config(16, false);
    assert_eq!(format!("{:?}", NcnConfig::new(16)), format!("{cora:?}"));
    assert_eq!(format!("{:?}", NcnConfig::small(16).with_hidden(256)), format!("{cora:?}"));
}

fn pairs_of(targets: &kiln_graph::ncn::PairTensors) -> Vec<(usize, usize)> {
    let ids = crate::message_passing::ids;
    ids(targets.i.clone()).into_iter().zip(ids(targets.j.clone())).collect()
}

#[test]
fn training_negatives_never_hit_a_training_edge() {
    // Dense enough (about a third of all pairs are edges) that unchecked pairs would often be.
    let g = kiln_graph::generate::stochastic_block_model(&[15, 15], 0.6, 0.1, 3).expect("graph");
    let pairs = g.undirected_pairs();
    let adj = Adjacency::undirected(30, &pairs);
    let x = Features::new(1, vec![1.0; 30]).expect("features");
    let task = Arc::new(LinkTask { x, train: pairs.clone(), adj: adj.clone() });
    let options = BatchOptions { remove_targets: true, completion: false, predictor_edge_dropout: 0.0 };
    let source = LinkTrainSource { task, batch_size: 16, options, seed: 9 };
    let device = Device::flex();
    let mut negatives = 0;
    for epoch in 0..5 {
        for index in 0..source.num_batches() {
            let batch = source.batch(epoch, index, &device).expect("batch");
            for (i, j) in pairs_of(&batch.targets).into_iter().skip(batch.num_pos) {
                assert!(i != j && !adj.has_edge(i, j), "negative ({i}, {j}) is a training edge");
                negatives += 1;
            }
        }
    }
    assert_eq!(negatives, 5 * pairs.len());
}

#[test]
fn predictor_edge_dropout_thins_the_common_neighbours_not_the_graph() {
    let g = kiln_graph::generate::stochastic_block_model(&[20, 20], 0.5, 0.05, 1).expect("graph");
    let pairs = g.undirected_pairs();
    let x = Features::new(1, vec![1.0; 40]).expect("features");
    let task = Arc::new(LinkTask { x, train: pairs.clone(), adj: Adjacency::undirected(40, &pairs) });
    let device = Device::flex();
    let cn = |p: f64| {
        let options = BatchOptions { remove_targets: false, completion: false, predictor_edge_dropout: p };
        let source = LinkTrainSource { task: Arc::clone(&task), batch_size: pairs.len(), options, seed: 2 };
        let batch = source.batch(0, 0, &device).expect("batch");
        (batch.targets.num_cn, batch.graph.num_edges)
    };
    let (full, edges) = cn(0.0);
    let (thinned, same_edges) = cn(0.4);
    // Each common neighbour survives when both of its entries do: about (1 − 0.4)² of them.
    let share = thinned as f64 / full as f64;
    assert!((0.26..0.46).contains(&share), "{thinned} of {full} common neighbours kept");
    assert_eq!(edges, same_edges, "the encoder's graph keeps every edge");
}

#[test]
fn a_bad_configuration_is_an_error_not_a_panic() {
    assert!(NcnConfig::new(4).with_input_dropout(1.0).check().is_err());
    assert!(NcnConfig::new(4).with_predictor_edge_dropout(-0.1).check().is_err());
    assert!(NcnConfig::new(0).check().is_err());
    let g = random_geometric(60, 0.25, 0).expect("graph");
    let graph = random_features(Graph { x: None, ..g }, 4, 0).expect("features");
    let trainer = Trainer::new(Device::flex());
    let bad = NcnConfig::new(4).with_tail_dropout(2.0);
    assert!(train_link_predictor(&graph, &bad, &LinkTraining::default(), &trainer).is_err());
}
