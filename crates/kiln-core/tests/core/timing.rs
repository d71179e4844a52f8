//! Timing helpers: the median's definition and the warm-up/repeat counts.

use kiln_core::timing::{elapsed_ms, median, median_time_ms};

#[test]
fn median_is_the_middle_or_the_mean_of_the_two_middles() {
    assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    assert_eq!(median(&mut [7.0]), 7.0);
    assert!(median(&mut []).is_nan());
}

#[test]
fn median_time_runs_warmup_then_repeats_and_times_them() {
    let mut calls = 0;
    let ms = median_time_ms(3, 5, || {
        calls += 1;
        std::thread::sleep(std::time::Duration::from_millis(2));
    });
    assert_eq!(calls, 8, "3 warm-up runs and 5 timed ones");
    assert!(ms >= 2.0, "each run sleeps 2 ms, measured {ms}");
    let mut calls = 0;
    median_time_ms(0, 0, || calls += 1);
    assert_eq!(calls, 1, "at least one timed run");
    assert!(elapsed_ms(|| std::thread::sleep(std::time::Duration::from_millis(3))) >= 3.0);
}
