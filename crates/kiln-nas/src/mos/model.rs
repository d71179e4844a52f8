//! [`MosSupernet`]: the OFA supernet whose expand and project convolutions are mixtures of m
//! experts routed by the architecture, and the architecture embedding e(a).

use std::borrow::Cow;

use burn::module::{Module, Param};
use burn::nn::Initializer;
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::module::adaptive_avg_pool2d;

use super::config::MosConfig;
use super::router::{Router, Routing, mix};
use crate::elastic::{BlockRun, ElasticMbBlock, channel_mask};
use crate::ofa::{ActiveBlock, OfaConfig, OfaSupernet, Subnet, SubnetConfig, SubnetSource, active_blocks, resize};

/// The architecture embedding e(a) of `cfg`: each unit's depth, the mean expand ratio and the
/// mean kernel size over the blocks that run, and the resolution, each divided by its largest
/// value in the space (a unit's largest depth is `min(max depths, max_depth)`); `units + 3`
/// features in `[0, 1]` (a choice list with maximum 0 gives 0, which
/// [`MosConfig::validate`] refuses).
pub fn arch_embedding(config: &OfaConfig, cfg: &SubnetConfig) -> Vec<f32> {
    let max = |list: &[usize]| list.iter().copied().max().unwrap_or(0) as f32;
    let ratio = |v: f32, m: f32| if m > 0.0 { v / m } else { 0.0 };
    let blocks = active_blocks(config, cfg);
    let mut e: Vec<f32> = config
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let running = blocks.iter().filter(|b| b.unit == u).count() as f32;
            ratio(running, max(&config.depths).min(unit.max_depth as f32))
        })
        .collect();
    let n = blocks.len().max(1) as f32;
    let mean_expand = blocks.iter().map(|b| b.expand as f32).sum::<f32>() / n;
    let mean_kernel = blocks.iter().map(|b| b.kernel as f32).sum::<f32>() / n;
    e.push(ratio(mean_expand, max(&config.expand_ratios)));
    e.push(ratio(mean_kernel, max(&config.kernel_sizes)));
    e.push(ratio(cfg.resolution as f32, max(&config.resolutions)));
    e
}

/// m experts `[m, out, in]` of a 1×1 convolution `in → out`, initialised as burn's `Conv2d`
/// initialises a 1×1 kernel (Kaiming-uniform, bound `1/√in`).
fn experts(m: usize, in_ch: usize, out: usize, device: &Device) -> Param<Tensor<3>> {
    let init = Initializer::KaimingUniform { gain: 1.0 / 3f64.sqrt(), fan_out_only: false };
    init.init_with([m, out, in_ch], Some(in_ch), Some(out), device)
}

/// `weight` (`[out, in, 1, 1]`) repeated as m identical experts.
fn repeated(weight: Tensor<4>, m: usize) -> Param<Tensor<3>> {
    let [out, in_ch, _, _] = weight.dims();
    Param::from_tensor(weight.reshape([1, out, in_ch]).repeat_dim(0, m))
}

/// `[out, in]` as a 1×1 kernel `[out, in, 1, 1]`.
fn kernel(w: Tensor<2>) -> Tensor<4> {
    let [out, in_ch] = w.dims();
    w.reshape([out, in_ch, 1, 1])
}

/// The experts and routers of one elastic block's expand and project convolutions. As in the
/// official code, neuron-wise routing has one router per matrix (`fc1_expert`, `fc2_expert`)
/// and layer-wise routing one router per block whose m weights mix both matrices
/// (`arch_expert`).
#[derive(Module, Debug)]
pub struct MosBlock {
    /// Expansion experts `[m, hidden_max, in]`.
    pub expand: Param<Tensor<3>>,
    /// Projection experts `[m, out, hidden_max]`.
    pub project: Param<Tensor<3>>,
    /// Neuron-wise: the expansion's router (`m · hidden_max` outputs); layer-wise: the block's
    /// one router (m outputs).
    pub router: Router,
    /// Neuron-wise: the projection's router (`m · out` outputs); `None` for layer-wise.
    pub project_router: Option<Router>,
}

impl MosBlock {
    /// Fresh experts and routers for a block `in → hidden → out` with an embedding of
    /// `embedding` features.
    pub fn new(in_ch: usize, hidden: usize, out: usize, embedding: usize, config: &MosConfig, device: &Device) -> Self {
        let (m, h, routing) = (config.experts, config.router_hidden, config.routing);
        let router = Router::new(embedding, h, m, hidden, routing, device);
        let project_router = match routing {
            Routing::NeuronWise => Some(Router::new(embedding, h, m, out, routing, device)),
            Routing::LayerWise => None,
        };
        Self {
            expand: experts(m, in_ch, hidden, device),
            project: experts(m, hidden, out, device),
            router,
            project_router,
        }
    }

    /// The routing weights of the expansion and the projection for `e` (`[1, |e|]`):
    /// `[m, hidden_max]` and `[m, out]` (neuron-wise) or the block's `[m, 1]` twice
    /// (layer-wise).
    pub fn routes(&self, e: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let expand = self.router.route(e.clone());
        let project = match &self.project_router {
            Some(router) => router.route(e),
            None => expand.clone(),
        };
        (expand, project)
    }

    /// W(a) of the expansion and the projection for `e`, as 1×1 kernels.
    pub fn weights(&self, e: Tensor<2>) -> (Tensor<4>, Tensor<4>) {
        let (r_expand, r_project) = self.routes(e);
        (kernel(mix(self.expand.val(), r_expand)), kernel(mix(self.project.val(), r_project)))
    }

