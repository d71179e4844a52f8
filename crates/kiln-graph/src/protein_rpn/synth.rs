//! Procedural proteins with planted functional motifs and decoys.
//!
//! A chain is a sequence of segments, each placed by a random rotation, steered toward the
//! centroid so the fold stays compact, and rejected when a Cα comes within 4 Å of an earlier one:
//! - helix: `(r cos 100°k, r sin 100°k, 1.5k)`, r = 2.3 Å (3.6 residues per turn, rise 1.5 Å,
//!   consecutive Cα 3.8 Å apart);
//! - strand: `(1.9·(k mod 2), 0, 3.3k)` (rise 3.3 Å, a zig-zag to 3.8 Å steps);
//! - coil: a persistent random walk of 3.8 Å steps.
//!
//! Each [`MOTIFS`] entry is planted (with probability `motif_prob`) by giving its residue types
//! to residues whose Cα lie within [`MOTIF_RADIUS`] of a centre residue (in a helix or strand
//! 80% of the time), e.g. 2 Cys + 2 His around a point (a zinc site). A planted motif sets the
//! protein's label and marks its residues functional. Unplanted motifs may get a decoy
//! (`decoy_prob`): the right residues with the wrong geometry (scattered > 12 Å apart), or the
//! right geometry with the wrong residues (a compact cluster of near-miss types: Cys→Ala,
//! His→Asn, Ser→Thr, Asp→Glu, Trp→Phe, Tyr→Phe). Background residues never take a motif type.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::structure::Protein;
use crate::error::{GraphError, Result};
use crate::io::pdb::SecondaryStructure;

/// Cα radius (Å) around the centre within which a motif's residues are chosen.
pub const MOTIF_RADIUS: f32 = 7.0;

// Indices in `AMINO_ACIDS` (A C D E F G H I K L M N P Q R S T V W Y).
const ALA: usize = 0;
const CYS: usize = 1;
const ASP: usize = 2;
const GLU: usize = 3;
const PHE: usize = 4;
const HIS: usize = 6;
const ASN: usize = 11;
const SER: usize = 15;
const THR: usize = 16;
const TRP: usize = 18;
const TYR: usize = 19;

/// A functional motif: the residue types that must sit together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Motif {
    /// Name.
    pub name: &'static str,
    /// Residue types (indices in `AMINO_ACIDS`).
    pub residues: &'static [usize],
}

/// The planted motifs, one label each: a zinc site (2 Cys, 2 His), a catalytic triad (Ser, His,
/// Asp) and an aromatic cluster (Trp, Trp, Tyr).
pub const MOTIFS: [Motif; 3] = [
    Motif { name: "zinc", residues: &[CYS, CYS, HIS, HIS] },
    Motif { name: "triad", residues: &[SER, HIS, ASP] },
    Motif { name: "aromatic", residues: &[TRP, TRP, TYR] },
];

