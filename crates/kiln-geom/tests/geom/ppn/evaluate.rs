//! Occupancy IoU counts, the argmax of class probabilities and the training windows, by hand.

use kiln_geom::ppn::data::window_starts;
use kiln_geom::ppn::evaluate::{IouCounts, argmax_classes};

#[test]
fn iou_counts_pool_cells_before_dividing() {
    let mut counts = IouCounts::default();
    // P = {0, 1}, O = {1, 2}: ∩ = 1, ∪ = 3.
    counts.add([true, true, false, false], [false, true, true, false]);
    assert_eq!(counts, IouCounts { intersection: 1, union: 3 });
    // A second map: P = O = {3}: ∩ and ∪ both grow by 1 → 2 / 4.
    counts.add([false, false, false, true], [false, false, false, true]);
    assert_eq!(counts.iou(), 0.5);
    assert_eq!(IouCounts::default().iou(), 1.0);
}

#[test]
fn argmax_reads_channels_per_cell() {
    // Two cells, channels (empty, wall, car) stored channel-major.
    let probs = [0.7, 0.1, 0.2, 0.3, 0.1, 0.6];
    assert_eq!(argmax_classes(&probs, 2), vec![0, 2]);
    // Ties go to the lower class.
    assert_eq!(argmax_classes(&[0.5, 0.5, 0.0], 1), vec![0]);
}

#[test]
fn windows_leave_room_for_the_target_frame() {
    // 10 frames, windows of 3 plus a target: starts 0 … 6.
    assert_eq!(window_starts(10, 3, 2), vec![0, 2, 4, 6]);
    assert_eq!(window_starts(4, 3, 1), vec![0]);
    assert!(window_starts(3, 3, 1).is_empty());
    assert_eq!(window_starts(5, 3, 0), vec![0, 1]);
}
