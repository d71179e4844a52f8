//! `kiln protein train` (a few epochs on procedural proteins) and `kiln protein sites` on a PDB
//! file the test writes; a missing checkpoint and a malformed PDB are errors naming the file.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

/// A fixed-column `ATOM` record of a Cα.
fn ca(serial: usize, name: &str, number: usize, x: f32, y: f32, z: f32) -> String {
    format!("ATOM  {serial:>5}  CA  {name} A{number:>4}    {x:>8.3}{y:>8.3}{z:>8.3}  1.00  0.00           C\n")
}

/// Twelve residues on a helix-like path, two CYS and two HIS among them.
fn small_pdb() -> String {
    let names = ["ALA", "CYS", "GLY", "LEU", "CYS", "SER", "HIS", "VAL", "LYS", "HIS", "GLU", "ALA"];
    let mut text = String::from("HEADER    TEST\n");
    for (i, name) in names.iter().enumerate() {
        let t = i as f32 * 100f32.to_radians();
        text += &ca(i + 1, name, i + 1, 2.3 * t.cos(), 2.3 * t.sin(), 1.5 * i as f32);
    }
    text + "END\n"
}

#[test]
fn train_writes_a_checkpoint_that_sites_reads() {
    let scratch = Scratch::new("protein-sites");
    let out = scratch.path().join("rpn");
    let stdout = assert_succeeds(&kiln(&[
        "protein",
        "train",
        "--proteins",
        "8",
        "--epochs",
        "2",
        "--pretrain-epochs",
        "1",
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert!(stdout.contains("validation residue Fmax"), "{stdout}");
    assert!(out.join("protein_rpn.json").is_file() && out.join("model.bpk").is_file());
    let pdb = scratch.path().join("toy.pdb");
    std::fs::write(&pdb, small_pdb()).unwrap();
    let stdout = assert_succeeds(&kiln(&[
        "protein",
        "sites",
        "--pdb",
        arg(&pdb),
        "--checkpoint",
        arg(&out),
        "--top",
        "3",
        "--device",
        "flex",
    ]));
    assert!(stdout.contains("12 residues"), "{stdout}");
    for motif in ["zinc", "triad", "aromatic"] {
        assert!(stdout.contains(&format!("function {motif}")), "{motif} missing:\n{stdout}");
    }
    let listed = stdout.lines().skip_while(|l| !l.starts_with("top residues")).skip(1).count();
    assert_eq!(listed, 3, "{stdout}");
}

#[test]
fn sites_names_a_missing_checkpoint_and_a_malformed_pdb() {
    let scratch = Scratch::new("protein-bad");
    let pdb = scratch.path().join("toy.pdb");
    std::fs::write(&pdb, small_pdb()).unwrap();
    let missing = scratch.path().join("no-rpn");
    let err = assert_fails(&kiln(&[
        "protein",
        "sites",
        "--pdb",
        arg(&pdb),
        "--checkpoint",
        arg(&missing),
        "--device",
        "flex",
    ]));
    assert!(err.contains("no-rpn") && err.contains("protein_rpn.json"), "{err}");
    let bad = scratch.path().join("bad.pdb");
    std::fs::write(&bad, "ATOM      1  CA  ALA A   1       1.000   x.000   3.000\n").unwrap();
    let err = assert_fails(&kiln(&[
        "protein",
        "sites",
        "--pdb",
        arg(&bad),
        "--checkpoint",
        arg(&missing),
        "--device",
        "flex",
    ]));
    assert!(err.contains("bad.pdb:1"), "the file and line are not named: {err}");
}
