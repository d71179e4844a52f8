//! Tasks (class subsets) and the split of tasks seen and held out while training the assembler.

use std::collections::BTreeSet;

use rand::Rng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::config::FactoryConfig;
use super::error::FactoryError;

/// A task: the classes a customised model must tell apart, in the order of its head (local
/// label `i` is global class `classes[i]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Task {
    classes: Vec<usize>,
}

impl Task {
    /// A task over `classes` of a factory with `num_classes` classes.
    ///
    /// # Errors
    /// [`FactoryError::EmptyTask`], [`FactoryError::DuplicateClass`] or
    /// [`FactoryError::ClassOutOfRange`], naming the class.
    pub fn new(classes: &[usize], num_classes: usize) -> Result<Self, FactoryError> {
        if classes.is_empty() {
            return Err(FactoryError::EmptyTask);
        }
        let mut seen = BTreeSet::new();
        for &class in classes {
            if class >= num_classes {
                return Err(FactoryError::ClassOutOfRange { class, num_classes });
            }
            if !seen.insert(class) {
                return Err(FactoryError::DuplicateClass { class });
            }
        }
        Ok(Self { classes: classes.to_vec() })
    }

    /// The classes, in head order.
    pub fn classes(&self) -> &[usize] {
        &self.classes
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// Never true for a constructed task (kept for the `len` convention).
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// The local label of global class `class`, if the task has it.
    pub fn local(&self, class: usize) -> Option<usize> {
        self.classes.iter().position(|&c| c == class)
    }

    /// The task's multi-hot descriptor over `num_classes` classes.
    pub fn multi_hot(&self, num_classes: usize) -> Vec<f32> {
        let mut v = vec![0.0; num_classes];
        for &c in &self.classes {
            if c < num_classes {
                v[c] = 1.0;
            }
        }
        v
    }

    /// Checks the task against a factory with `num_classes` classes.
    ///
    /// # Errors
    /// As [`Task::new`].
    pub fn check(&self, num_classes: usize) -> Result<(), FactoryError> {
        Self::new(&self.classes, num_classes).map(|_| ())
    }

    fn key(&self) -> Vec<usize> {
        let mut k = self.classes.clone();
        k.sort_unstable();
        k
    }
}

/// Tasks of `task_sizes` classes, `held_out_tasks` of them (drawn by `task_seed`) never seen
/// while training the assembler; training tasks are drawn on the fly, rejecting held-out ones,
/// so no list of all subsets is built.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSplit {
    /// The held-out tasks (as sets; class order ascending).
    pub held_out: Vec<Task>,
    held_keys: BTreeSet<Vec<usize>>,
    num_classes: usize,
    sizes: (usize, usize),
}

impl TaskSplit {
    /// The split of `config`.
    pub fn new(config: &FactoryConfig) -> Self {
        let mut rng = kiln_core::seed::rng(config.task_seed, 0);
        let (lo, hi) = config.task_sizes;
        let n = config.num_classes;
        let mut held_keys = BTreeSet::new();
        let mut held_out = Vec::new();
        // Distinct tasks; bounded tries so a tiny class count cannot loop forever.
        for _ in 0..config.held_out_tasks.saturating_mul(100) {
            if held_out.len() >= config.held_out_tasks {
                break;
            }
            let size = rng.random_range(lo..=hi.max(lo));
            let task = random_task(&mut rng, n, size, None);
            if held_keys.insert(task.key()) {
                held_out.push(task);
            }
        }
        Self { held_out, held_keys, num_classes: n, sizes: (lo, hi) }
    }

    /// Whether `task` (as a set) is held out.
    pub fn is_held_out(&self, task: &Task) -> bool {
        self.held_keys.contains(&task.key())
    }

    /// A training task (not held out) containing `class`, drawn from `rng`; `None` when 100
    /// draws were all held out.
    pub fn training_task_with(&self, class: usize, rng: &mut StdRng) -> Option<Task> {
        let (lo, hi) = self.sizes;
        (0..100).find_map(|_| {
            let size = rng.random_range(lo..=hi.max(lo));
            let task = random_task(rng, self.num_classes, size, Some(class));
            (!self.is_held_out(&task)).then_some(task)
        })
    }
}

/// `size` distinct classes of `0..num_classes` in ascending order, containing `must` if given.
fn random_task(rng: &mut StdRng, num_classes: usize, size: usize, must: Option<usize>) -> Task {
    let mut set: BTreeSet<usize> = must.into_iter().collect();
    while set.len() < size.min(num_classes) {
        set.insert(rng.random_range(0..num_classes));
    }
    Task { classes: set.into_iter().collect() }
}
