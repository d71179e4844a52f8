//! The configuration of NCN/NCNC, option for option the official `NeighborOverlap.py` flags
//! (GraphPKU/NeuralCommonNeighbor), which name each field's documentation.
//!
//! The defaults ([`NcnConfig::new`]) are the official Cora command with the `puregcn` encoder;
//! [`super::NcnPreset`] holds the Cora, CiteSeer and PubMed commands (they differ in dropouts,
//! calibration, `--twolayerlin` and the learning rates), and [`NcnConfig::small`] is the Cora
//! command at width 64 for CPU runs: nothing else differs.

use burn::config::Config;
use burn::module::Param;
use burn::nn::DropoutConfig;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;

use super::mlp::{Dense, Mlp};
use super::model::Ncn;
use crate::error::GraphError;

/// Configuration of [`Ncn`] (defaults: the official Cora command).
#[derive(Config, Debug)]
pub struct NcnConfig {
    /// Input features.
    pub input: usize,
    /// Hidden width (`--hiddim`). Default: 256.
    #[config(default = 256)]
    pub hidden: usize,
    /// Parameter-free GCN propagations of the encoder (`--mplayers`). Default: 1.
    #[config(default = 1)]
    pub mp_layers: usize,
    /// Dropout on the input features, before the input linear layer (`--xdp`). Default: 0.7.
    #[config(default = 0.7)]
    pub input_dropout: f64,
    /// Dropout after the input linear layer (`--gnndp`). Default: 0.05.
    #[config(default = 0.05)]
    pub encoder_dropout: f64,
    /// Dropout after the last propagation (`--tdp`). Default: 0.3.
    #[config(default = 0.3)]
    pub tail_dropout: f64,
    /// Edge dropout in the encoder, kept edges scaled by `1/(1 − p)` (`--gnnedp`). Default: 0.
    #[config(default = 0.0)]
    pub encoder_edge_dropout: f64,
    /// Dropout inside the predictor's MLPs (`--predp`). Default: 0.05.
    #[config(default = 0.05)]
    pub predictor_dropout: f64,
    /// Edge dropout of the adjacency the predictor takes common neighbours from, in training
    /// (`--preedp`). Default: 0.4.
    #[config(default = 0.4)]
    pub predictor_edge_dropout: f64,
    /// LayerNorm in the encoder (`--ln`). The official code normalises only between
    /// parameterised convolutions: its parameter-free encoder, the one here, has no LayerNorm,
    /// so, as there, this records the command and changes nothing. Default: true.
    #[config(default = true)]
    pub ln: bool,
    /// LayerNorm in the predictor's MLPs (`--lnnn`). Default: true.
    #[config(default = true)]
    pub ln_predictor: bool,
    /// Jumping knowledge: `h = Σ_l w_l h_l` over the propagations, `w ~ N(0, 1)` learned (`--jk`).
    /// Default: true.
    #[config(default = true)]
    pub jk: bool,
    /// Residual propagations, `h ← Â h + h` (`--res`). Default: false.
    #[config(default = false)]
    pub residual: bool,
    /// `h ← h + MLP(h)` before the common-neighbour sum (`--use_xlin`). Default: true.
    #[config(default = true)]
    pub xlin: bool,
    /// The common-neighbour and pair MLPs end on their activation, without a last linear layer
    /// (`--tailact`). Default: true.
    #[config(default = true)]
    pub tailact: bool,
    /// A second hidden layer in the output MLP (`--twolayerlin`). Default: false.
    #[config(default = false)]
    pub two_layer_lin: bool,
    /// Remove each training batch's target links from the graph (`--maskinput`). Default: true.
    #[config(default = true)]
    pub mask_input: bool,
    /// Initial β, the weight of the common-neighbour branch (`--beta`). Default: 1.
    #[config(default = 1.0)]
    pub beta: f64,
    /// Use common-neighbour completion (NCNC, `--predictor incn1cn1`). Default: false (NCN).
    #[config(default = false)]
    pub completion: bool,
    /// NCNC calibration scale (`--probscale`). Default: 4.3.
    #[config(default = 4.3)]
    pub scale: f64,
    /// NCNC calibration offset (`--proboffset`). Default: 2.8.
    #[config(default = 2.8)]
    pub offset: f64,
    /// NCNC prior `pt` (`--pt`). Default: 0.75.
    #[config(default = 0.75)]
    pub pt: f64,
    /// NCNC `α` (`--alpha`). Default: 1.
    #[config(default = 1.0)]
    pub alpha: f64,
}

