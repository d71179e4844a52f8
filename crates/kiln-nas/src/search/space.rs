//! Categorical search spaces: gene `i` takes a value in `0..choices[i]`.
//!
//! This is the flat integer encoding of DyNAS-T (Cummings et al. 2022): one gene per elastic
//! parameter per layer (OFA-MobileNetV3: 20 kernel sizes, 20 expand ratios, 5 depths). Predictors
//! see the one-hot expansion `φ(x) = [e_{x_0}; e_{x_1}; …]` of length `Σ_i choices[i]`.
//!
//! **Activity rules** (optional, [`SearchSpace::with_activity`]): a gene may matter only while
//! another takes certain values, e.g. the kernel of a unit's third block only when the unit's
//! depth is 3. An inactive gene is set to 0 in the [`canonical`](SearchSpace::canonical) form,
//! on which the searches detect duplicates, and contributes no one-hot feature, as OFA's
//! architecture encoder zeroes the blocks past a unit's depth.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::SearchError;

/// Random stream of [`SearchSpace::initial_population`] in [`kiln_core::seed::rng`].
const INITIAL_STREAM: u64 = 0x494E_4954;

/// Gene activity: the gene counts only while gene `controller` takes one of `values`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActiveIf {
    /// The controlling gene (itself unconditional).
    pub controller: usize,
    /// The controller's values under which the gene is active.
    pub values: Vec<usize>,
}

/// A product of categorical dimensions; an encoding is a `Vec<usize>` with one value per gene.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SpaceRepr", into = "SpaceRepr")]
pub struct SearchSpace {
    choices: Vec<usize>,
    offsets: Vec<usize>,
    active_if: Vec<Option<ActiveIf>>,
    /// [`cardinality`](Self::cardinality), computed once.
    distinct: Option<u128>,
}

/// The serialised form: the plain choice list (as before activity rules), or choices and rules.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SpaceRepr {
    Plain(Vec<usize>),
    Ruled { choices: Vec<usize>, active_if: Vec<Option<ActiveIf>> },
}

impl TryFrom<SpaceRepr> for SearchSpace {
    type Error = SearchError;

    fn try_from(repr: SpaceRepr) -> Result<Self, SearchError> {
        match repr {
            SpaceRepr::Plain(choices) => SearchSpace::new(choices),
            SpaceRepr::Ruled { choices, active_if } => {
                let rules = active_if.into_iter().enumerate().filter_map(|(g, r)| r.map(|r| (g, r))).collect();
                SearchSpace::new(choices)?.with_activity(rules)
            }
        }
    }
}

impl From<SearchSpace> for SpaceRepr {
    fn from(space: SearchSpace) -> Self {
        if space.active_if.iter().all(Option::is_none) {
            SpaceRepr::Plain(space.choices)
        } else {
            SpaceRepr::Ruled { choices: space.choices, active_if: space.active_if }
        }
    }
}

impl SearchSpace {
    /// A space with `choices[i]` options for gene `i`; errors on no genes or a gene with zero
    /// choices.
    pub fn new(choices: Vec<usize>) -> Result<Self, SearchError> {
        if choices.is_empty() {
            return Err(SearchError::EmptySpace);
        }
        if let Some(gene) = choices.iter().position(|&c| c == 0) {
            return Err(SearchError::ZeroChoices { gene });
        }
        let mut offsets = Vec::with_capacity(choices.len());
        let mut acc = 0usize;
        for &c in &choices {
            offsets.push(acc);
            acc += c;
        }
        let active_if = vec![None; choices.len()];
        let mut space = Self { choices, offsets, active_if, distinct: None };
        space.distinct = space.count_canonical();
        Ok(space)
    }

    /// The same space with activity rules `(gene, rule)`. Errors on a gene or controller out of
    /// range, a controller value out of range, a gene controlling itself, or a controller that
    /// is itself conditional.
    pub fn with_activity(mut self, rules: Vec<(usize, ActiveIf)>) -> Result<Self, SearchError> {
        let n = self.choices.len();
        let invalid = |msg: String| Err(SearchError::InvalidConfig(msg));
        for (gene, rule) in &rules {
            if *gene >= n || rule.controller >= n || *gene == rule.controller {
                return invalid(format!("activity rule for gene {gene} on gene {}", rule.controller));
            }
            if let Some(&v) = rule.values.iter().find(|&&v| v >= self.choices[rule.controller]) {
                return invalid(format!("gene {} has no value {v}", rule.controller));
            }
        }
        for (gene, rule) in rules {
            self.active_if[gene] = Some(rule);
        }
        if let Some(g) =
            (0..n).find(|&g| self.active_if[g].as_ref().is_some_and(|r| self.active_if[r.controller].is_some()))
        {
            return invalid(format!("gene {g}'s controller is itself conditional"));
        }
        self.distinct = self.count_canonical();
        Ok(self)
    }

    /// Whether gene `gene` counts in `enc` (always, without a rule).
    pub fn is_active(&self, enc: &[usize], gene: usize) -> bool {
        match self.active_if.get(gene) {
            Some(Some(rule)) => enc.get(rule.controller).is_some_and(|v| rule.values.contains(v)),
            _ => true,
        }
    }

    /// `enc` with every inactive gene at 0: encodings of the same architecture share it.
    pub fn canonical(&self, enc: &[usize]) -> Vec<usize> {
        enc.iter().enumerate().map(|(g, &v)| if self.is_active(enc, g) { v } else { 0 }).collect()
    }

