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
//! matrix per basis element (the 2→2 set also has a bias on the diagonal). The sets into order
//! 1 or 0 are one matrix product of the concatenated operator outputs. The sets into order 2 use
//! that each operator acts on the node axes and `W_b` on the channels, so the two commute, and
//! gather the operators by how their output spreads over `(i, j)` (operators numbered from 1 in
//! the order above). For 2→2, `Y = X W₁₀ + (X W₁₁)ᵀ + diag(v) + a_i + b_j + c + bias` with
//! the per-node `v = D W₁ + δ/m W₂ + R/m W₃ + C/m W₄ + Σ/m² W₅`, `a = C/m W₆ + R/m W₇ + D W₁₂`,
//! `b = C/m W₈ + R/m W₉ + D W₁₃` and the per-subgraph `c = δ/m W₁₄ + Σ/m² W₁₅`. For 1→2,
//! `Y = diag(x W₁ + σ/m W₂) + (x W₃)_j + (x W₄)_i + σ/m W₅ + bias`. Only `X W₁₀` and `X W₁₁`
//! touch every pair, so no `[k, m, m, 15·d_in]` tensor is built.

use burn::module::{Module, Param};
use burn::nn::Initializer;
use burn::prelude::{Device, Tensor};

use crate::message_passing::index_tensor;

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

