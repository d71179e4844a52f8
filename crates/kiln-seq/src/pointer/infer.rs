//! Inference: greedy decoding and beam search restricted to valid outputs (as the paper does for
//! the convex hull and the TSP), through the shared [`decode`](crate::decode) machinery.

use burn::nn::LstmState;
use burn::prelude::{Int, Tensor, TensorData};
use burn::tensor::activation::log_softmax;
use serde::{Deserialize, Serialize};

use super::model::PointerNet;
use super::task::Constraint;
use crate::batch::SeqBatch;
use crate::decode::{DecodeSpec, Hypothesis, Stepper, beam_search};
use crate::error::{Result, SeqError};

/// How to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decode {
    /// The most probable choice at each step.
    Greedy,
    /// Beam search of `width` hypotheses (summed log-probabilities).
    Beam {
        /// Hypotheses kept per input.
        width: usize,
    },
}

/// The decoder stepped over live hypotheses; row `r` belongs to input `rows[r]`.
struct NetStepper<'a> {
    net: &'a PointerNet,
    keys: Tensor<3>,
    mask: Tensor<2>,
    lengths: &'a [usize],
    bank: Vec<f32>,
    choices: usize,
    rows: Vec<usize>,
    state: LstmState<2>,
    input: Tensor<2>,
    pending: Option<LstmState<2>>,
    error: Option<SeqError>,
}

impl NetStepper<'_> {
    fn row_index(&self, rows: &[usize]) -> Tensor<1, Int> {
        let data: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
        Tensor::from_data(TensorData::new(data, [rows.len()]), &self.keys.device())
    }
}

impl Stepper for NetStepper<'_> {
    fn log_probs(&mut self) -> Vec<Vec<f32>> {
        let idx = self.row_index(&self.rows);
        let keys = self.keys.clone().select(0, idx.clone());
        let mask = self.mask.clone().select(0, idx);
        let (_, next) = self.net.decoder.forward(self.input.clone().unsqueeze_dim(1), Some(self.state.clone()));
        let lp = log_softmax(self.net.scores(keys, next.hidden.clone(), mask), 1);
        self.pending = Some(next);
        let values = match kiln_core::tensor::try_to_vec(lp) {
            Ok(v) => v,
            Err(e) => {
                self.error.get_or_insert(SeqError::Core(e));
                return vec![vec![f32::NEG_INFINITY; self.choices]; self.rows.len()];
            }
        };
        values
            .chunks(self.choices)
            .zip(&self.rows)
            .map(|(row, &seq)| {
                let len = self.lengths[seq];
                row.iter().enumerate().map(|(j, &p)| if j <= len { p } else { f32::NEG_INFINITY }).collect()
            })
            .collect()
    }

    fn advance(&mut self, parents: &[usize], choices: &[usize]) {
        let idx = self.row_index(parents);
        if let Some(next) = self.pending.take() {
            self.state = LstmState::new(next.cell.select(0, idx.clone()), next.hidden.select(0, idx));
        }
        self.rows = parents.iter().map(|&p| self.rows[p]).collect();
        let f = self.net.input;
        let mut input = Vec::with_capacity(parents.len() * f);
        for (&seq, &c) in self.rows.iter().zip(choices) {
            let at = (seq * self.choices + c) * f;
            input.extend_from_slice(&self.bank[at..at + f]);
        }
        self.input = Tensor::from_data(TensorData::new(input, [parents.len(), f]), &self.keys.device());
    }
}

impl PointerNet {
    /// Decodes `seq`: per input, the 0-based indices it points at (the end symbol left out).
    /// Greedy decoding is unconstrained (only padding is excluded), as the raw model's output;
    /// beam search never repeats an index ([`Constraint::NoRepeat`]).
    ///
    /// # Errors
    /// When a tensor cannot be read back from the device, or the input width is not the
    /// model's.
    pub fn decode(&self, seq: &SeqBatch, mode: Decode) -> Result<Vec<Vec<usize>>> {
        let constraint = match mode {
            Decode::Greedy => Constraint::Free,
            Decode::Beam { .. } => Constraint::NoRepeat,
        };
        Ok(self.decode_with(seq, mode, constraint)?.into_iter().map(|h| h.choices).collect())
    }

    /// Decodes `seq` under `constraint`; hypotheses hold 0-based input indices (the end symbol
    /// left out) with their summed log-probabilities. Each output has at most `n + 1` steps.
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub fn decode_with(&self, seq: &SeqBatch, mode: Decode, constraint: Constraint) -> Result<Vec<Hypothesis>> {
        if seq.features() != self.input {
            return Err(SeqError::Shape {
                what: "pointer network input features".into(),
                expected: self.input.to_string(),
                found: seq.features().to_string(),
            });
        }
        let b = seq.batch_size();
        let (encoded, state) = self.encode(seq);
        let bank = kiln_core::tensor::try_to_vec(Self::input_bank(seq))?;
        let mut stepper = NetStepper {
            net: self,
            keys: self.keys(encoded),
            mask: Self::choice_mask(seq),
            lengths: &seq.lengths,
            bank,
            choices: seq.max_len() + 1,
            rows: (0..b).collect(),
            state,
            input: self.start_input(b),
            pending: None,
            error: None,
        };
        let max_steps: Vec<usize> = seq.lengths.iter().map(|&n| n + 1).collect();
        let lengths = &seq.lengths;
        let valid = move |s: usize, history: &[usize], choice: usize| constraint.allows(lengths[s], history, choice);
        let spec = DecodeSpec { end: Some(0), max_steps: &max_steps, valid: Some(&valid) };
        let width = match mode {
            Decode::Greedy => 1,
            Decode::Beam { width } => width,
        };
        let hyps = beam_search(&mut stepper, spec, width, 0.0);
        if let Some(e) = stepper.error {
            return Err(e);
        }
        Ok(hyps
            .into_iter()
            .map(|h| Hypothesis { choices: h.choices.iter().map(|c| c.saturating_sub(1)).collect(), ..h })
            .collect())
    }
}
