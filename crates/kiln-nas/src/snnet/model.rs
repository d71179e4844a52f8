//! The SN-Net module: anchors, one list of stitch layers per nearest anchor pair, the forward
//! pass of any configuration, its analytic cost, and the least-squares initialisation of the
//! stitch layers.

use burn::module::Module;
use burn::prelude::{Device, Tensor};

use super::config::{SnNetConfig, SnNetError, StitchConfig, StitchPosition, sliding_window_stitches, stitch_configs};
use crate::macs::Cost;
use crate::stitch::{StitchError, StitchLayer, least_squares};
use crate::vit::Vit;

/// Stitchable Neural Networks (Pan, Cai, Zhuang, CVPR 2023): independently trained anchors and
/// the stitch layers that join them into [`SnNet::configs`] networks of intermediate size.
#[derive(Module, Debug)]
pub struct SnNet {
    /// The anchors, smallest first.
    pub anchors: Vec<Vit>,
    /// `stitch_layers[a][l]`: stitch layer `l` from anchor `a` to anchor `a + 1`
    /// (`Linear(d_a → d_{a+1})`).
    pub stitch_layers: Vec<Vec<StitchLayer>>,
    /// Anchors and sliding window.
    #[module(skip)]
    pub config: SnNetConfig,
    #[module(skip)]
    configs: Vec<StitchConfig>,
}

impl SnNetConfig {
    /// Fresh anchors and stitch layers (burn's default initialisation; SN-Net then trains the
    /// anchors, or loads pretrained ones, and calls [`SnNet::init_stitches_least_squares`]).
    ///
    /// # Errors
    /// [`SnNetError`] when the config is invalid.
    pub fn init(&self, device: &Device) -> Result<SnNet, SnNetError> {
        self.validate()?;
        let anchors = self.anchors.iter().map(|a| a.init(device)).collect();
        SnNet::from_anchors(anchors, self.kernel_size, self.stride, device)
    }
}

impl SnNet {
    /// An SN-Net over given (typically pretrained) anchors, smallest first, with fresh stitch
    /// layers and a sliding window of `kernel_size` and `stride`.
    ///
    /// # Errors
    /// [`SnNetError`] when the anchors cannot be stitched.
    pub fn from_anchors(
        anchors: Vec<Vit>,
        kernel_size: usize,
        stride: usize,
        device: &Device,
    ) -> Result<Self, SnNetError> {
        let config = SnNetConfig { anchors: anchors.iter().map(|a| a.config.clone()).collect(), kernel_size, stride };
        config.validate()?;
        let (configs, num_stitches) = stitch_configs(anchors.len(), config.depth(), kernel_size, stride);
        let stitch_layers = anchors
            .windows(2)
            .map(|pair| (0..num_stitches).map(|_| StitchLayer::new(pair[0].width(), pair[1].width(), device)).collect())
            .collect();
        Ok(Self { anchors, stitch_layers, config, configs })
    }

    /// Every network of the family: the anchors, then each nearest pair's stitched networks.
    pub fn configs(&self) -> &[StitchConfig] {
        &self.configs
    }

    /// Configuration `index` of [`SnNet::configs`].
    ///
    /// # Errors
    /// [`SnNetError::UnknownConfig`] past the end.
    pub fn config_at(&self, index: usize) -> Result<StitchConfig, SnNetError> {
        self.configs.get(index).copied().ok_or(SnNetError::UnknownConfig { index, count: self.configs.len() })
    }

    fn check(&self, cfg: &StitchConfig) -> Result<(), SnNetError> {
        if self.configs.contains(cfg) {
            Ok(())
        } else {
            Err(SnNetError::UnknownConfig { index: usize::MAX, count: self.configs.len() })
        }
    }

    /// Logits of `images` through configuration `cfg`: for a stitched one, the front anchor's
    /// embedding and blocks `0..=j`, the stitch layer, the end anchor's blocks `k..` and head.
    ///
    /// # Panics
    /// When `cfg` is not one of [`SnNet::configs`]; [`SnNet::try_forward_config`] returns the
    /// error instead.
    pub fn forward_config(&self, cfg: &StitchConfig, images: Tensor<4>) -> Tensor<2> {
        match self.try_forward_config(cfg, images) {
            Ok(logits) => logits,
            Err(e) => panic!("{cfg:?}: {e}"),
        }
    }

    /// [`SnNet::forward_config`], with an error for a configuration not of this network.
    ///
    /// # Errors
    /// [`SnNetError::UnknownConfig`].
    pub fn try_forward_config(&self, cfg: &StitchConfig, images: Tensor<4>) -> Result<Tensor<2>, SnNetError> {
        self.check(cfg)?;
        Ok(match *cfg {
            StitchConfig::Anchor(a) => self.anchors[a].forward(images),
            StitchConfig::Stitched { front, position, layer } => {
                let (f, e) = (&self.anchors[front], &self.anchors[front + 1]);
                let x = f.blocks[..=position.front_block].iter().fold(f.embed(images), |x, b| b.forward(x));
                let x = self.stitch_layers[front][layer].forward(x);
                let x = e.blocks[position.end_block..].iter().fold(x, |x, b| b.forward(x));
                e.classify(x)
            }
        })
    }

