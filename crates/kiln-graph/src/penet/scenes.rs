//! Procedural scene graphs for PredCls, seeded ([`scenes`]).
//!
//! - Object classes `c ∈ 0..objects` fall into `groups` super-categories (`c mod groups`); a
//!   class's word vector is its group's base vector plus `N(0, 0.5²)` per dimension.
//! - Predicates `1..=P` (0 is background) fall into `families` contiguous families; a
//!   predicate's word vector is its family's base vector plus `N(0, 0.3²)`: families share
//!   semantics, as "on"/"sitting on"/"standing on" do.
//! - A scene holds `min_objects..=max_objects` objects with boxes `(cx, cy, w, h)`,
//!   `cx, cy ~ U(0.1, 0.9)`, `w, h ~ U(0.05, 0.3)`. The entity feature is
//!   `x = [t_c + noise·N(0, 1) ; cx, cy, w, h]` (`word_dim + 4`).
//! - The ordered pair (i, j) is related when its centres lie within `near`; its predicate is
//!   `rule[group(c_i)][group(c_j)][bucket]`, with the bucket the dominant direction of
//!   `(dx, dy) = centre_j − centre_i` (right, left, below, above). Otherwise it is background.
//! - The rule table holds predicate p in `max(1, ⌊G²·4 · p^{−tail} / Σ_q q^{−tail}⌋)` entries
//!   (the remainder to predicate 1), shuffled: predicate frequencies are long-tailed.
//! - The union feature of (i, j) is `[dx, dy, dx², dy², ln(w_i/w_j), ln(h_i/h_j), ū_x, ū_y]`
//!   with `ū` the centre of the union box (8 values).

use rand::Rng;
use rand::rngs::StdRng;

use crate::error::{GraphError, Result};
use crate::generate::normal;

/// Directions of the rule's box bucket.
pub const BUCKETS: usize = 4;

/// Width of the union feature.
pub const UNION_DIM: usize = 8;

/// The generator's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneSpec {
    /// Object classes. Default 50.
    pub objects: usize,
    /// Foreground predicates P (background comes on top). Default 30.
    pub predicates: usize,
    /// Predicate families sharing semantic vectors. Default 6.
    pub families: usize,
    /// Object super-categories the rule reads. Default 10.
    pub groups: usize,
    /// Word-vector width. Default 32.
    pub word_dim: usize,
    /// Standard deviation of the visual noise. Default 1.
    pub noise: f32,
    /// Fewest objects in a scene. Default 5.
    pub min_objects: usize,
    /// Most objects in a scene. Default 9.
    pub max_objects: usize,
    /// Largest centre distance of a related pair. Default 0.3.
    pub near: f32,
    /// Zipf exponent of the predicate frequencies. Default 1.
    pub tail: f64,
    /// Training scenes. Default 400.
    pub train_scenes: usize,
    /// Test scenes. Default 150.
    pub test_scenes: usize,
}

impl Default for SceneSpec {
    fn default() -> Self {
        Self {
            objects: 50,
            predicates: 30,
            families: 6,
            groups: 10,
            word_dim: 32,
            noise: 1.0,
            min_objects: 5,
            max_objects: 9,
            near: 0.3,
            tail: 1.0,
            train_scenes: 400,
            test_scenes: 150,
        }
    }
}

/// One scene: objects with classes, boxes and features, and its relations.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Class of each object.
    pub classes: Vec<usize>,
    /// Box of each object `(cx, cy, w, h)`.
    pub boxes: Vec<[f32; 4]>,
    /// Entity feature of each object (`word_dim + 4`).
    pub features: Vec<Vec<f32>>,
    /// Ground-truth relations `(subject, object, predicate ≥ 1)`, one per related pair.
    pub relations: Vec<(usize, usize, usize)>,
}

impl Scene {
    /// Every ordered pair of distinct objects, row-major.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        let n = self.classes.len();
        (0..n).flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j))).collect()
    }

    /// The predicate of (i, j), 0 when unrelated.
    pub fn label(&self, i: usize, j: usize) -> usize {
        self.relations.iter().find(|r| r.0 == i && r.1 == j).map_or(0, |r| r.2)
    }

    /// The union feature of (i, j) ([`UNION_DIM`] values).
    pub fn union_feature(&self, i: usize, j: usize) -> Vec<f32> {
        let ([xi, yi, wi, hi], [xj, yj, wj, hj]) = (self.boxes[i], self.boxes[j]);
        let (dx, dy) = (xj - xi, yj - yi);
        let left = (xi - wi / 2.0).min(xj - wj / 2.0);
        let right = (xi + wi / 2.0).max(xj + wj / 2.0);
        let top = (yi - hi / 2.0).min(yj - hj / 2.0);
        let bottom = (yi + hi / 2.0).max(yj + hj / 2.0);
        vec![dx, dy, dx * dx, dy * dy, (wi / wj).ln(), (hi / hj).ln(), (left + right) / 2.0, (top + bottom) / 2.0]
    }
}

/// The direction bucket of `(dx, dy)`: 0 right, 1 left, 2 below, 3 above.
pub fn bucket(dx: f32, dy: f32) -> usize {
    if dx.abs() >= dy.abs() {
        if dx >= 0.0 { 0 } else { 1 }
    } else if dy >= 0.0 {
        2
    } else {
        3
    }
}

/// A generated data set.
#[derive(Debug, Clone)]
pub struct Scenes {
    /// The settings.
    pub spec: SceneSpec,
    /// Object word vectors `[objects, word_dim]`, row-major.
    pub object_words: Vec<f32>,
    /// Predicate word vectors `[P + 1, word_dim]` (row 0: background).
    pub predicate_words: Vec<f32>,
    /// The rule `[groups][groups][BUCKETS] → predicate`, flattened.
    pub rule: Vec<usize>,
    /// Training scenes.
    pub train: Vec<Scene>,
    /// Test scenes.
    pub test: Vec<Scene>,
}

