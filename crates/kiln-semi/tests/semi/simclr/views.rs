//! The two-view batcher: seeded, reproducible, two different views of each image.

use burn::prelude::Device;
use kiln_data::{Batcher, ImageExample, Normalize};
use kiln_semi::augment::{BasicViews, TwoViewBatcher};

use super::common::values;

#[test]
fn views_are_seeded_and_differ_between_the_two() {
    let device = Device::flex();
    let digits: Vec<ImageExample> = kiln_data::digits().unwrap_or_else(|e| panic!("{e}")).into_iter().take(6).collect();
    let batcher = TwoViewBatcher::new(BasicViews::digits(), Normalize::identity(1));
    let a = batcher.batch(&digits, &device, Some(42));
    let b = batcher.batch(&digits, &device, Some(42));
    let c = batcher.batch(&digits, &device, Some(43));
    assert_eq!(a.first.dims(), [6, 1, 8, 8]);
    assert_eq!(a.second.dims(), [6, 1, 8, 8]);
    let (a1, a2) = (values(a.first), values(a.second));
    assert_eq!(a1, values(b.first), "same seed, same first views");
    assert_eq!(a2, values(b.second), "same seed, same second views");
    assert_ne!(a1, a2, "the two views differ");
    assert_ne!(a1, values(c.first), "another seed, other views");
}
