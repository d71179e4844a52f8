//! Seasonal naive: the forecast repeats the input's last period, `ŷ_{L+t} = x_{L−P+(t mod P)}`.

use burn::prelude::Tensor;

use super::Forecaster;

/// The seasonal-naive forecaster (no parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeasonalNaive {
    /// Period `P` (at most the input length).
    pub period: usize,
    /// Horizon `H`.
    pub pred_len: usize,
}

impl Forecaster for SeasonalNaive {
    fn forecast(&self, x: Tensor<3>, _x_mark: Tensor<3>) -> Tensor<3> {
        let l = x.dims()[1];
        let p = self.period.clamp(1, l);
        x.narrow(1, l - p, p).repeat_dim(1, self.pred_len.div_ceil(p)).narrow(1, 0, self.pred_len)
    }
}
