//! Typed edge lists: `src_type<TAB>src<TAB>rel<TAB>dst_type<TAB>dst` per line. Node names are
//! numbered per type in order of first appearance; types (unless given) and relations
//! `(src_type, rel, dst_type)` likewise. A row without five non-empty fields is
//! [`Ragged`](crate::GraphError::Ragged); with a fixed list of types, any other type is
//! [`UnknownType`](crate::GraphError::UnknownType).

use std::collections::HashMap;
use std::path::Path;

use super::text::{TextFile, tab_fields};
use crate::error::{GraphError, Result};
use crate::hetero::{HeteroGraph, NodeType, Relation};

/// A typed graph read from a TSV, with the node names of each type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypedTsv {
    /// The graph (featureless, unlabelled).
    pub graph: HeteroGraph,
    /// `names[t][v]`: the name of node `v` of type `t`.
    pub names: Vec<Vec<String>>,
}

/// Reads a typed TSV. `types`: the allowed node types in order (any, numbered by first
/// appearance, when `None`).
pub fn read_typed_tsv(path: impl AsRef<Path>, types: Option<&[&str]>) -> Result<TypedTsv> {
    let file = TextFile::read(path.as_ref())?;
    file.first_row("typed edges")?;
    let mut type_names: Vec<String> = types.map(|t| t.iter().map(|s| s.to_string()).collect()).unwrap_or_default();
    let mut names: Vec<Vec<String>> = vec![Vec::new(); type_names.len()];
    let mut ids: Vec<HashMap<String, usize>> = vec![HashMap::new(); type_names.len()];
    let mut relations: Vec<Relation> = Vec::new();
    let mut relation_ids: HashMap<(usize, String, usize), usize> = HashMap::new();
    for (line, text) in file.rows() {
        let f = tab_fields(text);
        let filled = f.iter().filter(|s| !s.is_empty()).count();
        if f.len() != 5 || filled != 5 {
            return Err(file.ragged(line, "5 non-empty (src_type, src, rel, dst_type, dst)", filled.min(f.len())));
        }
        let mut type_of = |name: &str| -> Result<usize> {
            if let Some(t) = type_names.iter().position(|n| n == name) {
                return Ok(t);
            }
            if types.is_some() {
                return Err(GraphError::UnknownType { path: file.path().into(), line, name: name.into() });
            }
            type_names.push(name.into());
            names.push(Vec::new());
            ids.push(HashMap::new());
            Ok(type_names.len() - 1)
        };
        let (st, dt) = (type_of(f[0])?, type_of(f[3])?);
        let mut node = |t: usize, name: &str| -> usize {
            *ids[t].entry(name.to_string()).or_insert_with(|| {
                names[t].push(name.to_string());
                names[t].len() - 1
            })
        };
        let (s, d) = (node(st, f[1]), node(dt, f[4]));
        let r = *relation_ids.entry((st, f[2].to_string(), dt)).or_insert_with(|| {
            relations.push(Relation { src_type: st, name: f[2].into(), dst_type: dt, ..Relation::default() });
            relations.len() - 1
        });
        relations[r].src.push(s);
        relations[r].dst.push(d);
        relations[r].weight.push(1.0);
    }
    let node_types = type_names.iter().zip(&names).map(|(t, n)| NodeType::new(t.clone(), n.len())).collect();
    Ok(TypedTsv { graph: HeteroGraph { node_types, relations }, names })
}
