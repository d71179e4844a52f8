//! Residue graphs: contacts against brute force, features, PDB input, procedural proteins.

use kiln_graph::io::pdb::{SecondaryStructure, parse_pdb};
use kiln_graph::protein_rpn::structure::{RESIDUE_TYPES, contacts};
use kiln_graph::protein_rpn::synth::MOTIF_RADIUS;
use kiln_graph::protein_rpn::{FEATURES, MOTIFS, Protein, SynthSpec, synth_proteins};
use rand::Rng;

fn brute_force(coords: &[[f32; 3]], cutoff: f32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..coords.len() {
        for j in i + 1..coords.len() {
            let d2: f32 = (0..3).map(|k| (coords[i][k] - coords[j][k]).powi(2)).sum();
            if d2 <= cutoff * cutoff {
                out.push((i, j));
            }
        }
    }
    out
}

#[test]
fn protein_contacts_match_brute_force() {
    let mut rng = kiln_core::seed::rng(3, 0);
    for (n, side) in [(1, 5.0f32), (40, 15.0), (300, 40.0), (200, 400.0)] {
        let coords: Vec<[f32; 3]> = (0..n)
            .map(|_| [rng.random_range(-side..side), rng.random_range(-side..side), rng.random_range(-side..side)])
            .collect();
        for cutoff in [4.0, 10.0] {
            assert_eq!(contacts(&coords, cutoff), brute_force(&coords, cutoff), "n {n} side {side} cutoff {cutoff}");
        }
    }
    // Exactly at the cutoff counts; negative coordinates cross cell boundaries.
    let coords = [[-0.5, 0.0, 0.0], [9.5, 0.0, 0.0], [-10.5, 0.0, 0.0]];
    assert_eq!(contacts(&coords, 10.0), vec![(0, 1), (0, 2)]);
    let protein = synth_proteins(&SynthSpec { proteins: 4, ..SynthSpec::default() }, 1).unwrap();
    for p in &protein {
        let g = p.protein.graph(10.0);
        assert_eq!(g.pairs, brute_force(&p.protein.coords, 10.0));
    }
}

#[test]
fn protein_features_are_one_hot_and_geometric() {
    let coords = vec![[0.0, 0.0, 0.0], [3.8, 0.0, 0.0], [30.0, 0.0, 0.0]];
    use SecondaryStructure::{Coil, Helix, Strand};
    let p = Protein::new(vec![1, 6, 20], coords, vec![Helix, Strand, Coil]).unwrap();
    let g = p.graph(10.0);
    assert_eq!(g.pairs, vec![(0, 1)]);
    assert!((g.distances[0] - 3.8).abs() < 1e-5);
    assert_eq!(g.structured, vec![true, true, false]);
    let row = |i: usize| &g.features[i * FEATURES..(i + 1) * FEATURES];
    assert_eq!(row(0)[1], 1.0);
    assert_eq!(row(1)[6], 1.0);
    assert_eq!(row(2)[20], 1.0);
    for i in 0..3 {
        assert_eq!(row(i)[..RESIDUE_TYPES].iter().sum::<f32>(), 1.0);
        assert_eq!(row(i)[RESIDUE_TYPES..RESIDUE_TYPES + 3].iter().sum::<f32>(), 1.0);
    }
    let geo = RESIDUE_TYPES + 3;
    // Degrees 1, 1, 0 over 20; chain positions 0, 0.5, 1.
    assert_eq!([row(0)[geo], row(2)[geo]], [0.05, 0.0]);
    assert_eq!([row(0)[geo + 2], row(1)[geo + 2], row(2)[geo + 2]], [0.0, 0.5, 1.0]);
    let directed = g.directed();
    assert_eq!(directed.len(), 2);
    assert!((directed[0].2 - (-3.8f32 * 3.8 / 50.0).exp()).abs() < 1e-6);
    assert!(Protein::new(vec![0], vec![], vec![Coil]).is_err());
    assert!(Protein::new(vec![21], vec![[0.0; 3]], vec![Coil]).is_err());
}

#[test]
fn protein_from_a_written_pdb() {
    let text = super::super::io_pdb::sample();
    let pdb = parse_pdb(text.as_bytes(), std::path::Path::new("sample.pdb")).unwrap();
    let p = Protein::from_pdb(&pdb);
    // ALA GLY SER MSE(→MET) LYS CYS.
    assert_eq!(p.residues, vec![0, 5, 15, 10, 8, 1]);
    assert_eq!(p.chain_break, vec![false, false, false, false, true, true]);
    let g = p.graph(10.0);
    assert_eq!(g.num_nodes, 6);
    assert_eq!(g.features.len(), 6 * FEATURES);
}

#[test]
fn procedural_proteins_plant_motifs_and_decoys() {
    let spec = SynthSpec { proteins: 40, ..SynthSpec::default() };
    let set = synth_proteins(&spec, 5).unwrap();
    assert_eq!(set, synth_proteins(&spec, 5).unwrap(), "seeded");
    let mut planted = 0;
    for p in &set {
        let c = &p.protein.coords;
        let n = c.len();
        assert!((spec.min_len..=spec.max_len).contains(&n));
        let d = |i: usize, j: usize| (0..3).map(|k| (c[i][k] - c[j][k]).powi(2)).sum::<f32>().sqrt();
        // Consecutive Cα about 3.8 Å apart, none closer than 3.5 Å (self-avoiding).
        for i in 1..n {
            assert!((d(i - 1, i) - 3.8).abs() < 0.1, "step {}", d(i - 1, i));
        }
        for i in 0..n {
            for j in i + 2..n {
                assert!(d(i, j) > 3.5, "clash {i} {j}: {}", d(i, j));
            }
        }
        let functional: Vec<usize> = (0..n).filter(|&i| p.functional[i]).collect();
        let expected: usize = MOTIFS.iter().zip(&p.labels).filter(|(_, l)| **l).map(|(m, _)| m.residues.len()).sum();
        assert_eq!(functional.len(), expected);
        for &i in &functional {
            assert!(MOTIFS.iter().any(|m| m.residues.contains(&p.protein.residues[i])));
        }
        // A planted motif's residues lie within 2 × the motif radius of one another.
        for (m, motif) in MOTIFS.iter().enumerate() {
            if !p.labels[m] {
                continue;
            }
            planted += 1;
            let members: Vec<usize> =
                functional.iter().copied().filter(|&i| motif.residues.contains(&p.protein.residues[i])).collect();
            assert!(members.len() >= motif.residues.len());
            let close = members
                .iter()
                .any(|&a| members.iter().filter(|&&b| d(a, b) <= 2.0 * MOTIF_RADIUS).count() >= motif.residues.len());
            assert!(close, "motif {} is compact", motif.name);
        }
    }
    assert!(planted > 10, "{planted} motifs planted");
    // Some proteins carry motif residue types without the label (decoys).
    let decoyed = set.iter().any(|p| {
        p.labels.iter().zip(MOTIFS.iter()).any(|(&l, m)| {
            !l && m.residues.iter().all(|t| p.protein.residues.iter().zip(&p.functional).any(|(r, &f)| r == t && !f))
        })
    });
    assert!(decoyed, "a right-residues/wrong-geometry decoy exists");
    assert!(synth_proteins(&SynthSpec { min_len: 5, ..SynthSpec::default() }, 0).is_err());
}