/// `[k, m, m, d] → [k, m, d]`: the diagonal (entries `i·(m + 1)` of the flattened `m × m`).
pub fn diagonal(x: Tensor<4>) -> Tensor<3> {
    let [k, m, _, d] = x.dims();
    let index = index_tensor(&(0..m).map(|i| i * (m + 1)).collect::<Vec<_>>(), &x.device());
    x.reshape([k, m * m, d]).select(1, index)
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

    /// The blocks `W_b` as a block matrix, `grid[r][c]` at block row r and column c:
    /// `[rows · d_in, columns · d_out]`.
    fn blocks(&self, grid: &[&[usize]]) -> Tensor<2> {
        let w = self.weight.val();
        let d = w.dims()[0] / self.orders.basis();
        let row = |bs: &[usize]| Tensor::cat(bs.iter().map(|&b| w.clone().narrow(0, b * d, d)).collect(), 1);
        Tensor::cat(grid.iter().map(|bs| row(bs)).collect(), 0)
    }

    /// The output of a set into order 2 from its per-node terms `[k, m, 3·d_out]` (on the
    /// diagonal, spread along j at row i, spread along i at column j) and per-subgraph terms
    /// `[k, 2·d_out]` (on the diagonal, everywhere), added to `pairs` (`[k, m, m, d_out]`).
    fn spread(&self, pairs: Tensor<4>, nodes: Tensor<3>, subgraph: Tensor<2>) -> Tensor<4> {
        let [k, m, _, o] = pairs.dims();
        let at = |t: &Tensor<3>, c: usize| t.clone().narrow(2, c * o, o);
        let subgraph = subgraph.reshape([k, 1, 2 * o]);
        let mut diag = at(&nodes, 0) + at(&subgraph, 0);
        if let Some(b) = &self.diag_bias {
            diag = diag + b.val().reshape([1, 1, o]);
        }
        let everywhere = at(&subgraph, 1) + self.bias.val().reshape([1, 1, o]);
        pairs
            + diag_embed(diag)
            + at(&nodes, 1).reshape([k, m, 1, o])
            + at(&nodes, 2).reshape([k, 1, m, o])
            + everywhere.reshape([k, 1, 1, o])
    }

    /// 2→2: `[k, m, m, d_in] → [k, m, m, d_out]`, in the factored form of the module docs.
    pub fn forward_2_to_2(&self, x: Tensor<4>) -> Tensor<4> {
        let [k, m, _, d] = x.dims();
        let (o, mf) = (self.output(), m as f64);
        let diag = diagonal(x.clone());
        let rows = x.clone().sum_dim(2).reshape([k, m, d]) / mf;
        let cols = x.clone().sum_dim(1).reshape([k, m, d]) / mf;
        // [δ/m, Σ/m²] per subgraph; Σ/m² = Σᵢ (Rᵢ/m) / m.
        let subgraph = Tensor::cat(vec![diag.clone().sum_dim(1), rows.clone().sum_dim(1)], 2).reshape([k, 2 * d]) / mf;
        let nodes = Tensor::cat(vec![diag, rows, cols], 2).reshape([k * m, 3 * d]);
        // Rows D, R/m, C/m; columns: on the diagonal, at row i, at column j.
        let nodes = nodes.matmul(self.blocks(&[&[0, 11, 12], &[2, 6, 8], &[3, 5, 7]])).reshape([k, m, 3 * o]);
        let subgraph = subgraph.matmul(self.blocks(&[&[1, 13], &[4, 14]]));
        let flat = x.reshape([k * m * m, d]);
        let plain = flat.clone().matmul(self.blocks(&[&[9]])).reshape([k, m, m, o]);
        let transposed = flat.matmul(self.blocks(&[&[10]])).reshape([k, m, m, o]).swap_dims(1, 2);
        self.spread(plain + transposed, nodes, subgraph)
    }

    /// 2→1: `[k, m, m, d_in] → [k, m, d_out]`.
    pub fn forward_2_to_1(&self, x: Tensor<4>) -> Tensor<3> {
        let [k, m, _, _] = x.dims();
        let ops = Tensor::cat(ops_2_to_1(x), 2);
        let width = ops.dims()[2];
        self.mix(ops.reshape([k * m, width])).reshape([k, m, self.output()])
    }

    /// 1→2: `[k, m, d_in] → [k, m, m, d_out]`, in the factored form of the module docs.
    pub fn forward_1_to_2(&self, x: Tensor<3>) -> Tensor<4> {
        let [k, m, d] = x.dims();
        let o = self.output();
        let mean = x.clone().sum_dim(1).reshape([k, d]) / m as f64;
        // Columns: on the diagonal (x), at row i (Y_ij = x_i), at column j (Y_ij = x_j).
        let nodes = x.reshape([k * m, d]).matmul(self.blocks(&[&[0, 3, 2]])).reshape([k, m, 3 * o]);
        let subgraph = mean.matmul(self.blocks(&[&[1, 4]]));
        self.spread(Tensor::zeros([k, m, m, o], &nodes.device()), nodes, subgraph)
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

#[cfg(test)]
mod tests {
    //! The factored sets into order 2 against the plain `Σ_b op_b(X) W_b + bias`.

    use burn::module::Param;
    use burn::prelude::{Device, Tensor};
    use burn::tensor::Distribution;

    use super::{BasisLinear, Orders, diag_embed, ops_1_to_2, ops_2_to_2};

    const K: usize = 2;
    const M: usize = 5;

    fn worst<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
        let (a, b) = (kiln_core::tensor::to_vec(a), kiln_core::tensor::to_vec(b));
        assert_eq!(a.len(), b.len());
        a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
    }

    fn normal<const D: usize>(shape: [usize; D], device: &Device) -> Tensor<D> {
        Tensor::random(shape, Distribution::Normal(0.0, 1.0), device)
    }

    /// A 3 → 4 set with random biases (the initial biases are 0 and would test nothing).
    fn set(orders: Orders, device: &Device) -> BasisLinear {
        let mut set = BasisLinear::new(orders, 3, 4, device);
        set.bias = Param::from_tensor(normal([4], device));
        set.diag_bias = set.diag_bias.as_ref().map(|_| Param::from_tensor(normal([4], device)));
        set
    }

    /// `Σ_b op_b W_b + bias` (+ the diagonal bias) from the operators' outputs.
    fn plain(set: &BasisLinear, ops: Vec<Tensor<4>>) -> Tensor<4> {
        let width = ops.len() * 3;
        let y = Tensor::cat(ops, 3).reshape([K * M * M, width]).matmul(set.weight.val());
        let y = (y + set.bias.val().unsqueeze::<2>()).reshape([K, M, M, 4]);
        match &set.diag_bias {
            Some(b) => y + diag_embed(b.val().reshape([1, 1, 4]).expand([K, M, 4])),
            None => y,
        }
    }

    /// Values, weight gradients and input gradients (of a random projection of the output) of
    /// `factored` and `plain` agree.
    fn agree<const D: usize>(set: &BasisLinear, x: &Tensor<D>, factored: Tensor<4>, plain: Tensor<4>, name: &str) {
        let d = worst(factored.clone(), plain.clone());
        assert!(d < 1e-4, "{name}: values off by {d}");
        let probe = normal([K, M, M, 4], &x.device());
        let (ga, gb) = ((factored * probe.clone()).sum().backward(), (plain * probe).sum().backward());
        let weight = |g| set.weight.grad(g).expect("weight gradient");
        let d = worst(weight(&ga), weight(&gb));
        assert!(d < 1e-3, "{name}: weight gradients off by {d}");
        let input = |g| x.grad(g).expect("input gradient");
        let d = worst(input(&ga), input(&gb));
        assert!(d < 1e-4, "{name}: input gradients off by {d}");
    }

    #[test]
    fn factored_sets_equal_the_plain_sum_in_value_and_gradient() {
        let device = Device::flex().autodiff();
        let x2 = normal([K, M, M, 3], &device).require_grad();
        let x1 = normal([K, M, 3], &device).require_grad();
        let (l22, l12) = (set(Orders::TwoToTwo, &device), set(Orders::OneToTwo, &device));
        agree(&l22, &x2, l22.forward_2_to_2(x2.clone()), plain(&l22, ops_2_to_2(x2.clone())), "2→2");
        agree(&l12, &x1, l12.forward_1_to_2(x1.clone()), plain(&l12, ops_1_to_2(x1.clone())), "1→2");
    }
}
