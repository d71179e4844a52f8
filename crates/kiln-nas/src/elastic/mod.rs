//! Elastic operators of weight-sharing supernets (Once-for-All, Cai et al., ICLR 2020):
//! [`ElasticDepthwiseConv`] (elastic kernel size with kernel-transform matrices) and
//! [`ElasticMbBlock`] (an inverted-residual block with elastic kernel and elastic width, with
//! importance sorting of its hidden channels).

mod block;
mod kernel;

pub use block::{ElasticMbBlock, ElasticMbBlockConfig};
pub use kernel::{ElasticDepthwiseConv, ElasticDepthwiseConvConfig};
