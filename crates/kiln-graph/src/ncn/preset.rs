//! NCN/NCNC as the paper ran them on the Planetoid graphs: the official commands of the
//! GraphPKU/NeuralCommonNeighbor README ("Reproduce Results"), as a model configuration and a
//! training schedule. Each run there is `python NeighborOverlap.py <flags> --predictor $model
//! --dataset <name> --runs 10 --model puregcn --testbs <n>`, `$model` being `cn1` (NCN) or
//! `incn1cn1` (NCNC); [`NcnPreset::command`] gives the flags.

use serde::{Deserialize, Serialize};

use super::config::NcnConfig;
use super::train::LinkTrainConfig;

/// A Planetoid graph with an official NCN command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NcnPreset {
    /// Cora (also [`NcnConfig::new`]'s defaults).
    Cora,
    /// CiteSeer.
    Citeseer,
    /// PubMed.
    Pubmed,
}

impl NcnPreset {
    /// The three presets.
    pub const ALL: [NcnPreset; 3] = [Self::Cora, Self::Citeseer, Self::Pubmed];

    /// The data set's name in the official commands.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cora => "Cora",
            Self::Citeseer => "Citeseer",
            Self::Pubmed => "Pubmed",
        }
    }

    /// The official command's flags (between `NeighborOverlap.py` and `--predictor`, then the
    /// rest without `--dataset`, `--runs`, `--model` and `--testbs`), for the record.
    pub fn command(self) -> &'static str {
        match self {
            Self::Cora => {
                "--xdp 0.7 --tdp 0.3 --pt 0.75 --gnnedp 0.0 --preedp 0.4 --predp 0.05 --gnndp 0.05 \
                 --probscale 4.3 --proboffset 2.8 --alpha 1.0 --gnnlr 0.0043 --prelr 0.0024 --batch_size 1152 \
                 --ln --lnnn --epochs 100 --hiddim 256 --mplayers 1 --maskinput --jk --use_xlin --tailact"
            }
            Self::Citeseer => {
                "--xdp 0.4 --tdp 0.0 --pt 0.75 --gnnedp 0.0 --preedp 0.0 --predp 0.55 --gnndp 0.75 \
                 --probscale 6.5 --proboffset 4.4 --alpha 0.4 --gnnlr 0.0085 --prelr 0.0078 --batch_size 384 \
                 --ln --lnnn --epochs 100 --hiddim 256 --mplayers 1 --maskinput --jk --use_xlin --tailact \
                 --twolayerlin"
            }
            Self::Pubmed => {
                "--xdp 0.3 --tdp 0.0 --pt 0.5 --gnnedp 0.0 --preedp 0.0 --predp 0.05 --gnndp 0.1 \
                 --probscale 5.3 --proboffset 0.5 --alpha 0.3 --gnnlr 0.0097 --prelr 0.002 --batch_size 2048 \
                 --ln --lnnn --epochs 100 --hiddim 256 --mplayers 1 --maskinput --jk --use_xlin --tailact"
            }
        }
    }

    /// The model of the command for `input` features: NCN, or NCNC with `completion`.
    pub fn config(self, input: usize, completion: bool) -> NcnConfig {
        let cora = NcnConfig::new(input).with_completion(completion);
        match self {
            Self::Cora => cora,
            Self::Citeseer => cora
                .with_input_dropout(0.4)
                .with_tail_dropout(0.0)
                .with_predictor_edge_dropout(0.0)
                .with_predictor_dropout(0.55)
                .with_encoder_dropout(0.75)
                .with_scale(6.5)
                .with_offset(4.4)
                .with_alpha(0.4)
                .with_two_layer_lin(true),
            Self::Pubmed => cora
                .with_input_dropout(0.3)
                .with_tail_dropout(0.0)
                .with_pt(0.5)
                .with_predictor_edge_dropout(0.0)
                .with_encoder_dropout(0.1)
                .with_scale(5.3)
                .with_offset(0.5)
                .with_alpha(0.3),
        }
    }

    /// The command's schedule: 100 epochs, its batch size and its encoder (`--gnnlr`) and
    /// predictor (`--prelr`) learning rates; seed 0.
    pub fn training(self) -> LinkTrainConfig {
        let (batch_size, lr, predictor_lr) = match self {
            Self::Cora => (1152, 0.0043, 0.0024),
            Self::Citeseer => (384, 0.0085, 0.0078),
            Self::Pubmed => (2048, 0.0097, 0.002),
        };
        LinkTrainConfig { epochs: 100, batch_size, lr, predictor_lr, seed: 0 }
    }
}
