//! Mirrors `src/synth/`.

mod points;
mod series;
mod skeleton;
