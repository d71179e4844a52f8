//! The federated digits of the CPU experiment: every client sees the 8×8 digits through its
//! own transform (rotation, intensity, shift) and a Dirichlet label skew, labels a few of its
//! examples, and keeps a test part; the server holds a small labelled set of plain digits.

use kiln_core::seed::{permutation_from, rng};
use kiln_data::VectorExample;
use serde::{Deserialize, Serialize};

use crate::core::split_dirichlet;
use crate::digits::digit_vectors;
use crate::error::{FedError, Result};

/// Side of the digit images.
pub const SIDE: usize = 8;

/// How one client sees the digits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClientView {
    /// Rotation about the image centre, degrees: offset `(u, v)` from the centre (x right,
    /// y down) moves to `(u cos θ − v sin θ, u sin θ + v cos θ)` (clockwise on screen).
    pub rotation_deg: f32,
    /// Multiplies every pixel (then clamped to [0, 1]).
    pub intensity: f32,
    /// Shift in pixels, `(dx, dy)` (right, down); pixels shifted in are 0.
    pub shift: (i32, i32),
}

impl ClientView {
    /// Client `k` of `n`: rotations spread over ±15°, intensities in (0.7, 1], shifts
    /// cycling through (0, 0), (1, 0), (0, 1), (−1, 0), (0, −1).
    pub fn of_client(k: usize, n: usize) -> Self {
        let t = if n > 1 { k as f32 / (n - 1) as f32 } else { 0.5 };
        const SHIFTS: [(i32, i32); 5] = [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1)];
        Self {
            rotation_deg: -15.0 + 30.0 * t,
            intensity: 1.0 - 0.3 * ((k * 7) % n.max(1)) as f32 / n.max(1) as f32,
            shift: SHIFTS[k % 5],
        }
    }

    /// The view that changes nothing.
    pub fn identity() -> Self {
        Self { rotation_deg: 0.0, intensity: 1.0, shift: (0, 0) }
    }

    /// Applies the view to an 8×8 image (64 values, row-major): each output pixel `(x, y)`
    /// samples the input bilinearly at `R(−θ)·((x, y) − s − c) + c`, `c = (3.5, 3.5)`, with 0
    /// outside, then is scaled by the intensity and clamped to [0, 1].
    pub fn apply(&self, pixels: &[f32]) -> Vec<f32> {
        let c = (SIDE as f32 - 1.0) / 2.0;
        let (sin, cos) = (-self.rotation_deg.to_radians()).sin_cos();
        let at = |x: i64, y: i64| -> f32 {
            if (0..SIDE as i64).contains(&x) && (0..SIDE as i64).contains(&y) {
                pixels.get(y as usize * SIDE + x as usize).copied().unwrap_or(0.0)
            } else {
                0.0
            }
        };
        let mut out = vec![0.0; SIDE * SIDE];
        for y in 0..SIDE {
            for x in 0..SIDE {
                let (px, py) = (x as f32 - self.shift.0 as f32 - c, y as f32 - self.shift.1 as f32 - c);
                let (sx, sy) = (cos * px - sin * py + c, sin * px + cos * py + c);
                let (x0, y0) = (sx.floor(), sy.floor());
                let (fx, fy) = (sx - x0, sy - y0);
                let (x0, y0) = (x0 as i64, y0 as i64);
                let v = at(x0, y0) * (1.0 - fx) * (1.0 - fy)
                    + at(x0 + 1, y0) * fx * (1.0 - fy)
                    + at(x0, y0 + 1) * (1.0 - fx) * fy
                    + at(x0 + 1, y0 + 1) * fx * fy;
                out[y * SIDE + x] = (v * self.intensity).clamp(0.0, 1.0);
            }
        }
        out
    }
}

