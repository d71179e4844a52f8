//! Maron et al.'s permutation-equivariant linear bases (ICLR 2019, "Invariant and Equivariant
//! Graph Networks"), as the official `equivariant_linear.py` builds them, with its `'inf'`
//! normalisation (sums over `m` entries divided by `m`, over `m²` entries by `m²`).
//!
//! Tensors are channel-last: an order-2 input is `X ∈ ℝ^{k×m×m×d}` (k subgraphs of m nodes), an
//! order-1 input `x ∈ ℝ^{k×m×d}`. With `Dᵢ = Xᵢᵢ`, `δ = Σᵢ Xᵢᵢ`, rows `Rᵢ = Σⱼ Xᵢⱼ`, columns
//! `Cⱼ = Σᵢ Xᵢⱼ`, `Σ = Σᵢⱼ Xᵢⱼ`, `σ = Σᵢ xᵢ`:
//!
//! - 2→2 (15): `diag(D)`, `diag(δ/m)`, `diag(R/m)`, `diag(C/m)`, `diag(Σ/m²)`, `Yᵢⱼ = Cᵢ/m`,
//!   `Rᵢ/m`, `Cⱼ/m`, `Rⱼ/m`, `X`, `Xᵀ`, `Yᵢⱼ = Dᵢ`, `Dⱼ`, `δ/m`, `Σ/m²`.
//! - 2→1 (5): `D`, `δ/m`, `R/m`, `C/m`, `Σ/m²`.
//! - 1→2 (5): `diag(x)`, `diag(σ/m)`, `Yᵢⱼ = xⱼ`, `Yᵢⱼ = xᵢ`, `σ/m`.
//! - 1→1 (2): `x`, `σ/m`.
//! - 2→0 (2): `δ/m`, `Σ/m²`; 1→0 (1): `σ/m`.
//!
//! [`BasisLinear`] is one operator set: `Y = Σ_b op_b(X) W_b + bias` with one `d_in × d_out`
//! matrix per basis element (the 2→2 set also has a bias on the diagonal), computed as one
//! matrix product of the concatenated operator outputs.

use burn::module::{Module, Param};
use burn::nn::Initializer;
use burn::prelude::{Device, Tensor};

/// Which operator set: input order → output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orders {
    /// 2→2: 15 operators.
    TwoToTwo,
    /// 2→1: 5 operators.
    TwoToOne,
    /// 1→2: 5 operators.
    OneToTwo,
    /// 1→1: 2 operators.
    OneToOne,
    /// 2→0: 2 operators.
    TwoToZero,
    /// 1→0: 1 operator.
    OneToZero,
}

impl Orders {
    /// The dimension of the basis.
    pub fn basis(self) -> usize {
        match self {
            Self::TwoToTwo => 15,
            Self::TwoToOne | Self::OneToTwo => 5,
            Self::OneToOne | Self::TwoToZero => 2,
            Self::OneToZero => 1,
        }
    }
}

/// The identity as a `[1, m, m, 1]` mask.
fn eye(m: usize, device: &Device) -> Tensor<4> {
    Tensor::<2>::eye(m, device).reshape([1, m, m, 1])
}

/// `[k, m, m, d] → [k, m, d]`: the diagonal.
pub fn diagonal(x: Tensor<4>) -> Tensor<3> {
    let [k, m, _, d] = x.dims();
    let mask = eye(m, &x.device());
    (x * mask).sum_dim(2).reshape([k, m, d])
}

/// `[k, m, d] → [k, m, m, d]`: the vector on the diagonal, zeros elsewhere.
pub fn diag_embed(v: Tensor<3>) -> Tensor<4> {
    let [k, m, d] = v.dims();
    let mask = eye(m, &v.device());
    v.reshape([k, m, 1, d]) * mask
}

