//! `cargo xtask reproduce fed` (in progress).

fn main() {}
