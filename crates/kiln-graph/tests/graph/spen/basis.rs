//! Every operator of Maron et al.'s bases commutes with node permutations (< 1e-5), and a small
//! operator set gives the hand-computed values on a 2×2 input.

use burn::module::Param;
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_graph::spen::basis::{
    BasisLinear, Orders, ops_1_to_0, ops_1_to_1, ops_1_to_2, ops_2_to_0, ops_2_to_1, ops_2_to_2,
};
use rand::seq::SliceRandom;

fn read<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::try_to_vec(t).expect("read")
}

fn max_diff<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
    read(a).iter().zip(read(b)).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// `(P·x)` along the node axes `axes`: entry `i` becomes entry `perm[i]`.
fn permute<const D: usize>(x: Tensor<D>, perm: &[usize], axes: &[usize]) -> Tensor<D> {
    let index = kiln_graph::message_passing::index_tensor(perm, &x.device());
    axes.iter().fold(x, |x, &a| x.select(a, index.clone()))
}

const M: usize = 5;

fn setup() -> (Device, Vec<usize>, Tensor<4>, Tensor<3>) {
    let device = Device::flex();
    let mut perm: Vec<usize> = (0..M).collect();
    perm.shuffle(&mut kiln_core::seed::rng(3, 0));
    assert_ne!(perm, (0..M).collect::<Vec<_>>());
    let x2 = Tensor::<4>::random([2, M, M, 3], Distribution::Normal(0.0, 1.0), &device);
    let x1 = Tensor::<3>::random([2, M, 3], Distribution::Normal(0.0, 1.0), &device);
    (device, perm, x2, x1)
}

#[test]
fn every_basis_operator_is_permutation_equivariant() {
    let (_, p, x2, x1) = setup();
    let (px2, px1) = (permute(x2.clone(), &p, &[1, 2]), permute(x1.clone(), &p, &[1]));
    let mut worst = 0.0f32;
    let pairs22 = ops_2_to_2(px2.clone()).into_iter().zip(ops_2_to_2(x2.clone()));
    for (i, (a, b)) in pairs22.enumerate() {
        let d = max_diff(a, permute(b, &p, &[1, 2]));
        assert!(d < 1e-5, "2→2 operator {} off by {d}", i + 1);
        worst = worst.max(d);
    }
    for (i, (a, b)) in ops_2_to_1(px2.clone()).into_iter().zip(ops_2_to_1(x2.clone())).enumerate() {
        let d = max_diff(a, permute(b, &p, &[1]));
        assert!(d < 1e-5, "2→1 operator {} off by {d}", i + 1);
        worst = worst.max(d);
    }
    for (i, (a, b)) in ops_1_to_2(px1.clone()).into_iter().zip(ops_1_to_2(x1.clone())).enumerate() {
        let d = max_diff(a, permute(b, &p, &[1, 2]));
        assert!(d < 1e-5, "1→2 operator {} off by {d}", i + 1);
        worst = worst.max(d);
    }
    for (i, (a, b)) in ops_1_to_1(px1.clone()).into_iter().zip(ops_1_to_1(x1.clone())).enumerate() {
        let d = max_diff(a, permute(b, &p, &[1]));
        assert!(d < 1e-5, "1→1 operator {} off by {d}", i + 1);
        worst = worst.max(d);
    }
    // The invariant operators do not change at all.
    for (i, (a, b)) in ops_2_to_0(px2).into_iter().zip(ops_2_to_0(x2)).enumerate() {
        let d = max_diff(a, b);
        assert!(d < 1e-5, "2→0 operator {} off by {d}", i + 1);
        worst = worst.max(d);
    }
    let d = ops_1_to_0(px1).into_iter().zip(ops_1_to_0(x1)).map(|(a, b)| max_diff(a, b)).fold(0.0, f32::max);
    assert!(d < 1e-5, "1→0 operator off by {d}");
    eprintln!("basis operators: worst |op(P·T) − P·op(T)| = {:.2e}", worst.max(d));
}

