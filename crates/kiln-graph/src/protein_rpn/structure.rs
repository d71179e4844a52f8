//! A protein as a residue graph: nodes are residues, edges join Cα atoms within a cutoff
//! (10 Å, the HEAL/DeepFRI contact map), features are one-hot residue types, secondary
//! structure and geometry.
//!
//! Node features, `FEATURES = 21 + 3 + 4` wide:
//! - one-hot residue type over [`AMINO_ACIDS`] plus "other" (21);
//! - one-hot secondary structure (helix, strand, coil) (3);
//! - geometry (4): contact degree / 20, `‖x_i − x̄‖ / R_g` (distance to the centroid over the
//!   radius of gyration), relative chain position `i / (n − 1)`, and the chain-break flag.
//!
//! The official code uses ESM-1b embeddings (1280) plus a learned residue embedding; there is
//! no language model offline, so the residue identity is the only sequence feature here.
//!
//! [`AMINO_ACIDS`]: crate::io::pdb::AMINO_ACIDS

use std::collections::HashMap;

use crate::error::{GraphError, Result};
use crate::io::pdb::{PdbStructure, SecondaryStructure, amino_acid_index};

/// Residue types: the 20 standard amino acids and "other".
pub const RESIDUE_TYPES: usize = 21;

/// Width of the node features.
pub const FEATURES: usize = RESIDUE_TYPES + 3 + 4;

/// Length scale σ (Å) of the spatial-proximity weight `g_ij = exp(−d_ij² / 2σ²)`.
pub const PROXIMITY_SCALE: f32 = 5.0;

/// A protein: one entry per residue.
#[derive(Debug, Clone, PartialEq)]
pub struct Protein {
    /// Residue type, an index `< RESIDUE_TYPES` (see [`amino_acid_index`]).
    pub residues: Vec<usize>,
    /// Cα coordinates (Å).
    pub coords: Vec<[f32; 3]>,
    /// Secondary structure.
    pub secondary: Vec<SecondaryStructure>,
    /// Residue starts a new segment (chain change or gap).
    pub chain_break: Vec<bool>,
}

impl Protein {
    /// A protein from its residue types, Cα coordinates and secondary structure; errors when
    /// the lengths differ, it is empty, a type is out of range or a coordinate is not finite.
    pub fn new(residues: Vec<usize>, coords: Vec<[f32; 3]>, secondary: Vec<SecondaryStructure>) -> Result<Self> {
        let n = residues.len();
        if n == 0 {
            return Err(GraphError::Invalid("a protein needs residues".into()));
        }
        for (what, len) in [("coords", coords.len()), ("secondary", secondary.len())] {
            if len != n {
                return Err(GraphError::LengthMismatch { what, found: len, expected: n });
            }
        }
        if let Some(&t) = residues.iter().find(|&&t| t >= RESIDUE_TYPES) {
            return Err(GraphError::Invalid(format!("residue type {t} ≥ {RESIDUE_TYPES}")));
        }
        if coords.iter().flatten().any(|c| !c.is_finite()) {
            return Err(GraphError::Invalid("a Cα coordinate is not finite".into()));
        }
        Ok(Self { residues, coords, secondary, chain_break: vec![false; n] })
    }

    /// The residues of a parsed PDB file.
    pub fn from_pdb(pdb: &PdbStructure) -> Self {
        let r = &pdb.residues;
        Self {
            residues: r.iter().map(|r| amino_acid_index(&r.name)).collect(),
            coords: r.iter().map(|r| r.ca).collect(),
            secondary: r.iter().map(|r| r.secondary).collect(),
            chain_break: r.iter().map(|r| r.chain_break).collect(),
        }
    }

    /// Number of residues.
    pub fn len(&self) -> usize {
        self.residues.len()
    }

    /// True without residues.
    pub fn is_empty(&self) -> bool {
        self.residues.is_empty()
    }

