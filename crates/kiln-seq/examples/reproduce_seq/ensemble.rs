//! (in progress)

use kiln_core::experiment::{ExperimentArgs, ResultsPage};

/// Runs this section's experiments and appends them to the page.
pub fn section(
    _args: &ExperimentArgs,
    _seeds: &[u64],
    _page: &mut ResultsPage,
) -> Result<(), Box<dyn std::error::Error>> {
    Ok(())
}
