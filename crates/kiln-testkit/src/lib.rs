//! Kiln's shared test kit, used only as a dev-dependency.
//!
//! - [`CountingAllocator`] and [`peak_bytes_during`]: how many heap bytes a reader needed, per
//!   thread, so a test can check with [`assert_bounded`] that a file which merely *claims* a huge
//!   count did not make the reader allocate it; [`process_peak_bytes_during`]: the same over
//!   every thread, for memory measurements of training steps.
//! - [`cases`] and [`config`]: proptest settings shared by every reader test (the
//!   `KILN_PROPTEST_CASES` knob, no persistence files).
//! - [`mutated`] and [`mutate_with`]: damaged versions of a valid file (truncation, flipped bytes,
//!   huge numbers spliced over numbers, non-finite values, duplicated or deleted lines, a BOM,
//!   CRLF line ends, inserted bytes).
//! - [`in_own_process`]: a test run alone in a child process, with burn's process-wide device
//!   RNG to itself (learning thresholds, bit-exact comparisons of seeded runs).
//!
//! A test binary installs the allocator once:
//! ```ignore
//! #[global_allocator]
//! static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;
//! ```

mod alloc;
mod bound;
mod config;
mod isolate;
mod mutate;

pub use alloc::{CountingAllocator, peak_bytes_during, process_live_bytes, process_peak_bytes_during};
pub use bound::assert_bounded;
pub use config::{DEFAULT_CASES, cases, config};
pub use isolate::in_own_process;
pub use mutate::{mutate_with, mutated};
