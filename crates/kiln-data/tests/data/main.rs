//! Integration tests of `kiln-data`, one module per area.

mod cub;
mod formats;
mod loader;
mod procedural;
