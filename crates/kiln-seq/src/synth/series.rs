//! A seeded hourly series standing in for ETTh1: seven correlated channels named as ETT's
//! (`HUFL, HULL, MUFL, MULL, LUFL, LULL, OT`), written as an ETT-format CSV.
//!
//! Each channel `c` at hour `t` is
//! `x_c(t) = Σ_k A_ck f_k(t) + β_c t/T + s(t)·(a_c sin(2πt/24 + φ_c) + b_c sin(2πt/168 + ψ_c)) + e_c(t)`
//! with two shared latent AR(1) factors `f_k(t) = 0.95 f_k(t−1) + ε`, a per-channel AR(1)
//! noise `e_c(t) = ρ e_c(t−1) + σ ε` (`ρ = 0.6`), daily (24 h) and weekly (168 h) seasons and a
//! linear trend. At `shift_at` the regime changes: the level jumps by `Δ_c` and the seasonal
//! amplitude `s(t)` goes from 1 to 1.3.

use std::path::Path;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::io::ett::{Features, Timestamp, write_ett};

/// The channel names of ETT, the target `OT` last.
pub const ETT_COLUMNS: [&str; 7] = ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"];

/// Parameters of the generated series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesConfig {
    /// Hours.
    pub len: usize,
    /// Seed of every random draw.
    pub seed: u64,
    /// Standard deviation of the per-channel AR(1) innovation.
    pub noise: f32,
    /// Hour at which the regime shifts (as a fraction of `len`).
    pub shift_at: f32,
    /// First timestamp (ETTh1 starts at 2016-07-01 00:00:00).
    pub start: Timestamp,
}

impl SeriesConfig {
    /// `len` hours from 2016-07-01, noise 0.3, regime shift at 55 % of the series.
    pub fn new(len: usize, seed: u64) -> Self {
        Self {
            len,
            seed,
            noise: 0.3,
            shift_at: 0.55,
            start: Timestamp { year: 2016, month: 7, day: 1, hour: 0, minute: 0, second: 0 },
        }
    }

    /// 14 400 hours: exactly ETTh's 8640 / 2880 / 2880 split borders.
    pub fn etth(seed: u64) -> Self {
        Self::new(crate::forecast::ETTH_TRAIN + 2 * crate::forecast::ETTH_VAL_TEST, seed)
    }

    /// The series, row-major `[len, 7]`.
    pub fn generate(&self) -> Vec<f32> {
        let mut rng = kiln_core::seed::rng(self.seed, 0x5e71e5);
        let c = ETT_COLUMNS.len();
        let mut normal = move || -> f32 {
            // Box–Muller.
            let u1: f32 = rng.random_range(f32::EPSILON..1.0);
            let u2: f32 = rng.random_range(0.0..1.0);
            (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
        };
        let mix: Vec<[f32; 2]> = (0..c).map(|_| [0.5 + 0.5 * normal().abs(), 0.5 * normal()]).collect();
        let daily: Vec<(f32, f32)> = (0..c).map(|i| (1.0 + 0.3 * normal(), 0.3 * i as f32 + 0.2 * normal())).collect();
        let weekly: Vec<(f32, f32)> = (0..c).map(|_| (0.6 + 0.2 * normal(), 0.3 * normal())).collect();
        let trend: Vec<f32> = (0..c).map(|_| 0.8 * normal()).collect();
        let jump: Vec<f32> = (0..c).map(|_| 0.8 + 0.4 * normal()).collect();
        let shift = (self.shift_at.clamp(0.0, 1.0) * self.len as f32) as usize;
        let (mut f, mut e) = ([0f32; 2], vec![0f32; c]);
        let mut out = Vec::with_capacity(self.len * c);
        let total = self.len.max(1) as f32;
        for t in 0..self.len {
            for fk in &mut f {
                *fk = 0.95 * *fk + 0.3 * normal();
            }
            let tf = t as f32;
            let (amp, level) = if t >= shift { (1.3, 1.0) } else { (1.0, 0.0) };
            for ch in 0..c {
                e[ch] = 0.6 * e[ch] + self.noise * normal();
                let season = daily[ch].0 * (std::f32::consts::TAU * tf / 24.0 + daily[ch].1).sin()
                    + weekly[ch].0 * (std::f32::consts::TAU * tf / 168.0 + weekly[ch].1).sin();
                let v = mix[ch][0] * f[0]
                    + mix[ch][1] * f[1]
                    + trend[ch] * tf / total
                    + amp * season
                    + level * jump[ch]
                    + e[ch];
                out.push(v);
            }
        }
        out
    }

    /// Writes the series as an ETT-format CSV at `path`.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let columns: Vec<String> = ETT_COLUMNS.iter().map(|s| s.to_string()).collect();
        write_ett(path, self.start, &columns, &self.generate())
    }

    /// Writes the CSV at `path` and reads it back through the ETT loader (target `OT`).
    ///
    /// # Errors
    /// When the file cannot be written or read.
    pub fn write_and_read(&self, path: impl AsRef<Path>, features: Features) -> Result<crate::io::ett::EttSeries> {
        self.write_csv(path.as_ref())?;
        crate::io::ett::read_ett(path, "OT", features)
    }
}
