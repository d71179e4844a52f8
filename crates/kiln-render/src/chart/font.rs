//! The chart font: DejaVu Sans, bundled and registered with plotters' pure-Rust `ab_glyph`
//! text path, so no system font library is involved.

use std::sync::OnceLock;

use plotters::style::FontStyle;

use crate::RenderError;

/// DejaVu Sans 2.37 (licence in `fonts/LICENSE`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");

/// The family every chart text uses. The bundled font is registered under plotters' generic
/// name, so SVG viewers fall back to their own sans-serif font.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the bundled font with plotters once per process.
pub(crate) fn ensure_registered() -> Result<(), RenderError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(RenderError::Font) }
}
