//! Knowledge-graph triples: `head<TAB>relation<TAB>tail` per line (PyKEEN's and OpenKE's text
//! format). Entities and relations are numbered in order of first appearance. A file without a
//! data line is [`GraphError::Empty`](crate::GraphError::Empty); a row without exactly three non-empty fields is
//! [`GraphError::Ragged`](crate::GraphError::Ragged).

use std::collections::HashMap;
use std::path::Path;

use super::text::{TextFile, tab_fields};
use crate::error::Result;

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

/// Names numbered in order of first appearance.
struct Vocabulary<'a> {
    ids: HashMap<&'a str, usize>,
    names: Vec<String>,
}

impl<'a> Vocabulary<'a> {
    fn new() -> Self {
        Self { ids: HashMap::new(), names: Vec::new() }
    }

    fn id(&mut self, name: &'a str) -> usize {
        *self.ids.entry(name).or_insert_with(|| {
            self.names.push(name.to_string());
            self.names.len() - 1
        })
    }
}

/// Reads a tab-separated triples file.
pub fn read_triples(path: impl AsRef<Path>) -> Result<TripleSet> {
    let file = TextFile::read(path.as_ref())?;
    file.first_row("triples")?;
    let (mut entities, mut relations) = (Vocabulary::new(), Vocabulary::new());
    let mut triples = Vec::new();
    for (line, text) in file.rows() {
        let f = tab_fields(text);
        let filled = f.iter().filter(|s| !s.is_empty()).count();
        if f.len() != 3 || filled != 3 {
            return Err(file.ragged(line, "3 non-empty (head, relation, tail)", filled.min(f.len())));
        }
        let h = entities.id(f[0]);
        let r = relations.id(f[1]);
        let t = entities.id(f[2]);
        triples.push((h, r, t));
    }
    Ok(TripleSet { entities: entities.names, relations: relations.names, triples })
}
