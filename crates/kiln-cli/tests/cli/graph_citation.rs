//! Node classification end to end through `kiln graph train` on a citation graph in the real
//! LINQS format (`NAME.content`: paper id, binary word features, label; `NAME.cites`: cited and
//! citing paper), hand-written here: 30 papers in 3 classes, citations mostly within a class,
//! and one paper per class with none of its class's words, which only its citations place.

use crate::common::{Scratch, arg, assert_succeeds, kiln, line_count, read_summary, stdout};

/// Paper id, eight word indicators, label. Class words: Neural_Networks 0–1, Rule_Learning
/// 2–3, Theory 4–5; words 6–7 are noise.
const CONTENT: &str = "
1001  1 1 0 0 0 0 0 1  Neural_Networks
1002  1 0 0 0 0 0 0 0  Neural_Networks
1003  1 1 0 0 0 0 1 0  Neural_Networks
1004  0 1 0 0 0 0 0 0  Neural_Networks
1005  1 1 0 1 0 0 0 0  Neural_Networks
1006  1 0 0 0 0 0 0 1  Neural_Networks
1007  0 1 0 0 1 0 0 0  Neural_Networks
1008  1 1 0 0 0 0 0 0  Neural_Networks
1009  0 0 0 0 0 0 0 1  Neural_Networks
1010  1 0 1 0 0 0 0 0  Neural_Networks
2001  0 0 1 1 0 0 0 0  Rule_Learning
2002  0 0 1 0 0 0 1 0  Rule_Learning
2003  0 0 0 1 0 0 0 0  Rule_Learning
2004  0 1 1 1 0 0 0 0  Rule_Learning
2005  0 0 1 1 0 0 0 1  Rule_Learning
2006  0 0 0 1 0 1 0 0  Rule_Learning
2007  0 0 1 0 0 0 0 0  Rule_Learning
2008  0 0 1 1 0 0 1 0  Rule_Learning
2009  0 0 0 0 0 0 1 0  Rule_Learning
2010  0 0 0 1 1 0 0 0  Rule_Learning
3001  0 0 0 0 1 1 0 0  Theory
3002  0 0 0 0 1 0 0 1  Theory
3003  0 0 0 0 0 1 0 0  Theory
3004  1 0 0 0 1 1 0 0  Theory
3005  0 0 0 0 1 1 1 0  Theory
3006  0 0 0 0 0 1 0 0  Theory
3007  0 0 0 1 1 0 0 0  Theory
3008  0 0 0 0 1 1 0 0  Theory
3009  0 0 0 0 0 0 0 1  Theory
3010  0 0 0 0 1 0 1 0  Theory
";

/// Cited paper, citing paper: a ring with two chords in each class, three across classes.
const CITES: &str = "
1001 1002
1002 1003
1003 1004
1004 1005
1005 1006
1006 1007
1007 1008
1008 1009
1009 1010
1010 1001
1001 1005
1003 1009
2001 2002
2002 2003
2003 2004
2004 2005
2005 2006
2006 2007
2007 2008
2008 2009
2009 2010
2010 2001
2001 2005
2003 2009
3001 3002
3002 3003
3003 3004
3004 3005
3005 3006
3006 3007
3007 3008
3008 3009
3009 3010
3010 3001
3001 3005
3003 3009
1002 2007
2004 3006
3008 1006
";

/// The table with its columns separated by tabs, as LINQS writes them.
fn tabbed(table: &str) -> String {
    table
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join("\t") + "\n")
        .collect()
}

#[test]
fn a_linqs_citation_graph_trains_through_kiln_graph_train() {
    let scratch = Scratch::new("graph-citation");
    let content = scratch.path().join("papers.content");
    std::fs::write(&content, tabbed(CONTENT)).unwrap();
    std::fs::write(content.with_extension("cites"), tabbed(CITES)).unwrap();
    let out = scratch.path().join("run");
    let data = format!("linqs:{}", content.display());
    // Planetoid's split: 4 labelled papers per class; of the other 18, a fifth validates and
    // the rest (14) are the test.
    let args = ["graph", "train", "--data", &data, "--model", "gcn", "--epochs", "100", "--per-class", "4"];
    let trained = kiln(&[&args[..], &["--device", "flex", "--quiet", "--out", arg(&out)]].concat());
    let text = assert_succeeds(&trained);

    for file in ["config.json", "model.bpk", "metrics.jsonl", "summary.json", "checkpoint/latest"] {
        assert!(out.join(file).exists(), "{file} missing from the run directory");
    }
    assert_eq!(line_count(&out.join("metrics.jsonl")), 100);
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["data"]["num_nodes"], 30);
    assert_eq!(config["data"]["features"], 8);
    assert_eq!(config["data"]["labels"], serde_json::json!(["Neural_Networks", "Rule_Learning", "Theory"]));

    let summary = read_summary(&out);
    assert!(summary.report.completed);
    let loss = |k: usize| summary.report.records[k].train.get("loss").copied().unwrap_or(f64::NAN);
    assert!(loss(99) < 0.5 * loss(0), "training loss {:.3} → {:.3}", loss(0), loss(99));
    let accuracy = summary.test.accuracy().unwrap_or(0.0);
    assert!(accuracy > 2.0 / 3.0, "test accuracy {accuracy:.3}; chance is 1/3\n{}", stdout(&trained));
    assert!(text.contains("test accuracy:"), "{text}");
}
