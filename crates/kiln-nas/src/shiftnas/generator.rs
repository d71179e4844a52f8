//! The architecture generator of ShiftNAS: an LSTM conditioned on a MAC bin that emits one
//! straight-through Gumbel-softmax one-hot per gene ([`RelaxedArch`]).

use burn::module::{Module, Param};
use burn::nn::{Linear, LinearConfig, Lstm, LstmConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::Distribution;
use burn::tensor::activation::softmax;
use kiln_core::tensor::to_vec;
use rand::Rng;

use crate::ofa::{OfaConfig, SubnetConfig};

/// Sizes of an [`ArchGenerator`].
#[derive(Debug, Clone, PartialEq)]
pub struct ArchGeneratorConfig {
    /// K, the number of MAC bins (rows of the bin embedding).
    pub bins: usize,
    /// Choices per gene ([`SubnetConfig::gene_choices`]).
    pub choices: Vec<usize>,
    /// Width of the LSTM's inputs.
    pub embedding: usize,
    /// Hidden width of the LSTM.
    pub hidden: usize,
}

impl ArchGeneratorConfig {
    /// Builds the generator: normal(0, 1) embeddings, burn's LSTM and linear initialisation.
    pub fn init(&self, device: &Device) -> ArchGenerator {
        let genes = self.choices.len().max(1);
        let normal = Distribution::Normal(0.0, 1.0);
        ArchGenerator {
            bin_embedding: Param::from_tensor(Tensor::random([self.bins.max(1), self.embedding], normal, device)),
            gene_embedding: Param::from_tensor(Tensor::random([genes, self.embedding], normal, device)),
            lstm: LstmConfig::new(self.embedding, self.hidden, true).init(device),
            heads: self.choices.iter().map(|&n| LinearConfig::new(self.hidden, n.max(1)).init(device)).collect(),
            choices: self.choices.clone(),
        }
    }
}

/// `a = G(k)`: the input sequence is the bin embedding `e_k` followed by one learned position
/// embedding per further gene; the LSTM's output at step `t` goes through gene `t`'s linear
/// head to that gene's logits.
#[derive(Module, Debug)]
pub struct ArchGenerator {
    /// `e_k`, one row per MAC bin, `[K, embedding]`.
    pub bin_embedding: Param<Tensor<2>>,
    /// Inputs of steps `1..G` (row 0 is unused: step 0 reads `e_k`), `[G, embedding]`.
    pub gene_embedding: Param<Tensor<2>>,
    /// The recurrent core.
    pub lstm: Lstm,
    /// One head per gene: hidden state → that gene's logits.
    pub heads: Vec<Linear>,
    /// Choices per gene.
    #[module(skip)]
    pub choices: Vec<usize>,
}

impl ArchGenerator {
    /// The logits of every gene for each bin of `bins` (each `< K`; the caller checks it), one
    /// `[B, n_g]` tensor per gene, rows in the order of `bins`.
    pub fn logits(&self, bins: &[usize]) -> Vec<Tensor<2>> {
        let [_, width] = self.bin_embedding.dims();
        let device = self.bin_embedding.device();
        let batch = bins.len();
        let index =
            Tensor::<1, Int>::from_data(TensorData::new(bins.iter().map(|&b| b as i64).collect(), [batch]), &device);
        let first = self.bin_embedding.val().select(0, index).reshape([batch, 1, width]);
        let genes = self.choices.len().max(1);
        let input = if genes > 1 {
            let rest = self.gene_embedding.val().narrow(0, 1, genes - 1).reshape([1, genes - 1, width]);
            Tensor::cat(vec![first, rest.repeat_dim(0, batch)], 1)
        } else {
            first
        };
        let (out, _) = self.lstm.forward(input, None);
        let hidden = out.dims()[2];
        self.heads
            .iter()
            .enumerate()
            .map(|(t, head)| head.forward(out.clone().narrow(1, t, 1).reshape([batch, hidden])))
            .collect()
    }

    /// The straight-through Gumbel-softmax architecture for `bin`: per gene,
    /// `y_soft = softmax((logits + g)/τ)`, `y = onehot(argmax y_soft) − sg(y_soft) + y_soft` (hard
    /// forward, soft gradient), with Gumbel noise `g = −ln(−ln u)` drawn on the host from `seed`,
    /// or `g = 0` (the argmax architecture) when `seed` is `None`.
    pub fn sample(&self, bin: usize, temperature: f64, seed: Option<u64>) -> RelaxedArch {
        let mut archs = self.sample_many(&[bin], temperature, seed);
        archs.pop().unwrap_or(RelaxedArch { genes: Vec::new() })
    }

    /// [`sample`](Self::sample) for several bins in one pass of the LSTM (independent noise per
    /// row, all drawn from `seed`).
    pub fn sample_many(&self, bins: &[usize], temperature: f64, seed: Option<u64>) -> Vec<RelaxedArch> {
        let device = self.bin_embedding.device();
        let batch = bins.len();
        let mut rng = seed.map(|s| kiln_core::seed::rng(s, 0x5_41F7));
        let genes: Vec<Tensor<2>> = self
            .logits(bins)
            .into_iter()
            .map(|logits| {
                let n = logits.dims()[1];
                let logits = match rng.as_mut() {
                    Some(rng) => {
                        let noise: Vec<f32> = (0..batch * n)
                            .map(|_| {
                                let u: f64 = rng.random_range(1e-10..1.0);
                                -(-u.ln()).ln() as f32
                            })
                            .collect();
                        logits + Tensor::<2>::from_data(TensorData::new(noise, [batch, n]), &device)
                    }
                    None => logits,
                };
                let soft = softmax(logits / temperature, 1);
                let hard = soft.clone().argmax(1).one_hot::<3>(n).reshape([batch, n]).float();
                hard - soft.clone().detach() + soft
            })
            .collect();
        (0..batch)
            .map(|row| RelaxedArch { genes: genes.iter().map(|g| g.clone().narrow(0, row, 1).reshape([-1])).collect() })
            .collect()
    }
}

/// The index of the largest entry of `gene` (read on the host; the first of ties).
pub(super) fn argmax(gene: &Tensor<1>) -> usize {
    let v = to_vec(gene.clone());
    (0..v.len()).fold(0, |best, i| if v[i] > v[best] { i } else { best })
}

/// An architecture as one (relaxed) one-hot per gene, in [`SubnetConfig::gene_choices`] order:
/// the depth of each unit, then the kernel and expand of each block slot, then the resolution.
#[derive(Debug, Clone)]
pub struct RelaxedArch {
    /// One `[n_g]` vector per gene.
    pub genes: Vec<Tensor<1>>,
}

impl RelaxedArch {
    /// The exact one-hots of `subnet` (for tests and the hard architecture).
    pub fn from_subnet(config: &OfaConfig, subnet: &SubnetConfig, device: &Device) -> Self {
        let choices = SubnetConfig::gene_choices(config);
        let genes = subnet
            .encode(config)
            .into_iter()
            .zip(choices)
            .map(|(i, n)| {
                let mut v = vec![0.0f32; n];
                v[i.min(n - 1)] = 1.0;
                Tensor::from_data(TensorData::new(v, [n]), device)
            })
            .collect();
        Self { genes }
    }

    /// The index of each gene's largest entry (read on the host).
    pub fn indices(&self) -> Vec<usize> {
        self.genes.iter().map(argmax).collect()
    }

    /// The hard architecture: each gene's argmax, decoded.
    pub fn decode(&self, config: &OfaConfig) -> SubnetConfig {
        SubnetConfig::decode(&self.indices(), config)
    }

    /// Depth one-hot of unit `u`.
    pub fn depth(&self, u: usize) -> Tensor<1> {
        self.genes[u].clone()
    }

    /// Kernel one-hot of block slot `slot` in a space of `units` units.
    pub fn kernel(&self, units: usize, slot: usize) -> Tensor<1> {
        self.genes[units + 2 * slot].clone()
    }

    /// Expand one-hot of block slot `slot` in a space of `units` units.
    pub fn expand(&self, units: usize, slot: usize) -> Tensor<1> {
        self.genes[units + 2 * slot + 1].clone()
    }

    /// Resolution one-hot (the last gene).
    pub fn resolution(&self) -> Tensor<1> {
        self.genes[self.genes.len() - 1].clone()
    }
}
