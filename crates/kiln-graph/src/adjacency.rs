//! Sorted adjacency (CSR) on the host and common neighbours of target links by sorted-list
//! intersection: `|N(i) ∩ N(j)|` costs `O(deg i + deg j)`, so a batch of target links on a graph
//! with ~100k edges takes milliseconds, and NCN/NCNC get the sparse "common-neighbour matrix"
//! of a batch (pair, node) in COO form, which is what NCN's `adjoverlap` builds with
//! `searchsorted` on GPU.

use rand::Rng;

use crate::graph::Graph;

/// Compressed sparse rows: `col[rowptr[v]..rowptr[v + 1]]` are the out-neighbours of `v`,
/// sorted and without duplicates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Adjacency {
    /// Row offsets, length N + 1.
    pub rowptr: Vec<usize>,
    /// Column ids, length = number of distinct edges.
    pub col: Vec<usize>,
}

impl Adjacency {
    /// Rows from `(source, target)` pairs on `num_nodes` nodes (self-loops dropped, duplicates
    /// merged). Ids must be `< num_nodes`.
    pub fn from_edges(num_nodes: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut rows = vec![Vec::new(); num_nodes];
        for (s, t) in edges {
            if s != t {
                rows[s].push(t);
            }
        }
        let mut rowptr = Vec::with_capacity(num_nodes + 1);
        let mut col = Vec::new();
        rowptr.push(0);
        for mut row in rows {
            row.sort_unstable();
            row.dedup();
            col.extend(row);
            rowptr.push(col.len());
        }
        Self { rowptr, col }
    }

    /// Undirected rows: every pair in both directions.
    pub fn undirected(num_nodes: usize, pairs: &[(usize, usize)]) -> Self {
        Self::from_edges(num_nodes, pairs.iter().flat_map(|&(a, b)| [(a, b), (b, a)]))
    }

    /// The out-neighbours of the graph's nodes.
    pub fn from_graph(graph: &Graph) -> Self {
        Self::from_edges(graph.num_nodes, graph.edges())
    }

    /// Number of nodes.
    pub fn num_nodes(&self) -> usize {
        self.rowptr.len().saturating_sub(1)
    }

    /// Sorted neighbours of `v`.
    pub fn neighbors(&self, v: usize) -> &[usize] {
        &self.col[self.rowptr[v]..self.rowptr[v + 1]]
    }

    /// Degree of `v`.
    pub fn degree(&self, v: usize) -> usize {
        self.rowptr[v + 1] - self.rowptr[v]
    }

    /// `true` when `v → u` is an edge (binary search).
    pub fn has_edge(&self, v: usize, u: usize) -> bool {
        v < self.num_nodes() && self.neighbors(v).binary_search(&u).is_ok()
    }

    /// The same adjacency without the undirected pairs `removed` (both directions): NCN's
    /// target-link removal.
    pub fn without(&self, removed: &[(usize, usize)]) -> Self {
        let mut drop: Vec<(usize, usize)> = removed.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        drop.sort_unstable();
        drop.dedup();
        let mut rowptr = Vec::with_capacity(self.rowptr.len());
        let mut col = Vec::with_capacity(self.col.len());
        rowptr.push(0);
        let mut d = 0;
        for v in 0..self.num_nodes() {
            for &u in self.neighbors(v) {
                while d < drop.len() && drop[d] < (v, u) {
                    d += 1;
                }
                if d < drop.len() && drop[d] == (v, u) {
                    continue;
                }
                col.push(u);
            }
            rowptr.push(col.len());
        }
        Self { rowptr, col }
    }

    /// The same adjacency with each directed entry kept with probability `1 − p`, drawn from
    /// `rng` (NCN's predictor edge dropout: the rows it intersects lose entries independently).
    pub fn drop_entries(&self, p: f64, rng: &mut impl Rng) -> Self {
        let mut rowptr = Vec::with_capacity(self.rowptr.len());
        let mut col = Vec::with_capacity(self.col.len());
        rowptr.push(0);
        for v in 0..self.num_nodes() {
            col.extend(self.neighbors(v).iter().copied().filter(|_| rng.random::<f64>() >= p));
            rowptr.push(col.len());
        }
        Self { rowptr, col }
    }

    /// All `(source, target)` edges in row order.
    pub fn edges(&self) -> Vec<(usize, usize)> {
        (0..self.num_nodes()).flat_map(|v| self.neighbors(v).iter().map(move |&u| (v, u))).collect()
    }

    /// `N(i) ∩ N(j)`, sorted (merge of two sorted rows).
    pub fn common_neighbors(&self, i: usize, j: usize) -> Vec<usize> {
        let (a, b) = (self.neighbors(i), self.neighbors(j));
        let (mut p, mut q, mut out) = (0, 0, Vec::new());
        while p < a.len() && q < b.len() {
            match a[p].cmp(&b[q]) {
                std::cmp::Ordering::Less => p += 1,
                std::cmp::Ordering::Greater => q += 1,
                std::cmp::Ordering::Equal => {
                    out.push(a[p]);
                    p += 1;
                    q += 1;
                }
            }
        }
        out
    }

    /// `(N(i) \ N(j), N(j) \ N(i))`, each without `i` and `j`: the candidate nodes NCNC
    /// completes with predicted edges.
    pub fn one_sided_neighbors(&self, i: usize, j: usize) -> (Vec<usize>, Vec<usize>) {
        let (a, b) = (self.neighbors(i), self.neighbors(j));
        let only_a = a.iter().copied().filter(|u| *u != j && *u != i && b.binary_search(u).is_err()).collect();
        let only_b = b.iter().copied().filter(|u| *u != i && *u != j && a.binary_search(u).is_err()).collect();
        (only_a, only_b)
    }
}

/// The common-neighbour matrix of a batch of target links in COO form: entry `k` says that
/// node `node[k]` is a common neighbour of target `pair[k]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommonNeighborSets {
    /// Target index of each entry.
    pub pair: Vec<usize>,
    /// Common neighbour of each entry.
    pub node: Vec<usize>,
}

impl CommonNeighborSets {
    /// Common neighbours of every target `(i, j)` in `pairs`.
    pub fn compute(adj: &Adjacency, pairs: &[(usize, usize)]) -> Self {
        let mut out = Self::default();
        for (p, &(i, j)) in pairs.iter().enumerate() {
            for u in adj.common_neighbors(i, j) {
                out.pair.push(p);
                out.node.push(u);
            }
        }
        out
    }

    /// Number of common neighbours of each target.
    pub fn counts(&self, num_pairs: usize) -> Vec<usize> {
        let mut c = vec![0; num_pairs];
        for &p in &self.pair {
            c[p] += 1;
        }
        c
    }
}
