//! Which class each prototype belongs to, and the terms built on it that every prototype
//! network of the crate shares (Chen et al. 2019 §2.2): the one-hot identity, the own-class
//! mask of a batch, and the L1 penalty on the last layer's wrong-class connections.

use burn::prelude::{Device, Int, Tensor, TensorData};

/// One-hot class identity `[m, K]`: entry `(j, k)` is 1 when prototype `j` belongs to class `k`.
pub fn class_identity(classes: &[usize], num_classes: usize, device: &Device) -> Tensor<2> {
    let m = classes.len();
    let mut data = vec![0f32; m * num_classes];
    for (j, &k) in classes.iter().enumerate() {
        if k < num_classes {
            data[j * num_classes + k] = 1.0;
        }
    }
    Tensor::from_data(TensorData::new(data, [m, num_classes]), device)
}

/// Mask `[n, m]`: 1 where prototype `j` belongs to class `y_i`.
pub fn own_class_mask(identity: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<2> {
    let k = identity.dims()[1];
    let one_hot = targets.one_hot::<2>(k).float(); // [n, K]
    one_hot.matmul(identity.transpose()) // [n, m]
}

/// `‖W ⊙ (1 − identity)‖₁`, `W` stored `[m, K]` like the identity.
pub fn l1_wrong_class(weight: Tensor<2>, identity: Tensor<2>) -> Tensor<1> {
    (weight * (identity.ones_like() - identity)).abs().sum()
}