    /// The first `n` of a seeded sequence of distinct canonical encodings, each drawn uniformly
    /// (then canonicalised): the shared starting point of random search, NSGA-II and LINAS, so
    /// that searches of one seed begin with the same evaluations. A longer request extends a
    /// shorter one. Fewer than `n` when the space runs out of distinct encodings.
    pub fn initial_population(&self, n: usize, seed: u64) -> Vec<Vec<usize>> {
        let mut rng = kiln_core::seed::rng(seed, INITIAL_STREAM);
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(n);
        let mut misses = 0usize;
        while out.len() < n && !self.exhausted_by(out.len()) && misses < 1000 + 10 * out.len() {
            let enc = self.canonical(&self.sample(&mut rng));
            if seen.insert(enc.clone()) {
                out.push(enc);
            } else {
                misses += 1;
            }
        }
        out
    }

    /// Number of choices per gene.
    pub fn choices(&self) -> &[usize] {
        &self.choices
    }

    /// Number of genes.
    pub fn len(&self) -> usize {
        self.choices.len()
    }

    /// Always `false`: a space has at least one gene.
    pub fn is_empty(&self) -> bool {
        self.choices.is_empty()
    }

    /// Number of distinct canonical encodings (with no activity rules: `Π_i choices[i]`), or
    /// `None` if it overflows `u128` or the controllers have more than 10⁶ joint values.
    pub fn cardinality(&self) -> Option<u128> {
        self.distinct
    }

    fn count_canonical(&self) -> Option<u128> {
        let mut controllers: Vec<usize> = self.active_if.iter().flatten().map(|r| r.controller).collect();
        controllers.sort_unstable();
        controllers.dedup();
        let free = (0..self.len())
            .filter(|g| self.active_if[*g].is_none() && !controllers.contains(g))
            .try_fold(1u128, |acc, g| acc.checked_mul(self.choices[g] as u128))?;
        let joint = controllers.iter().try_fold(1u128, |acc, &c| acc.checked_mul(self.choices[c] as u128))?;
        if joint > 1_000_000 {
            return None;
        }
        // Σ over the controllers' joint values of Π over the conditional genes (choices if active, else 1).
        let mut values = vec![0usize; controllers.len()];
        let mut enc = vec![0usize; self.len()];
        let mut total = 0u128;
        for _ in 0..joint {
            for (&c, &v) in controllers.iter().zip(&values) {
                enc[c] = v;
            }
            let conditional = (0..self.len()).filter(|g| self.active_if[*g].is_some()).try_fold(1u128, |acc, g| {
                acc.checked_mul(if self.is_active(&enc, g) { self.choices[g] as u128 } else { 1 })
            })?;
            total = total.checked_add(conditional)?;
            for (v, &c) in values.iter_mut().zip(&controllers) {
                *v += 1;
                if *v < self.choices[c] {
                    break;
                }
                *v = 0;
            }
        }
        total.checked_mul(free)
    }

    /// Whether `distinct` distinct encodings already cover the whole space.
    pub fn exhausted_by(&self, distinct: usize) -> bool {
        self.cardinality().is_some_and(|c| distinct as u128 >= c)
    }

    /// Length of the one-hot feature vector, `Σ_i choices[i]`.
    pub fn feature_len(&self) -> usize {
        self.choices.iter().sum()
    }

    /// Position of gene `gene`'s first one-hot feature.
    pub fn offset(&self, gene: usize) -> Option<usize> {
        self.offsets.get(gene).copied()
    }

    /// Checks the length of `enc` and that every gene is in range.
    pub fn validate(&self, enc: &[usize]) -> Result<(), SearchError> {
        if enc.len() != self.choices.len() {
            return Err(SearchError::EncodingLength { expected: self.choices.len(), got: enc.len() });
        }
        for (gene, (&value, &choices)) in enc.iter().zip(&self.choices).enumerate() {
            if value >= choices {
                return Err(SearchError::ChoiceOutOfRange { gene, value, choices });
            }
        }
        Ok(())
    }

    /// A uniformly random encoding.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<usize> {
        self.choices.iter().map(|&c| rng.random_range(0..c)).collect()
    }

    /// The encoding with every gene at its first choice.
    pub fn smallest(&self) -> Vec<usize> {
        vec![0; self.choices.len()]
    }

    /// The encoding with every gene at its last choice.
    pub fn largest(&self) -> Vec<usize> {
        self.choices.iter().map(|&c| c - 1).collect()
    }

    /// One-hot features of `enc` (length [`feature_len`](Self::feature_len)); an inactive
    /// gene contributes all zeros.
    ///
    /// Lenient: genes beyond the space are ignored, and an out-of-range gene contributes all
    /// zeros; use [`validate`](Self::validate) first to reject such encodings.
    pub fn one_hot(&self, enc: &[usize]) -> Vec<f32> {
        let mut features = vec![0.0f32; self.feature_len()];
        for (gene, (&value, &choices)) in enc.iter().zip(&self.choices).enumerate() {
            if value < choices && self.is_active(enc, gene) {
                features[self.offsets[gene] + value] = 1.0;
            }
        }
        features
    }

    /// Indices of the active one-hot features of a valid `enc` (one per active gene).
    pub(crate) fn active_features<'a>(&'a self, enc: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
        enc.iter()
            .zip(&self.offsets)
            .enumerate()
            .filter(|&(gene, _)| self.is_active(enc, gene))
            .map(|(_, (&value, &offset))| offset + value)
    }

    /// Per-gene mutation: each gene, with probability `prob`, moves to a uniformly random
    /// *different* choice (genes with a single choice never change).
    pub fn mutate<R: Rng + ?Sized>(&self, enc: &mut [usize], prob: f64, rng: &mut R) {
        for (value, &choices) in enc.iter_mut().zip(&self.choices) {
            if choices > 1 && rng.random::<f64>() < prob {
                let other = rng.random_range(0..choices - 1);
                *value = if other >= *value { other + 1 } else { other };
            }
        }
    }
}
