//! The Pointer Network (Vinyals, Fortunato, Jaitly, NeurIPS 2015, §2.3).
//!
//! An LSTM encoder reads the inputs `P = (P₁..P_n)` into `e₁..e_n`; an LSTM decoder, started
//! from the encoder's final state, produces `d_i` at each output step and points with
//! `u_j^i = vᵀ tanh(W₁ e_j + W₂ d_i)`, `p(C_i | C_<i, P) = softmax(u^i)` over the inputs and an
//! end slot `e₀` (a learned vector). The decoder's next input is the chosen input's
//! coordinates (the target's under teacher forcing), the first a learned start vector. Both
//! LSTMs are burn's [`Lstm`], stepped one element at a time with an [`LstmState`].

use burn::module::{Module, Param};
use burn::nn::{Linear, Lstm, LstmState};
use burn::prelude::{Bool, Device, Int, Tensor, TensorData, s};
use burn::tensor::activation::log_softmax;

use crate::batch::SeqBatch;
use crate::pointer::task::PointerBatch;

/// The score given to padding before the softmax: `exp(−1e9 − max) = 0` in `f32`.
pub const MASKED: f32 = -1e9;

/// A Pointer Network: LSTM encoder, LSTM decoder and additive pointer attention.
#[derive(Module, Debug)]
pub struct PointerNet {
    /// Encoder LSTM (input features → hidden).
    pub encoder: Lstm,
    /// Decoder LSTM (input features → hidden).
    pub decoder: Lstm,
    /// `W₁` (applied to the encoder states), no bias.
    pub w1: Linear,
    /// `W₂` (applied to the decoder state), no bias.
    pub w2: Linear,
    /// `v` (hidden → 1), no bias.
    pub v: Linear,
    /// The decoder's first input (`[input]`).
    pub start: Param<Tensor<1>>,
    /// `e₀`, the end slot's encoder state (`[hidden]`).
    pub end_key: Param<Tensor<1>>,
    /// Units.
    pub hidden: usize,
    /// Features per input element.
    pub input: usize,
}

/// What the decoder is fed after each step while training.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    /// The target's previous choice at every step (teacher forcing).
    Target,
    /// Per `(example, step)`, row-major `[B, L]`: the target's choice (`true`) or the model's own
    /// most probable previous choice (`false`).
    Mixed(Vec<bool>),
}

impl PointerNet {
    /// Encodes `seq`: encoder states `[B, T, H]` and each sequence's final state (the state
    /// after its own last element: padding does not change it).
    pub fn encode(&self, seq: &SeqBatch) -> (Tensor<3>, LstmState<2>) {
        let [b, t, _] = seq.inputs.dims();
        let device = seq.inputs.device();
        let mut state = LstmState::initial([b, self.hidden], &device);
        let mut outputs = Vec::with_capacity(t);
        for step in 0..t {
            let x = seq.inputs.clone().slice(s![.., step..step + 1, ..]);
            let (out, next) = self.encoder.forward(x, Some(state.clone()));
            let keep = seq.mask.clone().slice(s![.., step..step + 1]);
            let blend = |new: Tensor<2>, old: Tensor<2>| new * keep.clone() + old * keep.clone().neg().add_scalar(1.0);
            state = LstmState::new(blend(next.cell, state.cell), blend(next.hidden, state.hidden));
            outputs.push(out);
        }
        (Tensor::cat(outputs, 1), state)
    }

    /// `W₁ [e₀; e₁..e_T]`: the attention keys `[B, T + 1, H]`, slot 0 the end symbol's.
    pub fn keys(&self, encoded: Tensor<3>) -> Tensor<3> {
        let [b, _, h] = encoded.dims();
        let end = self.end_key.val().reshape([1, 1, h]).expand([b, 1, h]);
        self.w1.forward(Tensor::cat(vec![end, encoded], 1))
    }

    /// Pointer scores `u_j = vᵀ tanh(W₁e_j + W₂d)` over the end slot and the inputs, `[B, T + 1]`,
    /// from `keys = W₁e` ([`keys`](Self::keys)) and the decoder state `d [B, H]`; choices where
    /// `choice_mask` is 0 get [`MASKED`].
    pub fn scores(&self, keys: Tensor<3>, decoder: Tensor<2>, choice_mask: Tensor<2>) -> Tensor<2> {
        let [b, c, _] = keys.dims();
        let query = self.w2.forward(decoder).unsqueeze_dim::<3>(1);
        let u = self.v.forward((keys + query).tanh()).reshape([b, c]);
        u.mask_fill(choice_mask.lower_elem(0.5), MASKED)
    }

    /// `[B, T + 1]`: 1 for the end slot and the inputs, 0 for padding.
    pub fn choice_mask(seq: &SeqBatch) -> Tensor<2> {
        let b = seq.batch_size();
        Tensor::cat(vec![Tensor::ones([b, 1], &seq.mask.device()), seq.mask.clone()], 1)
    }

    /// The decoder's input for every choice: `[B, T + 1, F]`, zeros for the end slot.
    pub fn input_bank(seq: &SeqBatch) -> Tensor<3> {
        let [b, _, f] = seq.inputs.dims();
        Tensor::cat(vec![Tensor::zeros([b, 1, f], &seq.inputs.device()), seq.inputs.clone()], 1)
    }

    /// The learned start input, `[B, F]`.
    pub fn start_input(&self, batch_size: usize) -> Tensor<2> {
        self.start.val().reshape([1, self.input]).expand([batch_size, self.input])
    }

    /// Log-probabilities `[B, L, T + 1]` of every output step under teacher forcing.
    pub fn forward(&self, batch: &PointerBatch) -> Tensor<3> {
        self.forward_fed(batch, &Feed::Target)
    }

    /// Log-probabilities `[B, L, T + 1]` with the decoder fed as `feed` says.
    pub fn forward_fed(&self, batch: &PointerBatch, feed: &Feed) -> Tensor<3> {
        let seq = &batch.seq;
        let [b, l] = batch.targets.dims();
        let f = self.input;
        let device = seq.inputs.device();
        let (encoded, mut state) = self.encode(seq);
        let keys = self.keys(encoded);
        let mask = Self::choice_mask(seq);
        let bank = Self::input_bank(seq);
        let mut x = self.start_input(b);
        let mut steps = Vec::with_capacity(l);
        for i in 0..l {
            let (_, next) = self.decoder.forward(x.unsqueeze_dim(1), Some(state));
            let lp = log_softmax(self.scores(keys.clone(), next.hidden.clone(), mask.clone()), 1);
            state = next;
            let target = batch.targets.clone().slice(s![.., i..i + 1]);
            let chosen = match feed {
                Feed::Target => target,
                Feed::Mixed(use_target) => {
                    let flags: Vec<bool> = (0..b).map(|k| use_target.get(k * l + i).copied().unwrap_or(true)).collect();
                    let flags: Tensor<2, Bool> = Tensor::from_data(TensorData::new(flags, [b, 1]), &device);
                    let own: Tensor<2, Int> = lp.clone().detach().argmax(1);
                    own.mask_where(flags, target)
                }
            };
            x = bank.clone().gather(1, chosen.reshape([b, 1, 1]).repeat_dim(2, f)).reshape([b, f]);
            steps.push(lp.unsqueeze_dim(1));
        }
        Tensor::cat(steps, 1)
    }

    /// The device the parameters live on.
    pub fn device(&self) -> Device {
        self.end_key.val().device()
    }
}
