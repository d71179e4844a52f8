//! ProteinRPN: residue graphs, procedural proteins, the RPN's parts against hand values, GMT,
//! losses, device agreement and learning.

mod devices;
mod layers;
mod learning;
mod structure;
