//! The commands beside the registry's models: `search`, `geom reconstruct`, `tabular`.

use std::path::Path;

use burn::prelude::Device;

use crate::common::{Scratch, assert_fails, kiln, stderr, stdout};

/// The MAC count of the last `(N MACs)` in `text`.
fn macs_in(text: &str) -> u64 {
    let open = text.rfind('(').unwrap_or_else(|| panic!("no MAC count in {text}"));
    text[open + 1..].split(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{text}"))
}

#[test]
fn search_writes_a_pareto_front_and_rejects_unknown_objectives() {
    let err = assert_fails(&kiln(&["search", "--objectives", "accuracy,bogus", "--device", "flex"]));
    assert!(err.contains("unknown objective `bogus`"), "{err}");
    // A budget choice needs a method that has one, and a budget some sub-model fits (both
    // checked before any training).
    let err = assert_fails(&kiln(&["search", "--macs", "500000", "--device", "flex"]));
    assert!(err.contains("--macs 500000: only --training sorted or shiftnas"), "{err}");
    let err = assert_fails(&kiln(&["search", "--training", "sorted", "--macs", "10", "--device", "flex"]));
    assert!(err.contains("--macs 10: below the smallest SortedNet sub-model"), "{err}");
    let err = assert_fails(&kiln(&["search", "--training", "shiftnas", "--macs", "10", "--device", "flex"]));
    assert!(err.contains("--macs 10: below the smallest subnet"), "{err}");
    let scratch = Scratch::new("search");
    let out = scratch.path().join("search");
    let out_str = out.to_str().unwrap();
    let output = kiln(&[
        "search",
        "--objectives",
        "accuracy,macs",
        "--evals",
        "8",
        "--epochs",
        "4",
        "--method",
        "random",
        "--training",
        "sorted",
        "--macs",
        "500000",
        "--device",
        "flex",
        "--out",
        out_str,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("8 real evaluations"), "{}", stdout(&output));
    let printed = stdout(&output);
    let choice = printed.lines().find(|l| l.starts_with("SortedNet's choice within 500000 MACs: depths "));
    let choice = choice.unwrap_or_else(|| panic!("no choice printed: {printed}"));
    let csv = std::fs::read_to_string(out.join("pareto.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "index,accuracy,macs,architecture,genes");
    let first = lines.next().expect("an empty front");
    assert!(first.starts_with("0,") && first.contains("depths ") && first.contains("; resolution "), "{first}");
    assert!(std::fs::metadata(out.join("pareto.png")).is_ok_and(|m| m.len() > 1000), "the Pareto plot is written");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("trace.json")).unwrap()).unwrap();
    let hv = trace["hypervolume"].as_array().unwrap();
    assert_eq!(hv.len(), 8);
    let values: Vec<f64> = hv.iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[1] >= w[0]), "hypervolume never decreases: {values:?}");

    // `kiln extract` exports a front member as a run `kiln eval` loads.
    let sub = scratch.path().join("subnet");
    let sub_str = sub.to_str().unwrap();
    let output = kiln(&["extract", "--run", out_str, "--pick", "0", "--device", "flex", "--out", sub_str]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("test accuracy"), "{}", stdout(&output));
    let output = kiln(&["eval", "--checkpoint", sub_str, "--device", "flex"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // SortedNet's search-free choice, exported later, is the one the search printed.
    let free = ["extract", "--run", out_str, "--macs", "500000", "--search-free", "--device", "flex", "--out"];
    let output = kiln(&[&free[..], &[sub_str]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    let line = line.lines().find(|l| l.starts_with("extracted ")).unwrap_or_else(|| panic!("{line}"));
    assert_eq!(macs_in(line.split(':').next().unwrap_or(line)), macs_in(choice), "{line} vs {choice}");
    // Bad picks and budgets name the value; a directory without a search names its record.
    let err = assert_fails(&kiln(&["extract", "--run", out_str, "--pick", "99", "--device", "flex", "--out", sub_str]));
    assert!(err.contains("--pick 99"), "{err}");
    let err = assert_fails(&kiln(&["extract", "--run", out_str, "--macs", "1", "--device", "flex", "--out", sub_str]));
    assert!(err.contains("--macs 1: below the smallest subnet"), "{err}");
    let err = assert_fails(&kiln(&["extract", "--run", sub_str, "--pick", "0", "--device", "flex", "--out", sub_str]));
    assert!(err.contains("search.json"), "{err}");
    // An unknown --training is a usage error of the argument parser, listing the choices.
    let output = kiln(&["search", "--training", "bogus", "--device", "flex"]);
    assert!(
        !output.status.success() && stderr(&output).contains("progressive, simple, sorted, shiftnas"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_mixture_of_supernets_search_extracts_its_baked_subnet() {
    let scratch = Scratch::new("search-mos");
    let out = scratch.path().join("search");
    let out_str = out.to_str().unwrap();
    let args = ["search", "--training", "mos", "--epochs", "1", "--evals", "4", "--method", "random"];
    let output = kiln(&[&args[..], &["--device", "flex", "--out", out_str]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("4 real evaluations"), "{}", stdout(&output));
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("search.json")).unwrap()).unwrap();
    assert_eq!(record["mos"]["experts"], 2, "the MoS settings are recorded: {record}");
    // The front member is extracted with W(a) baked in and evaluates like any run.
    let sub = scratch.path().join("subnet");
    let sub_str = sub.to_str().unwrap();
    let output = kiln(&["extract", "--run", out_str, "--pick", "0", "--device", "flex", "--out", sub_str]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = kiln(&["eval", "--checkpoint", sub_str, "--device", "flex"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let free = ["extract", "--run", out_str, "--macs", "900000", "--search-free", "--device", "flex", "--out", sub_str];
    let err = assert_fails(&kiln(&free));
    assert!(err.contains("only --training sorted or shiftnas"), "{err}");
    // The MoS weights do not load as a plain supernet: a record without its MoS settings fails
    // naming the file.
    let mut record = record;
    record["mos"] = serde_json::Value::Null;
    std::fs::write(out.join("search.json"), record.to_string()).unwrap();
    let err = assert_fails(&kiln(&["extract", "--run", out_str, "--pick", "0", "--device", "flex", "--out", sub_str]));
    assert!(err.contains("search.json") && err.contains("MoS settings"), "{err}");
}

#[test]
fn a_shiftnas_search_keeps_its_generator_for_search_free_extraction() {
    let scratch = Scratch::new("search-shiftnas");
    let out = scratch.path().join("search");
    let out_str = out.to_str().unwrap();
    let args = ["search", "--training", "shiftnas", "--epochs", "1", "--evals", "4", "--method", "random"];
    let output = kiln(&[&args[..], &["--macs", "400000", "--device", "flex", "--out", out_str]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    let chosen = printed
        .lines()
        .find_map(|l| l.strip_prefix("ShiftNAS's choice within 400000 MACs: "))
        .unwrap_or_else(|| panic!("no choice printed: {printed}"));
    let searched_macs = macs_in(chosen);
    assert!(searched_macs <= 400_000, "{chosen}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("search.json")).unwrap()).unwrap();
    assert_eq!(record["shiftnas"]["epochs"], 1, "the ShiftNAS settings are recorded: {record}");
    // The saved generator gives the same choice again, exported as a standalone run.
    let sub = scratch.path().join("subnet");
    let sub_str = sub.to_str().unwrap();
    let extract = ["extract", "--run", out_str, "--macs", "400000", "--search-free", "--device", "flex"];
    let output = kiln(&[&extract[..], &["--out", sub_str]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    let line = line.lines().find(|l| l.starts_with("extracted ")).unwrap_or_else(|| panic!("{line}"));
    assert_eq!(macs_in(line.split(':').next().unwrap()), searched_macs, "{line} vs {chosen}");
    let output = kiln(&["eval", "--checkpoint", sub_str, "--device", "flex"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Bad budgets name the value; a search-free choice needs a budget.
    let low = ["extract", "--run", out_str, "--macs", "10", "--search-free", "--device", "flex"];
    let err = assert_fails(&kiln(&[&low[..], &["--out", sub_str]].concat()));
    assert!(err.contains("10") && err.contains("smallest"), "{err}");
    let output = kiln(&["extract", "--run", out_str, "--search-free", "--device", "flex", "--out", sub_str]);
    assert!(!output.status.success() && stderr(&output).contains("--macs"), "{}", stderr(&output));
    // A record without the ShiftNAS settings (as runs written before the generator was saved)
    // still extracts front members, and says why it cannot choose without search.
    let mut record = record;
    record["shiftnas"] = serde_json::Value::Null;
    std::fs::write(out.join("search.json"), record.to_string()).unwrap();
    let err = assert_fails(&kiln(&[&extract[..], &["--out", sub_str]].concat()));
    assert!(err.contains("without its generator") || err.contains("supernet.bpk"), "{err}");
}

#[test]
fn geom_reconstruct_writes_a_mesh_and_a_render_and_names_malformed_files() {
    use kiln_geom::bspnet::BspNetConfig;
    use kiln_geom::bspnet::reconstruct::save_checkpoint;

    let scratch = Scratch::new("geom");
    let dir = scratch.path();
    // An untrained 16³ checkpoint is enough to exercise the whole path.
    let config = BspNetConfig::small_3d(16);
    let checkpoint = dir.join("bspnet");
    save_checkpoint(&config.init(&Device::flex()), &config, &checkpoint).unwrap();
    let cube = kiln_geom::TriangleMesh::cuboid(&kiln_geom::Aabb::cube(0.4));
    let input = dir.join("cube.off");
    kiln_geom::io::write_mesh(&input, &cube).unwrap();
    let (out, png) = (dir.join("out.obj"), dir.join("out.png"));
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let (input_s, checkpoint_s, out_s, png_s) = (path(&input), path(&checkpoint), path(&out), path(&png));
    let output = kiln(&[
        "geom",
        "reconstruct",
        "--input",
        &input_s,
        "--checkpoint",
        &checkpoint_s,
        "--out",
        &out_s,
        "--render",
        &png_s,
        "--device",
        "flex",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("convexes"), "{}", stdout(&output));
    assert!(out.exists() && std::fs::metadata(&png).is_ok_and(|m| m.len() > 100));

    let bad = dir.join("bad.off");
    std::fs::write(&bad, "OFF\n8 12 0\n0 0 0\n").unwrap();
    let bad_s = path(&bad);
    let output = kiln(&["geom", "reconstruct", "--input", &bad_s, "--checkpoint", &checkpoint_s, "--out", &out_s]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("bad.off"), "the error names the file: {}", stderr(&output));
}

#[test]
fn tabular_classifies_a_csv_with_the_shipped_model_and_reports_bad_files() {
    let scratch = Scratch::new("tabular");
    let dir = scratch.path();
    // Two well-separated blobs: label = 1 when x0 + x1 > 0.
    let rows = |n: usize, offset: usize| {
        let mut text = String::from("x0,x1,label\n");
        for i in 0..n {
            let t = ((i + offset) as f64 * 0.7).sin();
            let (x0, x1, y) = if i % 2 == 0 { (2.0 + t, 1.5 - t, 1) } else { (-2.0 + t, -1.0 - t, 0) };
            text.push_str(&format!("{x0},{x1},{y}\n"));
        }
        text
    };
    let (train, test, out) = (dir.join("train.csv"), dir.join("test.csv"), dir.join("pred.csv"));
    std::fs::write(&train, rows(40, 0)).unwrap();
    std::fs::write(&test, rows(10, 100)).unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let (train_s, test_s, out_s) = (path(&train), path(&test), path(&out));
    let output = kiln(&[
        "tabular", "--train", &train_s, "--test", &test_s, "--target", "label", "--out", &out_s, "--device", "flex",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("accuracy on the test file's label column: 100.00%"), "{}", stderr(&output));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().next(), Some("label,p_0,p_1"));
    assert_eq!(written.lines().count(), 11);

    std::fs::write(&test, "x0,x1,label\n1.0,oops,1\n").unwrap();
    let output = kiln(&["tabular", "--train", &train_s, "--test", &test_s, "--target", "label", "--device", "flex"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("test.csv"), "the error names the file: {}", stderr(&output));
}
