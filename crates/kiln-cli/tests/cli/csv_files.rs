//! CSV tables through the `kiln` binary: text class labels, missing values, categorical
//! features and `;` separators train and predict with the class names; hostile tables exit with
//! status 1 and one `error:` line naming the file and line.

use std::path::Path;

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln, stderr, stdout, train_on};

/// The one `error:` line of a failed run.
fn error_line(err: &str) -> &str {
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "expected one error line:\n{err}");
    lines[0]
}

/// Iris-like rows separated by `sep`: petal length and width (some missing), a categorical
/// `soil` (some quoted with a comma, some missing) and the text species.
fn iris(rows: std::ops::Range<usize>, sep: char) -> String {
    let mut s = format!("petal length{sep}petal width{sep}soil{sep}species\n");
    for i in rows {
        let (length, species) = match i % 3 {
            0 => (1.4 + (i % 5) as f32 * 0.05, "setosa"),
            1 => (4.5 + (i % 5) as f32 * 0.1, "versicolor"),
            _ => (5.8 + (i % 5) as f32 * 0.1, "virginica"),
        };
        let width = if i % 7 == 0 { "NA".to_string() } else { format!("{:.1}", length / 3.0) };
        let soil = ["\"clay, wet\"", "sand", ""][i % 3];
        s += &format!("{length}{sep}{width}{sep}{soil}{sep}{species}\n");
    }
    s
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn text_labels_train_with_their_names_and_missing_values_are_imputed() {
    let scratch = Scratch::new("csv-text-labels");
    let data = scratch.path().join("iris.csv");
    write(&data, &iris(0..90, ';'));
    let out = scratch.path().join("run");
    let data_arg = format!("csv:{}", data.display());
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "--model", "mlp", "--data", &data_arg, "--target", "species", "--epochs", "3"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--device", "flex", "--quiet", "--out", arg(&out)]);
        kiln(&args)
    };
    // Without `--delimiter ';'` the header is one column named after the whole line.
    let err = assert_fails(&train(&[]));
    assert!(error_line(&err).contains("no column named \"species\""), "{err}");

    let output = train(&["--delimiter", ";"]);
    let printed = assert_succeeds(&output);
    assert!(printed.contains("test accuracy:"), "{printed}");
    let err = stderr(&output);
    assert!(err.contains("missing values imputed with the training mean"), "{err}");
    assert!(err.contains("petal width (") && err.contains("soil=sand ("), "the columns are named: {err}");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["data"]["classes"], serde_json::json!(["setosa", "versicolor", "virginica"]));
    assert_eq!(config["options"]["task"]["delimiter"], ";");
    assert_eq!(config["data"]["input_shape"], serde_json::json!([1, 1, 4]), "length, width, 2 soil categories");
    // `kiln eval` reads the table again with the recorded delimiter.
    let evaluated = assert_succeeds(&kiln(&["eval", "--checkpoint", arg(&out), "--device", "flex"]));
    assert!(evaluated.contains("test accuracy:"), "{evaluated}");
}

#[test]
fn tabular_predicts_class_names() {
    let scratch = Scratch::new("csv-tabular-names");
    let (train, test, out) =
        (scratch.path().join("train.csv"), scratch.path().join("test.csv"), scratch.path().join("pred.csv"));
    write(&train, &iris(0..60, '\t'));
    write(&test, &iris(60..90, '\t'));
    let args = ["tabular", "--train", arg(&train), "--test", arg(&test), "--target", "species"];
    let output = kiln(&[&args[..], &["--delimiter", "tab", "--device", "flex"]].concat());
    let printed = assert_succeeds(&output);
    let names: Vec<&str> = printed.lines().collect();
    assert_eq!(names.len(), 30, "{printed}");
    assert!(names.iter().all(|n| ["setosa", "versicolor", "virginica"].contains(n)), "{printed}");
    assert!(stderr(&output).contains("accuracy on the test file's species column"), "{}", stderr(&output));

    let output = kiln(&[&args[..], &["--delimiter", "tab", "--device", "flex", "--out", arg(&out)]].concat());
    assert_succeeds(&output);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().next(), Some("species,p_setosa,p_versicolor,p_virginica"));

    // A soil category that the training file never has.
    write(&test, "petal length\tpetal width\tsoil\tspecies\n1.4\t0.5\tpeat\tsetosa\n");
    let err = assert_fails(&kiln(&[&args[..], &["--delimiter", "tab", "--device", "flex"]].concat()));
    let line = error_line(&err);
    assert!(line.contains(&format!("{}:2:", test.display())), "{line}");
    assert!(line.contains("category \"peat\" does not occur in") && line.contains("train.csv"), "{line}");
    // A delimiter that is not one character is a usage error of the command line.
    let output = kiln(&[&args[..], &["--delimiter", ";;"]].concat());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn hostile_tables_exit_with_one_line_naming_file_and_line() {
    let scratch = Scratch::new("csv-hostile");
    let path = scratch.path().join("table.csv");
    let cases: [(&[u8], &str); 6] = [
        (b"a,target\n1,0\n\"2,1\n3,0\n", ":3: unterminated double-quoted field"),
        (b"a,target\n1,0\n1e40,1\n2,0\n", ":3: column \"a\": \"1e40\" is not a finite number"),
        (b"a,target\n1,0\n99999999999999999999999999999999999999999,1\n2,0\n", ":3: column \"a\""),
        (b"a,target\n1,0\n2,\n", ":3: target column \"target\" has no value"),
        (b"a,target\n1,0\n2,0.5\n", ":3: target column \"target\": 0.5 is not an integer class value"),
        (b"a,target\n1,0\n2,\xff\xfe\n", "cannot read"),
    ];
    for (bytes, expected) in cases {
        std::fs::write(&path, bytes).unwrap();
        let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
        let line = error_line(&err);
        assert!(line.contains(&path.display().to_string()), "the file is not named: {line}");
        assert!(line.contains(expected), "expected {expected:?} in: {line}");
    }
    // A BOM, CRLF line ends and blank lines are fine.
    std::fs::write(&path, "\u{feff}a,target\r\n1,0\r\n\r\n2,1\r\n3,0\r\n4,1\r\n5,0\r\n6,1\r\n7,0\r\n8,1\r\n9,0\r\n")
        .unwrap();
    let output = train_on(&scratch, &format!("csv:{}", path.display()));
    assert!(output.status.success(), "{}\n{}", stdout(&output), stderr(&output));
}
