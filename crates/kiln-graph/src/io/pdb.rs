//! The Protein Data Bank format (wwPDB "Atomic Coordinate Entry Format" 3.3), reduced to what a
//! residue graph needs: one Cα per residue, its chain, number, insertion code and secondary
//! structure.
//!
//! - `ATOM`/`HETATM` records are read by their fixed columns (1-based: name 13–16, altLoc 17,
//!   residue name 18–20, chain 22, number 23–26, insertion code 27, x 31–38, y 39–46,
//!   z 47–54). A record shorter than 54 columns is [`GraphError::Malformed`].
//! - The Cα is the atom named ` CA ` (columns 13–16 with the leading blank, so calcium, `CA  `,
//!   is not one). Residues without a Cα (water, ligands, ions) are skipped; `HETATM` residues
//!   with one (selenomethionine `MSE`, ...) are kept, marked [`PdbResidue::hetero`].
//! - Alternate locations: the first altLoc met in a residue is kept, atoms of the others are
//!   ignored (microheterogeneity, a second residue name at the same number, goes with them).
//! - Models: only the first (`MODEL` 1 up to its `ENDMDL`).
//! - Residues are keyed by (chain, number, insertion code); the atoms of one residue are
//!   contiguous, and a key that comes back after another residue is a duplicate
//!   ([`GraphError::Malformed`] naming both lines).
//! - Chain breaks: a residue starts a new segment ([`PdbResidue::chain_break`]) when the chain
//!   changes, after a `TER`, or when its Cα is more than [`BREAK_DISTANCE`] Å from the previous.
//! - `HELIX` (initial residue columns 20, 22–25, 26; terminal 32, 34–37, 38) and `SHEET`
//!   (22, 23–26, 27; 33, 34–37, 38) mark ranges of residues as [`SecondaryStructure::Helix`] or
//!   [`SecondaryStructure::Strand`].
//! - A file whose name ends in `.gz`, or that starts with gzip's magic bytes, is decompressed
//!   (flate2, multi-member); a truncated or corrupt stream is [`GraphError::Malformed`] at the
//!   line being decoded.
//!
//! Coordinates that are not numbers are [`GraphError::NotNumeric`] with `field` the 1-based
//! *column* where the field begins (31 for x), and `nan`/`inf` are [`GraphError::NonFinite`].
//! A file without any Cα is [`GraphError::Malformed`] at its last line.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{GraphError, Result};

/// Largest Cα–Cα distance (Å) between consecutive residues of one segment; a trans peptide
/// bond gives 3.8 Å, a cis one 2.9 Å.
pub const BREAK_DISTANCE: f32 = 4.2;

/// The 20 standard amino acids, three-letter codes in alphabetical order of their one-letter
/// codes (A C D E F G H I K L M N P Q R S T V W Y).
pub const AMINO_ACIDS: [&str; 20] = [
    "ALA", "CYS", "ASP", "GLU", "PHE", "GLY", "HIS", "ILE", "LYS", "LEU", "MET", "ASN", "PRO", "GLN", "ARG", "SER",
    "THR", "VAL", "TRP", "TYR",
];

/// Index of a residue name in [`AMINO_ACIDS`] (common modified residues map to their parent:
/// `MSE`→MET, `SEC`→CYS, `HID`/`HIE`/`HIP`→HIS); 20 for anything else.
pub fn amino_acid_index(name: &str) -> usize {
    let name = match name {
        "MSE" => "MET",
        "SEC" | "CSO" | "CME" => "CYS",
        "HID" | "HIE" | "HIP" => "HIS",
        "SEP" => "SER",
        "TPO" => "THR",
        "PTR" => "TYR",
        other => other,
    };
    AMINO_ACIDS.iter().position(|&a| a == name).unwrap_or(20)
}

/// Secondary structure of a residue, from the `HELIX` and `SHEET` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecondaryStructure {
    /// Inside a `HELIX` range.
    Helix,
    /// Inside a `SHEET` strand.
    Strand,
    /// Neither.
    #[default]
    Coil,
}

