//! Errors of the `kiln` command.

/// What can go wrong in a `kiln` command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// From kiln-core (device, engine, checkpoints).
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
    /// From kiln-data (a malformed file).
    #[error(transparent)]
    Data(#[from] kiln_data::DataError),
    /// From kiln-geom (a malformed mesh file, a missing checkpoint).
    #[error(transparent)]
    Geom(#[from] kiln_geom::GeomError),
    /// From kiln-tabular (a malformed CSV, a table beyond the model's limits).
    #[error(transparent)]
    Tabular(#[from] kiln_tabular::TabularError),
    /// Reading or writing the run's metadata.
    #[error("{path}: {message}")]
    Metadata {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// `Result` with [`CliError`].
pub type Result<T> = std::result::Result<T, CliError>;