    /// Analytic cost of one image through `cfg`: the front anchor's embedding and `j + 1`
    /// blocks, the stitch layer on every token, the end anchor's `depth − k` blocks and head.
    /// (The official `get_model_size` leaves the class token and position embedding out of a
    /// stitched network's parameters; they are counted here, as in the anchors.)
    ///
    /// # Errors
    /// [`SnNetError::UnknownConfig`].
    pub fn cost(&self, cfg: &StitchConfig) -> Result<Cost, SnNetError> {
        self.check(cfg)?;
        let times = |c: Cost, n: usize| Cost::new(c.macs * n as u64, c.params * n as u64);
        Ok(match *cfg {
            StitchConfig::Anchor(a) => self.config.anchors[a].cost(),
            StitchConfig::Stitched { front, position, .. } => {
                let (f, e) = (&self.config.anchors[front], &self.config.anchors[front + 1]);
                f.embed_cost()
                    + times(f.block_cost(), position.front_block + 1)
                    + Cost::linear(f.width, e.width, f.tokens(), true)
                    + times(e.block_cost(), e.depth - position.end_block)
                    + e.head_cost()
            }
        })
    }

    /// Blocks a configuration runs (`j + 1 + depth − k` for a stitched one).
    pub fn blocks_of(&self, cfg: &StitchConfig) -> usize {
        match *cfg {
            StitchConfig::Anchor(_) => self.config.depth(),
            StitchConfig::Stitched { position, .. } => {
                position.front_block + 1 + self.config.depth() - position.end_block
            }
        }
    }

    /// The tokens entering each block and leaving the last: `[embedding, block 0, …]`, read to
    /// the host, with `(rows, width)`.
    fn host_features(vit: &Vit, images: Tensor<4>) -> Result<(Vec<Vec<f32>>, usize, usize), StitchError> {
        let mut x = vit.embed(images);
        let [b, t, d] = x.dims();
        let read = |t: Tensor<3>| kiln_core::tensor::try_to_vec(t).map_err(|e| StitchError::Read(e.to_string()));
        let mut outs = vec![read(x.clone())?];
        for block in &vit.blocks {
            x = block.forward(x);
            outs.push(read(x.clone())?);
        }
        Ok((outs, b * t, d))
    }

    /// SN-Net's stitch initialisation (§3.2, the official `initialize_stitching_weights`): for
    /// each nearest pair and each stitch layer, the least-squares map ([`least_squares`]) from
    /// the front anchor's tokens after block `j` to the end anchor's tokens entering block `k`
    /// (its embedding for `k = 0`), on one batch, for every position `(j, k)` the layer serves;
    /// the layer gets the mean of those weights and biases.
    ///
    /// Call it on a model without autodiff (`.valid()`); the anchors are not changed.
    ///
    /// # Errors
    /// [`SnNetError::Stitch`] when a least-squares problem fails.
    pub fn init_stitches_least_squares(mut self, images: Tensor<4>) -> Result<Self, SnNetError> {
        let device = images.device();
        let (positions, layers, num_stitches) =
            sliding_window_stitches(self.config.depth(), self.config.kernel_size, self.config.stride);
        let wrap = |pair: usize, layer: usize| move |source| SnNetError::Stitch { pair, layer, source };
        let mut features = Vec::new();
        for (a, vit) in self.anchors.iter().enumerate() {
            features.push(Self::host_features(vit, images.clone()).map_err(wrap(a, 0))?);
        }
        for pair in 0..self.anchors.len() - 1 {
            let ((front, rows, d_f), (end, _, d_e)) = (&features[pair], &features[pair + 1]);
            for layer in 0..num_stitches {
                let served: Vec<StitchPosition> =
                    positions.iter().zip(&layers).filter(|(_, l)| **l == layer).map(|(p, _)| *p).collect();
                let (mut weight, mut bias) = (vec![0.0f32; d_f * d_e], vec![0.0f32; *d_e]);
                for p in &served {
                    let (w, b) = least_squares(&front[p.front_block + 1], &end[p.end_block], *rows, *d_f, *d_e)
                        .map_err(wrap(pair, layer))?;
                    weight.iter_mut().zip(&w).for_each(|(acc, v)| *acc += v / served.len() as f32);
                    bias.iter_mut().zip(&b).for_each(|(acc, v)| *acc += v / served.len() as f32);
                }
                if !served.is_empty() {
                    self.stitch_layers[pair][layer] = StitchLayer::from_host(weight, bias, *d_f, *d_e, &device);
                }
            }
        }
        Ok(self)
    }
}
