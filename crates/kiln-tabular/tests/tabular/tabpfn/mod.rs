//! TabPFN: the model's attention mask and invariances, prior-data fitting, the classifier.

mod classifier;
mod model;
mod train;
