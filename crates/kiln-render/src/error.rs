//! [`RenderError`], the one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while drawing or writing a picture.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The image has zero width or height, which PNG cannot hold.
    #[error("cannot save an empty {width}x{height} image to {}", .path.display())]
    EmptyImage {
        /// Where it was to be written.
        path: PathBuf,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// A chart was asked for at a size outside `Chart::MIN_SIZE ..= Chart::MAX_SIDE` (zero
    /// included).
    #[error("a chart must be between 160x120 and 16384x16384 pixels, got {width}x{height}")]
    ChartSize {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
    },
    /// Creating the directory or writing the file failed.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// Where the picture was to be written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Encoding or writing the PNG failed.
    #[error("cannot write PNG {}: {source}", .path.display())]
    Image {
        /// Where the image was to be written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: image::ImageError,
    },
    /// No series of a chart holds a finite point, so there is nothing to scale the axes to.
    #[error("the chart has no finite data points")]
    EmptyChart,
    /// Input data for a chart helper (histogram, ROC curve) is empty or has no finite value.
    #[error("{what}: no finite data")]
    EmptyData {
        /// Which input was empty.
        what: &'static str,
    },
    /// An input value that must be finite is NaN or infinite.
    #[error("{what}: value {value} at index {index} is not finite")]
    NonFinite {
        /// Which input holds it.
        what: &'static str,
        /// Its position.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Two inputs that pair up element by element have different lengths.
    #[error("{what}: lengths differ ({left} vs {right})")]
    LengthMismatch {
        /// Which inputs.
        what: &'static str,
        /// Length of the first.
        left: usize,
        /// Length of the second.
        right: usize,
    },
    /// A ROC curve needs both classes among its labels.
    #[error("a ROC curve needs positive and negative labels, got {positives} positive and {negatives} negative")]
    OneClass {
        /// Number of positive labels.
        positives: usize,
        /// Number of negative labels.
        negatives: usize,
    },
    /// A histogram was asked for with zero bins.
    #[error("a histogram needs at least one bin")]
    NoBins,
    /// An axis or histogram range was given with `min >= max` or a non-finite end.
    #[error("invalid {axis} range [{min}, {max}]: needs finite min < max")]
    InvalidRange {
        /// `"x"`, `"y"` or `"histogram"`.
        axis: &'static str,
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// The bundled chart font could not be parsed (a build defect, not a caller error).
    #[error("the bundled chart font cannot be loaded")]
    Font,
    /// plotters failed to draw the chart.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
}
