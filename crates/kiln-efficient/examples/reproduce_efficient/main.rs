//! `cargo xtask reproduce efficient` (in progress).

fn main() {}