impl NcnConfig {
    /// The Cora command at width 64, for CPU runs.
    pub fn small(input: usize) -> Self {
        Self::new(input).with_hidden(64)
    }

    /// Errors unless the widths are positive, every dropout lies in `[0, 1)` and the
    /// calibration is finite.
    pub fn check(&self) -> crate::Result<()> {
        if self.input == 0 || self.hidden == 0 {
            return Err(GraphError::Invalid(format!(
                "NCN needs positive widths (input {}, hidden {})",
                self.input, self.hidden
            )));
        }
        let dropouts = [
            ("input dropout", self.input_dropout),
            ("encoder dropout", self.encoder_dropout),
            ("tail dropout", self.tail_dropout),
            ("encoder edge dropout", self.encoder_edge_dropout),
            ("predictor dropout", self.predictor_dropout),
            ("predictor edge dropout", self.predictor_edge_dropout),
        ];
        if let Some((what, p)) = dropouts.into_iter().find(|(_, p)| !(0.0..1.0).contains(p)) {
            return Err(GraphError::Invalid(format!("NCN {what} {p} is not in [0, 1)")));
        }
        if ![self.beta, self.scale, self.offset, self.pt, self.alpha].iter().all(|v| v.is_finite()) {
            return Err(GraphError::Invalid("NCN's β and NCNC's calibration must be finite".into()));
        }
        Ok(())
    }

    /// Builds the model on `device`.
    ///
    /// # Panics
    ///
    /// On a dropout outside `[0, 1)`, as burn's `DropoutConfig::init`: [`Self::check`] first
    /// for a configuration a user gave ([`crate::tasks::train_link_predictor`] does).
    pub fn init(&self, device: &Device) -> Ncn {
        let h = self.hidden;
        let (ln, tail) = (self.ln_predictor, !self.tailact);
        let dense = |input, output, norm, activate| Dense::new(input, output, norm, activate, device);
        let mlp = |layers: Vec<Option<Dense>>| Mlp { layers: layers.into_iter().flatten().collect() };
        Ncn {
            encoder: burn::nn::LinearConfig::new(self.input, h).init(device),
            jk_weights: (self.jk && self.mp_layers > 0)
                .then(|| Param::from_tensor(Tensor::random([self.mp_layers], Distribution::Normal(0.0, 1.0), device))),
            xlin: self.xlin.then(|| mlp(vec![Some(dense(h, h, false, true)), Some(dense(h, h, ln, true))])),
            cn_mlp: mlp(vec![
                Some(dense(h, h, false, true)),
                Some(dense(h, h, ln, true)),
                tail.then(|| dense(h, h, false, false)),
            ]),
            ij_mlp: mlp(vec![Some(dense(h, h, ln, true)), tail.then(|| dense(h, h, false, false))]),
            out_mlp: mlp(vec![
                Some(dense(h, h, ln, true)),
                self.two_layer_lin.then(|| dense(h, h, ln, true)),
                Some(dense(h, 1, false, false)),
            ]),
            beta: Param::from_tensor(Tensor::full([1], self.beta, device)),
            input_dropout: DropoutConfig::new(self.input_dropout).init(),
            encoder_dropout: DropoutConfig::new(self.encoder_dropout).init(),
            tail_dropout: DropoutConfig::new(self.tail_dropout).init(),
            edge_dropout: DropoutConfig::new(self.encoder_edge_dropout).init(),
            predictor_dropout: DropoutConfig::new(self.predictor_dropout).init(),
            mp_layers: self.mp_layers,
            residual: self.residual,
            mask_input: self.mask_input,
            predictor_edge_dropout: self.predictor_edge_dropout,
            completion: self.completion,
            scale: self.scale,
            offset: self.offset,
            pt: self.pt,
            alpha: self.alpha,
        }
    }
}