/// One residue: its Cα and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct PdbResidue {
    /// Three-letter residue name (columns 18–20, trimmed).
    pub name: String,
    /// Chain identifier (column 22; `' '` when blank).
    pub chain: char,
    /// Residue sequence number (columns 23–26).
    pub number: i32,
    /// Insertion code (column 27), `None` when blank.
    pub insertion: Option<char>,
    /// From `HETATM` records.
    pub hetero: bool,
    /// Cα coordinates (Å).
    pub ca: [f32; 3],
    /// From the `HELIX`/`SHEET` records.
    pub secondary: SecondaryStructure,
    /// First residue of a segment after a chain change, `TER` or a gap (false for residue 0).
    pub chain_break: bool,
    /// 1-based line of the residue's Cα.
    pub line: usize,
}

/// The residues of the first model, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct PdbStructure {
    /// The file read.
    pub path: PathBuf,
    /// Residues with a Cα.
    pub residues: Vec<PdbResidue>,
}

impl PdbStructure {
    /// Cα coordinates, one row per residue.
    pub fn coordinates(&self) -> Vec<[f32; 3]> {
        self.residues.iter().map(|r| r.ca).collect()
    }
}

/// Reads a PDB file (plain or gzip-compressed). See the [module docs](self).
pub fn read_pdb(path: impl AsRef<Path>) -> Result<PdbStructure> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| GraphError::io(path, e))?;
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) || bytes.starts_with(&[0x1f, 0x8b]);
    if !gz {
        return parse_pdb(&bytes, path);
    }
    let mut text = Vec::new();
    if let Err(e) = flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut text) {
        let line = 1 + text.iter().filter(|&&b| b == b'\n').count();
        return Err(GraphError::Malformed {
            path: path.into(),
            line,
            message: format!("truncated or corrupt gzip stream: {e}"),
        });
    }
    parse_pdb(&text, path)
}

/// Byte columns `from..=to` (1-based) of `line`, `""` past its end.
fn columns(line: &[u8], from: usize, to: usize) -> &[u8] {
    let end = to.min(line.len());
    if from > end { &[] } else { &line[from - 1..end] }
}

/// The text of a field (trimmed), or [`GraphError::NotText`].
fn text<'a>(path: &Path, number: usize, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map(str::trim).map_err(|_| GraphError::NotText { path: path.into(), line: number })
}

/// The character in column `col` (1-based), `' '` past the end.
fn column(line: &[u8], col: usize) -> char {
    line.get(col - 1).map_or(' ', |&b| b as char)
}

/// Residue range `(chain, number, insertion)` to `(chain, number, insertion)`.
type Bound = (char, i32, Option<char>);

fn insertion(c: char) -> Option<char> {
    (c != ' ').then_some(c)
}

fn number(path: &Path, line_no: usize, line: &[u8], from: usize, to: usize) -> Result<i32> {
    let s = text(path, line_no, columns(line, from, to))?;
    s.parse().map_err(|_| GraphError::NotNumeric {
        path: path.into(),
        line: line_no,
        field: from,
        value: s.into(),
        expected: "integer",
    })
}

fn coordinate(path: &Path, line_no: usize, line: &[u8], from: usize) -> Result<f32> {
    let s = text(path, line_no, columns(line, from, from + 7))?;
    let v: f32 = s.parse().map_err(|_| GraphError::NotNumeric {
        path: path.into(),
        line: line_no,
        field: from,
        value: s.into(),
        expected: "number",
    })?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(GraphError::NonFinite { path: path.into(), line: line_no, field: from, value: s.into() })
    }
}

