//! The graph-learning section: kiln-graph's `graph_step` bench beside
//! `bench/pytorch/graph_step.py` (with PyTorch Geometric when installed) at every core and at one
//! thread, with peak memory.

use serde_json::Value;

use super::lines::{cargo_bench, implementation, load_average, ms_and_ratio, peak, python, reference, thread_counts};

/// Runs kiln-graph's `graph_step` bench and `bench/pytorch/graph_step.py` at every core and at
/// one thread; returns the markdown section.
pub fn section(threads: usize) -> Result<String, String> {
    let load_before = load_average();
    let mut kiln = Vec::new();
    let mut torch = Vec::new();
    for t in thread_counts(threads) {
        eprintln!("xtask: graph bench, {t} thread(s)");
        let env = [("KILN_BENCH_THREADS", t.to_string())];
        kiln.extend(cargo_bench("kiln-graph", "graph_step", &env)?);
        torch.extend(python("bench/pytorch/graph_step.py", &env).unwrap_or_default());
    }
    let load_after = load_average();
    let checksums = |lines: &[Value]| -> Vec<String> {
        let mut c: Vec<String> = lines.iter().filter_map(|l| l["graph"].as_str().map(str::to_string)).collect();
        c.sort();
        c.dedup();
        c
    };
    let (ck, ct) = (checksums(&kiln), checksums(&torch));
    let same_graph = match (ck.as_slice(), ct.as_slice()) {
        ([a], [b]) if a == b => format!("the same on both sides, `{a}`"),
        (_, []) => format!("`{}`; no PyTorch run to compare", ck.join(", ")),
        _ => format!("**differs**: Kiln `{}`, PyTorch `{}`", ck.join(", "), ct.join(", ")),
    };
    let has_pyg = torch.iter().any(|t| implementation(t) == "pyg");
    let mut md = String::from("\n## Graph learning: 10,000 nodes, 100,000 edges\n\n");
    md.push_str(
        "`crates/kiln-graph/benches/graph_step.rs` beside `bench/pytorch/graph_step.py`: plain PyTorch \
         (`index_add_` message passing) and, when `torch_geometric` imports, PyTorch Geometric's `GCNConv`. \
         The graph: 10,000 nodes, 100,000 undirected edges (200,000 directed entries in `edge_index`), \
         64 features, 8 classes, a planted partition that both sides build from the same SplitMix64 \
         stream (edge-list checksum: ",
    );
    md.push_str(&same_graph);
    md.push_str(
        ").\n\n\
         - `gcn-10k`: the two-layer GCN node classifier (hidden 16, dropout 0.5; normalisation recomputed \
         in each layer, like PyG's uncached `GCNConv`), full batch, cross-entropy on every node, Adam. \
         `inference`: its forward without autodiff.\n\
         - `ncn-10k`: a batch of 1,024 positive and 1,024 negative target links. `batch prep`: removing \
         the positives from the graph and the common neighbours of the 2,048 targets (Kiln: sorted-list \
         intersection on the host; PyTorch: sorted edge keys and `searchsorted`, as NCN's `adjoverlap`). \
         `train step`: NCN (hidden 64, one propagation, no dropout) on the prepared batch: encoder, \
         common-neighbour sums, MLPs, loss, backward, Adam.\n\
         - Median of 20 steps after 3 warm-up steps (fewer when a step takes over 1.5 s). Peak MB: the \
         process's peak resident memory (VmHWM; PyTorch: `ru_maxrss`), each model in its own process; in \
         brackets, the growth over the same process once its data were built (for PyTorch that base \
         includes the torch import, about 0.5 GB, and for PyG its import too).\n\n",
    );
    md.push_str("| model | measure | batch | threads | Kiln ms | PyTorch ms | Kiln / PyTorch |");
    if has_pyg {
        md.push_str(" PyG ms | Kiln / PyG |");
    }
    md.push_str(" Kiln peak MB | PyTorch peak MB |");
    if has_pyg {
        md.push_str(" PyG peak MB |");
    }
    md.push_str(if has_pyg {
        "\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    } else {
        "\n|---|---|---|---|---|---|---|---|---|\n"
    });
    for k in &kiln {
        let ms = k["ms"].as_f64().unwrap_or(f64::NAN);
        let pt = reference(k, &torch, "pytorch");
        let pyg = reference(k, &torch, "pyg");
        let (tms, tratio) = ms_and_ratio(ms, pt);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {ms:.2} | {tms} | {tratio} |",
            k["model"].as_str().unwrap_or(""),
            k["what"].as_str().unwrap_or(""),
            k["batch"],
            k["threads"],
        ));
        if has_pyg {
            let (gms, gratio) = ms_and_ratio(ms, pyg);
            md.push_str(&format!(" {gms} | {gratio} |"));
        }
        md.push_str(&format!(" {} | {} |", peak(Some(k)), peak(pt)));
        if has_pyg {
            md.push_str(&format!(" {} |", peak(pyg)));
        }
        md.push('\n');
    }
    md.push_str(&format!(
        "\nKiln device: {}. Load average (1 min) of this {threads}-thread machine: {load_before} when the \
         graph runs started, {load_after} when they ended. The machine is shared with other jobs \
         (a load above the thread count means oversubscribed cores), so these timings are noisy and \
         differ between runs. PyTorch's OpenMP pool in particular loses much of its time waiting when \
         the cores are oversubscribed (compare its rows at every core and at one thread), which is why \
         every row is measured at one thread too: under load, the one-thread rows are the fairer \
         comparison. Memory does not depend on the load: both peaks are whole processes, and \
         PyTorch's includes about 0.5 GB of torch's own libraries, so compare the bracketed growth too.\n",
        kiln.first().and_then(|k| k["device"].as_str()).unwrap_or("?"),
    ));
    Ok(md)
}
