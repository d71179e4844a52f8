//! Integration tests of `kiln-data`, one module per area.

mod formats;
mod procedural;
