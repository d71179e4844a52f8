//! Histogram bins: counts, edges, the closed last bin, skipped values, errors.

use kiln_render::{Histogram, RenderError};

#[test]
fn counts_fall_in_half_open_bins() {
    let h = Histogram::with_range(&[0.0, 0.24, 0.25, 0.5, 0.99, 1.0, 1.5, -0.1, f64::NAN], 4, 0.0, 1.0).unwrap();
    assert_eq!(h.edges(), &[0.0, 0.25, 0.5, 0.75, 1.0]);
    assert_eq!(h.counts(), &[2, 1, 1, 2], "0.25 opens bin 1; 1.0 closes the last bin");
    assert_eq!((h.total(), h.skipped()), (6, 3), "1.5, -0.1 and NaN are left out");
    let bins: Vec<_> = h.bins().collect();
    assert_eq!(bins[3], (0.75, 1.0, 2));
}

#[test]
fn fitted_range_spans_the_data() {
    let h = Histogram::new(&[3.0, 1.0, 2.0, 2.0, f64::INFINITY], 2).unwrap();
    assert_eq!(h.edges(), &[1.0, 2.0, 3.0]);
    assert_eq!(h.counts(), &[1, 3]);
    assert_eq!(h.skipped(), 1);
    let single = Histogram::new(&[5.0, 5.0], 3).unwrap();
    assert_eq!((single.edges()[0], single.edges()[3]), (4.5, 5.5));
    assert_eq!(single.counts(), &[0, 2, 0]);
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(Histogram::new(&[], 4), Err(RenderError::EmptyData { .. })));
    assert!(matches!(Histogram::new(&[f64::NAN], 4), Err(RenderError::EmptyData { .. })));
    assert!(matches!(Histogram::new(&[1.0], 0), Err(RenderError::NoBins)));
    assert!(matches!(Histogram::with_range(&[1.0], 2, 1.0, 1.0), Err(RenderError::InvalidRange { .. })));
    assert!(matches!(Histogram::with_range(&[1.0], 2, 0.0, f64::NAN), Err(RenderError::InvalidRange { .. })));
    assert_eq!(Histogram::with_range(&[], 2, 0.0, 1.0).unwrap().counts(), &[0, 0], "a fixed range may be empty");
}
