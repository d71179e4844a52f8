//! Proptest settings shared by every reader test.

use proptest::test_runner::Config;

/// Cases per property when `KILN_PROPTEST_CASES` is not set: a few seconds per reader in CI.
pub const DEFAULT_CASES: u32 = 48;

/// The number of cases per property: the `KILN_PROPTEST_CASES` environment variable (for long
/// runs), else [`DEFAULT_CASES`].
///
/// # Panics
/// When the variable is set but is not a positive integer: a typo must not silently run the
/// default.
pub fn cases() -> u32 {
    match std::env::var("KILN_PROPTEST_CASES") {
        Err(std::env::VarError::NotPresent) => DEFAULT_CASES,
        Err(std::env::VarError::NotUnicode(value)) => {
            panic!("KILN_PROPTEST_CASES={value:?} is not a positive integer")
        }
        Ok(value) => match value.trim().parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => panic!("KILN_PROPTEST_CASES={value:?} is not a positive integer"),
        },
    }
}

/// The proptest configuration for reader tests: [`cases`] cases, no failure-persistence files
/// (a failing case is printed, and the seed that produced it), and a bounded shrink.
pub fn config() -> Config {
    Config { cases: cases(), failure_persistence: None, max_shrink_iters: 512, ..Config::default() }
}
