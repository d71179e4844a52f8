//! DenseFPN (CATNet's `models/dfpn.py`): a feature pyramid whose top-down and bottom-up paths
//! connect every level to *all* coarser (resp. finer) levels, stacked `S` times.
//!
//! With `L` levels (finest first), laterals `ℓ_i` (1×1 ConvModule of the backbone maps, plus
//! stride-2 3×3 ConvModules for the extra levels), and one stack:
//!
//! - top-down: `t_i = B_i(ReLU(ℓ_i + Σ_{j<L−1−i} α^i_j · up(ℓ_{L−1−j})))`, where `up` is a
//!   bilinear resize (`align_corners=False`) to level `i`'s size and `α^i = softmax(a^i)`
//!   (a single coarser level has weight 1);
//! - bottom-up: `u_i = B'_i(ReLU(ℓ_i + t_i + Σ_{j<i} β^i_j · amp(t_j)))`, with `amp` the adaptive
//!   max pool to level `i`'s size and `β^i = softmax(b^i)` (a single finer level has weight 1);
//! - the next stack's laterals are `u`.
//!
//! `B` is a bottleneck of three ConvModules (1×1 `C → C/2`, 3×3 `C/2 → C/2`, 1×1 `C/2 → C`),
//! each a convolution and batch norm without activation (CATNet's `act_cfg=None`). The
//! weights `a^i`, `b^i` start at 1 and are shared by all stacks, as in the official code.
//! Note that the top-down sum takes the *laterals* of the coarser levels, not their
//! top-down outputs, and the bottom-up sum the top-down outputs of the finer levels.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, softmax};

use super::layers::{ConvModule, adaptive_max_pool2d, resize_bilinear};

/// Configuration of a [`DenseFpn`].
#[derive(Config, Debug)]
pub struct DenseFpnConfig {
    /// Channels `C` of every output level (CATNet: 256).
    pub channels: usize,
    /// Stacks `S` of top-down + bottom-up paths (CATNet: 5).
    pub stacks: usize,
    /// Output levels `L` (CATNet: 5, P3–P7). Default: 5.
    #[config(default = 5)]
    pub levels: usize,
    /// Channels of the input maps, finest first; the levels past them are made by stride-2
    /// convolutions of the last lateral. Empty (the default): `L` inputs of `C` channels.
    #[config(default = "Vec::new()")]
    pub in_channels: Vec<usize>,
    /// Bottleneck reduction `C / C_mid`. Default: 2.
    #[config(default = 2)]
    pub reduction: usize,
    /// Batch norm in every ConvModule (CATNet: SyncBN). Default: true.
    #[config(default = true)]
    pub norm: bool,
}

impl DenseFpnConfig {
    /// The input channels, with the default filled in.
    fn inputs(&self) -> Vec<usize> {
        if self.in_channels.is_empty() { vec![self.channels; self.levels] } else { self.in_channels.clone() }
    }

    /// Builds the neck on `device`.
    ///
    /// # Panics
    /// When there are more inputs than levels, or no input.
    pub fn init(&self, device: &Device) -> DenseFpn {
        let inputs = self.inputs();
        assert!(
            !inputs.is_empty() && inputs.len() <= self.levels,
            "DenseFPN: {} inputs for {} levels",
            inputs.len(),
            self.levels
        );
        let c = self.channels;
        let mid = (c / self.reduction.max(1)).max(1);
        let (levels, norm) = (self.levels, self.norm);
        let bottleneck = || Bottleneck {
            reduce: ConvModule::new(c, mid, 1, 1, norm, false, device),
            spatial: ConvModule::new(mid, mid, 3, 1, norm, false, device),
            expand: ConvModule::new(mid, c, 1, 1, norm, false, device),
        };
        DenseFpn {
            laterals: inputs.iter().map(|&i| ConvModule::new(i, c, 1, 1, norm, false, device)).collect(),
            extras: (inputs.len()..levels).map(|_| ConvModule::new(c, c, 3, 2, norm, false, device)).collect(),
            stacks: (0..self.stacks)
                .map(|_| Stack {
                    top_down: (0..levels).map(|_| bottleneck()).collect(),
                    bottom_up: (0..levels).map(|_| bottleneck()).collect(),
                })
                .collect(),
            top_down_weights: (0..levels.saturating_sub(2))
                .map(|i| Param::from_tensor(Tensor::ones([levels - 1 - i], device)))
                .collect(),
            bottom_up_weights: (2..levels).map(|i| Param::from_tensor(Tensor::ones([i], device))).collect(),
        }
    }
}

