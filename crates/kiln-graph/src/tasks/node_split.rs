//! Which nodes a node classifier trains, validates and is tested on: given masks (PyG's
//! `train_mask`, `val_mask`, `test_mask`), a seeded random split by fractions, or Planetoid's
//! protocol (a fixed number of labelled training nodes per class).

use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};

/// The training, validation and test nodes of a graph, disjoint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NodeSplit {
    /// Nodes whose labels train the model.
    pub train: Vec<usize>,
    /// Nodes scored after every epoch (may be empty).
    pub valid: Vec<usize>,
    /// Held-out nodes of the final evaluation.
    pub test: Vec<usize>,
}

/// Errors unless `valid` and `test` are fractions that leave some nodes for training.
fn check_fractions(valid: f64, test: f64) -> Result<()> {
    // Written so that NaN fails too.
    let in_range = valid >= 0.0 && test >= 0.0 && valid + test < 1.0;
    if !in_range {
        return Err(GraphError::Invalid(format!(
            "validation fraction {valid} and test fraction {test} must be non-negative and sum to less than 1"
        )));
    }
    Ok(())
}

/// `round(n · fraction)`.
fn share(n: usize, fraction: f64) -> usize {
    (n as f64 * fraction).round() as usize
}

impl NodeSplit {
    /// A seeded random split of `num_nodes` nodes: `round(n · test)` test nodes,
    /// `round(n · valid)` validation nodes, the rest for training. Errors when a fraction is out
    /// of range or a set that must not be empty (training, test) is.
    pub fn random(num_nodes: usize, valid: f64, test: f64, seed: u64) -> Result<Self> {
        check_fractions(valid, test)?;
        let order = kiln_core::seed::permutation(num_nodes, kiln_core::seed::derive_seed(seed, 51));
        let (n_test, n_valid) = (share(num_nodes, test), share(num_nodes, valid));
        let split = Self {
            test: order[..n_test].to_vec(),
            valid: order[n_test..n_test + n_valid].to_vec(),
            train: order[n_test + n_valid..].to_vec(),
        };
        split.check(num_nodes)?;
        Ok(split)
    }

    /// Planetoid's protocol (Yang et al. 2016): in a seeded order, the first `per_class` nodes
    /// of each class train; of the remaining nodes a fraction `valid` validates and the rest are
    /// test nodes.
    pub fn per_class(labels: &[usize], per_class: usize, valid: f64, seed: u64) -> Result<Self> {
        check_fractions(valid, 0.0)?;
        let order = kiln_core::seed::permutation(labels.len(), kiln_core::seed::derive_seed(seed, 52));
        let classes = labels.iter().max().map_or(0, |m| m + 1);
        let mut taken = vec![0; classes];
        let (mut train, mut rest) = (Vec::new(), Vec::new());
        for v in order {
            if taken[labels[v]] < per_class {
                taken[labels[v]] += 1;
                train.push(v);
            } else {
                rest.push(v);
            }
        }
        let n_valid = share(rest.len(), valid);
        let split = Self { train, valid: rest[..n_valid].to_vec(), test: rest[n_valid..].to_vec() };
        split.check(labels.len())?;
        Ok(split)
    }

    /// The nodes set in each of three masks of one entry per node; a node in two sets is an
    /// error.
    pub fn from_masks(train: &[bool], valid: &[bool], test: &[bool]) -> Result<Self> {
        let n = train.len();
        for (what, mask) in [("valid mask", valid), ("test mask", test)] {
            if mask.len() != n {
                return Err(GraphError::LengthMismatch { what, found: mask.len(), expected: n });
            }
        }
        let members = |mask: &[bool]| (0..n).filter(|&v| mask[v]).collect::<Vec<_>>();
        if let Some(v) = (0..n).find(|&v| usize::from(train[v]) + usize::from(valid[v]) + usize::from(test[v]) > 1) {
            return Err(GraphError::Invalid(format!(
                "node {v} is in more than one of the train, valid and test masks"
            )));
        }
        let split = Self { train: members(train), valid: members(valid), test: members(test) };
        split.check(n)?;
        Ok(split)
    }

    /// Errors unless every id is below `num_nodes` and the training and test sets are not empty.
    pub fn check(&self, num_nodes: usize) -> Result<()> {
        for (what, nodes) in [("training", &self.train), ("test", &self.test)] {
            if nodes.is_empty() {
                return Err(GraphError::Invalid(format!("the {what} set of the {num_nodes}-node split is empty")));
            }
        }
        if let Some(&id) = self.train.iter().chain(&self.valid).chain(&self.test).find(|&&v| v >= num_nodes) {
            return Err(GraphError::NodeOutOfRange { id, num_nodes });
        }
        Ok(())
    }
}
