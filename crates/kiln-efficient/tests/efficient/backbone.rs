//! `FrozenBackbone`: hidden states without autodiff history.

use burn::prelude::Device;
use kiln_efficient::FrozenBackbone;

use crate::common::{INPUT, images, tiny_resnet};

#[test]
fn hidden_states_are_untracked_on_an_autodiff_device() {
    let device = Device::flex().autodiff();
    let backbone = FrozenBackbone::from(tiny_resnet(&device));
    let states = backbone.hidden_states(images(2, &device).require_grad());
    assert_eq!(states.len(), 4);
    for h in &states {
        assert!(h.is_autodiff(), "states come back on the caller's device");
        assert!(!h.is_tracked(), "no graph leads back into the backbone");
    }
}

#[test]
fn stage_shapes_follow_the_resnet() {
    let device = Device::flex();
    let backbone = FrozenBackbone::from(tiny_resnet(&device));
    let shapes = backbone.stage_shapes(INPUT, &device).map_err(|e| e.to_string());
    assert_eq!(shapes, Ok(vec![[4, 16, 16], [8, 8, 8], [16, 4, 4], [32, 2, 2]]));
    assert!(backbone.stage_shapes([3, 0, 16], &device).is_err());
}
