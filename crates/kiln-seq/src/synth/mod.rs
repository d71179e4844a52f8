//! Seeded generated data, so every model here runs and is tested offline.

pub mod points;
pub mod series;
pub mod skeleton;
