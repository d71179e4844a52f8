//! Constrained parameter sharing: only homogeneous layers inherit, never BN or skip weights.

use burn::module::Param;
use burn::prelude::{Device, Tensor};
use kiln_graph::autognn::{
    ActivationKind, AggregatorKind, Architecture, AttentionKind, AutoGnnModel, ChildConfig, LayerChoice, inherit,
};

fn parent_arch() -> Architecture {
    let layer = |hidden, attention, aggregator| LayerChoice {
        hidden,
        heads: 2,
        attention,
        aggregator,
        activation: ActivationKind::Relu,
    };
    Architecture {
        layers: vec![
            layer(8, AttentionKind::Gat, AggregatorKind::MeanPool),
            layer(3, AttentionKind::Cos, AggregatorKind::MaxPool),
        ],
    }
}

/// An edit of an architecture.
type Change = fn(&mut Architecture);

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::try_to_vec(t).unwrap()
}

/// A parent whose batch norm has moved away from its initial values, as if trained.
fn parent(device: &Device, child: &ChildConfig) -> AutoGnnModel {
    let mut parent = parent_arch().init(5, child, device);
    parent.norms[0].gamma = Param::from_tensor(parent.norms[0].gamma.val() * 2.0);
    parent
}

fn same_layer(a: &AutoGnnModel, b: &AutoGnnModel, l: usize) -> bool {
    values(a.layers[l].linear.weight.val()) == values(b.layers[l].linear.weight.val())
        && values(a.layers[l].a_l.val()) == values(b.layers[l].a_l.val())
        && values(a.layers[l].a_r.val()) == values(b.layers[l].a_r.val())
}

#[test]
fn homogeneous_layers_inherit_but_never_batch_norm_or_skips() {
    let device = Device::flex();
    let config = ChildConfig::new().with_pool_dim(8);
    let parent = parent(&device, &config);
    // Max-pool → mean-pool in layer 2: same shapes, attention and activation everywhere.
    let mut arch = parent_arch();
    arch.layers[1].aggregator = AggregatorKind::MeanPool;
    let (child, inherited) = inherit(arch.init(5, &config, &device), &parent);
    assert_eq!(inherited, vec![true, true]);
    for l in 0..2 {
        assert!(same_layer(&child, &parent, l), "layer {l}");
        assert_eq!(
            values(child.layers[l].pool.as_ref().unwrap().inner.weight.val()),
            values(parent.layers[l].pool.as_ref().unwrap().inner.weight.val())
        );
        assert_ne!(values(child.skips[l].weight.val()), values(parent.skips[l].weight.val()), "skip {l}");
    }
    assert_eq!(values(child.norms[0].gamma.val()), vec![1.0; 16], "batch norm stays fresh");
}

#[test]
fn heterogeneous_layers_start_fresh() {
    let device = Device::flex();
    let config = ChildConfig::new().with_pool_dim(8);
    let parent = parent(&device, &config);
    let cases: [(Change, [bool; 2]); 4] = [
        (|a| a.layers[0].activation = ActivationKind::Tanh, [false, true]),
        (|a| a.layers[1].attention = AttentionKind::Gat, [true, false]),
        // A wider first layer changes both layers' weight shapes.
        (|a| a.layers[0].hidden = 16, [false, false]),
        (|a| a.layers[1].heads = 4, [true, false]),
    ];
    for (change, want) in cases {
        let mut arch = parent_arch();
        change(&mut arch);
        let fresh = arch.init(5, &config, &device);
        let (child, inherited) = inherit(fresh.clone(), &parent);
        assert_eq!(inherited, want.to_vec(), "{arch:?}");
        for (l, &shared) in want.iter().enumerate() {
            assert_eq!(same_layer(&child, &parent, l), shared, "layer {l} of {arch:?}");
            if !shared {
                assert!(same_layer(&child, &fresh, l), "layer {l} keeps its own weights");
            }
        }
    }
}
