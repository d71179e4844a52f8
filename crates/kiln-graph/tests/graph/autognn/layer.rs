//! The search layer and a child model: shapes over the whole space, and devices.

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_graph::autognn::{
    ActivationKind, AggregatorKind, Architecture, AttentionKind, ChildConfig, LayerChoice, SearchLayerConfig,
};
use kiln_graph::message_passing::GraphTensors;

fn ring(n: usize, device: &Device) -> GraphTensors {
    let mut src = Vec::new();
    let mut dst = Vec::new();
    for v in 0..n {
        for w in [(v + 1) % n, (v + n - 1) % n] {
            src.push(v);
            dst.push(w);
        }
    }
    GraphTensors::from_edges(&src, &dst, None, n, device)
}

fn features(n: usize, f: usize, device: &Device) -> Tensor<2> {
    let values: Vec<f32> = (0..n * f).map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0).collect();
    Tensor::from_data(TensorData::new(values, [n, f]), device)
}

#[test]
fn the_layer_covers_every_attention_and_aggregator() {
    let device = Device::flex();
    let (n, f) = (6, 5);
    let graph = ring(n, &device);
    for attention in AttentionKind::ALL {
        for aggregator in AggregatorKind::ALL {
            for concat in [true, false] {
                let layer = SearchLayerConfig::new(f, 4, 3, attention, aggregator)
                    .with_concat(concat)
                    .with_pool_dim(8)
                    .init(&device);
                assert_eq!(layer.pool.is_some(), aggregator != AggregatorKind::Sum);
                let out = layer.forward(features(n, f, &device), &graph);
                assert_eq!(out.dims(), [n, if concat { 12 } else { 4 }], "{attention:?} {aggregator:?}");
                let values = kiln_core::tensor::try_to_vec(out).unwrap();
                assert!(values.iter().all(|v| v.is_finite()), "{attention:?} {aggregator:?}");
                // The softmaxed coefficients sum to one over each node's edges (with its loop).
                if attention.softmaxed() {
                    let alpha = layer.attention(features(n, f, &device), &graph);
                    let sums = kiln_core::tensor::try_to_vec(kiln_graph::message_passing::scatter_sum(
                        alpha,
                        graph.with_self_loops().dst,
                        n,
                    ))
                    .unwrap();
                    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{attention:?}: {sums:?}");
                }
            }
        }
    }
}

fn architecture() -> Architecture {
    Architecture {
        layers: vec![
            LayerChoice {
                hidden: 4,
                heads: 2,
                attention: AttentionKind::GeneLinear,
                aggregator: AggregatorKind::MaxPool,
                activation: ActivationKind::Elu,
            },
            LayerChoice {
                hidden: 3,
                heads: 2,
                attention: AttentionKind::SymGat,
                aggregator: AggregatorKind::MeanPool,
                activation: ActivationKind::Identity,
            },
        ],
    }
}

kiln_core::test_device!(a_child_model_agrees_with_flex, |device| {
    let flex = Device::flex();
    let (n, f) = (8, 5);
    let child = ChildConfig::new().with_dropout(0.0).with_attention_dropout(0.0).with_pool_dim(8);
    for arch in [architecture(), {
        let mut a = architecture();
        a.layers[0].attention = AttentionKind::Cos;
        a.layers[0].aggregator = AggregatorKind::Mlp;
        a.layers[1].attention = AttentionKind::Gcn;
        a
    }] {
        let model = arch.init(f, &child, &flex);
        let expected = model.forward(features(n, f, &flex), &ring(n, &flex));
        assert_eq!(expected.dims(), [n, 3]);
        let moved = model.to_device(&device);
        let got = moved.forward(features(n, f, &device), &ring(n, &device)).to_device(&flex);
        let diff = kiln_core::testing::max_abs_diff(expected, got);
        assert!(diff < 1e-3, "|Δ| = {diff}");
    }
});