/// Parses PDB text (`path` only names it in errors). See the [module docs](self).
pub fn parse_pdb(bytes: &[u8], path: &Path) -> Result<PdbStructure> {
    let malformed = |line: usize, message: String| GraphError::Malformed { path: path.into(), line, message };
    let mut residues: Vec<PdbResidue> = Vec::new();
    let mut ranges: Vec<(SecondaryStructure, Bound, Bound, usize)> = Vec::new();
    // Key → line of the residue's first atom.
    let mut seen: HashMap<Bound, usize> = HashMap::new();
    // The residue being read: key, first line, altLoc kept, its Cα once met.
    let mut current: Option<(Bound, usize, Option<char>)> = None;
    let mut after_ter = false;
    let mut models = 0usize;
    let mut last = 0usize;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            continue;
        }
        last = line_no;
        let record = columns(line, 1, 6);
        match record {
            b"MODEL " | b"MODEL" => {
                models += 1;
                if models > 1 {
                    break;
                }
            }
            b"ENDMDL" => break,
            b"TER" | b"TER   " => after_ter = true,
            b"HELIX " => {
                let from = (column(line, 20), number(path, line_no, line, 22, 25)?, insertion(column(line, 26)));
                let to = (column(line, 32), number(path, line_no, line, 34, 37)?, insertion(column(line, 38)));
                ranges.push((SecondaryStructure::Helix, from, to, line_no));
            }
            b"SHEET " => {
                let from = (column(line, 22), number(path, line_no, line, 23, 26)?, insertion(column(line, 27)));
                let to = (column(line, 33), number(path, line_no, line, 34, 37)?, insertion(column(line, 38)));
                ranges.push((SecondaryStructure::Strand, from, to, line_no));
            }
            b"ATOM  " | b"HETATM" => {
                if line.len() < 54 {
                    return Err(malformed(
                        line_no,
                        format!(
                            "{} record has {} columns; coordinates need 54",
                            text(path, line_no, record)?,
                            line.len()
                        ),
                    ));
                }
                let key = (column(line, 22), number(path, line_no, line, 23, 26)?, insertion(column(line, 27)));
                let alt = insertion(column(line, 17));
                let same = current.as_ref().is_some_and(|(k, _, _)| *k == key);
                if !same {
                    if let Some(&first) = seen.get(&key) {
                        return Err(malformed(
                            line_no,
                            format!(
                                "residue {}{}{} of chain `{}` appears again (first at line {first})",
                                text(path, line_no, columns(line, 18, 20))?,
                                key.1,
                                key.2.map(String::from).unwrap_or_default(),
                                key.0
                            ),
                        ));
                    }
                    seen.insert(key, line_no);
                    current = Some((key, line_no, alt));
                }
                let Some((_, _, kept_alt)) = current.as_mut() else { unreachable!("set above") };
                if kept_alt.is_none() {
                    *kept_alt = alt;
                }
                if alt.is_some() && alt != *kept_alt {
                    continue;
                }
                if columns(line, 13, 16) != b" CA " {
                    continue;
                }
                let ca = [
                    coordinate(path, line_no, line, 31)?,
                    coordinate(path, line_no, line, 39)?,
                    coordinate(path, line_no, line, 47)?,
                ];
                if let Some(prev) = residues.last()
                    && (prev.chain, prev.number, prev.insertion) == key
                {
                    return Err(malformed(
                        line_no,
                        format!("residue {} {} has a second Cα (first at line {})", key.0, key.1, prev.line),
                    ));
                }
                let chain_break = residues.last().is_some_and(|p| {
                    let d2: f32 = p.ca.iter().zip(&ca).map(|(a, b)| (a - b) * (a - b)).sum();
                    p.chain != key.0 || after_ter || d2 > BREAK_DISTANCE * BREAK_DISTANCE
                });
                after_ter = false;
                residues.push(PdbResidue {
                    name: text(path, line_no, columns(line, 18, 20))?.to_string(),
                    chain: key.0,
                    number: key.1,
                    insertion: key.2,
                    hetero: record == b"HETATM",
                    ca,
                    secondary: SecondaryStructure::Coil,
                    chain_break,
                    line: line_no,
                });
            }
            _ => {}
        }
    }
    if residues.is_empty() {
        return Err(malformed(last.max(1), "no Cα atom (` CA ` in columns 13–16) in the first model".into()));
    }
    for (kind, from, to, _) in ranges {
        mark(&mut residues, kind, from, to);
    }
    Ok(PdbStructure { path: path.into(), residues })
}

/// Marks the residues from `from` to `to` (inclusive, in file order when both are present; by
/// number on `from`'s chain otherwise).
fn mark(residues: &mut [PdbResidue], kind: SecondaryStructure, from: Bound, to: Bound) {
    let find = |b: Bound| residues.iter().position(|r| (r.chain, r.number, r.insertion) == b);
    match (find(from), find(to)) {
        (Some(a), Some(b)) if a <= b => residues[a..=b].iter_mut().for_each(|r| r.secondary = kind),
        _ => residues
            .iter_mut()
            .filter(|r| r.chain == from.0 && r.number >= from.1 && r.number <= to.1)
            .for_each(|r| r.secondary = kind),
    }
}
