//! Property tests: every reader of this crate, given damaged copies of valid files
//! (`kiln_testkit::mutated`), returns `Ok` or a typed `DataError` naming the file, never panics,
//! and allocates at most in proportion to the file size (measured by the counting allocator this
//! binary installs). `KILN_PROPTEST_CASES` sets the number of cases (default 48).

mod csv;
mod cub;
mod idx;
mod image_folder;

use std::path::Path;

use kiln_data::DataError;

/// Asserts that `result` is `Ok` or an error whose message names `file`.
fn assert_typed<T>(result: &Result<T, DataError>, file: &Path) {
    if let Err(err) = result {
        let message = err.to_string();
        let name = file.display().to_string();
        assert!(message.contains(&name), "the error does not name {name}: {message}");
    }
}