/// One client's data, already seen through its view.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientData {
    /// The client's id (its hypernetwork embedding row).
    pub id: usize,
    /// Its view of the digits.
    pub view: ClientView,
    /// Every training input (labelled or not): what its autoencoder trains on.
    pub unlabelled: Vec<Vec<f32>>,
    /// The few training examples whose labels it knows.
    pub labelled: Vec<VectorExample>,
    /// Its held-out examples (the metric is computed on them).
    pub test: Vec<VectorExample>,
}

/// The clients and the server's labelled set.
#[derive(Debug, Clone, PartialEq)]
pub struct FedDigits {
    /// One entry per client, by id.
    pub clients: Vec<ClientData>,
    /// The server's labelled examples (plain digits, no view).
    pub server: Vec<VectorExample>,
}

/// How to build [`FedDigits`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigitsSetup {
    /// Number of clients.
    pub clients: usize,
    /// Dirichlet concentration of the label skew.
    pub alpha: f64,
    /// Fraction of each client's training examples whose label it knows (at least 2 are).
    pub label_fraction: f64,
    /// Labelled examples on the server.
    pub server_labels: usize,
    /// Fraction of each client's examples held out for its test.
    pub test_fraction: f64,
    /// Seed of every split.
    pub seed: u64,
}

impl DigitsSetup {
    /// The CPU experiment: 10 clients, `Dir(0.5)`, 5% labels, 100 server labels,
    /// 25% of each client held out.
    pub fn small() -> Self {
        Self { clients: 10, alpha: 0.5, label_fraction: 0.05, server_labels: 100, test_fraction: 0.25, seed: 0 }
    }

    /// Splits the 1,797 digits: `server_labels` at random go to the server, the rest over the
    /// clients by `Dir(α)` (every client at least 20), each client's shard is seen through its
    /// view, shuffled, cut into test and training parts, and the first
    /// `max(2, ⌊fraction·n_train + ½⌋)` training examples are its labelled ones.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] for fractions outside (0, 1) or too few examples;
    /// the split's errors.
    pub fn build(&self) -> Result<FedDigits> {
        for (field, v) in [("label_fraction", self.label_fraction), ("test_fraction", self.test_fraction)] {
            if !(v > 0.0 && v < 1.0) {
                return Err(FedError::setting(field, v, "must be in (0, 1)"));
            }
        }
        let (train, test) = digit_vectors(self.seed)?;
        let all: Vec<VectorExample> = train.into_iter().chain(test).collect();
        if self.server_labels >= all.len() {
            return Err(FedError::TooFewExamples { examples: all.len(), clients: self.server_labels });
        }
        let order = permutation_from(&mut rng(self.seed, 71), all.len());
        let server: Vec<VectorExample> = order[..self.server_labels].iter().map(|&i| all[i].clone()).collect();
        let rest: Vec<VectorExample> = order[self.server_labels..].iter().map(|&i| all[i].clone()).collect();
        let labels: Vec<usize> = rest.iter().map(|e| e.label).collect();
        let shards = split_dirichlet(&labels, self.clients, self.alpha, 20, self.seed)?;
        let mut clients = Vec::with_capacity(self.clients);
        for (id, shard) in shards.iter().enumerate() {
            let view = ClientView::of_client(id, self.clients);
            let mut mix = rng(self.seed, 100 + id as u64);
            let items: Vec<VectorExample> = permutation_from(&mut mix, shard.len())
                .into_iter()
                .map(|j| {
                    let e = &rest[shard[j]];
                    VectorExample { features: view.apply(&e.features), label: e.label }
                })
                .collect();
            let n_test = ((items.len() as f64 * self.test_fraction).round() as usize).clamp(1, items.len() - 1);
            let (test, train) = items.split_at(n_test);
            let n_labelled = ((train.len() as f64 * self.label_fraction).round() as usize).clamp(2, train.len());
            clients.push(ClientData {
                id,
                view,
                unlabelled: train.iter().map(|e| e.features.clone()).collect(),
                labelled: train[..n_labelled].to_vec(),
                test: test.to_vec(),
            });
        }
        Ok(FedDigits { clients, server })
    }
}
