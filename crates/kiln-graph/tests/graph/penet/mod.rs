//! PE-Net: fusion and losses against hand values, recall metrics, scenes, devices, learning.

mod learning;
mod losses;
mod metrics;
mod model;
mod scenes;
