//! The PDB reader: a written file with altLoc, insertion codes, HETATM, TER, HELIX/SHEET and two
//! models; gzip; typed errors naming file and line; real files when a Debian package has them.

use std::io::Write;
use std::path::{Path, PathBuf};

use kiln_graph::GraphError;
use kiln_graph::io::pdb::{SecondaryStructure, amino_acid_index, read_pdb};

use super::io::{dir, write};

/// An `ATOM`/`HETATM` line in the fixed columns.
#[allow(clippy::too_many_arguments)]
fn atom(record: &str, name: &str, alt: char, res: &str, chain: char, seq: i32, icode: char, xyz: [f32; 3]) -> String {
    let element = name.trim().chars().next().unwrap_or('C');
    format!(
        "{record:<6}{:>5} {name:<4}{alt}{res:>3} {chain}{seq:>4}{icode}   {:>8.3}{:>8.3}{:>8.3}{:>6.2}{:>6.2}          {element:>2}\n",
        1, xyz[0], xyz[1], xyz[2], 1.0, 0.0
    )
}

/// The residue with a backbone N, Cα and C around `x`.
fn residue(record: &str, res: &str, chain: char, seq: i32, icode: char, alt: char, x: f32) -> String {
    [(" N  ", x - 1.0), (" CA ", x), (" C  ", x + 1.0)]
        .iter()
        .map(|&(name, at)| atom(record, name, alt, res, chain, seq, icode, [at, 0.0, 0.0]))
        .collect()
}

pub fn sample() -> String {
    let mut s = String::from("HEADER    TEST\n");
    s += "HELIX    1   1 ALA A    1  SER A    2A 1                                   3\n";
    s += "SHEET    1   A 1 LYS B   1  LYS B   1  0\n";
    s += "MODEL        1\n";
    s += &residue("ATOM", "ALA", 'A', 1, ' ', ' ', 0.0);
    // Two alternate locations of GLY 2: A (kept, first) and B.
    s += &residue("ATOM", "GLY", 'A', 2, ' ', 'A', 3.8);
    s += &residue("ATOM", "GLY", 'A', 2, ' ', 'B', 30.0);
    s += &residue("ATOM", "SER", 'A', 2, 'A', ' ', 7.6);
    s += &residue("HETATM", "MSE", 'A', 3, ' ', ' ', 11.4);
    s += "TER\n";
    s += &atom("HETATM", " O  ", ' ', "HOH", 'A', 101, ' ', [50.0, 0.0, 0.0]);
    // Calcium: `CA  ` (left-justified), not a Cα.
    s += &atom("HETATM", "CA  ", ' ', " CA", 'A', 102, ' ', [60.0, 0.0, 0.0]);
    s += &residue("ATOM", "LYS", 'B', 1, ' ', ' ', 15.2);
    s += &residue("ATOM", "CYS", 'B', 2, ' ', ' ', 40.0);
    s += "ENDMDL\nMODEL        2\n";
    s += &residue("ATOM", "TRP", 'A', 1, ' ', ' ', 0.0);
    s += "ENDMDL\nEND\n";
    s
}

#[test]
fn pdb_reads_the_first_model_with_altloc_insertions_and_hetatm() {
    let d = dir("pdb");
    let s = read_pdb(write(&d, "sample.pdb", sample())).expect("parse");
    let got: Vec<(String, char, i32, Option<char>, bool)> =
        s.residues.iter().map(|r| (r.name.clone(), r.chain, r.number, r.insertion, r.hetero)).collect();
    let want = vec![
        ("ALA".to_string(), 'A', 1, None, false),
        ("GLY".to_string(), 'A', 2, None, false),
        ("SER".to_string(), 'A', 2, Some('A'), false),
        ("MSE".to_string(), 'A', 3, None, true),
        ("LYS".to_string(), 'B', 1, None, false),
        ("CYS".to_string(), 'B', 2, None, false),
    ];
    assert_eq!(got, want);
    assert_eq!(s.residues[1].ca, [3.8, 0.0, 0.0], "altLoc A is kept");
    let breaks: Vec<bool> = s.residues.iter().map(|r| r.chain_break).collect();
    // B1 follows TER and another chain; B2 is 24.8 Å from B1.
    assert_eq!(breaks, vec![false, false, false, false, true, true]);
    let ss: Vec<SecondaryStructure> = s.residues.iter().map(|r| r.secondary).collect();
    use SecondaryStructure::{Coil, Helix, Strand};
    assert_eq!(ss, vec![Helix, Helix, Helix, Coil, Strand, Coil]);
    assert_eq!(amino_acid_index("MSE"), amino_acid_index("MET"));
    assert_eq!(amino_acid_index("HOH"), 20);
    // The same file compressed.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(sample().as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let zipped = read_pdb(write(&d, "sample.pdb.gz", &bytes)).expect("gz");
    assert_eq!(zipped.residues, s.residues);
}

fn error_line(path: &Path) -> (PathBuf, usize, String) {
    match read_pdb(path).expect_err("malformed") {
        e @ (GraphError::Malformed { .. } | GraphError::NotNumeric { .. }) => {
            let (p, line) = match &e {
                GraphError::Malformed { path, line, .. } | GraphError::NotNumeric { path, line, .. } => {
                    (path.clone(), *line)
                }
                _ => unreachable!(),
            };
            (p, line, e.to_string())
        }
        other => panic!("unexpected error {other}"),
    }
}

