//! W2PGNN: the graphon estimators, generators, Gromov–Wasserstein, bases, the topological statistics and
//! the feasibility fit.

mod basis;
mod config;
mod estimate;
mod feasibility;
mod generate;
mod graphon;
mod gw;
mod topology;
