//! The HGB directory format (Lv et al., "Are we really making much progress? Revisiting,
//! benchmarking, and refining heterogeneous graph neural networks", KDD 2021), in which DBLP,
//! ACM and IMDB ship:
//!
//! - `node.dat`: `id<TAB>name<TAB>type[<TAB>f1,f2,…]`, global ids `0..N` (each once), integer types;
//!   the nodes of a type are numbered in increasing global id, and either all or none of them
//!   have features, all of one width.
//! - `link.dat`: `src<TAB>dst<TAB>rel[<TAB>weight]` (global ids; a relation joins one pair of
//!   types, taken from its first edge).
//! - `label.dat` (training nodes) and optional `label.dat.test` (test nodes):
//!   `id<TAB>name<TAB>type<TAB>label[,label…]`.
//! - `info.dat` (optional, free text describing the types): not read; types and relations are
//!   named by their integer ids.
//!
//! Errors name the file and line: [`MissingFile`] without `node.dat`, [`Ragged`] rows,
//! [`NotNumeric`] ids, types and features, [`FeatureWidth`] when feature lengths differ within a
//! type, [`UnknownType`] for a type `node.dat` does not have, and [`IdOutOfRange`] for ids
//! beyond the nodes (or repeated, or of another type than the line says).
//!
//! [`MissingFile`]: crate::GraphError::MissingFile
//! [`Ragged`]: crate::GraphError::Ragged
//! [`NotNumeric`]: crate::GraphError::NotNumeric
//! [`FeatureWidth`]: crate::GraphError::FeatureWidth
//! [`UnknownType`]: crate::GraphError::UnknownType
//! [`IdOutOfRange`]: crate::GraphError::IdOutOfRange

use std::collections::BTreeMap;
use std::path::Path;

use super::text::{TextFile, tab_fields};
use crate::error::{GraphError, Result};
use crate::graph::Features;
use crate::hetero::{HeteroGraph, NodeType, Relation};

/// Where each global id lives: `(type index, id within the type)`.
type Placement = Vec<(usize, usize)>;

/// A parsed `node.dat` line: type id, features, line number.
type NodeLine = (u64, Option<Vec<f32>>, usize);

/// Reads an HGB directory.
pub fn read_hgb(dir: impl AsRef<Path>) -> Result<HeteroGraph> {
    let dir = dir.as_ref();
    let node_path = dir.join("node.dat");
    if !node_path.is_file() {
        return Err(GraphError::MissingFile { path: node_path, what: "the nodes (node.dat)" });
    }
    let nodes = TextFile::read(&node_path)?;
    let (mut graph, place, type_ids) = read_nodes(&nodes)?;
    let link_path = dir.join("link.dat");
    if link_path.is_file() {
        graph.relations = read_links(&TextFile::read(&link_path)?, &place, &type_ids)?;
    }
    for (file, test) in [("label.dat", false), ("label.dat.test", true)] {
        let path = dir.join(file);
        if path.is_file() {
            read_labels(&TextFile::read(&path)?, &place, &type_ids, &mut graph, test)?;
        }
    }
    Ok(graph)
}

