//! Property tests: every reader of this crate, given damaged copies of valid files
//! (`kiln_testkit::mutated`), returns `Ok` or a typed `DataError` naming the file, never panics,
//! and allocates at most in proportion to the file size (measured by the counting allocator this
//! binary installs). `KILN_PROPTEST_CASES` sets the number of cases (default 48).

mod csv;
mod cub;
mod idx;
mod image_folder;

use std::path::{Path, PathBuf};

use kiln_data::DataError;

use crate::formats::scratch_dir;

/// Writes `files` (path under the root, valid contents) into a fresh scratch directory for
/// `test`, file number `damaged` with `bytes` instead; returns the root and the total size.
fn write_damaged(test: &str, files: &[(&str, Vec<u8>)], damaged: usize, bytes: &[u8]) -> (PathBuf, usize) {
    let root = scratch_dir(test);
    let mut total = 0;
    for (i, (name, valid)) in files.iter().enumerate() {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let content = if i == damaged { bytes } else { valid.as_slice() };
        std::fs::write(&path, content).unwrap();
        total += content.len();
    }
    (root, total)
}

/// Asserts that `result` is `Ok` or an error whose message names `file`.
fn assert_typed<T>(result: &Result<T, DataError>, file: &Path) {
    if let Err(err) = result {
        let message = err.to_string();
        let name = file.display().to_string();
        assert!(message.contains(&name), "the error does not name {name}: {message}");
    }
}