/// The 15 operators 2→2 on `[k, m, m, d]`, in the official order.
pub fn ops_2_to_2(x: Tensor<4>) -> Vec<Tensor<4>> {
    let [k, m, _, d] = x.dims();
    let mf = m as f64;
    let shape = [k, m, m, d];
    let diag = diagonal(x.clone());
    let sum_diag = diag.clone().sum_dim(1); // [k, 1, d]
    let rows = x.clone().sum_dim(2).reshape([k, m, d]);
    let cols = x.clone().sum_dim(1).reshape([k, m, d]);
    let all = rows.clone().sum_dim(1); // [k, 1, d]
    let at_i = |v: Tensor<3>| v.reshape([k, m, 1, d]).expand(shape);
    let at_j = |v: Tensor<3>| v.reshape([k, 1, m, d]).expand(shape);
    let everywhere = |v: Tensor<3>| v.reshape([k, 1, 1, d]).expand(shape);
    vec![
        diag_embed(diag.clone()),
        diag_embed(sum_diag.clone().expand([k, m, d]) / mf),
        diag_embed(rows.clone() / mf),
        diag_embed(cols.clone() / mf),
        diag_embed(all.clone().expand([k, m, d]) / (mf * mf)),
        at_i(cols.clone() / mf),
        at_i(rows.clone() / mf),
        at_j(cols / mf),
        at_j(rows / mf),
        x.clone(),
        x.swap_dims(1, 2),
        at_i(diag.clone()),
        at_j(diag),
        everywhere(sum_diag / mf),
        everywhere(all / (mf * mf)),
    ]
}

/// The 5 operators 2→1 on `[k, m, m, d]`.
pub fn ops_2_to_1(x: Tensor<4>) -> Vec<Tensor<3>> {
    let [k, m, _, d] = x.dims();
    let mf = m as f64;
    let diag = diagonal(x.clone());
    let sum_diag = diag.clone().sum_dim(1).expand([k, m, d]);
    let rows = x.clone().sum_dim(2).reshape([k, m, d]);
    let cols = x.sum_dim(1).reshape([k, m, d]);
    let all = rows.clone().sum_dim(1).expand([k, m, d]);
    vec![diag, sum_diag / mf, rows / mf, cols / mf, all / (mf * mf)]
}

/// The 5 operators 1→2 on `[k, m, d]`.
pub fn ops_1_to_2(x: Tensor<3>) -> Vec<Tensor<4>> {
    let [k, m, d] = x.dims();
    let mf = m as f64;
    let shape = [k, m, m, d];
    let sum = x.clone().sum_dim(1); // [k, 1, d]
    vec![
        diag_embed(x.clone()),
        diag_embed(sum.clone().expand([k, m, d]) / mf),
        x.clone().reshape([k, 1, m, d]).expand(shape),
        x.reshape([k, m, 1, d]).expand(shape),
        sum.reshape([k, 1, 1, d]).expand(shape) / mf,
    ]
}

/// The 2 operators 1→1 on `[k, m, d]`.
pub fn ops_1_to_1(x: Tensor<3>) -> Vec<Tensor<3>> {
    let [k, m, d] = x.dims();
    let mean = x.clone().sum_dim(1).expand([k, m, d]) / m as f64;
    vec![x, mean]
}

/// The 2 invariant operators 2→0 on `[k, m, m, d]`, each `[k, d]`.
pub fn ops_2_to_0(x: Tensor<4>) -> Vec<Tensor<2>> {
    let [k, m, _, d] = x.dims();
    let mf = m as f64;
    let sum_diag = diagonal(x.clone()).sum_dim(1).reshape([k, d]);
    let all = x.sum_dim(1).sum_dim(2).reshape([k, d]);
    vec![sum_diag / mf, all / (mf * mf)]
}

/// The invariant operator 1→0 on `[k, m, d]`: `[k, d]`.
pub fn ops_1_to_0(x: Tensor<3>) -> Vec<Tensor<2>> {
    let [k, m, d] = x.dims();
    vec![x.sum_dim(1).reshape([k, d]) / m as f64]
}

