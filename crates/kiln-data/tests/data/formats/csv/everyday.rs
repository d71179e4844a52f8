//! CSV files as users have them: text class labels, missing values, quoting, `;` and tab
//! delimiters, categorical features, and a test file read against its training file.

use kiln_data::DataError;
use kiln_data::formats::csv::{ColumnKind, CsvOptions, Encoding, Frame, MAX_ONE_HOT_CATEGORIES, read_csv_with};
use kiln_data::formats::read_csv;

use super::csv_file;

#[test]
fn text_labels_become_sorted_named_classes() {
    let path = csv_file("csv-text-labels", "petal,species\n1.4,setosa\n4.7,versicolor\n1.3,setosa\n6.0,virginica\n");
    let (examples, classes) = read_csv(&path, "species").unwrap().to_classification().unwrap();
    assert_eq!(classes, vec!["setosa", "versicolor", "virginica"]);
    assert_eq!(examples.iter().map(|e| e.label).collect::<Vec<_>>(), vec![0, 1, 0, 2]);
    assert_eq!(examples[3].features, vec![6.0]);
}

#[test]
fn empty_na_and_nan_fields_are_missing_values() {
    let path = csv_file("csv-missing-values", "a,b,c,y\n1,,NA,0\nnan,2,?,1\n3, n/a ,5,0\n");
    let table = read_csv(&path, "y").unwrap();
    let rows = table.rows(Encoding::Ordinal).unwrap();
    assert!(rows[0][1].is_nan() && rows[0][2].is_nan() && rows[1][0].is_nan() && rows[1][2].is_nan());
    assert!(rows[2][1].is_nan());
    assert_eq!((rows[0][0], rows[1][1], rows[2][2]), (1.0, 2.0, 5.0));
    assert_eq!(table.features.iter().map(|c| c.missing()).collect::<Vec<_>>(), vec![1, 2, 2]);
}

