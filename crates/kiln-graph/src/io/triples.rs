//! Knowledge-graph triples: `head<TAB>relation<TAB>tail` per line (PyKEEN's and OpenKE's text
//! format). Entities and relations are numbered in order of first appearance.

use std::collections::HashMap;
use std::path::Path;

use super::read_lines;
use crate::error::{GraphError, Result};

/// Triples with their vocabularies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TripleSet {
    /// Entity names by id.
    pub entities: Vec<String>,
    /// Relation names by id.
    pub relations: Vec<String>,
    /// `(head, relation, tail)` ids.
    pub triples: Vec<(usize, usize, usize)>,
}

fn intern(map: &mut HashMap<String, usize>, names: &mut Vec<String>, name: &str) -> usize {
    *map.entry(name.to_string()).or_insert_with(|| {
        names.push(name.to_string());
        names.len() - 1
    })
}

/// Reads a tab-separated triples file.
pub fn read_triples(path: impl AsRef<Path>) -> Result<TripleSet> {
    let path = path.as_ref();
    let mut out = TripleSet::default();
    let (mut ents, mut rels) = (HashMap::new(), HashMap::new());
    for (line, text) in read_lines(path)? {
        let f: Vec<&str> = text.split('\t').map(str::trim).collect();
        if f.len() != 3 || f.iter().any(|s| s.is_empty()) {
            return Err(GraphError::Ragged {
                path: path.into(),
                line,
                expected: "3 (head, relation, tail)".into(),
                found: f.len(),
            });
        }
        let h = intern(&mut ents, &mut out.entities, f[0]);
        let r = intern(&mut rels, &mut out.relations, f[1]);
        let t = intern(&mut ents, &mut out.entities, f[2]);
        out.triples.push((h, r, t));
    }
    Ok(out)
}
