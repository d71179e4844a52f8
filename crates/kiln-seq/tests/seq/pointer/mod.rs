//! Pointer Networks: targets and metrics, the model against hand values, padding, decoding,
//! devices, save/load, and learning to sort.

mod learning;
mod model;
mod targets;
