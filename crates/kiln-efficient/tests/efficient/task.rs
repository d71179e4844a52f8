//! The transfer tasks: labels, shapes and typed errors.

use kiln_efficient::EfficientError;
use kiln_efficient::task::{TASK_CLASSES, TaskConfig, TransferTask};

#[test]
fn procedural_task_splits_classes_and_relabels_the_target() {
    let task = match TransferTask::generate(TaskConfig { train_per_class: 2, test_per_class: 1, seed: 0 }) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert_eq!((task.source.len(), task.target_train.len(), task.target_test.len()), (24, 24, 12));
    assert!(task.source.iter().chain(&task.target_train).all(|e| e.label < TASK_CLASSES));
    assert!(task.target_train.iter().all(|e| e.image.shape() == [3, 32, 32]));
    let zero = TransferTask::generate(TaskConfig { train_per_class: 0, test_per_class: 1, seed: 0 });
    assert!(matches!(zero, Err(EfficientError::InvalidConfig { .. })));
}

#[test]
fn digits_target_is_rgb_32px() {
    let task = match TransferTask::digits(20, 10, 1) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert_eq!((task.target_train.len(), task.target_test.len()), (20, 10));
    for e in task.target_train.iter().chain(&task.target_test) {
        assert_eq!(e.image.shape(), [3, 32, 32]);
        assert!(e.label < 10);
        let plane = 32 * 32;
        assert_eq!(e.image.pixels[..plane], e.image.pixels[plane..2 * plane], "grey repeated over channels");
    }
    assert!(matches!(TransferTask::digits(1797, 1, 0), Err(EfficientError::InvalidConfig { .. })));
}