/// `1×1 → 3×3 → 1×1` ConvModules.
#[derive(Module, Debug)]
pub struct Bottleneck {
    /// `C → C/2`.
    pub reduce: ConvModule,
    /// `C/2 → C/2`, 3×3.
    pub spatial: ConvModule,
    /// `C/2 → C`.
    pub expand: ConvModule,
}

impl Bottleneck {
    /// The three ConvModules in turn.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.expand.forward(self.spatial.forward(self.reduce.forward(x)))
    }
}

/// One top-down + bottom-up stack: a bottleneck per level and path.
#[derive(Module, Debug)]
pub struct Stack {
    /// `B_i`.
    pub top_down: Vec<Bottleneck>,
    /// `B'_i`.
    pub bottom_up: Vec<Bottleneck>,
}

/// The DenseFPN neck.
#[derive(Module, Debug)]
pub struct DenseFpn {
    /// 1×1 laterals of the inputs.
    pub laterals: Vec<ConvModule>,
    /// Stride-2 3×3 convolutions making the extra levels.
    pub extras: Vec<ConvModule>,
    /// The stacks.
    pub stacks: Vec<Stack>,
    /// `a^i` for levels `0 .. L−2` (`L−1−i` coarser levels each).
    pub top_down_weights: Vec<Param<Tensor<1>>>,
    /// `b^i` for levels `2 .. L` (`i` finer levels each).
    pub bottom_up_weights: Vec<Param<Tensor<1>>>,
}

/// `Σ_j w_j · maps_j`, with `w = softmax(weights)` or 1 for a single map.
fn weighted_sum(maps: Vec<Tensor<4>>, weights: Option<&Param<Tensor<1>>>) -> Option<Tensor<4>> {
    let dims = maps.first()?.dims();
    let w = weights.map(|p| softmax(p.val(), 0));
    maps.into_iter()
        .enumerate()
        .map(|(j, m)| match &w {
            Some(w) => m * w.clone().narrow(0, j, 1).reshape([1, 1, 1, 1]).expand(dims),
            None => m,
        })
        .reduce(|a, b| a + b)
}

impl DenseFpn {
    /// Number of output levels.
    pub fn levels(&self) -> usize {
        self.laterals.len() + self.extras.len()
    }

    /// The pyramid of `inputs` (finest first; one per configured input).
    ///
    /// # Shapes
    /// `[[n, c_i, h_i, w_i]; inputs] → [[n, C, h_i, w_i]; L]`, the extra levels halving the last.
    ///
    /// # Panics
    /// When the number of inputs differs from the configuration.
    pub fn forward(&self, inputs: Vec<Tensor<4>>) -> Vec<Tensor<4>> {
        assert_eq!(
            inputs.len(),
            self.laterals.len(),
            "DenseFPN: {} inputs for {} laterals",
            inputs.len(),
            self.laterals.len()
        );
        let mut laterals: Vec<Tensor<4>> = inputs.into_iter().zip(&self.laterals).map(|(x, l)| l.forward(x)).collect();
        for extra in &self.extras {
            let last = laterals.last().cloned().expect("at least one lateral");
            laterals.push(extra.forward(last));
        }
        let levels = laterals.len();
        for stack in &self.stacks {
            let sizes: Vec<[usize; 2]> = laterals.iter().map(|t| [t.dims()[2], t.dims()[3]]).collect();
            let mut top_downs: Vec<Option<Tensor<4>>> = vec![None; levels];
            for i in (0..levels).rev() {
                let coarser: Vec<Tensor<4>> =
                    (0..levels - 1 - i).map(|j| resize_bilinear(laterals[levels - 1 - j].clone(), sizes[i])).collect();
                let fused = match weighted_sum(coarser, self.top_down_weights.get(i)) {
                    Some(sum) => laterals[i].clone() + sum,
                    None => laterals[i].clone(),
                };
                top_downs[i] = Some(stack.top_down[i].forward(relu(fused)));
            }
            let top_downs: Vec<Tensor<4>> = top_downs.into_iter().map(|t| t.expect("every level")).collect();
            let bottom_ups = (0..levels)
                .map(|i| {
                    let finer: Vec<Tensor<4>> =
                        (0..i).map(|j| adaptive_max_pool2d(top_downs[j].clone(), sizes[i])).collect();
                    let weights = if i >= 2 { self.bottom_up_weights.get(i - 2) } else { None };
                    let base = laterals[i].clone() + top_downs[i].clone();
                    let fused = match weighted_sum(finer, weights) {
                        Some(sum) => base + sum,
                        None => base,
                    };
                    stack.bottom_up[i].forward(relu(fused))
                })
                .collect();
            laterals = bottom_ups;
        }
        laterals
    }
}
