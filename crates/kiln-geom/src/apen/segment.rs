//! Part segmentation of a user's cloud with a trained [`Apen`] (what `kiln geom segment`
//! calls): the cloud's fine over-segmentation ([`fine_batch`]), one forward pass, and the
//! per-point argmax of the last partition `Z_L` ([`argmax_parts`]), the same pipeline the
//! evaluation runs on batches.
//!
//! The points are used as given: APEN is equivariant to each part's rigid motion, not to
//! scale, so a cloud should be in the units the model was trained in.

use burn::prelude::{Device, Tensor, TensorData};

use super::config::ApenConfig;
use super::model::Apen;
use super::partition::{argmax_parts, fine_batch};
use crate::cloud::PointCloud;
use crate::error::{GeomError, Result};

/// The part (`0..config.parts`) of every point of `cloud` under `model`. Errors on an empty
/// cloud, fewer points than the model's fine parts, a non-finite coordinate, or a `config`
/// whose `fine_parts` differs from the model's.
pub fn segment_cloud(model: &Apen, config: &ApenConfig, cloud: &PointCloud, device: &Device) -> Result<Vec<u32>> {
    if config.fine_parts != model.fine_parts {
        return Err(GeomError::Invalid(format!(
            "the APEN expects {} fine parts, its config says {}",
            model.fine_parts, config.fine_parts
        )));
    }
    if cloud.len() < config.fine_parts {
        return Err(GeomError::Invalid(format!(
            "segmenting {} points with an APEN of {} fine parts needs at least that many points",
            cloud.len(),
            config.fine_parts
        )));
    }
    let fine = fine_batch(std::slice::from_ref(&cloud.positions), config.fine_parts, device)?;
    let flat: Vec<f32> = cloud.positions.iter().flat_map(|p| [p.x, p.y, p.z]).collect();
    let points = Tensor::from_data(TensorData::new(flat, [1, cloud.len(), 3]), device);
    let out = model.forward(points, fine);
    let last = out.partitions.last().ok_or_else(|| GeomError::Invalid("the APEN returned no partition".into()))?;
    let parts = argmax_parts(last).into_iter().next().unwrap_or_default();
    Ok(parts.into_iter().map(|k| k as u32).collect())
}
