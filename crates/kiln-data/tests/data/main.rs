//! Integration tests of `kiln-data`, one module per area.

mod cub;
mod fit_input;
mod formats;
mod layout;
mod loader;
mod procedural;
