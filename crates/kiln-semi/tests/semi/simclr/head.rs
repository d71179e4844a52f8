//! The projection head's shapes and bias, the fine-tuning network, the configuration's JSON
//! round trip.

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};
use kiln_semi::simclr::{SimClrClassifier, SimClrConfig};

use super::common::{pseudo_random, values};

fn images(batch: usize, device: &Device) -> Tensor<4> {
    Tensor::<1>::from_floats(pseudo_random(batch * 64, 9).as_slice(), device).reshape([batch, 1, 8, 8])
}

#[test]
fn the_head_has_three_layers_and_no_dense_bias() {
    let device = Device::flex();
    let config = SimClrConfig::for_input(1, 8, 8).with_projection_dim(16);
    let model = config.init(&device).unwrap_or_else(|e| panic!("{e}"));
    let width = model.encoder.out_channels();
    assert_eq!(width, 128, "3 blocks for 8 px, the last 128 wide");
    let dims: Vec<[usize; 2]> = model.head.layers.iter().map(|l| l.linear.weight.dims()).collect();
    assert_eq!(dims, vec![[width, width], [width, width], [width, 16]]);
    assert!(model.head.layers.iter().all(|l| l.linear.bias.is_none()), "no dense layer has a bias");
    let hiddens = model.hiddens(images(4, &device));
    let shapes: Vec<[usize; 2]> = hiddens.iter().map(Tensor::dims).collect();
    assert_eq!(shapes, vec![[4, width], [4, width], [4, width], [4, 16]]);
    assert_eq!(model.forward(images(4, &device)).dims(), [4, 16]);
}

#[test]
fn the_last_layer_ignores_its_batch_norm_beta() {
    let device = Device::flex();
    let mut model = SimClrConfig::for_input(1, 8, 8).init(&device).unwrap_or_else(|e| panic!("{e}")).valid();
    let before = values(model.forward(images(3, &device)));
    if let Some(last) = model.head.layers.last_mut() {
        let shape = last.norm.beta.dims();
        last.norm.beta = Param::from_tensor(Tensor::ones(shape, &device));
    }
    let after = values(model.forward(images(3, &device)));
    let diff = before.iter().zip(&after).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(diff < 1e-6, "the last layer's β changed the projection by {diff}");
}

#[test]
fn fine_tuning_keeps_the_first_head_layer() {
    let device = Device::flex();
    let config = SimClrConfig::for_input(1, 8, 8);
    let model = config.init(&device).unwrap_or_else(|e| panic!("{e}"));
    let first = values(model.head.layers[0].linear.weight.val());
    let classifier = SimClrClassifier::from_pretrained(model, 1, 10, &device).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(classifier.selector(), 1);
    assert_eq!(values(classifier.head[0].linear.weight.val()), first);
    assert_eq!(classifier.forward(images(2, &device)).dims(), [2, 10]);
    let model = config.init(&device).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        SimClrClassifier::from_pretrained(model, 3, 10, &device).is_err(),
        "the last layer is not a fine-tuning input"
    );
}

#[test]
fn the_config_round_trips_through_json() {
    let config = SimClrConfig::small(3).with_epochs(7).with_max_steps_per_epoch(Some(2));
    let json = serde_json::to_string(&config).unwrap_or_else(|e| panic!("{e}"));
    let back: SimClrConfig = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(serde_json::to_string(&back).unwrap_or_else(|e| panic!("{e}")), json);
    assert_eq!(back.epochs, 7);
    assert_eq!(back.encoder, config.encoder);
    assert_eq!(back.image_size, 32);
    let paper = SimClrConfig::new();
    assert_eq!((paper.projection_layers, paper.projection_dim, paper.batch_size), (3, 128, 4096));
    assert!((paper.temperature - 0.1).abs() < 1e-12);
    assert!((paper.scaled_learning_rate() - 0.075 * 64.0).abs() < 1e-9);
}
