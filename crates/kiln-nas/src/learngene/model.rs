//! [`LearngenePool`]: the learngene instances and the stitch layers between them, every
//! descendant run in place, and [`DescendantNet`], one descendant as a standalone network.

use burn::module::Module;
use burn::prelude::{Device, Tensor};

use super::config::LearngenePoolConfig;
use super::descendant::{Descendant, stitch_layers_per_pair};
use super::error::LearngeneError;
use crate::macs::Cost;
use crate::stitch::StitchLayer;
use crate::vit::{Vit, VitBlock, VitConfig};

/// The stitch layers of one stitched pair, one per paired-stitching window; none when both
/// instances have the same width (the official `StitchingLayer` is then the identity).
#[derive(Module, Debug)]
pub struct PairStitches {
    /// Stitch layers `Linear(d_front → d_end)`, indexed by stitch id.
    pub layers: Vec<StitchLayer>,
}

/// A Learngene Pool (Shi et al., AAAI 2024): learngene instances (the distilled auxiliary
/// ViTs, narrowest first) and the stitch layers that join them into descendants.
#[derive(Module, Debug)]
pub struct LearngenePool {
    /// The learngene instances, one per auxiliary model.
    pub instances: Vec<Vit>,
    /// Stitch layers of each pair in `config.pairs`, in that order.
    pub stitches: Vec<PairStitches>,
    /// The pool's configuration.
    #[module(skip)]
    pub config: LearngenePoolConfig,
}

impl LearngenePoolConfig {
    /// A pool with fresh instances and stitch layers (burn's default initialisation; a
    /// distilled pool comes from [`LearngenePool::from_auxiliaries`]).
    ///
    /// # Errors
    /// [`LearngeneError`] when the configuration is invalid ([`validate`](Self::validate)).
    pub fn init(&self, device: &Device) -> Result<LearngenePool, LearngeneError> {
        self.validate()?;
        let instances: Vec<Vit> = self.auxiliaries.iter().map(|a| a.vit.init(device)).collect();
        let per_pair = stitch_layers_per_pair(self.instance_depth());
        let stitches = self
            .pairs
            .iter()
            .map(|&(front, end)| {
                let (d_front, d_end) = (self.auxiliaries[front].vit.width, self.auxiliaries[end].vit.width);
                let count = if d_front == d_end { 0 } else { per_pair };
                PairStitches { layers: (0..count).map(|_| StitchLayer::new(d_front, d_end, device)).collect() }
            })
            .collect();
        Ok(LearngenePool { instances, stitches, config: self.clone() })
    }
}

/// Runs `front` blocks, the optional stitch, then `end` blocks.
fn run_blocks(x: Tensor<3>, front: &[VitBlock], stitch: Option<&StitchLayer>, end: &[VitBlock]) -> Tensor<3> {
    let x = front.iter().fold(x, |x, block| block.forward(x));
    let x = match stitch {
        Some(layer) => layer.forward(x),
        None => x,
    };
    end.iter().fold(x, |x, block| block.forward(x))
}

impl LearngenePool {
    /// Every descendant this pool builds (see [`LearngenePoolConfig::descendants`]).
    pub fn descendants(&self) -> Vec<Descendant> {
        self.config.descendants()
    }

    /// The stitch layer of a stitched descendant (`None` for an instance or an identity stitch).
    ///
    /// # Errors
    /// [`LearngeneError::Descendant`] when `descendant` is not one of this pool's.
    fn stitch_of(&self, descendant: &Descendant) -> Result<Option<&StitchLayer>, LearngeneError> {
        let located = self
            .config
            .locate(descendant)
            .map_err(|reason| LearngeneError::Descendant { descendant: *descendant, reason })?;
        Ok(located.and_then(|(pair, layer)| self.stitches.get(pair).and_then(|p| p.layers.get(layer))))
    }

    /// Logits of `descendant` on `images`, run in place on the pool's weights: the front
    /// instance's embedding and blocks `0..=j`, the stitch layer, the end instance's blocks
    /// `k..`, norm and head.
    ///
    /// # Errors
    /// [`LearngeneError::Descendant`] when `descendant` is not one of this pool's.
    ///
    /// # Shapes
    /// `[b, channels, image, image] → [b, classes]`
    pub fn forward_descendant(&self, descendant: &Descendant, images: Tensor<4>) -> Result<Tensor<2>, LearngeneError> {
        let stitch = self.stitch_of(descendant)?;
        Ok(match *descendant {
            Descendant::Instance(i) => self.instances[i].forward(images),
            Descendant::Stitched { front, end, front_last, end_first } => {
                let (f, e) = (&self.instances[front], &self.instances[end]);
                let x = run_blocks(f.embed(images), &f.blocks[..=front_last], stitch, &e.blocks[end_first..]);
                e.classify(x)
            }
        })
    }

