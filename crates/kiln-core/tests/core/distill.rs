//! The shared distillation loss against hand computations.

use burn::prelude::{Device, Tensor};
use kiln_core::nn::distillation_loss;

#[test]
fn distillation_loss_matches_hand_values() {
    let device = Device::flex();
    let student = Tensor::<2>::from_floats([[0.0, 0.0]], &device);
    let teacher = Tensor::<2>::from_floats([[3f32.ln(), 0.0]], &device);
    // p_teacher = (0.75, 0.25), log p_student = (ln ½, ln ½): L = ln 2.
    let t1 = distillation_loss(student.clone(), teacher.clone(), 1.0).into_scalar::<f32>();
    assert!((t1 - std::f32::consts::LN_2).abs() < 1e-6, "{t1}");
    // At T = 2 the student's soft targets are still uniform: L = T² ln 2.
    let t2 = distillation_loss(student, teacher, 2.0).into_scalar::<f32>();
    assert!((t2 - 4.0 * std::f32::consts::LN_2).abs() < 1e-5, "{t2}");
}

#[test]
fn distillation_loss_is_smallest_when_the_student_copies_the_teacher() {
    let device = Device::flex();
    let teacher = Tensor::<2>::from_floats([[2.0, -1.0, 0.5], [0.0, 1.0, -2.0]], &device);
    let copy = distillation_loss(teacher.clone(), teacher.clone(), 1.0).into_scalar::<f32>();
    let other = distillation_loss(teacher.clone().neg(), teacher, 1.0).into_scalar::<f32>();
    assert!(copy < other, "{copy} vs {other}");
}
