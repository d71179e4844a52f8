//! The allocation bound a reader must keep.

/// Panics with a clear message when `peak` (bytes, from [`crate::peak_bytes_during`]) exceeds
/// `factor * input_len + slack`: a reader may allocate in proportion to the file it was given,
/// never in proportion to what the file claims.
pub fn assert_bounded(peak: usize, input_len: usize, factor: usize, slack: usize) {
    let bound = factor.saturating_mul(input_len).saturating_add(slack);
    assert!(
        peak <= bound,
        "peak allocation {peak} bytes exceeds the bound {bound} bytes \
         ({factor} × input of {input_len} bytes + {slack} bytes slack)"
    );
}
