//! A user's labelled clouds as APEN training samples: PLY files whose vertices carry a
//! `label` property (the part label, as `kiln geom segment` writes it).
//!
//! Every cloud is subsampled (seeded, without replacement) to the same number of points, as a
//! batch needs; its part instances are its labels (a PLY has no instance ids), its class is 0
//! (one shape class), and its motions are the identity (the clouds are used as posed).

use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::index::sample;

use super::data::PartSample;
use crate::cloud::PointCloud;
use crate::error::{GeomError, Result};
use crate::transform::RigidTransform;

/// `cloud` as a sample of `points` points with part labels in `0..parts`. `path` names the
/// cloud in errors: no labels, fewer than `points` points, or a label `≥ parts`.
pub fn sample_from_cloud(
    cloud: &PointCloud,
    path: &Path,
    points: usize,
    parts: usize,
    seed: u64,
) -> Result<PartSample> {
    let bad = |message: String| GeomError::LabelledCloud { path: path.to_path_buf(), message };
    let labels = cloud
        .labels
        .as_ref()
        .ok_or_else(|| bad("the vertices have no `label` property (the part of every point)".into()))?;
    if cloud.len() < points {
        return Err(bad(format!("{} points; every training cloud needs at least {points}", cloud.len())));
    }
    if let Some((i, &l)) = labels.iter().enumerate().find(|&(_, &l)| l as usize >= parts) {
        return Err(bad(format!("vertex {i} has label {l}; the model predicts {parts} parts (labels 0..{parts})")));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut chosen = sample(&mut rng, cloud.len(), points).into_vec();
    chosen.sort_unstable();
    let labels: Vec<usize> = chosen.iter().map(|&i| labels[i] as usize).collect();
    let present = labels.iter().copied().max().map_or(0, |m| m + 1);
    Ok(PartSample {
        points: chosen.iter().map(|&i| cloud.positions[i]).collect(),
        parts: labels.clone(),
        labels,
        class: 0,
        motions: vec![RigidTransform::identity(); present],
    })
}

/// The `.ply` files of `dir`, sorted by name. An empty directory is an error.
pub fn labelled_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |source: std::io::Error| GeomError::Io { path: dir.to_path_buf(), source };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ply")) {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(GeomError::LabelledCloud {
            path: dir.to_path_buf(),
            message: "no .ply files here; part training needs PLY clouds with a per-vertex `label`".into(),
        });
    }
    Ok(files)
}

/// Every labelled cloud of `dir` ([`labelled_files`]) as a sample ([`sample_from_cloud`]),
/// cloud `i` subsampled with a seed derived from `seed` and `i`.
pub fn read_labelled_dir(dir: &Path, points: usize, parts: usize, seed: u64) -> Result<Vec<PartSample>> {
    labelled_files(dir)?
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let cloud = crate::io::ply::read_cloud(path)?;
            sample_from_cloud(&cloud, path, points, parts, kiln_core::seed::derive_seed(seed, i as u64))
        })
        .collect()
}
