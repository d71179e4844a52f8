//! TabPFN: the model's attention mask and invariances, prior-data fitting, the ensemble, the classifier.

mod classifier;
mod ensemble;
mod model;
mod train;
