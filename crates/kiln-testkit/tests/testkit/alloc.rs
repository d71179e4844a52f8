use kiln_testkit::{assert_bounded, peak_bytes_during, process_peak_bytes_during};

#[test]
fn sees_a_one_megabyte_vec() {
    let (len, peak) = peak_bytes_during(|| {
        let v = vec![7u8; 1 << 20];
        std::hint::black_box(&v);
        v.len()
    });
    assert_eq!(len, 1 << 20);
    assert!(peak >= 1 << 20, "peak {peak}");
    assert!(peak < 2 << 20, "peak {peak}");
}

/// Process-wide counting sees an allocation made on another thread, which the per-thread count
/// does not.
#[test]
fn the_process_count_sees_other_threads() {
    let measure = || std::thread::spawn(|| std::hint::black_box(vec![3u8; 4 << 20]).len()).join().unwrap();
    let (len, thread_peak) = peak_bytes_during(measure);
    assert_eq!(len, 4 << 20);
    assert!(thread_peak < 1 << 20, "the spawned thread's buffer is not this thread's: {thread_peak}");
    let (_, process_peak) = process_peak_bytes_during(measure);
    assert!(process_peak >= 4 << 20, "process peak {process_peak}");
}

#[test]
fn freed_memory_before_the_call_is_not_counted() {
    let kept = vec![0u8; 1 << 20];
    let ((), peak) = peak_bytes_during(|| std::hint::black_box(()));
    drop(kept);
    assert!(peak < 4096, "peak {peak}");
}

#[test]
fn nested_measurements_report_to_the_outer_one() {
    let ((_, inner), outer) = peak_bytes_during(|| {
        let small = vec![1u8; 1000];
        std::hint::black_box(&small);
        peak_bytes_during(|| std::hint::black_box(vec![2u8; 500_000]).len())
    });
    assert!(inner >= 500_000, "inner {inner}");
    assert!(outer >= inner, "outer {outer} inner {inner}");
}

#[test]
fn assert_bounded_passes_within_the_bound() {
    assert_bounded(1000, 100, 8, 200);
}

#[test]
#[should_panic(expected = "exceeds the bound 1000 bytes")]
fn assert_bounded_panics_beyond_the_bound() {
    assert_bounded(1001, 100, 8, 200);
}