impl Scenes {
    /// Predicate classes, background included (`P + 1`).
    pub fn num_predicates(&self) -> usize {
        self.spec.predicates + 1
    }

    /// Entity feature width (`word_dim + 4`).
    pub fn entity_dim(&self) -> usize {
        self.spec.word_dim + 4
    }

    /// Relations per predicate (index 0 unused) in `scenes`.
    pub fn predicate_counts(&self, scenes: &[Scene]) -> Vec<usize> {
        let mut counts = vec![0; self.num_predicates()];
        for r in scenes.iter().flat_map(|s| &s.relations) {
            counts[r.2] += 1;
        }
        counts
    }
}

/// Entries of each predicate `1..=P` in a rule table of `entries` cells: `∝ p^{−tail}`, at least
/// one each, the remainder to predicate 1.
pub fn long_tail_counts(predicates: usize, entries: usize, tail: f64) -> Vec<usize> {
    let weights: Vec<f64> = (1..=predicates).map(|p| (p as f64).powf(-tail)).collect();
    let total: f64 = weights.iter().sum();
    let mut counts: Vec<usize> =
        weights.iter().map(|w| ((entries as f64 * w / total).floor() as usize).max(1)).collect();
    let used: usize = counts.iter().sum();
    counts[0] = (counts[0] + entries).saturating_sub(used).max(1);
    counts
}

fn vector(rng: &mut StdRng, base: &[f32], scale: f32) -> Vec<f32> {
    base.iter().map(|b| b + scale * normal(rng)).collect()
}

fn scene(spec: &Scenes, rng: &mut StdRng) -> Scene {
    let s = &spec.spec;
    let n = rng.random_range(s.min_objects..=s.max_objects);
    let w = s.word_dim;
    let classes: Vec<usize> = (0..n).map(|_| rng.random_range(0..s.objects)).collect();
    let boxes: Vec<[f32; 4]> = (0..n)
        .map(|_| {
            [
                rng.random_range(0.1..0.9),
                rng.random_range(0.1..0.9),
                rng.random_range(0.05..0.3),
                rng.random_range(0.05..0.3),
            ]
        })
        .collect();
    let features = classes
        .iter()
        .zip(&boxes)
        .map(|(&c, b)| {
            let mut x = vector(rng, &spec.object_words[c * w..(c + 1) * w], s.noise);
            x.extend_from_slice(b);
            x
        })
        .collect();
    let mut relations = Vec::new();
    for i in 0..n {
        for j in (0..n).filter(|&j| j != i) {
            let (dx, dy) = (boxes[j][0] - boxes[i][0], boxes[j][1] - boxes[i][1]);
            if (dx * dx + dy * dy).sqrt() < s.near {
                let (gi, gj) = (classes[i] % s.groups, classes[j] % s.groups);
                relations.push((i, j, spec.rule[(gi * s.groups + gj) * BUCKETS + bucket(dx, dy)]));
            }
        }
    }
    Scene { classes, boxes, features, relations }
}

/// Generates the word vectors, the rule, and the training and test scenes of `spec`.
pub fn scenes(spec: &SceneSpec, seed: u64) -> Result<Scenes> {
    let s = spec;
    if s.objects == 0 || s.predicates == 0 || s.families == 0 || s.families > s.predicates || s.groups == 0 {
        return Err(GraphError::Invalid(format!("scenes: bad class counts {spec:?}")));
    }
    if s.word_dim == 0 || s.min_objects < 2 || s.max_objects < s.min_objects || s.groups > s.objects {
        return Err(GraphError::Invalid(format!("scenes: bad sizes {spec:?}")));
    }
    let entries = s.groups * s.groups * BUCKETS;
    if entries < s.predicates {
        return Err(GraphError::Invalid(format!(
            "scenes: {entries} rule cells cannot hold {} predicates",
            s.predicates
        )));
    }
    let mut rng = kiln_core::seed::rng(seed, 0x5CE1E);
    let w = s.word_dim;
    let zero = vec![0.0; w];
    let group_base: Vec<Vec<f32>> = (0..s.groups).map(|_| vector(&mut rng, &zero, 1.0)).collect();
    let object_words: Vec<f32> =
        (0..s.objects).flat_map(|c| vector(&mut rng, &group_base[c % s.groups], 0.5)).collect();
    let family_base: Vec<Vec<f32>> = (0..s.families).map(|_| vector(&mut rng, &zero, 1.0)).collect();
    let mut predicate_words = vector(&mut rng, &zero, 1.0);
    for p in 0..s.predicates {
        predicate_words.extend(vector(&mut rng, &family_base[p * s.families / s.predicates], 0.3));
    }
    let counts = long_tail_counts(s.predicates, entries, s.tail);
    let mut rule: Vec<usize> = counts.iter().enumerate().flat_map(|(p, &c)| std::iter::repeat_n(p + 1, c)).collect();
    rule.truncate(entries);
    for i in (1..rule.len()).rev() {
        rule.swap(i, rng.random_range(0..=i));
    }
    let mut out =
        Scenes { spec: spec.clone(), object_words, predicate_words, rule, train: Vec::new(), test: Vec::new() };
    out.train = (0..s.train_scenes).map(|_| scene(&out, &mut rng)).collect();
    out.test = (0..s.test_scenes).map(|_| scene(&out, &mut rng)).collect();
    Ok(out)
}
