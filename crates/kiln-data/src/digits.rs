//! The 8×8 handwritten digits, embedded: 1,797 images of 10 classes.
//!
//! This is the test set of the UCI "Optical Recognition of Handwritten Digits" data (Alpaydin &
//! Kaynak, 1998; CC BY 4.0) as shipped by scikit-learn (`load_digits`): 8×8 images of pixel
//! counts 0–16, here scaled to `[0, 1]`.

use flate2::read::GzDecoder;
use std::io::Read;
use std::path::PathBuf;

use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample};

const DIGITS_CSV_GZ: &[u8] = include_bytes!("../data/digits.csv.gz");

/// Number of images.
pub const NUM_DIGITS: usize = 1797;

/// Loads the embedded digits, in their original order.
pub fn digits() -> Result<Vec<ImageExample>> {
    let path = PathBuf::from("<embedded digits.csv.gz>");
    let mut text = String::new();
    GzDecoder::new(DIGITS_CSV_GZ)
        .read_to_string(&mut text)
        .map_err(|source| DataError::Io { path: path.clone(), source })?;
    let mut out = Vec::with_capacity(NUM_DIGITS);
    for (line_index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let values: Vec<&str> = line.split(',').collect();
        if values.len() != 65 {
            return Err(DataError::CsvFieldCount { path, line: line_index + 1, expected: 65, found: values.len() });
        }
        let mut numbers = [0f32; 65];
        for (column, (slot, value)) in numbers.iter_mut().zip(&values).enumerate() {
            *slot = value.trim().parse::<f32>().map_err(|_| DataError::CsvNotANumber {
                path: path.clone(),
                line: line_index + 1,
                column: column.to_string(),
                value: value.to_string(),
            })?;
        }
        let image =
            Image { channels: 1, height: 8, width: 8, pixels: numbers[..64].iter().map(|v| v / 16.0).collect() };
        out.push(ImageExample { image, label: numbers[64] as usize });
    }
    Ok(out)
}
