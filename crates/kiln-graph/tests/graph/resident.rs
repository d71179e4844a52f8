//! Full-batch sources keep their tensors on the device across epochs: every epoch (and every
//! later request) gets the same tensors as a freshly built batch, training is unchanged, and the
//! parts that depend on the epoch (LATTE's negatives) are still drawn anew.

use std::sync::Arc;

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::train::{BatchSource, Phase, TrainPhase, Trainer};
use kiln_graph::Graph;
use kiln_graph::generate::{class_features, stochastic_block_model};
use kiln_graph::hetero::{TypedSbm, typed_sbm};
use kiln_graph::latte::LatteSource;
use kiln_graph::layers::LayerKind;
use kiln_graph::tasks::{LinkProblem, NodeBatch, NodeClassifier, NodeClassifierConfig, NodeSource};

fn floats<const D: usize>(t: &Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::try_to_vec(t.clone().flatten::<1>(0, D - 1)).expect("read")
}

fn ints(t: &Tensor<1, Int>) -> Vec<f32> {
    floats(&t.clone().float())
}

/// 3 classes × 30 nodes with class features in 6 dimensions.
fn graph() -> Arc<Graph> {
    let sbm = stochastic_block_model(&[30; 3], 0.2, 0.02, 4).expect("graph");
    Arc::new(class_features(sbm, 6, 1.0, 4).expect("features"))
}

/// Features, edge sources and targets, nodes and labels of a batch, read to the host.
fn node_contents(b: &NodeBatch) -> Vec<Vec<f32>> {
    vec![floats(&b.x), ints(&b.graph.src), ints(&b.graph.dst), ints(&b.nodes), ints(&b.targets)]
}

#[test]
fn a_node_source_gives_every_epoch_the_tensors_of_its_graph() {
    let g = graph();
    let nodes: Vec<usize> = (0..90).step_by(3).collect();
    let source = NodeSource::new(Arc::clone(&g), nodes.clone()).expect("source");
    let plain = Device::flex();
    let autodiff = plain.clone().autodiff();
    let first = node_contents(&source.batch(0, 0, &plain).expect("batch"));
    // What the batch must hold, from the host graph.
    let x = g.x.as_ref().expect("features");
    assert_eq!(first[0], x.values);
    let as_f32 = |v: &[usize]| v.iter().map(|&i| i as f32).collect::<Vec<_>>();
    assert_eq!((&first[1], &first[2]), (&as_f32(&g.edge_index[0]), &as_f32(&g.edge_index[1])));
    assert_eq!(first[3], as_f32(&nodes));
    let labels: Vec<usize> = nodes.iter().map(|&v| g.y.as_ref().expect("labels")[v]).collect();
    assert_eq!(first[4], as_f32(&labels));
    for (epoch, device) in [(1, &plain), (2, &autodiff), (3, &plain), (4, &autodiff)] {
        let batch = source.batch(epoch, 0, device).expect("batch");
        assert_eq!(node_contents(&batch), first, "epoch {epoch}");
    }
}

/// A node source built afresh for every batch: the path before batches were resident.
struct Rebuilt(Arc<Graph>, Vec<usize>);

