//! Real evaluations memoised per canonical encoding, shared by every search of one supernet.
//!
//! A search spends its budget on evaluation *requests*: a request answered from the cache
//! counts against the budget like any other (so searches compare at equal budgets), but the
//! network is evaluated once per canonical architecture across all searches and seeds.

use std::collections::HashMap;

use super::{Evaluator, SearchError, SearchSpace};

/// An [`Evaluator`] that answers repeated canonical encodings from memory.
pub struct CachedEvaluator<E> {
    inner: E,
    space: SearchSpace,
    cache: HashMap<Vec<usize>, Vec<f64>>,
    hits: usize,
}

impl<E: Evaluator> CachedEvaluator<E> {
    /// Memoises `inner`'s evaluations keyed by `space`'s canonical form.
    pub fn new(inner: E, space: SearchSpace) -> Self {
        Self { inner, space, cache: HashMap::new(), hits: 0 }
    }

    /// Requests answered from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits
    }

    /// Distinct canonical encodings evaluated for real so far.
    pub fn evaluated(&self) -> usize {
        self.cache.len()
    }

    /// The wrapped evaluator.
    pub fn into_inner(self) -> E {
        self.inner
    }
}

impl<E: Evaluator> Evaluator for CachedEvaluator<E> {
    fn evaluate(&mut self, enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        let key = self.space.canonical(enc);
        if let Some(values) = self.cache.get(&key) {
            self.hits += 1;
            return Ok(values.clone());
        }
        let values = self.inner.evaluate(&key)?;
        self.cache.insert(key, values.clone());
        Ok(values)
    }
}
