//! TPGN's short-term branch (Jia et al., NeurIPS 2024, §3.3): a kernel-`P` convolution over each
//! row of the `R × P` grid (one `d`-vector per period), then a kernel-`R` convolution over the
//! rows; the one resulting vector is repeated to every column.

use burn::module::Module;
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::prelude::{Device, Tensor};

/// The short-term branch of TPGN.
#[derive(Module, Debug)]
pub struct ShortBranch {
    /// Per row: `F → d`, kernel `P`.
    pub row: Conv1d,
    /// Over the rows: `d → d`, kernel `R`.
    pub col: Conv1d,
}

impl ShortBranch {
    /// A branch for `rows × period` grids of `features` inputs, hidden size `d_model`.
    pub fn new(rows: usize, period: usize, features: usize, d_model: usize, device: &Device) -> Self {
        Self {
            row: Conv1dConfig::new(features, d_model, period).init(device),
            col: Conv1dConfig::new(d_model, d_model, rows).init(device),
        }
    }

    /// `z` `[N, R, F, P]` → `[N, d]` (the vector every column receives).
    pub fn forward(&self, z: Tensor<4>) -> Tensor<2> {
        let [n, r, f, p] = z.dims();
        let per_row = self.row.forward(z.reshape([n * r, f, p])); // [N·R, d, 1]
        let d = per_row.dims()[1];
        let rows = per_row.reshape([n, r, d]).swap_dims(1, 2); // [N, d, R]
        self.col.forward(rows).reshape([n, d])
    }
}