impl BatchSource<NodeBatch> for Rebuilt {
    fn num_batches(&self) -> usize {
        1
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<NodeBatch> {
        let fresh = NodeSource::new(Arc::clone(&self.0), self.1.clone())
            .map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        fresh.batch(epoch, index, device)
    }
}

#[test]
fn a_resident_node_batch_trains_exactly_like_a_rebuilt_one() {
    let device = Device::flex();
    let g = graph();
    let (train, valid): (Vec<usize>, Vec<usize>) = (0..90).partition(|v| v % 3 == 0);
    // No dropout: the process-wide random stream is shared with the tests running beside.
    let init = NodeClassifierConfig::new(LayerKind::Gcn, 6, 3).with_dropout(0.0).init(&device);
    let phases = || vec![Phase::<NodeClassifier>::train("main", TrainPhase::new(4, 1e-2))];
    let trainer = Trainer::new(device.clone()).with_seed(3);
    let resident = (
        NodeSource::new(Arc::clone(&g), train.clone()).unwrap(),
        NodeSource::new(Arc::clone(&g), valid.clone()).unwrap(),
    );
    let rebuilt = (Rebuilt(Arc::clone(&g), train), Rebuilt(Arc::clone(&g), valid));
    let (a, ra) = trainer.fit(init.clone(), &phases(), &resident.0, Some(&resident.1)).expect("resident run");
    let (b, rb) = trainer.fit(init.clone(), &phases(), &rebuilt.0, Some(&rebuilt.1)).expect("rebuilt run");
    let untimed =
        |r: &kiln_core::train::Report| r.records.iter().map(|r| (r.train.clone(), r.valid.clone())).collect::<Vec<_>>();
    assert_eq!(untimed(&ra), untimed(&rb));
    let batch = resident.1.batch(0, 0, &device).unwrap();
    let logits = |m: &NodeClassifier| floats(&m.forward(batch.x.clone(), &batch.graph));
    assert_eq!(logits(&a), logits(&b), "the resident batch changed the trained model");
    assert_ne!(logits(&a), logits(&init.valid()), "training moved the model");
}

#[test]
fn latte_keeps_its_graph_resident_and_draws_negatives_per_epoch() {
    let device = Device::flex();
    let spec = TypedSbm { authors: 24, papers: 40, venues_per_area: 1, ..TypedSbm::default() };
    let g = Arc::new(typed_sbm(&spec, 1).expect("graph").add_reverse());
    let source = LatteSource::new(Arc::clone(&g), 0, (0..24).collect()).unwrap().with_negatives(2, 5);
    let negatives = |epoch: usize| {
        let batch = source.batch(epoch, 0, &device).unwrap();
        let x: Vec<Vec<f32>> = batch.x.iter().flatten().map(floats).collect();
        let relations: Vec<Vec<f32>> = batch.relations.iter().map(|r| ints(&r.src)).collect();
        let drawn: Vec<Vec<f32>> = batch.negatives.expect("negatives").iter().map(|r| ints(&r.src)).collect();
        (x, relations, drawn)
    };
    let (x0, rel0, neg0) = negatives(0);
    let (x1, rel1, neg1) = negatives(1);
    assert!(!x0.is_empty() && !rel0.is_empty());
    assert_eq!((x0, rel0), (x1, rel1), "the graph is the same every epoch");
    assert_ne!(neg0, neg1, "each epoch draws its own negatives");
    assert_eq!(negatives(0).2, neg0, "an epoch's negatives are reproducible");
}

#[test]
fn held_out_links_are_the_batches_built_directly() {
    let device = Device::flex();
    let g = graph();
    let problem = LinkProblem::new(&g, 0.1, 0.2, 1).expect("split");
    let mut source = problem.test_source(false);
    source.chunk = 8;
    assert!(source.num_batches() >= 3, "{} chunks", source.num_batches());
    let adj = &problem.task.adj;
    for epoch in 0..2 {
        for index in 0..source.num_batches() {
            let got = source.batch(epoch, index, &device).unwrap();
            let chunk = |pairs: &[(usize, usize)]| pairs.iter().skip(index * 8).take(8).copied().collect::<Vec<_>>();
            let (pos, neg) = (chunk(&problem.split.test), chunk(&problem.split.test_neg));
            let want = problem.task.batch(adj, adj, &pos, &neg, false, &device);
            assert_eq!(floats(&got.x), floats(&want.x));
            assert_eq!(ints(&got.graph.src), ints(&want.graph.src));
            assert_eq!(ints(&got.targets.i), ints(&want.targets.i), "chunk {index}");
            assert_eq!(ints(&got.targets.j), ints(&want.targets.j), "chunk {index}");
            assert_eq!(floats(&got.labels), floats(&want.labels), "chunk {index}");
            assert_eq!(got.num_pos, want.num_pos);
        }
    }
}
