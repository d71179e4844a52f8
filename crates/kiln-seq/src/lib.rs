//! # kiln-seq
//!
//! Kiln sequence models: outputs that point into variable-length inputs, long-horizon
//! forecasts of a user's CSV, and motion classification from skeletons.
//!
//! - [`batch`]: a padded [`SeqBatch`] (`[B, T, F]`, mask, lengths) with masked losses and means.
//! - [`decode`]: teacher forcing (with a ratio schedule), greedy decoding and beam search.
//! - [`forecast`]: sliding windows and chronological splits of a multivariate series.
//! - [`pointer`]: Pointer Networks (Vinyals, Fortunato, Jaitly, NeurIPS 2015) with the sort,
//!   convex-hull and TSP targets.
//! - [`tpgn`]: PGN and TPGN (Jia et al., NeurIPS 2024) for long-range forecasting;
//!   [`baseline`]: GRU, LSTM, DLinear and seasonal-naive forecasters on the same windows.
//! - [`ensemble`]: the ensemble of 1D CNNs for skeleton action recognition (Xu and Wang,
//!   arXiv 1801.01080).
//! - [`io`]: the ETT/Autoformer CSV and NTU RGB+D `.skeleton` readers; [`synth`]: seeded
//!   generated data (points, series, skeleton actions) so everything runs offline.

pub mod baseline;
pub mod batch;
pub mod decode;
pub mod ensemble;
pub mod error;
pub mod forecast;
pub mod io;
pub mod pointer;
pub mod synth;
pub mod tpgn;

pub use batch::SeqBatch;
pub use ensemble::{Ensemble, EnsembleConfig};
pub use error::{Result, SeqError};
pub use pointer::{Decode, PointerNet, PointerNetConfig};
pub use tpgn::{ForecastOptions, ForecastReport, Tpgn, TpgnConfig, forecast_csv};
