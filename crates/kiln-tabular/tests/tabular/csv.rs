//! The CSV entry point: a working round trip and typed errors for malformed files.

use std::path::PathBuf;

use burn::prelude::Device;
use kiln_data::DataError;
use kiln_data::formats::CsvOptions;
use kiln_tabular::csv::{predict_csv, predict_csv_with};
use kiln_tabular::{EnsembleConfig, TabPfnClassifier, TabularError};

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-tabular-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn table(rows: std::ops::Range<i32>, with_target: bool) -> String {
    let mut s = if with_target { "a,label,b\n".to_string() } else { "a,b\n".to_string() };
    for i in rows {
        let (a, b) = ((i * 7 % 13) as f32, (i * 5 % 11) as f32);
        let label = if a + b > 11.0 { 5 } else { 2 };
        s += &if with_target { format!("{a},{label},{b}\n") } else { format!("{a},{b}\n") };
    }
    s
}

fn classifier() -> TabPfnClassifier {
    TabPfnClassifier::new(&Device::flex()).expect("weights").with_ensemble(EnsembleConfig::with_members(2))
}

#[test]
fn predicts_a_csv_with_and_without_target() {
    let train = write("train.csv", &table(0..60, true));
    let test = write("test.csv", &table(60..90, true));
    let out = predict_csv(&mut classifier(), &train, &test, "label").expect("predict");
    assert_eq!(out.classes, vec!["2", "5"]);
    assert_eq!(out.predictions.len(), 30);
    assert!(out.accuracy.expect("test has labels") > 0.7, "accuracy {:?}", out.accuracy);
    let csv = out.to_csv();
    assert!(csv.starts_with("label,p_2,p_5\n"));
    assert_eq!(csv.lines().count(), 31);

    let unlabeled = write("unlabeled.csv", &table(60..90, false));
    let out2 = predict_csv(&mut classifier(), &train, &unlabeled, "label").expect("predict");
    assert_eq!(out2.accuracy, None);
    assert_eq!(out2.predictions, out.predictions);
}

#[test]
fn malformed_csv_files_give_typed_errors() {
    let good = write("good.csv", &table(0..20, true));
    let mut clf = classifier();
    let ragged = write("ragged.csv", "a,label,b\n1,2,3\n4,5\n");
    assert!(matches!(
        predict_csv(&mut clf, &ragged, &good, "label"),
        Err(TabularError::Data(DataError::CsvFieldCount { line: 3, expected: 3, found: 2, .. }))
    ));
    let text = write("text.csv", "a,label,b\n1,2,x\n3,4,5\n6,7,8\n");
    assert!(matches!(
        predict_csv(&mut clf, &text, &good, "label"),
        Err(TabularError::Data(DataError::CsvNotANumber { line: 2, .. }))
    ));
    assert!(matches!(
        predict_csv(&mut clf, &good, &good, "nope"),
        Err(TabularError::Data(DataError::CsvMissingColumn { .. }))
    ));
    let empty = write("empty.csv", "");
    assert!(matches!(
        predict_csv(&mut clf, &empty, &good, "label"),
        Err(TabularError::Data(DataError::EmptyDataset { .. }))
    ));
    let fractional = write("fractional.csv", "a,label,b\n1,0.5,3\n2,1,4\n");
    assert!(matches!(
        predict_csv(&mut clf, &fractional, &good, "label"),
        Err(TabularError::Data(DataError::NonIntegerTarget { line: 2, .. }))
    ));
    let other_columns = write("other.csv", "a,label,c\n1,2,3\n");
    assert!(matches!(predict_csv(&mut clf, &good, &other_columns, "label"), Err(TabularError::ColumnMismatch { .. })));
    let missing = write("missing.csv", "a,b\n");
    assert!(predict_csv(&mut clf, &good, &missing, "label").is_err());
    let many_classes =
        write("classes.csv", &(0..24).fold("a,label\n".to_string(), |s, i| s + &format!("{i},{}\n", i % 12)));
    let test = write("classes_test.csv", "a,label\n1,1\n");
    assert!(matches!(
        predict_csv(&mut clf, &many_classes, &test, "label"),
        Err(TabularError::TooManyClasses { found: 12, max: 10 })
    ));
}

/// Iris-like rows: a text species (the target), a categorical `soil`, missing petal widths.
fn text_table(rows: std::ops::Range<usize>, sep: char) -> String {
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

#[test]
fn text_labels_categorical_features_and_missing_values() {
    let train = write("iris_train.csv", &text_table(0..60, ','));
    let test = write("iris_test.csv", &text_table(60..90, ','));
    let out = predict_csv(&mut classifier(), &train, &test, "species").expect("predict");
    assert_eq!(out.classes, vec!["setosa", "versicolor", "virginica"]);
    assert!(out.predictions.iter().all(|p| out.classes.contains(p)));
    assert!(out.accuracy.expect("labelled") > 0.9, "accuracy {:?}", out.accuracy);
    assert!(out.to_csv().starts_with("species,p_setosa,p_versicolor,p_virginica\n"), "{}", out.to_csv());

    // The same tables separated by `;`.
    let train = write("iris_train_semicolon.csv", &text_table(0..60, ';'));
    let test = write("iris_test_semicolon.csv", &text_table(60..90, ';'));
    let options = CsvOptions::with_delimiter(";").unwrap();
    let semicolon = predict_csv_with(&mut classifier(), &train, &test, "species", &options).expect("predict");
    assert_eq!(semicolon.predictions, out.predictions);
}

#[test]
fn a_category_only_in_the_test_file_is_a_clear_error() {
    let train = write("soil_train.csv", &text_table(0..30, ','));
    let test = write("soil_test.csv", "petal length,petal width,soil,species\n1.4,0.2,peat,setosa\n");
    match predict_csv(&mut classifier(), &train, &test, "species") {
        Err(TabularError::Data(DataError::CsvUnknownCategory { line, column, value, reference, .. })) => {
            assert_eq!((line, column.as_str(), value.as_str(), reference), (2, "soil", "peat", train));
        }
        other => panic!("unexpected: {other:?}"),
    }
}

#[test]
fn class_names_that_need_quoting_are_quoted() {
    let mut text = "x,label\n".to_string();
    for i in 0..20 {
        text += &format!("{i},{}\n", if i < 10 { "\"low, cold\"" } else { "\"say \"\"hi\"\"\"" });
    }
    let train = write("quoted_train.csv", &text);
    let test = write("quoted_test.csv", "x\n2\n17\n");
    let out = predict_csv(&mut classifier(), &train, &test, "label").expect("predict");
    assert_eq!(out.classes, vec!["low, cold", "say \"hi\""]);
    assert!(out.to_csv().starts_with("label,\"p_low, cold\",\"p_say \"\"hi\"\"\"\n"), "{}", out.to_csv());
}