#[test]
fn pdb_errors_name_file_and_line() {
    let d = dir("pdb-bad");
    let good = residue("ATOM", "ALA", 'A', 1, ' ', ' ', 0.0);
    // Line 4: an ATOM record cut before z.
    let short = format!("{good}ATOM      1  CA  GLY A   2       3.800   0.000\n");
    let p = write(&d, "short.pdb", &short);
    let (path, line, msg) = error_line(&p);
    assert_eq!((path, line), (p, 4), "{msg}");
    assert!(msg.contains("54"), "{msg}");

    let bad =
        good.clone() + &atom("ATOM", " CA ", ' ', "GLY", 'A', 2, ' ', [3.8, 0.0, 0.0]).replace("   3.800", "   3.8x0");
    let p = write(&d, "nan.pdb", bad);
    let (_, line, msg) = error_line(&p);
    assert_eq!(line, 4, "{msg}");
    assert!(msg.contains("3.8x0"), "{msg}");

    let p = write(&d, "noca.pdb", atom("HETATM", " O  ", ' ', "HOH", 'A', 1, ' ', [0.0; 3]).repeat(2));
    let (_, line, msg) = error_line(&p);
    assert_eq!(line, 2, "{msg}");
    assert!(msg.contains("no Cα"), "{msg}");

    let dup = good.clone() + &residue("ATOM", "GLY", 'A', 2, ' ', ' ', 3.8) + &good;
    let p = write(&d, "dup.pdb", dup);
    let (_, line, msg) = error_line(&p);
    assert_eq!(line, 7, "{msg}");
    assert!(msg.contains("first at line 1"), "{msg}");

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(sample().repeat(20).as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let p = write(&d, "cut.pdb.gz", &bytes[..bytes.len() / 2]);
    let (path, line, msg) = error_line(&p);
    assert_eq!(path, p);
    assert!(line >= 1 && msg.contains("gzip"), "{msg}");
}

/// Real PDB files from Debian packages (mustang-testdata, python-biopython-doc), when installed.
#[test]
fn pdb_parses_real_files_when_present() {
    let roots =
        ["/usr/share/mustang-testdata", "/usr/share/doc/mustang-testdata", "/usr/share/doc/python-biopython-doc"];
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = roots.iter().map(PathBuf::from).filter(|p| p.is_dir()).collect();
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
            if p.is_dir() {
                stack.push(p);
            } else if [".pdb", ".ent", ".pdb.gz", ".ent.gz"].iter().any(|e| name.ends_with(e)) {
                files.push(p);
            }
        }
    }
    if files.is_empty() {
        eprintln!("no real PDB files installed (mustang-testdata, python-biopython-doc): test skipped");
        return;
    }
    let (mut parsed, mut zinc) = (0, 0);
    for f in &files {
        match read_pdb(f) {
            Ok(s) => {
                assert!(!s.residues.is_empty());
                parsed += 1;
                zinc += usize::from(c2h2_site(&s).is_some());
            }
            // Biopython's test set holds deliberately broken files; they must fail typed.
            Err(e) => eprintln!("{e}"),
        }
    }
    eprintln!("parsed {parsed} of {} real PDB files; {zinc} with a compact C2H2 zinc site", files.len());
    assert!(parsed * 2 >= files.len(), "most real files parse");
    let zinc_fingers = files.iter().filter(|f| f.to_string_lossy().contains("mustang")).count();
    assert!(zinc * 3 >= zinc_fingers * 2, "{zinc} of {zinc_fingers} mustang zinc fingers show their zinc site");
}

/// The first C2H2 zinc-finger site `C x₂₋₄ C x₈₋₁₄ H x₃₋₅ H` whose four ligand Cα atoms lie
/// within 11 Å of one another (they surround one zinc ion; in the mustang set the widest pair
/// is 9.9–10.6 Å).
pub fn c2h2_site(s: &kiln_graph::io::pdb::PdbStructure) -> Option<[usize; 4]> {
    let r = &s.residues;
    let is = |i: usize, name: &str| r.get(i).is_some_and(|x| x.name == name);
    let d = |i: usize, j: usize| r[i].ca.iter().zip(&r[j].ca).map(|(a, b)| (a - b) * (a - b)).sum::<f32>().sqrt();
    let compact = |site: &[usize; 4]| site.iter().all(|&i| site.iter().all(|&j| d(i, j) <= 11.0));
    let cys = |a: usize| (a + 3..=a + 5).filter(move |&b| is(a, "CYS") && is(b, "CYS")).map(move |b| (a, b));
    let his = |b: usize| (b + 9..=b + 15).flat_map(move |c| (c + 4..=c + 6).map(move |e| (c, e)));
    (0..r.len())
        .flat_map(cys)
        .flat_map(|(a, b)| his(b).map(move |(c, e)| [a, b, c, e]))
        .find(|site| is(site[2], "HIS") && is(site[3], "HIS") && compact(site))
}
