//! Mean imputation of missing feature values.

use kiln_data::{MeanImputer, VectorExample};

fn example(features: &[f32]) -> VectorExample {
    VectorExample { features: features.to_vec(), label: 0 }
}

#[test]
fn fills_missing_values_with_the_training_mean() {
    let train =
        [example(&[1.0, f32::NAN, f32::NAN]), example(&[3.0, 4.0, f32::NAN]), example(&[f32::NAN, 8.0, f32::NAN])];
    let imputer = MeanImputer::fit(&train);
    assert_eq!(imputer.means, vec![2.0, 6.0, 0.0]);
    assert_eq!(imputer.missing, vec![1, 1, 3]);
    assert_eq!(imputer.unobserved, vec![false, false, true]);
    assert!(imputer.any_missing());
    let mut test = vec![example(&[f32::NAN, 1.0, f32::NAN])];
    assert_eq!(imputer.apply(&mut test), 2);
    assert_eq!(test[0].features, vec![2.0, 1.0, 0.0]);
}

#[test]
fn nothing_missing_changes_nothing() {
    let train = [example(&[1.0, 2.0])];
    let imputer = MeanImputer::fit(&train);
    assert!(!imputer.any_missing());
    let mut rows = train.to_vec();
    assert_eq!(imputer.apply(&mut rows), 0);
    assert_eq!(rows[0].features, vec![1.0, 2.0]);
}