#[test]
fn a_row_without_a_label_is_an_error() {
    let path = csv_file("csv-missing-label", "a,y\n1,cat\n2,\n3,dog\n");
    match read_csv(&path, "y").unwrap().classes().unwrap_err() {
        DataError::CsvMissingTarget { line, column, .. } => assert_eq!((line, column.as_str()), (3, "y")),
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn quoted_fields_hold_delimiters_quotes_and_line_breaks() {
    let text = "name,x,y\n\"Smith, John\",1,a\n\"say \"\"hi\"\"\",2,b\n\"two\nlines\",3,a\n";
    let path = csv_file("csv-quoted", text);
    let table = read_csv(&path, "x").unwrap();
    let names = table.features[0].categories().unwrap().to_vec();
    assert_eq!(names, vec!["Smith, John", "say \"hi\"", "two\nlines"]);
    assert_eq!(table.lines, vec![2, 3, 4]);
}

#[test]
fn semicolon_and_tab_delimiters_on_request() {
    let path = csv_file("csv-semicolon", "a;b;y\n1,5;2;0\n3;4;1\n");
    // Decimal commas are not numbers: with `;` the field `1,5` is text in a numeric column.
    assert!(matches!(
        read_csv_with(&path, "y", &CsvOptions::with_delimiter(";").unwrap()).unwrap_err(),
        DataError::CsvNotANumber { line: 2, ref value, .. } if value == "1,5"
    ));
    let path = csv_file("csv-semicolon-ok", "a;b;y\n1.5;2;0\n3;4;1\n");
    let table = read_csv_with(&path, "y", &CsvOptions::with_delimiter(";").unwrap()).unwrap();
    assert_eq!(table.rows(Encoding::Ordinal).unwrap(), vec![vec![1.5, 2.0], vec![3.0, 4.0]]);
    let path = csv_file("csv-tab", "a\tb\ty\n1\t2\t0\n3\t4\t1\n");
    for name in ["tab", "\\t", "\t"] {
        let table = read_csv_with(&path, "y", &CsvOptions::with_delimiter(name).unwrap()).unwrap();
        assert_eq!(table.feature_names(), vec!["a", "b"]);
    }
    // Read with the wrong delimiter, the header is one column and the target is not found.
    assert!(matches!(read_csv(&path, "y").unwrap_err(), DataError::CsvMissingColumn { .. }));
    for bad in ["", "ab", "\"", "é"] {
        assert!(matches!(CsvOptions::with_delimiter(bad), Err(DataError::InvalidConfig(_))), "{bad:?}");
    }
}

#[test]
fn categorical_features_one_hot_and_ordinal() {
    let path = csv_file("csv-categorical", "colour,size,y\nred,1,0\nblue,2,1\n,3,0\nred,4,1\n");
    let table = read_csv(&path, "y").unwrap();
    assert_eq!(table.features[0].kind, ColumnKind::Categorical(vec!["blue".into(), "red".into()]));
    assert_eq!(table.encoded_names(Encoding::OneHot), vec!["colour=blue", "colour=red", "size"]);
    let one_hot = table.rows(Encoding::OneHot).unwrap();
    assert_eq!(one_hot[0], vec![0.0, 1.0, 1.0]);
    assert_eq!(one_hot[1], vec![1.0, 0.0, 2.0]);
    assert!(one_hot[2][0].is_nan() && one_hot[2][1].is_nan());
    let ordinal = table.rows(Encoding::Ordinal).unwrap();
    assert_eq!(ordinal[3], vec![1.0, 4.0]);
    assert_eq!(table.encoded_names(Encoding::Ordinal), vec!["colour", "size"]);
}

#[test]
fn a_mostly_text_column_is_categorical_and_keeps_numeric_looking_values() {
    let path = csv_file("csv-mostly-text", "grade,y\nA,0\nB,1\n3,0\nA,1\n");
    let table = read_csv(&path, "y").unwrap();
    assert_eq!(table.features[0].categories().unwrap(), ["3", "A", "B"]);
}

#[test]
fn one_hot_refuses_an_identifier_column() {
    let mut text = "id,y\n".to_string();
    for i in 0..=MAX_ONE_HOT_CATEGORIES {
        text.push_str(&format!("user-{i},{}\n", i % 2));
    }
    let path = csv_file("csv-identifier", &text);
    let table = read_csv(&path, "y").unwrap();
    assert!(matches!(
        table.to_classification().unwrap_err(),
        DataError::CsvTooManyCategories { found, max: MAX_ONE_HOT_CATEGORIES, .. } if found == MAX_ONE_HOT_CATEGORIES + 1
    ));
    // Ordinal codes have no such limit.
    assert_eq!(table.rows(Encoding::Ordinal).unwrap().len(), MAX_ONE_HOT_CATEGORIES + 1);
}

#[test]
fn a_test_file_is_read_with_the_training_categories() {
    let train = csv_file("csv-train-kinds", "colour,x,y\nred,1,a\nblue,2,b\nred,3,a\n");
    let train_table = read_csv(&train, "y").unwrap();
    let kinds: Vec<Option<ColumnKind>> = train_table.features.iter().map(|c| Some(c.kind.clone())).collect();
    let options = CsvOptions::default();
    // Only "blue" in the test file: its code is still the training code 0.
    let test = csv_file("csv-test-kinds", "colour,x\nblue,5\n,6\n");
    let frame = Frame::read_against(&test, &options, &kinds, &train).unwrap();
    let rows = frame.rows(Encoding::Ordinal).unwrap();
    assert_eq!(rows[0], vec![0.0, 5.0]);
    assert!(rows[1][0].is_nan());
    // A category never seen in training.
    let unseen = csv_file("csv-test-unseen", "colour,x\nblue,5\ngreen,6\n");
    match Frame::read_against(&unseen, &options, &kinds, &train).unwrap_err() {
        DataError::CsvUnknownCategory { path, line, column, value, reference } => {
            assert_eq!(
                (path, line, column.as_str(), value.as_str(), reference),
                (unseen.clone(), 3, "colour", "green", train.clone())
            );
        }
        other => panic!("unexpected error: {other}"),
    }
    // Kinds that do not match the columns.
    assert!(matches!(
        Frame::read_against(&test, &options, &kinds[..1], &train).unwrap_err(),
        DataError::InvalidConfig(_)
    ));
}
