//! Tests of Learngene Pool (`kiln_nas::learngene`): the distillation loss by hand, descendant
//! enumeration, descendants built from the pool, costs, save/load, devices, and a short
//! distillation and fine-tuning on the embedded digits.

mod learning;
mod loss;
mod pool;
