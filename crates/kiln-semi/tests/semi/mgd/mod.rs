//! Tests of `kiln_semi::mgd`, one file per source module.

mod common;
mod cutmix;
mod data;
mod loss;
mod metrics;
mod segnet;
mod train;
