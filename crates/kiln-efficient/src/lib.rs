//! # kiln-efficient (in progress)