fn near_miss(t: usize) -> usize {
    match t {
        CYS => ALA,
        HIS => ASN,
        SER => THR,
        ASP => GLU,
        TRP | TYR => PHE,
        other => other,
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSpec {
    /// Proteins.
    pub proteins: usize,
    /// Shortest chain.
    pub min_len: usize,
    /// Longest chain.
    pub max_len: usize,
    /// Probability of planting each motif.
    pub motif_prob: f64,
    /// Probability of a decoy for each motif not planted.
    pub decoy_prob: f64,
}

impl Default for SynthSpec {
    fn default() -> Self {
        Self { proteins: 96, min_len: 40, max_len: 60, motif_prob: 0.45, decoy_prob: 0.6 }
    }
}

/// A generated protein with its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthProtein {
    /// The structure.
    pub protein: Protein,
    /// One flag per [`MOTIFS`] entry: planted.
    pub labels: Vec<bool>,
    /// One flag per residue: part of a planted motif.
    pub functional: Vec<bool>,
}

/// `spec.proteins` proteins, seeded.
pub fn synth_proteins(spec: &SynthSpec, seed: u64) -> Result<Vec<SynthProtein>> {
    if spec.min_len < 12 || spec.max_len < spec.min_len {
        return Err(GraphError::Invalid(format!("chain lengths {}..={} (need ≥ 12)", spec.min_len, spec.max_len)));
    }
    if !(0.0..=1.0).contains(&spec.motif_prob) || !(0.0..=1.0).contains(&spec.decoy_prob) {
        return Err(GraphError::Invalid("motif_prob and decoy_prob must lie in [0, 1]".into()));
    }
    let mut rng = kiln_core::seed::rng(seed, 7_411);
    (0..spec.proteins).map(|_| one(spec, &mut rng)).collect()
}

fn one(spec: &SynthSpec, rng: &mut StdRng) -> Result<SynthProtein> {
    let n = rng.random_range(spec.min_len..=spec.max_len);
    let (coords, secondary) = chain(n, rng);
    let motif_types: Vec<usize> = MOTIFS.iter().flat_map(|m| m.residues.iter().copied()).collect();
    let background: Vec<usize> = (0..20).filter(|t| !motif_types.contains(t)).collect();
    let mut residues: Vec<usize> = (0..n).map(|_| background[rng.random_range(0..background.len())]).collect();
    let mut functional = vec![false; n];
    let mut used = vec![false; n];
    let mut labels = vec![false; MOTIFS.len()];
    let mut decoys = Vec::new();
    for (m, motif) in MOTIFS.iter().enumerate() {
        if rng.random_bool(spec.motif_prob)
            && let Some(chosen) = cluster(&coords, &secondary, &used, motif.residues.len(), rng)
        {
            for (&r, &t) in chosen.iter().zip(motif.residues) {
                residues[r] = t;
                functional[r] = true;
                used[r] = true;
            }
            labels[m] = true;
        } else if rng.random_bool(spec.decoy_prob) {
            decoys.push(m);
        }
    }
    // Decoys after the planted motifs, away from them.
    for m in decoys {
        let motif = MOTIFS[m];
        let k = motif.residues.len();
        let mut blocked = used.clone();
        for (j, b) in blocked.iter_mut().enumerate() {
            *b |= (0..n).any(|f| functional[f] && dist(&coords[f], &coords[j]) < 12.0);
        }
        if rng.random_bool(0.5) {
            if let Some(chosen) = scattered(&coords, &blocked, k, rng) {
                for (&r, &t) in chosen.iter().zip(motif.residues) {
                    residues[r] = t;
                    used[r] = true;
                }
            }
        } else if let Some(chosen) = cluster(&coords, &secondary, &blocked, k, rng) {
            for (&r, &t) in chosen.iter().zip(motif.residues) {
                residues[r] = near_miss(t);
                used[r] = true;
            }
        }
    }
    let protein = Protein::new(residues, coords, secondary)?;
    Ok(SynthProtein { protein, labels, functional })
}

fn dist(a: &[f32; 3], b: &[f32; 3]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
}

/// `k` free residues within [`MOTIF_RADIUS`] of a centre (structured 80% of the time).
fn cluster(
    coords: &[[f32; 3]],
    ss: &[SecondaryStructure],
    used: &[bool],
    k: usize,
    rng: &mut StdRng,
) -> Option<Vec<usize>> {
    let n = coords.len();
    let structured: Vec<usize> = (0..n).filter(|&i| ss[i] != SecondaryStructure::Coil && !used[i]).collect();
    for _ in 0..30 {
        let c = if !structured.is_empty() && rng.random_bool(0.8) {
            structured[rng.random_range(0..structured.len())]
        } else {
            rng.random_range(0..n)
        };
        if used[c] {
            continue;
        }
        let mut near: Vec<usize> =
            (0..n).filter(|&j| j != c && !used[j] && dist(&coords[c], &coords[j]) <= MOTIF_RADIUS).collect();
        if near.len() + 1 < k {
            continue;
        }
        near.shuffle(rng);
        let mut chosen = vec![c];
        chosen.extend(near.into_iter().take(k - 1));
        chosen.shuffle(rng);
        return Some(chosen);
    }
    None
}

/// `k` free residues pairwise more than 12 Å apart.
fn scattered(coords: &[[f32; 3]], used: &[bool], k: usize, rng: &mut StdRng) -> Option<Vec<usize>> {
    let mut order: Vec<usize> = (0..coords.len()).filter(|&i| !used[i]).collect();
    order.shuffle(rng);
    let mut chosen: Vec<usize> = Vec::new();
    for i in order {
        if chosen.iter().all(|&j| dist(&coords[i], &coords[j]) > 12.0) {
            chosen.push(i);
            if chosen.len() == k {
                return Some(chosen);
            }
        }
    }
    None
}

type V3 = [f32; 3];

fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

fn scale(a: V3, s: f32) -> V3 {
    a.map(|v| v * s)
}

fn unit(a: V3) -> V3 {
    let n = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt().max(1e-6);
    scale(a, 1.0 / n)
}

fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn random_unit(rng: &mut StdRng) -> V3 {
    loop {
        let v = [rng.random_range(-1.0..1.0f32), rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)];
        let n2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        if n2 > 1e-4 && n2 <= 1.0 {
            return unit(v);
        }
    }
}

