//! The shared models sized to their input (`for_input`): the receptive field of the CNN's and
//! the ResNet's last feature map covers 28-, 32- and 64-px images, the rule matches its closed
//! form, the configs serialise, and the MLP takes flattened images of those sizes.
//! (That the sized CNN *learns* what the old one cannot is tested in kiln-data, which has the
//! layout images: `fit_input::cnn_for_input_learns_the_layout_at_28_px`.)

use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::{CnnConfig, MlpConfig, ReceptiveField, ResNetConfig};

const SIZES: [usize; 3] = [28, 32, 64];

#[test]
fn receptive_field_coverage_matches_hand_computation() {
    // One 3×3 convolution: each output position sees 3 pixels, the middle one all of a 3-px
    // image but not of a 4-px one.
    let conv = [(3, 1, 1)];
    assert_eq!(ReceptiveField::output_size(&conv, 3), 3);
    assert!(ReceptiveField::covers_image(&conv, 3, 3));
    assert!(!ReceptiveField::covers_image(&conv, 4, 3));
    assert!(!ReceptiveField::covers_image(&conv, 0, 0));
    // conv, pool, conv on 28 px: a 14×14 map of 8-px fields.
    let two_blocks = [(3, 1, 1), (2, 2, 0), (3, 1, 1)];
    assert_eq!(ReceptiveField::output_size(&two_blocks, 28), 14);
    assert_eq!(ReceptiveField::output_size(&two_blocks, 1), 0);
    // Fields of 8 px centred on 1, 3, 5, …: the one on 3 sees [−1, 7), all of a 7-px image.
    assert!(ReceptiveField::covers_image(&two_blocks, 7, 7));
    assert!(!ReceptiveField::covers_image(&two_blocks, 8, 8));
}

#[test]
fn the_old_default_cnn_sees_8_px_and_does_not_cover_small_images() {
    let old = CnnConfig::new(1, 10);
    assert_eq!(old.receptive_field().size, 8);
    assert!(SIZES.iter().all(|&s| !old.covers_input(s, s)));
}

#[test]
fn cnn_for_input_covers_28_32_and_64_px_with_the_fewest_blocks() {
    let device = Device::flex();
    for (size, blocks, field) in [(28, 4, 38), (32, 5, 78), (64, 6, 158)] {
        let config = CnnConfig::for_input(3, size, size, 10);
        assert_eq!(config.channels.len(), blocks, "{size} px: {:?}", config.channels);
        assert_eq!(config.receptive_field().size, field, "{size} px");
        assert!(config.covers_input(size, size), "{size} px");
        let fewer = config.clone().with_channels(config.channels[..blocks - 1].to_vec());
        assert!(!fewer.covers_input(size, size), "{size} px: {blocks} blocks are not the fewest");

        let model = config.init(&device);
        assert_eq!(model.layer_geometry(), config.layer_geometry());
        let x = Tensor::<4>::zeros([2, 3, size, size], &device);
        assert_eq!(model.forward(x).dims(), [2, 10]);
    }
    assert_eq!(CnnConfig::for_input(1, 28, 28, 10).channels, vec![32, 64, 128, 128]);
}

/// The block count is `max(2, ⌊log2 L⌋)` for `L = max(height, width)`, as documented, as long as
/// the last map keeps a position (`2^(n−1) ≤ min(height, width)`); the ResNet's stage count is
/// the fewest `n ≥ 3` with `6 · 2^(n−1) + 1 ≥ L`.
#[test]
fn for_input_follows_the_documented_closed_forms() {
    for side in 2..=200usize {
        let blocks = CnnConfig::for_input(1, side, side, 2).channels.len();
        assert_eq!(blocks, (side.ilog2() as usize).max(2), "CNN at {side} px");
        let stages = ResNetConfig::for_input(1, side, side, 2).blocks.len();
        let closed = (3..).find(|&n| 6 * (1usize << (n - 1)) + 1 >= side).unwrap_or(3);
        assert_eq!(stages, closed, "ResNet at {side} px");
    }
    // A wide, short image: blocks stop when the map would vanish (2 rows allow one pool).
    assert_eq!(CnnConfig::for_input(1, 2, 100, 2).channels.len(), 2);
    assert_eq!(CnnConfig::for_input(1, 0, 0, 2).channels.len(), 2);
    assert_eq!(ResNetConfig::for_input(1, 0, 0, 2).blocks.len(), 3);
}

#[test]
fn resnet_for_input_covers_28_32_and_64_px_with_the_fewest_stages() {
    let default = ResNetConfig::new(1, 10);
    assert_eq!(default.receptive_field().size, 25);
    assert!(SIZES.iter().all(|&s| !default.covers_input(s, s)), "the default ResNet-8 sees 25 px");
    let device = Device::flex();
    for (size, stages, field) in [(28, 4, 49), (32, 4, 49), (64, 5, 97)] {
        let config = ResNetConfig::for_input(3, size, size, 10);
        assert_eq!(config.blocks, vec![1; stages], "{size} px");
        assert_eq!(config.receptive_field().size, field, "{size} px");
        assert!(config.covers_input(size, size), "{size} px");
        let fewer = config.clone().with_blocks(vec![1; stages - 1]);
        assert!(!fewer.covers_input(size, size), "{size} px: {stages} stages are not the fewest");

        let model = config.init(&device);
        assert_eq!(model.layer_geometry(), config.layer_geometry());
        let x = Tensor::<4>::zeros([2, 3, size, size], &device);
        assert_eq!(model.forward(x).dims(), [2, 10]);
    }
    // Up to 20 px the default suffices; the ImageNet stem's geometry is the config's too.
    assert_eq!(ResNetConfig::for_input(1, 20, 20, 2).blocks, vec![1, 1, 1]);
    let resnet18 = ResNetConfig::resnet18(3, 10);
    assert_eq!(resnet18.init(&device).layer_geometry(), resnet18.layer_geometry());
}

#[test]
fn sized_configs_round_trip_through_json() {
    let cnn = CnnConfig::for_input(1, 28, 28, 10);
    let back: CnnConfig = serde_json::from_str(&serde_json::to_string(&cnn).unwrap()).unwrap();
    assert_eq!((back.in_channels, back.num_classes, back.channels, back.pool), (1, 10, cnn.channels.clone(), cnn.pool));
    let resnet = ResNetConfig::for_input(3, 64, 64, 5);
    let back: ResNetConfig = serde_json::from_str(&serde_json::to_string(&resnet).unwrap()).unwrap();
    assert_eq!((back.blocks, back.base_width), (resnet.blocks, resnet.base_width));
    let field = cnn.receptive_field();
    let back: ReceptiveField = serde_json::from_str(&serde_json::to_string(&field).unwrap()).unwrap();
    assert_eq!(back, field);
}

/// The MLP takes flattened 28×28 grey to 64×64 RGB images, and its default initialisation keeps
/// the logits at the same scale whatever the input width.
#[test]
fn mlp_for_input_takes_flattened_images_at_any_width() {
    let device = Device::flex();
    device.seed(7);
    for (channels, size) in [(1, 28), (3, 32), (1, 64), (3, 64)] {
        let config = MlpConfig::for_input(channels, size, size, 10);
        assert_eq!(config.input, channels * size * size);
        let x = Tensor::<2>::random([64, config.input], Distribution::Normal(0.0, 1.0), &device);
        let logits = config.init(&device).forward(x);
        assert_eq!(logits.dims(), [64, 10]);
        let std = logits.var(0).mean().sqrt().into_scalar::<f32>();
        assert!((0.02..2.0).contains(&std), "{channels}×{size}×{size}: logit std {std}");
    }
}
