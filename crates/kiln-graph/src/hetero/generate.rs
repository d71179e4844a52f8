//! A seeded typed stochastic block model shaped like DBLP: authors, papers and venues in
//! `areas` research areas, where an author's area shows only through the path
//! author → paper → venue.
//!
//! Every paper draws an area `c_p` uniformly and a venue of area `c_p` with probability
//! `p_venue` (any venue otherwise); it gets 1–3 authors, each from its area with probability
//! `p_author` (any author otherwise). Authors and papers carry pure-noise Gaussian features,
//! venues none: the label of an author (its area) is recoverable only from the venues of its
//! papers, which only a model that tells venues apart (a learnt embedding per venue) can read.

use rand::Rng;

use super::graph::{HeteroGraph, NodeType};
use crate::error::{GraphError, Result};
use crate::generate::normal;
use crate::graph::Features;

/// Sizes and mixing of [`typed_sbm`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypedSbm {
    /// Research areas (classes). The setting: 4.
    pub areas: usize,
    /// Authors.
    pub authors: usize,
    /// Papers.
    pub papers: usize,
    /// Venues per area.
    pub venues_per_area: usize,
    /// Probability that a paper's venue is of its area.
    pub p_venue: f64,
    /// Probability that each author of a paper is of its area.
    pub p_author: f64,
    /// Width of the authors' and papers' noise features.
    pub noise_dim: usize,
}

impl Default for TypedSbm {
    /// 4 areas, 240 authors, 600 papers, 2 venues per area, `p_venue` 0.9, `p_author` 0.85,
    /// 8 noise features.
    fn default() -> Self {
        Self { areas: 4, authors: 240, papers: 600, venues_per_area: 2, p_venue: 0.9, p_author: 0.85, noise_dim: 8 }
    }
}

/// Generates the graph: types `author` (0, labelled with its area), `paper` (1, labelled with
/// its area), `venue` (2, labelled with its area); relations `writes` (author → paper) and
/// `published_in` (paper → venue), without reverses (call [`HeteroGraph::add_reverse`]).
pub fn typed_sbm(spec: &TypedSbm, seed: u64) -> Result<HeteroGraph> {
    let TypedSbm { areas, authors, papers, venues_per_area, p_venue, p_author, noise_dim } = *spec;
    if areas == 0 || authors < areas || papers == 0 || venues_per_area == 0 {
        return Err(GraphError::Invalid(format!("typed SBM needs nodes of every type: {spec:?}")));
    }
    for p in [p_venue, p_author] {
        if !(0.0..=1.0).contains(&p) {
            return Err(GraphError::Invalid(format!("probability {p} outside [0, 1]")));
        }
    }
    let mut rng = kiln_core::seed::rng(seed, 61);
    let venues = areas * venues_per_area;
    let author_area: Vec<usize> = (0..authors).map(|a| a % areas).collect();
    let venue_area: Vec<usize> = (0..venues).map(|v| v / venues_per_area).collect();
    let by_area: Vec<Vec<usize>> =
        (0..areas).map(|c| (0..authors).filter(|&a| author_area[a] == c).collect()).collect();
    let (mut writes, mut published, mut paper_area) = (Vec::new(), Vec::new(), Vec::new());
    for p in 0..papers {
        let c = rng.random_range(0..areas);
        paper_area.push(c);
        let v = if rng.random::<f64>() < p_venue {
            c * venues_per_area + rng.random_range(0..venues_per_area)
        } else {
            rng.random_range(0..venues)
        };
        published.push((p, v));
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..rng.random_range(1..=3usize) {
            let a = if rng.random::<f64>() < p_author {
                by_area[c][rng.random_range(0..by_area[c].len())]
            } else {
                rng.random_range(0..authors)
            };
            if !chosen.contains(&a) {
                chosen.push(a);
                writes.push((a, p));
            }
        }
    }
    let mut noise = |count: usize| -> Result<Option<Features>> {
        if noise_dim == 0 {
            return Ok(None);
        }
        Features::new(noise_dim, (0..count * noise_dim).map(|_| normal(&mut rng)).collect()).map(Some)
    };
    let labels = |areas: &[usize]| Some(areas.iter().map(|&c| vec![c]).collect());
    let author = NodeType { x: noise(authors)?, y: labels(&author_area), ..NodeType::new("author", authors) };
    let paper = NodeType { x: noise(papers)?, y: labels(&paper_area), ..NodeType::new("paper", papers) };
    let venue = NodeType { y: labels(&venue_area), ..NodeType::new("venue", venues) };
    let mut graph = HeteroGraph::new(vec![author, paper, venue]);
    graph.add_relation(0, "writes", 1, &writes, None)?;
    graph.add_relation(1, "published_in", 2, &published, None)?;
    Ok(graph)
}