/// Local coordinates (first point at the origin, axis z) of a segment of `len` residues.
fn segment(kind: SecondaryStructure, len: usize, rng: &mut StdRng) -> Vec<V3> {
    match kind {
        SecondaryStructure::Helix => (0..len)
            .map(|k| {
                let a = (100.0f32 * k as f32).to_radians();
                [2.3 * a.cos() - 2.3, 2.3 * a.sin(), 1.5 * k as f32]
            })
            .collect(),
        SecondaryStructure::Strand => {
            (0..len).map(|k| [if k % 2 == 0 { 0.0 } else { 1.9 }, 0.0, 3.3 * k as f32]).collect()
        }
        SecondaryStructure::Coil => {
            let mut p = [0.0f32; 3];
            let mut d = [0.0, 0.0, 1.0];
            let mut out = vec![p];
            for _ in 1..len {
                d = unit(add(d, scale(random_unit(rng), 0.8)));
                p = add(p, scale(d, 3.8));
                out.push(p);
            }
            out
        }
    }
}

/// A compact self-avoiding chain of `n` Cα atoms and its secondary structure.
fn chain(n: usize, rng: &mut StdRng) -> (Vec<V3>, Vec<SecondaryStructure>) {
    let mut coords: Vec<V3> = Vec::with_capacity(n);
    let mut ss = Vec::with_capacity(n);
    while coords.len() < n {
        let kind = match rng.random_range(0..3) {
            0 => SecondaryStructure::Helix,
            1 => SecondaryStructure::Strand,
            _ => SecondaryStructure::Coil,
        };
        let len = match kind {
            SecondaryStructure::Helix => rng.random_range(8..=14),
            SecondaryStructure::Strand => rng.random_range(5..=8),
            SecondaryStructure::Coil => rng.random_range(3..=6),
        }
        .min(n - coords.len());
        let local = segment(kind, len, rng);
        let mut placed = None;
        for attempt in 0..40 {
            // Axis: random, steered toward the centroid (less as attempts fail).
            let centre = if coords.is_empty() {
                [0.0; 3]
            } else {
                scale(coords.iter().fold([0.0; 3], |a, &c| add(a, c)), 1.0 / coords.len() as f32)
            };
            let last = coords.last().copied().unwrap_or([0.0; 3]);
            let inward = unit(add(centre, scale(last, -1.0)));
            let pull = if coords.len() < 4 || attempt > 20 { 0.0 } else { 0.7 };
            let z = unit(add(random_unit(rng), scale(inward, pull)));
            let x = unit(cross(z, random_unit(rng)));
            let y = cross(z, x);
            let start = if coords.is_empty() { [0.0; 3] } else { add(last, scale(unit(add(z, scale(x, 0.3))), 3.8)) };
            let points: Vec<V3> =
                local.iter().map(|p| add(start, add(add(scale(x, p[0]), scale(y, p[1])), scale(z, p[2])))).collect();
            let earlier = &coords[..coords.len().saturating_sub(1)];
            let clash = points.iter().any(|p| earlier.iter().any(|c| dist(p, c) < 4.0));
            if !clash {
                placed = Some(points);
                break;
            }
        }
        match placed {
            Some(points) => {
                ss.extend(std::iter::repeat_n(kind, points.len()));
                coords.extend(points);
            }
            None => {
                // Boxed in: one coil step in the freest of a few directions.
                let last = coords.last().copied().unwrap_or([0.0; 3]);
                let step = (0..16)
                    .map(|_| add(last, scale(random_unit(rng), 3.8)))
                    .max_by(|a, b| {
                        let clearance = |p: &V3| coords.iter().map(|c| dist(p, c)).fold(f32::MAX, f32::min);
                        clearance(a).total_cmp(&clearance(b))
                    })
                    .unwrap_or(last);
                coords.push(step);
                ss.push(SecondaryStructure::Coil);
            }
        }
    }
    (coords, ss)
}
