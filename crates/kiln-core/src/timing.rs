//! Wall-clock timing shared by latency tables and benchmarks: untimed warm-up runs, then the
//! median of timed ones.

use std::time::Instant;

/// Milliseconds `f` takes.
pub fn elapsed_ms(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64() * 1e3
}

/// The median of `values` (sorted in place): the middle value, or the mean of the two middle
/// values for an even count; NaN for no values.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Runs `f` `warmup` times untimed, then `repeats` times (at least once) timed, and returns
/// the [`median`] in milliseconds. `f` must finish its work before returning (read results
/// back or sync the device) for asynchronous backends to be timed fully.
pub fn median_time_ms(warmup: usize, repeats: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<f64> = (0..repeats.max(1)).map(|_| elapsed_ms(&mut f)).collect();
    median(&mut times)
}
