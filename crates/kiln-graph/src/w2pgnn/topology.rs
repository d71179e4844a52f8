//! The eight per-graph statistics of the official `utils/cal_topo_statistcs.py` (`cal_topo`),
//! on the simple undirected graph (self-loops and repeated edges dropped), in its order:
//! `[mean degree, std of degree, density, mean closeness, degree Pearson, degree
//! assortativity, transitivity, average clustering]`. Five come from
//! [`super::basis::topology_stats`]; this module adds the other three:
//!
//! - closeness, as networkx's `closeness_centrality` (Wasserman–Faust, for disconnected
//!   graphs): `c(u) = (r_u / (n − 1)) · (r_u / Σ_{v reachable} d(u, v))` with `r_u` the nodes
//!   reachable from u (u excluded), 0 when none; averaged over the nodes;
//! - degree Pearson (networkx's `degree_pearson_correlation_coefficient`): the Pearson
//!   correlation of `(deg u, deg v)` over every edge taken in both directions;
//! - degree assortativity (Newman 2002, networkx's `degree_assortativity_coefficient`):
//!   with `j, k` the end degrees of each of the `M` edges,
//!   `r = (⟨jk⟩ − ⟨(j+k)/2⟩²) / (⟨(j²+k²)/2⟩ − ⟨(j+k)/2⟩²)`.
//!
//! The last two coincide on undirected graphs (the official vector holds both). When every
//! edge end has the same degree (a regular graph, or no edge) both are 0/0: networkx returns
//! NaN, which the official k-means cannot take; here they are 0.

use super::basis::topology_stats;
use crate::graph::Graph;

/// The symmetric adjacency lists of the simple graph.
fn adjacency(g: &Graph) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); g.num_nodes];
    for (s, t) in g.undirected_pairs() {
        adj[s].push(t);
        adj[t].push(s);
    }
    adj
}

/// The mean Wasserman–Faust closeness over the nodes (0 for fewer than two nodes).
pub fn mean_closeness(g: &Graph) -> f64 {
    let n = g.num_nodes;
    if n < 2 {
        return 0.0;
    }
    let adj = adjacency(g);
    let mut dist = vec![usize::MAX; n];
    let mut queue = std::collections::VecDeque::new();
    let mut total = 0.0;
    for u in 0..n {
        dist.fill(usize::MAX);
        dist[u] = 0;
        queue.push_back(u);
        let (mut reached, mut sum) = (0usize, 0usize);
        while let Some(v) = queue.pop_front() {
            for &w in &adj[v] {
                if dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    reached += 1;
                    sum += dist[w];
                    queue.push_back(w);
                }
            }
        }
        if sum > 0 {
            let r = reached as f64;
            total += (r / (n - 1) as f64) * (r / sum as f64);
        }
    }
    total / n as f64
}

/// The end degrees `(deg u, deg v)` of every undirected edge once.
fn edge_degrees(g: &Graph) -> Vec<(f64, f64)> {
    let adj = adjacency(g);
    g.undirected_pairs().into_iter().map(|(s, t)| (adj[s].len() as f64, adj[t].len() as f64)).collect()
}

/// `num / den`, 0 when `den` vanishes (no variance in the degrees at the edge ends).
fn ratio(num: f64, den: f64) -> f64 {
    if den.abs() < 1e-12 { 0.0 } else { num / den }
}

/// The Pearson correlation of the end degrees over both directions of every edge.
pub fn degree_pearson(g: &Graph) -> f64 {
    let pairs: Vec<(f64, f64)> = edge_degrees(g).into_iter().flat_map(|(a, b)| [(a, b), (b, a)]).collect();
    if pairs.is_empty() {
        return 0.0;
    }
    let m = pairs.len() as f64;
    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / m, pairs.iter().map(|p| p.1).sum::<f64>() / m);
    let cov: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = pairs.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|(_, y)| (y - my).powi(2)).sum();
    ratio(cov, (vx * vy).sqrt())
}

/// Newman's degree assortativity over the undirected edges.
pub fn degree_assortativity(g: &Graph) -> f64 {
    let edges = edge_degrees(g);
    if edges.is_empty() {
        return 0.0;
    }
    let m = edges.len() as f64;
    let product = edges.iter().map(|(j, k)| j * k).sum::<f64>() / m;
    let half_sum = edges.iter().map(|(j, k)| (j + k) / 2.0).sum::<f64>() / m;
    let half_squares = edges.iter().map(|(j, k)| (j * j + k * k) / 2.0).sum::<f64>() / m;
    ratio(product - half_sum * half_sum, half_squares - half_sum * half_sum)
}

/// The official eight statistics, in `cal_topo`'s order (see the module docs).
pub fn topology_vector(g: &Graph) -> [f64; 8] {
    let [mean, std, density, clustering, transitivity] = topology_stats(g);
    [mean, std, density, mean_closeness(g), degree_pearson(g), degree_assortativity(g), transitivity, clustering]
}
