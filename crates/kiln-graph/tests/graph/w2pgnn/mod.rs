//! W2PGNN: SAS graphons, generators, Gromov–Wasserstein, bases, the topological statistics and
//! the feasibility fit.

mod basis;
mod config;
mod feasibility;
mod generate;
mod graphon;
mod gw;
mod topology;
