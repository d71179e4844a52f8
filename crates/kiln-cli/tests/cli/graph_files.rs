//! Small graph files the graph tests write: a LINQS data set and an edge list.

use std::path::{Path, PathBuf};

/// Label names of the LINQS set (sorted: classes 0, 1, 2).
pub const LABELS: [&str; 3] = ["Neural_Networks", "Rule_Learning", "Theory"];

/// Writes `NAME.content` and `NAME.cites` into `dir`: 36 papers in 3 classes, 6 binary word
/// features of which the two of the paper's class are mostly on, citations mostly within a
/// class. Returns the `.content` path.
pub fn write_linqs(dir: &Path, name: &str) -> PathBuf {
    let papers = 36;
    let mut content = String::new();
    for v in 0..papers {
        let class = v % 3;
        let words: Vec<String> = (0..6)
            .map(|f| {
                let on = f / 2 == class;
                let flipped = (v * 5 + f * 3) % 7 == 0;
                u8::from(on != flipped).to_string()
            })
            .collect();
        content.push_str(&format!("p{v}\t{}\t{}\n", words.join("\t"), LABELS[class]));
    }
    let mut cites = String::new();
    for v in 0..papers {
        // The next paper of the same class, and every fourth paper a paper of the next class.
        cites.push_str(&format!("p{}\tp{v}\n", (v + 3) % papers));
        if v % 4 == 0 {
            cites.push_str(&format!("p{}\tp{v}\n", (v + 1) % papers));
        }
    }
    let path = dir.join(format!("{name}.content"));
    std::fs::write(&path, content).unwrap();
    std::fs::write(path.with_extension("cites"), cites).unwrap();
    path
}

/// Writes an edge list of 40 nodes: 8 cliques of 5 joined in a ring (88 edges), one
/// `source target` pair per line after a comment. Returns its path.
pub fn write_edges(dir: &Path) -> PathBuf {
    let mut text = String::from("# cliques of five joined in a ring\n");
    for clique in 0..8 {
        let first = clique * 5;
        for a in 0..5 {
            for b in a + 1..5 {
                text.push_str(&format!("{} {}\n", first + a, first + b));
            }
        }
        text.push_str(&format!("{} {}\n", first + 4, (first + 5) % 40));
    }
    let path = dir.join("edges.txt");
    std::fs::write(&path, text).unwrap();
    path
}
