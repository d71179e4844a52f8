//! Row-parallel loops for the fused flex kernels, on rayon's current pool (where flex runs its
//! own kernels, so a caller's `ThreadPool::install`, such as kiln-geom's one-thread branches,
//! bounds these loops too): `rows` rows of `len` values are cut into at most
//! `rayon::current_num_threads()` contiguous ranges of rows, and a range gets a task of its own
//! only when it holds at least [`MIN_VALUES_PER_THREAD`] values, so small tensors run on the
//! calling thread.

use std::ops::Range;

use rayon::prelude::*;

/// Fewest values worth a task of their own.
pub const MIN_VALUES_PER_THREAD: usize = 64 * 1024;

/// `rows` cut into `parts` contiguous ranges of near-equal length, the longer ones first.
fn split(rows: usize, parts: usize) -> Vec<Range<usize>> {
    let (base, extra) = (rows / parts, rows % parts);
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let end = start + base + usize::from(i < extra);
            let range = start..end;
            start = end;
            range
        })
        .collect()
}

/// How many parts `rows` rows of `len` values are cut into.
fn parts(rows: usize, len: usize) -> usize {
    let by_work = (rows * len).div_ceil(MIN_VALUES_PER_THREAD);
    rayon::current_num_threads().min(by_work).min(rows).max(1)
}

/// `f` on each range of rows, in parallel; the results in row order.
pub fn map_rows<R: Send>(rows: usize, len: usize, f: impl Fn(Range<usize>) -> R + Sync) -> Vec<R> {
    let ranges = split(rows, parts(rows, len));
    if ranges.len() == 1 {
        return ranges.into_iter().map(&f).collect();
    }
    ranges.into_par_iter().map(&f).collect()
}

/// `f(first_row, chunk)` on each range of rows of `out` (`rows · len` values), in parallel, where
/// `chunk` holds the rows `first_row..first_row + chunk.len() / len`.
pub fn for_rows_mut(out: &mut [f32], len: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
    let rows = out.len().checked_div(len).unwrap_or(0);
    let parts = parts(rows, len);
    if parts <= 1 {
        f(0, out);
        return;
    }
    let rows_per_part = rows.div_ceil(parts);
    out.par_chunks_mut(rows_per_part * len).enumerate().for_each(|(i, chunk)| f(i * rows_per_part, chunk));
}
