//! Shared fixtures: a tiny 4-stage ResNet and its UniPT classifier.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::{Device, Tensor};
use kiln_core::nn::{ResNet, ResNetConfig};
use kiln_efficient::FrozenBackbone;
use kiln_efficient::unipt::{UniPtClassifier, UniPtConfig};

/// Input of the fixtures: 3 × 16 × 16 (stages 16, 8, 4, 2 px).
pub const INPUT: [usize; 3] = [3, 16, 16];

/// A 4-stage ResNet, base width 4 (channels 4, 8, 16, 32).
pub fn tiny_resnet(device: &Device) -> ResNet {
    ResNetConfig::new(3, 5).with_blocks(vec![1, 1, 1, 1]).with_base_width(4).init(device)
}

/// UniPT (width 16, r = 2) on [`tiny_resnet`] for 5 classes.
pub fn tiny_unipt(device: &Device) -> UniPtClassifier {
    let backbone = FrozenBackbone::from(tiny_resnet(device));
    match UniPtClassifier::new(backbone, INPUT, |c| UniPtConfig::new(c, 16), 5, device) {
        Ok(model) => model,
        Err(e) => panic!("tiny UniPT: {e}"),
    }
}

/// A deterministic input `[b, 3, 16, 16]` with values in `[-1, 1]`.
pub fn images(batch: usize, device: &Device) -> Tensor<4> {
    let n = batch * 3 * 16 * 16;
    let values: Vec<f32> = (0..n).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
    Tensor::<1>::from_floats(values.as_slice(), device).reshape([batch, 3, 16, 16])
}

#[derive(Default)]
struct Collect(Vec<f32>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.extend(param.val().into_data().iter::<f32>());
    }
}

/// Every float parameter of `module`, in visiting order.
pub fn param_values<M: Module>(module: &M) -> Vec<f32> {
    let mut c = Collect::default();
    module.visit(&mut c);
    c.0
}

/// The values of a tensor.
pub fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().iter::<f32>().collect()
}