    /// The residue graph with contacts within `cutoff` Å.
    pub fn graph(&self, cutoff: f32) -> ResidueGraph {
        let n = self.len();
        let pairs = contacts(&self.coords, cutoff);
        let mut degree = vec![0usize; n];
        for &(i, j) in &pairs {
            degree[i] += 1;
            degree[j] += 1;
        }
        let centroid = centroid(&self.coords);
        let dist_c: Vec<f32> = self.coords.iter().map(|c| distance(c, &centroid)).collect();
        let rg = (dist_c.iter().map(|d| d * d).sum::<f32>() / n as f32).sqrt().max(1e-3);
        let mut features = vec![0.0f32; n * FEATURES];
        for i in 0..n {
            let row = &mut features[i * FEATURES..(i + 1) * FEATURES];
            row[self.residues[i]] = 1.0;
            let ss = match self.secondary[i] {
                SecondaryStructure::Helix => 0,
                SecondaryStructure::Strand => 1,
                SecondaryStructure::Coil => 2,
            };
            row[RESIDUE_TYPES + ss] = 1.0;
            let g = RESIDUE_TYPES + 3;
            row[g] = degree[i] as f32 / 20.0;
            row[g + 1] = dist_c[i] / rg;
            row[g + 2] = if n > 1 { i as f32 / (n - 1) as f32 } else { 0.0 };
            row[g + 3] = f32::from(u8::from(self.chain_break.get(i).copied().unwrap_or(false)));
        }
        let distances = pairs.iter().map(|&(i, j)| distance(&self.coords[i], &self.coords[j])).collect();
        let structured = self.secondary.iter().map(|s| *s != SecondaryStructure::Coil).collect();
        ResidueGraph { num_nodes: n, pairs, distances, features, structured }
    }
}

/// A protein's residue graph.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidueGraph {
    /// Residues.
    pub num_nodes: usize,
    /// Contacts `(i, j)`, `i < j`, sorted.
    pub pairs: Vec<(usize, usize)>,
    /// Cα–Cα distance of each contact (Å).
    pub distances: Vec<f32>,
    /// Node features, row-major `[num_nodes, FEATURES]`.
    pub features: Vec<f32>,
    /// Residue in a helix or strand.
    pub structured: Vec<bool>,
}

impl ResidueGraph {
    /// Directed edges, both ways for every contact: `(src, dst, g)` with the proximity weight
    /// `g = exp(−d² / 2σ²)`, σ = [`PROXIMITY_SCALE`].
    pub fn directed(&self) -> Vec<(usize, usize, f32)> {
        let s2 = 2.0 * PROXIMITY_SCALE * PROXIMITY_SCALE;
        self.pairs
            .iter()
            .zip(&self.distances)
            .flat_map(|(&(i, j), &d)| {
                let g = (-d * d / s2).exp();
                [(i, j, g), (j, i, g)]
            })
            .collect()
    }
}

fn distance(a: &[f32; 3], b: &[f32; 3]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
}

fn centroid(coords: &[[f32; 3]]) -> [f32; 3] {
    let n = coords.len().max(1) as f32;
    let mut c = [0.0f32; 3];
    for p in coords {
        for (ck, pk) in c.iter_mut().zip(p) {
            *ck += pk / n;
        }
    }
    c
}

/// All pairs `(i, j)`, `i < j`, with `‖x_i − x_j‖ ≤ cutoff`, sorted; a uniform grid of cells of
/// side `cutoff` makes it `O(n · density)` instead of `O(n²)`.
pub fn contacts(coords: &[[f32; 3]], cutoff: f32) -> Vec<(usize, usize)> {
    let cell = cutoff.max(1e-3);
    let key = |p: &[f32; 3]| p.map(|v| (v / cell).floor() as i64);
    let mut grid: HashMap<[i64; 3], Vec<usize>> = HashMap::new();
    for (i, p) in coords.iter().enumerate() {
        grid.entry(key(p)).or_default().push(i);
    }
    let c2 = cutoff * cutoff;
    let mut out = Vec::new();
    for (i, p) in coords.iter().enumerate() {
        let k = key(p);
        for dx in -1..=1 {
            for dy in -1..=1 {
                for dz in -1..=1 {
                    let Some(cell) = grid.get(&[k[0] + dx, k[1] + dy, k[2] + dz]) else { continue };
                    for &j in cell {
                        let d2: f32 = p.iter().zip(&coords[j]).map(|(a, b)| (a - b) * (a - b)).sum();
                        if j > i && d2 <= c2 {
                            out.push((i, j));
                        }
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}
