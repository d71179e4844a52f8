//! Prototype characteristics (Nauta et al.): local and global importance of six modifications.

mod learning;
mod model;
