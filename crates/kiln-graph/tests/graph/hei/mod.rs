//! HEI: environment inference, the IRM penalty and its schedule, devices, learning.

mod environment;
mod learning;
mod model;
mod pattern;
mod penalty;