    /// `descendant` as a standalone network (its weights copied out of the pool).
    ///
    /// # Errors
    /// [`LearngeneError::Descendant`] when `descendant` is not one of this pool's.
    pub fn build(&self, descendant: &Descendant) -> Result<DescendantNet, LearngeneError> {
        let stitch = self.stitch_of(descendant)?.cloned();
        Ok(match *descendant {
            Descendant::Instance(i) => DescendantNet {
                vit: self.instances[i].clone(),
                stitch: None,
                stitch_after: None,
                descendant: *descendant,
            },
            Descendant::Stitched { front, end, front_last, end_first } => {
                let (f, e) = (&self.instances[front], &self.instances[end]);
                let blocks: Vec<VitBlock> =
                    f.blocks[..=front_last].iter().chain(&e.blocks[end_first..]).cloned().collect();
                let config = VitConfig { depth: blocks.len(), ..e.config.clone() };
                let vit = Vit {
                    patch_embed: f.patch_embed.clone(),
                    cls_token: f.cls_token.clone(),
                    pos_embed: f.pos_embed.clone(),
                    blocks,
                    norm: e.norm.clone(),
                    head: e.head.clone(),
                    config,
                };
                DescendantNet { vit, stitch, stitch_after: Some(front_last + 1), descendant: *descendant }
            }
        })
    }

    /// MACs (one image) and parameters of `descendant` as a standalone network: the front
    /// instance's embedding, its blocks `0..=j`, the stitch layer, the end instance's blocks
    /// `k..` and head ([`VitConfig`]'s analytic costs).
    ///
    /// # Errors
    /// [`LearngeneError::Descendant`] when `descendant` is not one of this pool's.
    pub fn cost(&self, descendant: &Descendant) -> Result<Cost, LearngeneError> {
        let stitch = self.stitch_of(descendant)?;
        let cfg = |i: usize| &self.config.auxiliaries[i].vit;
        Ok(match *descendant {
            Descendant::Instance(i) => cfg(i).cost(),
            Descendant::Stitched { front, end, front_last, end_first } => {
                let (f, e) = (cfg(front), cfg(end));
                let blocks = |c: &VitConfig, n: usize| (0..n).map(|_| c.block_cost()).sum::<Cost>();
                f.embed_cost()
                    + blocks(f, front_last + 1)
                    + stitch.map_or_else(Cost::default, |s| stitch_cost(s, f.tokens()))
                    + blocks(e, e.depth.saturating_sub(end_first))
                    + e.head_cost()
            }
        })
    }

    /// Parameters the pool stores: every instance and every stitch layer (the number that
    /// Learngene Pool compares with SN-Net's anchors plus stitches).
    pub fn stored_params(&self) -> u64 {
        let instances: u64 = self.config.auxiliaries.iter().map(|a| a.vit.cost().params).sum();
        let tokens = self.config.ancestry.tokens();
        let stitches: u64 = self.stitches.iter().flat_map(|p| &p.layers).map(|s| stitch_cost(s, tokens).params).sum();
        instances + stitches
    }

    /// The widest instance on its own (the paper's B instance; the last one on ties).
    pub fn widest(&self) -> Descendant {
        let widths = self.config.auxiliaries.iter().map(|a| a.vit.width).enumerate();
        Descendant::Instance(widths.max_by_key(|&(_, w)| w).map_or(0, |(i, _)| i))
    }
}

/// Cost of a stitch layer over `tokens` tokens.
fn stitch_cost(stitch: &StitchLayer, tokens: usize) -> Cost {
    let (d_front, d_end) = stitch.dims();
    Cost::linear(d_front, d_end, tokens, stitch.linear.bias.is_some())
}

/// One descendant as a standalone network, saved and loaded on its own.
#[derive(Module, Debug)]
pub struct DescendantNet {
    /// The front instance's embedding, the blocks that run (front then end), and the end
    /// instance's norm and head; `vit.config` is the end instance's with the total depth.
    pub vit: Vit,
    /// The stitch layer (`None` for an instance or an identity stitch).
    pub stitch: Option<StitchLayer>,
    /// Blocks before the stitch (`None` for an instance).
    #[module(skip)]
    pub stitch_after: Option<usize>,
    /// Which descendant this is.
    #[module(skip)]
    pub descendant: Descendant,
}

impl DescendantNet {
    /// Logits of a batch of images.
    ///
    /// # Shapes
    /// `[b, channels, image, image] → [b, classes]`
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let cut = self.stitch_after.unwrap_or(self.vit.blocks.len()).min(self.vit.blocks.len());
        let (front, end) = self.vit.blocks.split_at(cut);
        self.vit.classify(run_blocks(self.vit.embed(images), front, self.stitch.as_ref(), end))
    }
}
