//! SPEN: the equivariance of every basis operator and hand values on a 2×2 input, the ego-net
//! plan, the generators, the model's invariance to node order, and separating `2×C3` from `C6`
//! where GIN cannot.

mod basis;
mod data;
mod learning;
mod model;
mod subgraphs;
