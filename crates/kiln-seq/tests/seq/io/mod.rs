//! Mirrors `src/io/`.

mod ett;
mod ntu;