#[test]
fn weighted_operator_sets_are_equivariant_too() {
    let (device, p, x2, x1) = setup();
    let (px2, px1) = (permute(x2.clone(), &p, &[1, 2]), permute(x1.clone(), &p, &[1]));
    let set = |o| BasisLinear::new(o, 3, 4, &device);
    let (l22, l21, l12, l11) =
        (set(Orders::TwoToTwo), set(Orders::TwoToOne), set(Orders::OneToTwo), set(Orders::OneToOne));
    let d22 = max_diff(l22.forward_2_to_2(px2.clone()), permute(l22.forward_2_to_2(x2.clone()), &p, &[1, 2]));
    let d21 = max_diff(l21.forward_2_to_1(px2), permute(l21.forward_2_to_1(x2), &p, &[1]));
    let d12 = max_diff(l12.forward_1_to_2(px1.clone()), permute(l12.forward_1_to_2(x1.clone()), &p, &[1, 2]));
    let d11 = max_diff(l11.forward_1_to_1(px1), permute(l11.forward_1_to_1(x1), &p, &[1]));
    for (name, d) in [("2→2", d22), ("2→1", d21), ("1→2", d12), ("1→1", d11)] {
        assert!(d < 1e-5, "{name} set off by {d}");
    }
}

fn matrix(device: &Device) -> Tensor<4> {
    // X = [[1, 2], [3, 4]]: diagonal (1, 4), rows (3, 7), columns (4, 6), trace 5, sum 10.
    Tensor::from_data(TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0], [1, 2, 2, 1]), device)
}

#[test]
fn hand_values_on_a_two_by_two_input() {
    let device = Device::flex();
    let ops: Vec<Vec<f32>> = ops_2_to_1(matrix(&device)).into_iter().map(read).collect();
    assert_eq!(ops, vec![vec![1.0, 4.0], vec![2.5, 2.5], vec![1.5, 3.5], vec![2.0, 3.0], vec![2.5, 2.5]]);
    let ops: Vec<Vec<f32>> = ops_2_to_0(matrix(&device)).into_iter().map(read).collect();
    assert_eq!(ops, vec![vec![2.5], vec![2.5]]);
    let ops: Vec<Vec<f32>> = ops_2_to_2(matrix(&device)).into_iter().map(read).collect();
    assert_eq!(ops.len(), 15);
    assert_eq!(ops[2], vec![1.5, 0.0, 0.0, 3.5], "diag(R/m)");
    assert_eq!(ops[5], vec![2.0, 2.0, 3.0, 3.0], "Y_ij = C_i/m");
    assert_eq!(ops[7], vec![2.0, 3.0, 2.0, 3.0], "Y_ij = C_j/m");
    assert_eq!(ops[10], vec![1.0, 3.0, 2.0, 4.0], "transpose");
    assert_eq!(ops[14], vec![2.5; 4], "Σ/m²");

    // The 1→1 set with W₁ = 2, W₂ = −1, bias 0.5 on x = (1, 3): y = 2x − mean(x) + 0.5.
    let mut set = BasisLinear::new(Orders::OneToOne, 1, 1, &device);
    set.weight = Param::from_tensor(Tensor::from_data(TensorData::new(vec![2.0f32, -1.0], [2, 1]), &device));
    set.bias = Param::from_tensor(Tensor::from_data(TensorData::new(vec![0.5f32], [1]), &device));
    let x = Tensor::<3>::from_data(TensorData::new(vec![1.0f32, 3.0], [1, 2, 1]), &device);
    let ops: Vec<Vec<f32>> = ops_1_to_2(x.clone()).into_iter().map(read).collect();
    assert_eq!(ops[2], vec![1.0, 3.0, 1.0, 3.0], "Y_ij = x_j");
    assert_eq!(ops[3], vec![1.0, 1.0, 3.0, 3.0], "Y_ij = x_i");
    assert_eq!(read(set.forward_1_to_1(x)), vec![0.5, 4.5]);
}
