//! Readers for the sequence files users bring.

pub mod ett;
pub mod ntu;