/// One operator set `Y = Σ_b op_b(X) W_b + bias` (2→2 adds `diag_bias` on the diagonal).
#[derive(Module, Debug)]
pub struct BasisLinear {
    /// `[basis · d_in, d_out]`: `W_b` is rows `b·d_in .. (b+1)·d_in`.
    pub weight: Param<Tensor<2>>,
    /// Added everywhere, `[d_out]`.
    pub bias: Param<Tensor<1>>,
    /// Added on the diagonal (2→2 only), `[d_out]`.
    pub diag_bias: Option<Param<Tensor<1>>>,
    #[module(skip)]
    orders: Orders,
}

impl BasisLinear {
    /// A set from `input` to `output` channels, weights `N(0, 2/(d_in + d_out))` as the official
    /// code, biases zero.
    pub fn new(orders: Orders, input: usize, output: usize, device: &Device) -> Self {
        let std = (2.0 / (input + output).max(1) as f64).sqrt();
        Self {
            weight: Initializer::Normal { mean: 0.0, std }.init([orders.basis() * input, output], device),
            bias: Param::from_tensor(Tensor::zeros([output], device)),
            diag_bias: (orders == Orders::TwoToTwo).then(|| Param::from_tensor(Tensor::zeros([output], device))),
            orders,
        }
    }

    /// The operator orders.
    pub fn orders(&self) -> Orders {
        self.orders
    }

    fn output(&self) -> usize {
        self.weight.dims()[1]
    }

    fn mix(&self, ops: Tensor<2>) -> Tensor<2> {
        ops.matmul(self.weight.val()) + self.bias.val().unsqueeze::<2>()
    }

    /// 2→2: `[k, m, m, d_in] → [k, m, m, d_out]`.
    pub fn forward_2_to_2(&self, x: Tensor<4>) -> Tensor<4> {
        let [k, m, _, _] = x.dims();
        let ops = Tensor::cat(ops_2_to_2(x), 3);
        let width = ops.dims()[3];
        let y = self.mix(ops.reshape([k * m * m, width])).reshape([k, m, m, self.output()]);
        match &self.diag_bias {
            Some(b) => y + diag_embed(b.val().reshape([1, 1, self.output()]).expand([k, m, self.output()])),
            None => y,
        }
    }

    /// 2→1: `[k, m, m, d_in] → [k, m, d_out]`.
    pub fn forward_2_to_1(&self, x: Tensor<4>) -> Tensor<3> {
        let [k, m, _, _] = x.dims();
        let ops = Tensor::cat(ops_2_to_1(x), 2);
        let width = ops.dims()[2];
        self.mix(ops.reshape([k * m, width])).reshape([k, m, self.output()])
    }

    /// 1→2: `[k, m, d_in] → [k, m, m, d_out]`.
    pub fn forward_1_to_2(&self, x: Tensor<3>) -> Tensor<4> {
        let [k, m, _] = x.dims();
        let ops = Tensor::cat(ops_1_to_2(x), 3);
        let width = ops.dims()[3];
        self.mix(ops.reshape([k * m * m, width])).reshape([k, m, m, self.output()])
    }

    /// 1→1: `[k, m, d_in] → [k, m, d_out]`.
    pub fn forward_1_to_1(&self, x: Tensor<3>) -> Tensor<3> {
        let [k, m, _] = x.dims();
        let ops = Tensor::cat(ops_1_to_1(x), 2);
        let width = ops.dims()[2];
        self.mix(ops.reshape([k * m, width])).reshape([k, m, self.output()])
    }

    /// 2→0: `[k, m, m, d_in] → [k, d_out]`.
    pub fn forward_2_to_0(&self, x: Tensor<4>) -> Tensor<2> {
        self.mix(Tensor::cat(ops_2_to_0(x), 1))
    }

    /// 1→0: `[k, m, d_in] → [k, d_out]`.
    pub fn forward_1_to_0(&self, x: Tensor<3>) -> Tensor<2> {
        self.mix(Tensor::cat(ops_1_to_0(x), 1))
    }
}
