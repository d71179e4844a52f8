//! Elastic operators of weight-sharing supernets (Once-for-All, Cai et al., ICLR 2020):
//! [`ElasticDepthwiseConv`] (elastic kernel size with kernel-transform matrices),
//! [`ElasticSe`] (MobileNetV3 squeeze-and-excitation with elastic width) and
//! [`ElasticMbBlock`] (an inverted-residual block with elastic kernel and elastic width, ReLU or
//! h-swish, optional SE, with importance sorting of its hidden channels).

mod block;
mod kernel;
mod se;

pub use block::{BlockRun, ElasticMbBlock, ElasticMbBlockConfig, pointwise};
pub use kernel::{
    BANDED_MAX_PLANE, ElasticDepthwiseConv, ElasticDepthwiseConvConfig, banded_depthwise, depthwise_conv,
};
pub use se::{Activation, ElasticSe, ElasticSeConfig, StaticSe, channel_mask, h_sigmoid, make_divisible, se_mid};
