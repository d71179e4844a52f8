//! Tests of `kiln_semi::simclr`, `kiln_semi::augment` and `kiln_semi::distill`.

mod common;
mod head;
mod labels;
mod learning;
mod loss;
mod pipeline;
mod store;
mod views;