    /// Every expert set to the given expand and project weights (`[out, in, 1, 1]` each).
    pub fn set_all_experts(&mut self, expand: Tensor<4>, project: Tensor<4>) {
        let m = self.expand.dims()[0];
        self.expand = repeated(expand, m);
        self.project = repeated(project, m);
    }
}

/// The Mixture-of-Supernets: an OFA supernet whose blocks take their expand and project
/// weights from [`MosBlock`]s. The base's own expand and project weights are not used (they
/// are replaced by W(a) in [`bake`](Self::bake)); everything else of the base is shared.
#[derive(Module, Debug)]
pub struct MosSupernet {
    /// The OFA supernet: stem, BNs, depthwise kernels, SE, head, search space.
    pub base: OfaSupernet,
    /// Experts and routers of every block, unit-major as `base.units`.
    pub blocks: Vec<Vec<MosBlock>>,
    /// The routing of every router.
    #[module(skip)]
    pub routing: Routing,
}

impl MosSupernet {
    /// Experts and routers for every block of `base` (unchecked: use
    /// [`MosConfig::init_on`], which validates).
    pub(crate) fn new(base: OfaSupernet, config: &MosConfig, device: &Device) -> Self {
        let embedding = base.config.units.len() + 3;
        let blocks = base
            .units
            .iter()
            .map(|unit| {
                unit.iter()
                    .map(|block| {
                        let [hidden, in_ch] = [block.max_hidden(), block.expand.weight.dims()[1]];
                        let out = block.project.weight.dims()[0];
                        MosBlock::new(in_ch, hidden, out, embedding, config, device)
                    })
                    .collect()
            })
            .collect();
        Self { base, blocks, routing: config.routing }
    }

    /// Every expert of every block set to the base block's own weights: W(a) is then the base
    /// weight for every a and routing (the rows of the routing weights sum to 1), so the
    /// MoS runs exactly the OFA supernet; a warm start from a trained supernet.
    pub fn with_experts_from_base(mut self) -> Self {
        for (unit, blocks) in self.blocks.iter_mut().zip(&self.base.units) {
            for (mos, block) in unit.iter_mut().zip(blocks) {
                mos.set_all_experts(block.expand.weight.val(), block.project.weight.val());
            }
        }
        self
    }

    /// e(a) of `cfg` on the supernet's device, `[1, |e|]` ([`arch_embedding`]).
    pub fn embedding(&self, cfg: &SubnetConfig) -> Tensor<2> {
        let e = arch_embedding(&self.base.config, cfg);
        let n = e.len();
        Tensor::<1>::from_data(TensorData::new(e, [n]), &self.base.head.weight.device()).reshape([1, n])
    }

    /// The expand and project weights W(a) of every block `cfg` runs, with the block.
    fn routed(&self, cfg: &SubnetConfig) -> Vec<(ActiveBlock, Tensor<4>, Tensor<4>)> {
        let e = self.embedding(cfg);
        active_blocks(&self.base.config, cfg)
            .into_iter()
            .map(|a| {
                let (expand, project) = self.blocks[a.unit][a.index].weights(e.clone());
                (a, expand, project)
            })
            .collect()
    }

    /// Runs the subnet `cfg` with its routed weights; mirrors [`OfaSupernet::forward_subnet`]
    /// (stem, the blocks of each unit up to its depth through
    /// [`ElasticMbBlock::forward_with`], pooling, head).
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward_subnet(&self, cfg: &SubnetConfig, x: Tensor<4>) -> Tensor<2> {
        let base = &self.base;
        let stem = base.stem_norm.forward(base.stem.forward(resize(x, cfg.resolution)));
        let mut x = base.config.stem_activation.forward(stem);
        for (a, expand, project) in self.routed(cfg) {
            let block: &ElasticMbBlock = &base.units[a.unit][a.index];
            let max = block.max_hidden();
            let hidden = (block.expand.weight.dims()[1] * a.expand).clamp(1, max);
            let run = BlockRun {
                expand,
                depthwise: block.depthwise.active_kernel(a.kernel),
                project,
                mask: channel_mask(max, hidden, &x.device()),
                se_hidden: hidden,
            };
            x = block.forward_with(x, run);
        }
        base.head.forward(adaptive_avg_pool2d(x, [1, 1]).flatten::<2>(1, 3))
    }

    /// A plain OFA supernet that runs `cfg` as the MoS does: a copy of the base with the
    /// expand and project weights of every block `cfg` runs replaced by W(a) (the others
    /// keep the base's). Its `forward_subnet(cfg, ·)`, BN recalibration and evaluation are
    /// OFA's.
    pub fn bake(&self, cfg: &SubnetConfig) -> OfaSupernet {
        let mut baked = self.base.clone();
        for (a, expand, project) in self.routed(cfg) {
            let block = &mut baked.units[a.unit][a.index];
            block.expand.weight = Param::from_tensor(expand.detach());
            block.project.weight = Param::from_tensor(project.detach());
        }
        baked
    }

    /// The subnet `cfg` as a standalone network with W(a) baked in ([`bake`](Self::bake),
    /// then [`OfaSupernet::extract`]): it saves, loads and evaluates like any OFA subnet.
    pub fn extract(&self, cfg: &SubnetConfig) -> Subnet {
        self.bake(cfg).extract(cfg)
    }
}

/// Every subnet evaluated through its baked weights ([`MosSupernet::bake`]): searches over a
/// Mixture-of-Supernets measure W(a)'s subnet, recalibrated and timed as OFA's.
impl SubnetSource for MosSupernet {
    fn space(&self) -> &OfaConfig {
        &self.base.config
    }

    fn weights_for(&self, cfg: &SubnetConfig) -> Cow<'_, OfaSupernet> {
        Cow::Owned(self.bake(cfg))
    }
}