fn read_nodes(file: &TextFile) -> Result<(HeteroGraph, Placement, Vec<u64>)> {
    file.first_row("nodes")?;
    let rows: Vec<(usize, &str)> = file.rows().collect();
    let n = rows.len();
    let mut seen: Vec<Option<NodeLine>> = vec![None; n];
    for &(line, text) in &rows {
        let f = tab_fields(text);
        if !(3..=4).contains(&f.len()) {
            return Err(file.ragged(line, "3 or 4 (id, name, type[, features])", f.len()));
        }
        let id = file.id(line, 0, f[0])?;
        let ty = file.id(line, 2, f[2])?;
        let slot = usize::try_from(id)
            .ok()
            .filter(|&i| i < n)
            .ok_or_else(|| file.out_of_range(line, f[0], format!("node.dat has {n} nodes, so ids are 0..{n}")))?;
        if let Some((_, _, first)) = &seen[slot] {
            return Err(file.out_of_range(line, f[0], format!("repeats the id of line {first}")));
        }
        let x = match f.get(3) {
            Some(values) => {
                Some(values.split(',').map(|v| file.float(line, 3, v.trim())).collect::<Result<Vec<f32>>>()?)
            }
            None => None,
        };
        seen[slot] = Some((ty, x, line));
    }
    let type_ids: Vec<u64> = {
        let mut t: Vec<u64> = seen.iter().flatten().map(|s| s.0).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    let mut types: Vec<NodeType> = type_ids.iter().map(|t| NodeType::new(t.to_string(), 0)).collect();
    let mut widths: Vec<Option<(usize, usize)>> = vec![None; types.len()]; // (width incl. 0, first line)
    let mut values: Vec<Vec<f32>> = vec![Vec::new(); types.len()];
    let mut place = Vec::with_capacity(n);
    for (ty, x, line) in seen.into_iter().flatten() {
        let t = type_ids.binary_search(&ty).unwrap_or(0);
        place.push((t, types[t].count));
        types[t].count += 1;
        let width = x.as_ref().map_or(0, Vec::len);
        match widths[t] {
            None => widths[t] = Some((width, line)),
            Some((w, _)) if w != width => {
                return Err(GraphError::FeatureWidth {
                    path: file.path().into(),
                    line,
                    node_type: ty.to_string(),
                    found: width,
                    expected: w,
                });
            }
            Some(_) => {}
        }
        values[t].extend(x.unwrap_or_default());
    }
    for (t, ty) in types.iter_mut().enumerate() {
        if let Some((w, _)) = widths[t].filter(|&(w, _)| w > 0) {
            ty.x = Some(Features::new(w, std::mem::take(&mut values[t]))?);
        }
    }
    Ok((HeteroGraph::new(types), place, type_ids))
}

fn node(file: &TextFile, place: &Placement, line: usize, field: usize, value: &str) -> Result<(usize, usize)> {
    let id = file.id(line, field, value)?;
    usize::try_from(id)
        .ok()
        .and_then(|i| place.get(i).copied())
        .ok_or_else(|| file.out_of_range(line, value, format!("node.dat has {} nodes", place.len())))
}

fn read_links(file: &TextFile, place: &Placement, type_ids: &[u64]) -> Result<Vec<Relation>> {
    let mut relations: BTreeMap<u64, (Relation, usize)> = BTreeMap::new();
    for (line, text) in file.rows() {
        let f = tab_fields(text);
        if !(3..=4).contains(&f.len()) {
            return Err(file.ragged(line, "3 or 4 (src, dst, rel[, weight])", f.len()));
        }
        let (st, s) = node(file, place, line, 0, f[0])?;
        let (dt, d) = node(file, place, line, 1, f[1])?;
        let rel = file.id(line, 2, f[2])?;
        let w = if f.len() == 4 { file.float(line, 3, f[3])? } else { 1.0 };
        let (r, first) = relations.entry(rel).or_insert_with(|| {
            (Relation { src_type: st, name: rel.to_string(), dst_type: dt, ..Relation::default() }, line)
        });
        if (r.src_type, r.dst_type) != (st, dt) {
            let message = format!(
                "relation {rel} joins type {} to type {} (line {first}), not {} to {}",
                type_ids[r.src_type], type_ids[r.dst_type], type_ids[st], type_ids[dt]
            );
            return Err(file.out_of_range(line, f[2], message));
        }
        r.src.push(s);
        r.dst.push(d);
        r.weight.push(w);
    }
    Ok(relations.into_values().map(|(r, _)| r).collect())
}

fn read_labels(
    file: &TextFile,
    place: &Placement,
    type_ids: &[u64],
    graph: &mut HeteroGraph,
    test: bool,
) -> Result<()> {
    for (line, text) in file.rows() {
        let f = tab_fields(text);
        if f.len() != 4 {
            return Err(file.ragged(line, "4 (id, name, type, labels)", f.len()));
        }
        let (t, v) = node(file, place, line, 0, f[0])?;
        let ty = file.id(line, 2, f[2])?;
        if type_ids.binary_search(&ty).is_err() {
            return Err(GraphError::UnknownType { path: file.path().into(), line, name: f[2].into() });
        }
        if type_ids[t] != ty {
            return Err(file.out_of_range(line, f[0], format!("node {} is of type {}, not {ty}", f[0], type_ids[t])));
        }
        let labels =
            f[3].split(',').map(|l| file.id(line, 3, l.trim()).map(|l| l as usize)).collect::<Result<Vec<usize>>>()?;
        let ty = &mut graph.node_types[t];
        let count = ty.count;
        let y = ty.y.get_or_insert_with(|| vec![Vec::new(); count]);
        y[v] = labels;
        if test { ty.test.push(v) } else { ty.train.push(v) }
    }
    Ok(())
}
