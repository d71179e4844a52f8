//! Seeded random graph generators: stochastic block models (Holland, Laskey & Leinhardt 1983)
//! with optional Gaussian class features (the contextual SBM), random geometric graphs
//! (Penrose 2003), Barabási–Albert preferential attachment (1999) and Watts–Strogatz small
//! worlds (1998). Every generator returns an undirected [`Graph`] and is a pure function of its
//! arguments and seed.

use rand::Rng;
use rand::rngs::StdRng;

use crate::error::{GraphError, Result};
use crate::graph::{Features, Graph};

fn rng(seed: u64, stream: u64) -> StdRng {
    kiln_core::seed::rng(seed, stream)
}

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut impl Rng) -> f32 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}

/// A stochastic block model: blocks of the given `sizes`, each pair joined with probability
/// `p_in` inside a block and `p_out` across. `y` holds the block of each node.
pub fn stochastic_block_model(sizes: &[usize], p_in: f64, p_out: f64, seed: u64) -> Result<Graph> {
    for p in [p_in, p_out] {
        if !(0.0..=1.0).contains(&p) {
            return Err(GraphError::Invalid(format!("probability {p} outside [0, 1]")));
        }
    }
    let labels: Vec<usize> = sizes.iter().enumerate().flat_map(|(b, &s)| std::iter::repeat_n(b, s)).collect();
    let n = labels.len();
    let mut rng = rng(seed, 21);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let p = if labels[i] == labels[j] { p_in } else { p_out };
            if rng.random::<f64>() < p {
                edges.push((i, j));
            }
        }
    }
    Graph::undirected(n, &edges)?.with_labels(labels)
}

/// Gaussian class features (the contextual SBM): `x_v = μ_{y_v} + ε`, with class means `μ_c`
/// of norm `signal` in random directions and `ε ~ N(0, I_dim)`. Errors if `graph` has no labels.
pub fn class_features(graph: Graph, dim: usize, signal: f32, seed: u64) -> Result<Graph> {
    let y = graph.y.clone().ok_or_else(|| GraphError::Invalid("class features need node labels".into()))?;
    let classes = y.iter().max().map_or(0, |m| m + 1);
    let mut rng = rng(seed, 22);
    let means: Vec<Vec<f32>> = (0..classes)
        .map(|_| {
            let v: Vec<f32> = (0..dim).map(|_| normal(&mut rng)).collect();
            let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-6);
            v.into_iter().map(|a| a * signal / norm).collect()
        })
        .collect();
    let values = y.iter().flat_map(|&c| means[c].clone()).map(|m| m + normal(&mut rng)).collect();
    graph.with_features(Features::new(dim, values)?)
}

/// Random `N(0, 1)` features of width `dim` (for featureless graphs).
pub fn random_features(graph: Graph, dim: usize, seed: u64) -> Result<Graph> {
    let mut rng = rng(seed, 23);
    let values = (0..graph.num_nodes * dim).map(|_| normal(&mut rng)).collect();
    graph.with_features(Features::new(dim, values)?)
}

/// A random geometric graph: `n` points uniform in the unit square, joined when closer than
/// `radius`. The positions are the node features (width 2).
pub fn random_geometric(n: usize, radius: f64, seed: u64) -> Result<Graph> {
    let mut rng = rng(seed, 24);
    let pos: Vec<(f64, f64)> = (0..n).map(|_| (rng.random(), rng.random())).collect();
    let cells = ((1.0 / radius.max(1e-6)).floor() as usize).clamp(1, 1024);
    let cell = |v: f64| ((v * cells as f64) as usize).min(cells - 1);
    let mut grid = vec![Vec::new(); cells * cells];
    for (i, &(x, y)) in pos.iter().enumerate() {
        grid[cell(x) * cells + cell(y)].push(i);
    }
    let mut edges = Vec::new();
    for (i, &(x, y)) in pos.iter().enumerate() {
        let (cx, cy) = (cell(x), cell(y));
        for gx in cx.saturating_sub(1)..=(cx + 1).min(cells - 1) {
            for gy in cy.saturating_sub(1)..=(cy + 1).min(cells - 1) {
                for &j in &grid[gx * cells + gy] {
                    let (dx, dy) = (pos[j].0 - x, pos[j].1 - y);
                    if j > i && dx * dx + dy * dy < radius * radius {
                        edges.push((i, j));
                    }
                }
            }
        }
    }
    let values = pos.iter().flat_map(|&(x, y)| [x as f32, y as f32]).collect();
    Graph::undirected(n, &edges)?.with_features(Features::new(2, values)?)
}

/// Barabási–Albert: start from `m` isolated nodes, then each new node joins `m` distinct
/// existing nodes chosen with probability proportional to degree.
pub fn barabasi_albert(n: usize, m: usize, seed: u64) -> Result<Graph> {
    if m == 0 || m >= n {
        return Err(GraphError::Invalid(format!("Barabási–Albert needs 0 < m < n, got m = {m}, n = {n}")));
    }
    let mut rng = rng(seed, 25);
    let mut targets: Vec<usize> = (0..m).collect();
    let mut repeated: Vec<usize> = Vec::new();
    let mut edges = Vec::new();
    for source in m..n {
        for &t in &targets {
            edges.push((source, t));
        }
        repeated.extend(&targets);
        repeated.extend(std::iter::repeat_n(source, m));
        let mut chosen = std::collections::BTreeSet::new();
        while chosen.len() < m {
            chosen.insert(repeated[rng.random_range(0..repeated.len())]);
        }
        targets = chosen.into_iter().collect();
    }
    Graph::undirected(n, &edges)
}

/// Watts–Strogatz: a ring where each node joins its `k / 2` nearest neighbours on each side,
/// then every edge `(u, v)` is rewired to `(u, w)`, `w` uniform, with probability `p`
/// (avoiding self-loops and duplicates).
pub fn watts_strogatz(n: usize, k: usize, p: f64, seed: u64) -> Result<Graph> {
    if k < 2 || k >= n || !(0.0..=1.0).contains(&p) {
        return Err(GraphError::Invalid(format!(
            "Watts–Strogatz needs 2 ≤ k < n and p in [0, 1], got k = {k}, p = {p}"
        )));
    }
    let mut rng = rng(seed, 26);
    let mut set = std::collections::BTreeSet::new();
    for u in 0..n {
        for d in 1..=k / 2 {
            let v = (u + d) % n;
            set.insert((u.min(v), u.max(v)));
        }
    }
    for u in 0..n {
        for d in 1..=k / 2 {
            let v = (u + d) % n;
            let key = (u.min(v), u.max(v));
            if rng.random::<f64>() < p && set.contains(&key) {
                let w = rng.random_range(0..n);
                let new = (u.min(w), u.max(w));
                if w != u && !set.contains(&new) {
                    set.remove(&key);
                    set.insert(new);
                }
            }
        }
    }
    let edges: Vec<_> = set.into_iter().collect();
    Graph::undirected(n, &edges)
}
