//! APEN: PCA frames, the fine partition, piecewise equivariance of the layer and the model,
//! the baselines' errors, and a short learning run.

mod baselines;
mod checkpoint;
mod clouds;
mod data;
mod devices;
mod frame;
mod model;
mod partition;
mod train;

use burn::prelude::{Device, Tensor, TensorData};
use kiln_geom::apen::{PartSample, Pose, fine_partition, one_hot};
use nalgebra::Point3;

/// Points of samples as a `[B, N, 3]` tensor.
pub(crate) fn points_tensor(samples: &[PartSample], device: &Device) -> Tensor<3> {
    let n = samples[0].points.len();
    let flat: Vec<f32> = samples.iter().flat_map(|s| s.points.iter().flat_map(|p| [p.x, p.y, p.z])).collect();
    Tensor::from_data(TensorData::new(flat, [samples.len(), n, 3]), device)
}

/// A fine partition that refines the true parts: every true part split in `per_part` by FPS.
pub(crate) fn refining_partition(sample: &PartSample, per_part: usize) -> Vec<usize> {
    let mut out = vec![0; sample.points.len()];
    for k in 0..sample.part_count() {
        let idx: Vec<usize> = (0..sample.points.len()).filter(|&i| sample.parts[i] == k).collect();
        let pts: Vec<Point3<f32>> = idx.iter().map(|&i| sample.points[i]).collect();
        let fine = fine_partition(&pts, per_part).expect("fine partition");
        for (j, &i) in idx.iter().enumerate() {
            out[i] = k * per_part + fine[j];
        }
    }
    out
}

/// `‖a − b‖ / ‖b‖`.
pub(crate) fn relative(a: &[f32], b: &[f32]) -> f64 {
    let d: f64 = a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum();
    let n: f64 = b.iter().map(|y| (*y as f64).powi(2)).sum();
    (d / n.max(1e-30)).sqrt()
}

/// `g·v` for per-point vectors (positions) given flat, `g` chosen per point by `assign`.
pub(crate) fn move_points(v: &[f32], assign: &[usize], motions: &[kiln_geom::transform::RigidTransform]) -> Vec<f32> {
    assign
        .iter()
        .enumerate()
        .flat_map(|(i, &k)| {
            let p = motions[k] * Point3::new(v[3 * i], v[3 * i + 1], v[3 * i + 2]);
            [p.x, p.y, p.z]
        })
        .collect()
}

/// Canonical samples and their copies moved part by part (angles up to π, shifts ≤ 0.3).
pub(crate) fn canonical_and_moved(seeds: std::ops::Range<u64>, n: usize) -> (Vec<PartSample>, Vec<PartSample>) {
    let canonical: Vec<PartSample> = seeds.clone().map(|s| PartSample::canonical(s, n).expect("sample")).collect();
    let pose = Pose::PerPart { min_angle: 0.5, max_angle: std::f32::consts::PI, shift: 0.05, relocate: true };
    let moved = canonical.iter().zip(seeds).map(|(c, s)| c.posed(pose, 1000 + s).expect("pose")).collect();
    (canonical, moved)
}

/// One-hot of host assignments.
pub(crate) fn onehot(a: &[Vec<usize>], k: usize, device: &Device) -> Tensor<3> {
    one_hot(a, k, device).expect("one-hot")
}
