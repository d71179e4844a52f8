//! Auto-GNN: attention functions, the search layer, the space, sharing, controller, search.

mod attention;
mod controller;
mod layer;
mod search;
mod sharing;
mod space;
