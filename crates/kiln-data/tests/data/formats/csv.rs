//! CSV reader tests: numeric tables, typed errors, and the everyday cases (text labels, missing
//! values, quoting, other delimiters, categorical features).

use std::path::PathBuf;

use kiln_data::DataError;
use kiln_data::formats::csv::{Classes, ColumnKind, CsvOptions, Encoding, Frame};
use kiln_data::formats::read_csv;

use super::scratch_dir;

mod everyday;

/// Writes `text` to a fresh file and returns its path.
pub fn csv_file(test: &str, text: &str) -> PathBuf {
    let path = scratch_dir(test).join("table.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn reads_table_with_target_in_the_middle() {
    let path = csv_file(
        "csv-happy",
        "\u{feff}\"sepal, length\", label ,width\r\n1.5,0,2\r\n\r\n  -3 , 1 , 4.25 \r\n\"7\",2,8\r\n",
    );
    let table = read_csv(&path, "label").unwrap();
    assert_eq!(table.feature_names(), vec!["sepal, length", "width"]);
    assert_eq!(table.target_name(), "label");
    assert_eq!(table.rows(Encoding::OneHot).unwrap(), vec![vec![1.5, 2.0], vec![-3.0, 4.25], vec![7.0, 8.0]]);
    assert_eq!(table.target.values, vec![0.0, 1.0, 2.0]);
    assert_eq!(table.lines, vec![2, 4, 5]);
    assert_eq!(table.path, path);
}

#[test]
fn classification_maps_sorted_distinct_targets() {
    let path = csv_file("csv-classes", "x,y\n1,5\n2,2\n3,-1\n4,2\n5,-0\n");
    let (examples, classes) = read_csv(&path, "y").unwrap().to_classification().unwrap();
    assert_eq!(classes, vec!["-1", "0", "2", "5"]);
    let labels: Vec<usize> = examples.iter().map(|e| e.label).collect();
    assert_eq!(labels, vec![3, 2, 0, 2, 1]);
    assert_eq!(examples[2].features, vec![3.0]);
}

#[test]
fn non_integer_target_is_rejected_for_classification() {
    let path = csv_file("csv-nonint", "x,y\n1,1\n2,0.5\n");
    match read_csv(&path, "y").unwrap().classes().unwrap_err() {
        DataError::NonIntegerTarget { path: p, line, column, value } => {
            assert_eq!(p, path);
            assert_eq!((line, column.as_str(), value), (3, "y", 0.5));
        }
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn wrong_field_count_names_the_editor_line() {
    // Line 4 (after a blank line 3) has two fields instead of three.
    let path = csv_file("csv-fields", "a,b,y\n1,2,3\n\n4,5\n6,7,8\n");
    match read_csv(&path, "y").unwrap_err() {
        DataError::CsvFieldCount { path: p, line, expected, found } => {
            assert_eq!(p, path);
            assert_eq!((line, expected, found), (4, 3, 2));
        }
        other => panic!("unexpected error: {other}"),
    }
    // A trailing comma is an extra (empty) field.
    let path = csv_file("csv-fields-trailing", "a,b,y\n1,2,3,\n");
    assert!(matches!(
        read_csv(&path, "y").unwrap_err(),
        DataError::CsvFieldCount { line: 2, expected: 3, found: 4, .. }
    ));
}

#[test]
fn text_in_a_numeric_column_names_line_and_column() {
    let path = csv_file("csv-nan", "a,b,y\n1,2,3\n4,x,5\n6,7,8\n");
    match read_csv(&path, "y").unwrap_err() {
        DataError::CsvNotANumber { path: p, line, column, value } => {
            assert_eq!(p, path);
            assert_eq!((line, column.as_str(), value.as_str()), (3, "b", "x"));
        }
        other => panic!("unexpected error: {other}"),
    }
    // Non-finite values and numbers beyond f32 are not numbers either.
    for (name, bad) in [("csv-inf", "inf"), ("csv-1e40", "1e40"), ("csv-minus-inf", "-infinity")] {
        let path = csv_file(name, &format!("a,b,y\n1,2,3\n1,2,{bad}\n"));
        assert!(
            matches!(read_csv(&path, "y").unwrap_err(), DataError::CsvNotANumber { line: 3, ref column, .. } if column == "y"),
            "{bad}"
        );
    }
}

#[test]
fn missing_or_duplicate_target_column() {
    let path = csv_file("csv-missing", "a,b\n1,2\n");
    match read_csv(&path, "target").unwrap_err() {
        DataError::CsvMissingColumn { path: p, column } => {
            assert_eq!(p, path);
            assert_eq!(column, "target");
        }
        other => panic!("unexpected error: {other}"),
    }
    let path = csv_file("csv-duplicate", "y,a,y\n1,2,3\n");
    assert!(matches!(read_csv(&path, "y").unwrap_err(), DataError::CsvDuplicateColumn { .. }));
}

#[test]
fn unterminated_quote_empty_file_and_no_rows() {
    let path = csv_file("csv-quote", "a,y\n\"1,2\n");
    assert!(matches!(read_csv(&path, "y").unwrap_err(), DataError::CsvUnterminatedQuote { line: 2, .. }));
    let path = csv_file("csv-empty", "\n  \n");
    assert!(matches!(read_csv(&path, "y").unwrap_err(), DataError::EmptyDataset { .. }));
    let path = csv_file("csv-header-only", "a,y\n");
    assert!(matches!(read_csv(&path, "y").unwrap_err(), DataError::EmptyDataset { .. }));
    let path = scratch_dir("csv-not-utf8").join("table.csv");
    std::fs::write(&path, b"a,y\n1,\xff\n").unwrap();
    assert!(matches!(read_csv(&path, "y").unwrap_err(), DataError::Io { .. }));
}

#[test]
fn error_messages_are_readable() {
    let path = csv_file("csv-message", "a,b,y\n1,2,3\n4,x,5\n6,7,8\n");
    let message = read_csv(&path, "y").unwrap_err().to_string();
    assert!(message.contains("table.csv:3"), "{message}");
    assert!(message.contains("\"b\""), "{message}");
}

#[test]
fn frame_reads_every_column_and_the_header_alone() {
    let path = csv_file("csv-frame", "a;b\n1;x\n2;y\n3;x\n");
    let options = CsvOptions::with_delimiter(";").unwrap();
    assert_eq!(Frame::header(&path, &options).unwrap(), vec!["a", "b"]);
    let frame = Frame::read(&path, &options).unwrap();
    assert_eq!(frame.len(), 3);
    assert_eq!(frame.names(), vec!["a", "b"]);
    assert_eq!(frame.columns[1].kind, ColumnKind::Categorical(vec!["x".into(), "y".into()]));
    assert_eq!(frame.rows(Encoding::Ordinal).unwrap(), vec![vec![1.0, 0.0], vec![2.0, 1.0], vec![3.0, 0.0]]);
    let table = frame.into_table("b").unwrap();
    assert_eq!(table.classes().unwrap(), Classes { names: vec!["x".into(), "y".into()], labels: vec![0, 1, 0] });
}
