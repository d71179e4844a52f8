//! [`PartKeypoints`]: where each annotated object part of an image is, when it is visible.

use kiln_data::formats::cub::CubItem;
use kiln_data::procedural::{PART_NAMES, PartImage};

/// One keypoint per part of an image, indexed by part: `(x, y)` = (column, row) in the image's
/// pixel coordinates when the part is visible, `None` when it is not. Every image of a data
/// set has the same part slots, so a part's index means the same part everywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct PartKeypoints {
    /// `(x, y)` per part, `None` where the part is not visible.
    pub points: Vec<Option<(f32, f32)>>,
}

impl PartKeypoints {
    /// Keypoints from explicit slots.
    pub fn new(points: Vec<Option<(f32, f32)>>) -> Self {
        Self { points }
    }

    /// A procedural creature's parts, one slot per [`PART_NAMES`] entry (tail, body, wing,
    /// head): a present part's keypoint is the visible pixel nearest its mask's centroid (the
    /// generator's [`kiln_data::procedural::PartAnnotation::keypoint`], always on the part);
    /// a part that is absent or fully covered has no keypoint.
    pub fn from_part_image(image: &PartImage) -> Self {
        let points = PART_NAMES
            .iter()
            .map(|name| image.parts.iter().find(|p| p.name == *name && p.mask.contains(&true)).map(|p| p.keypoint))
            .collect();
        Self { points }
    }

    /// A CUB-200-2011 image's parts (`parts/part_locs.txt`, mapped through the crop and resize
    /// by the reader), part id `k` in slot `k − 1` of `num_parts` slots (15 in CUB); only
    /// visible parts have a keypoint, as in the official evaluation (`util/local_parts.py`).
    /// Part ids beyond `num_parts` are ignored.
    pub fn from_cub(item: &CubItem, num_parts: usize) -> Self {
        let mut points = vec![None; num_parts];
        for part in item.parts.iter().filter(|p| p.visible) {
            if let Some(slot) = part.part_id.checked_sub(1).and_then(|k| points.get_mut(k)) {
                *slot = Some((part.x, part.y));
            }
        }
        Self { points }
    }

    /// Number of part slots.
    pub fn num_parts(&self) -> usize {
        self.points.len()
    }

    /// Which parts are visible.
    pub fn visible(&self) -> Vec<bool> {
        self.points.iter().map(Option::is_some).collect()
    }
}
