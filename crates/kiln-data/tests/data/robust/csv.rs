//! The CSV reader on damaged tables: numeric and categorical features, missing values, quoted
//! fields, a text target; comma- and semicolon-separated.

use std::path::Path;

use kiln_data::formats::csv::{CsvOptions, Encoding, Frame, read_csv_with};
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use proptest::prelude::*;

use super::assert_typed;
use crate::formats::scratch_dir;

/// Bytes a table may take per byte of file: the text, one `f32` per field (a field can be a
/// single delimiter byte), the line of each row, the vectors' growth.
const FACTOR: usize = 32;

/// Fixed overhead: parser buffers, per-column decoders.
const SLACK: usize = 256 << 10;

/// A valid table of 24 rows separated by `sep`.
fn valid_table(sep: char) -> Vec<u8> {
    let mut text = format!("\u{feff}id{sep}height{sep}\"colour, shade\"{sep}note{sep}species\n");
    for i in 0..24 {
        let height = if i % 5 == 0 { "NA".to_string() } else { format!("{}.{}", 10 + i, i % 7) };
        let colour = ["red", "blue", "", "green"][i % 4];
        let note = if i % 3 == 0 { "\"said \"\"yes\"\", twice\"" } else { "none" };
        let species = ["setosa", "versicolor", "virginica"][i % 3];
        text.push_str(&format!("{i}{sep}{height}{sep}{colour}{sep}{note}{sep}{species}\n"));
    }
    text.into_bytes()
}

/// Everything a consumer does with a table: classes, both encodings, a frame of every column.
fn read_all(path: &Path, options: &CsvOptions) -> kiln_data::Result<usize> {
    let table = read_csv_with(path, "species", options)?;
    let classes = table.classes()?;
    let ordinal = table.rows(Encoding::Ordinal)?;
    let one_hot = table.rows(Encoding::OneHot)?;
    let frame = Frame::read(path, options)?;
    Ok(classes.labels.len() + ordinal.len() + one_hot.len() + frame.len())
}

fn check(test: &str, bytes: &[u8], options: &CsvOptions) {
    let path = scratch_dir(test).join("table.csv");
    std::fs::write(&path, bytes).unwrap();
    let (result, peak) = peak_bytes_during(|| read_all(&path, options));
    assert_typed(&result, &path);
    assert_bounded(peak, bytes.len(), FACTOR, SLACK);
}

#[test]
fn the_valid_tables_are_read() {
    for (sep, options) in [(',', CsvOptions::default()), (';', CsvOptions::with_delimiter(";").unwrap())] {
        let path = scratch_dir(&format!("robust-csv-valid-{}", sep as u32)).join("table.csv");
        std::fs::write(&path, valid_table(sep)).unwrap();
        let (rows, peak) = peak_bytes_during(|| read_all(&path, &options));
        assert_eq!(rows.unwrap(), 4 * 24);
        assert!(peak > 0, "the counting allocator is not installed");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_comma_tables_fail_cleanly(bytes in mutated(valid_table(','))) {
        check("robust-csv-comma", &bytes, &CsvOptions::default());
    }

    #[test]
    fn damaged_semicolon_tables_fail_cleanly(bytes in mutated(valid_table(';'))) {
        check("robust-csv-semicolon", &bytes, &CsvOptions::with_delimiter(";").unwrap());
    }
}
