//! Robust stable CBC: Theorem 1's radius by hand and on grids, reasoning, round trips,
//! devices, and learning on the digits.

mod learning;
mod model;

pub use learning::{digit_vectors, vector_batch};

use burn::module::Param;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_proto::cbc::{RobustCbcConfig, StableCbc};
use kiln_proto::certify::Certificate;

/// Host copy of a float tensor.
pub fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

/// Host copy of an integer tensor.
pub fn host_int(t: Tensor<1, Int>) -> Vec<i64> {
    t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap()
}

/// A float matrix from rows.
pub fn matrix(rows: &[&[f32]], device: &Device) -> Tensor<2> {
    let cols = rows.first().map_or(0, |r| r.len());
    let values: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_data(TensorData::new(values, [rows.len(), cols]), device)
}

/// Labels as a tensor.
pub fn labels(values: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

/// A 2-D model with random components in `[0, 1]²`, requiredness in `[0, 1]`, a spread prior
/// and σ = 0.3, so that both classes own regions of the square.
pub fn random_2d_model(seed: u64, device: &Device) -> StableCbc {
    device.seed(seed);
    let mut model = RobustCbcConfig::new(2, 2).with_num_components(4).with_sigma(0.3).init(device);
    let uniform = |shape: [usize; 2]| Tensor::<2>::random(shape, burn::tensor::Distribution::Uniform(0.0, 1.0), device);
    model.components = Param::from_tensor(uniform([4, 2]));
    model.requiredness = Param::from_tensor(uniform([4, 4]));
    model.prior_logits = Param::from_tensor(uniform([4, 4]) * 4.0);
    model
}

/// On a 7×7 grid of points in `[0, 1]²`, every point with a certified radius above 1e-3 keeps
/// its class on a polar grid (8 rings × 24 angles) strictly inside its certified ball, whose
/// reach is capped at `cap`. Returns how many points were certified; `context` labels failures.
pub fn assert_class_kept_within_radius<M: Certificate>(model: &M, cap: f64, context: &str, device: &Device) -> usize {
    let points: Vec<[f32; 2]> = (0..7).flat_map(|i| (0..7).map(move |j| [i as f32 / 6.0, j as f32 / 6.0])).collect();
    let rows: Vec<&[f32]> = points.iter().map(|p| p.as_slice()).collect();
    let x = matrix(&rows, device);
    let predicted = host_int(model.scores(x.clone()).argmax(1).squeeze_dim::<1>(1));
    let radius = host(model.certified_radius(x));
    let mut certified_points = 0;
    for ((point, class), r) in points.iter().zip(&predicted).zip(&radius) {
        if *r <= 1e-3 {
            continue;
        }
        certified_points += 1;
        let reach = f64::from(*r).min(cap) * 0.999;
        let mut grid = Vec::new();
        for step in 1..=8 {
            for angle in 0..24 {
                let t = f64::from(angle) * std::f64::consts::TAU / 24.0;
                let rho = reach * f64::from(step) / 8.0;
                grid.push([point[0] + (rho * t.cos()) as f32, point[1] + (rho * t.sin()) as f32]);
            }
        }
        let grid_rows: Vec<&[f32]> = grid.iter().map(|p| p.as_slice()).collect();
        let classes = host_int(model.scores(matrix(&grid_rows, device)).argmax(1).squeeze_dim::<1>(1));
        assert!(classes.iter().all(|c| c == class), "{context}: class changed within radius {r} of {point:?}");
    }
    certified_points
}
