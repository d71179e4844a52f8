//! Procedural part segmentation: label maps, the labelled split, batches.

use burn::prelude::Device;
use kiln_core::train::BatchSource;
use kiln_semi::mgd::data::NUM_PART_CLASSES;
use kiln_semi::mgd::{SegSource, part_segmentation, split_labelled};

#[test]
fn part_maps_have_every_class_and_batches_have_their_shapes() {
    let examples = part_segmentation(32, 16, 0).unwrap_or_else(|e| panic!("{e}"));
    let mut seen = [false; NUM_PART_CLASSES];
    for e in &examples {
        assert_eq!(e.labels.len(), 32 * 32);
        for &l in &e.labels {
            seen[l as usize] = true;
        }
    }
    assert!(seen.iter().all(|&s| s), "{seen:?}");
    let (labelled, unlabelled) = split_labelled(&examples, 0.125, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((labelled.len(), unlabelled.len()), (2, 14));
    assert!(split_labelled(&examples, 0.0, 0).is_err());

    let device = Device::flex();
    let source = SegSource::new(labelled, unlabelled, 4, Some(1));
    assert_eq!(source.num_batches(), 4);
    let batch = source.batch(0, 3, &device).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(batch.images.dims(), [4, 3, 32, 32]);
    assert_eq!(batch.labels.dims(), [4, 32, 32]);
    let u = batch.unlabelled.unwrap_or_else(|| panic!("no unlabelled pair"));
    assert_eq!(u.first.dims(), [4, 3, 32, 32]);
    assert_eq!(u.second.dims(), [4, 3, 32, 32]);
    assert_eq!(u.mask.dims(), [4, 1, 32, 32]);
}
