//! The reversible backward gives the gradients of backpropagation through the stored graph:
//! parameters (α included) and input, within 1e-4 of the largest magnitude.

use burn::module::{Module, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::prelude::{Device, Tensor};
use kiln_efficient::revcol::{RevCol, RevColConfig};

use super::{config, images, targets};

/// Per parameter: (largest |difference|, largest |value|), and parameters with a gradient on
/// one side only.
struct Compare<'a> {
    a: &'a GradientsParams,
    b: &'a GradientsParams,
    alpha: Vec<ParamId>,
    diff: f32,
    magnitude: f32,
    compared: usize,
    alpha_compared: usize,
    one_sided: usize,
}

impl ModuleVisitor for Compare<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        match (self.a.get::<D>(param.id), self.b.get::<D>(param.id)) {
            (Some(a), Some(b)) => {
                let a: Vec<f32> = a.into_data().iter::<f32>().collect();
                let b: Vec<f32> = b.into_data().iter::<f32>().collect();
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(&b) {
                    self.diff = self.diff.max((x - y).abs());
                    self.magnitude = self.magnitude.max(x.abs());
                }
                self.compared += 1;
                if self.alpha.contains(&param.id) {
                    self.alpha_compared += 1;
                }
            }
            (None, None) => {}
            _ => self.one_sided += 1,
        }
    }
}

fn alpha_ids(model: &RevCol) -> Vec<ParamId> {
    model.columns().iter().flat_map(|c| (0..c.num_levels()).map(|k| c.alpha_param(k).id)).collect()
}

fn check(config: RevColConfig, seed: Option<u64>) {
    let device = Device::flex();
    let ad = device.clone().autodiff();
    device.seed(11);
    let model = config.init(&device).unwrap_or_else(|e| panic!("{e}")).train();
    let batch = 2;
    // Through the stored graph.
    let x = images(batch, &ad).require_grad();
    let output = model.loss(x.clone(), targets(batch, &ad), seed);
    let plain_loss: f32 = output.loss.clone().into_scalar();
    let grads = output.loss.backward();
    let plain_input = x.grad(&grads).expect("input gradient through the graph");
    let plain = GradientsParams::from_grads(grads, &model);
    // Reversible.
    let x = images(batch, &ad).require_grad();
    let r = model.reversible_gradients(x, targets(batch, &ad), seed, 1.0);
    let rev_loss: f32 = r.output.loss.clone().into_scalar();
    assert!((plain_loss - rev_loss).abs() < 1e-5, "loss {plain_loss} vs {rev_loss}");
    let mut cmp = Compare {
        a: &plain,
        b: &r.params,
        alpha: alpha_ids(&model),
        diff: 0.0,
        magnitude: 0.0,
        compared: 0,
        alpha_compared: 0,
        one_sided: 0,
    };
    model.visit(&mut cmp);
    eprintln!(
        "{} parameters ({} α): max |Δ| {:.3e}, max |g| {:.3e}",
        cmp.compared, cmp.alpha_compared, cmp.diff, cmp.magnitude
    );
    assert_eq!(cmp.one_sided, 0, "parameters with a gradient on one side only");
    assert_eq!(cmp.compared, plain.len());
    assert_eq!(plain.len(), r.params.len());
    // Column 1 has no α term (its previous states are zero): α of columns 2..N.
    let levels = model.columns()[0].num_levels();
    assert_eq!(cmp.alpha_compared, (model.columns().len() - 1) * levels);
    assert!(cmp.magnitude > 0.0);
    assert!(cmp.diff <= 1e-4 * cmp.magnitude, "max |Δ| {} vs max |g| {}", cmp.diff, cmp.magnitude);
    let input = r.input.expect("input gradient from the reversible backward");
    let a: Vec<f32> = plain_input.into_data().iter::<f32>().collect();
    let b: Vec<f32> = input.into_data().iter::<f32>().collect();
    let magnitude = a.iter().fold(0f32, |m, v| m.max(v.abs()));
    let diff = a.iter().zip(&b).fold(0f32, |m, (x, y)| m.max((x - y).abs()));
    assert!(magnitude > 0.0);
    assert!(diff <= 1e-4 * magnitude, "input: max |Δ| {diff} vs max |g| {magnitude}");
}

#[test]
fn reversible_gradients_equal_autodiff() {
    check(config(), None);
}

#[test]
fn reversible_gradients_equal_autodiff_with_supervision_and_drop_path() {
    check(config().with_intermediate_supervision(true).with_drop_path(0.3), Some(7));
}
