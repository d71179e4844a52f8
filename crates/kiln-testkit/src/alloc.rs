//! A global allocator that counts live heap bytes per thread and over the whole process.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

/// Bytes allocated minus bytes freed by every thread.
static PROCESS_LIVE: AtomicIsize = AtomicIsize::new(0);
/// The highest value `PROCESS_LIVE` reached since the last [`process_peak_bytes_during`] began.
static PROCESS_PEAK: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (a free of memory allocated on another
    /// thread can make it negative).
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The highest value `LIVE` reached since the innermost [`peak_bytes_during`] began.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Counts heap bytes on top of [`System`], per thread (thread-local `Cell` counters with const
/// initialisation, so the allocator itself never allocates) and over the process (atomics).
///
/// Install it in a test or measuring binary with
/// `#[global_allocator] static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;`
/// and measure with [`peak_bytes_during`] (this thread: a reader's allocations) or
/// [`process_peak_bytes_during`] (every thread: a training step whose backend allocates on
/// worker threads).
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

/// Adds `delta` bytes to this thread's and the process's live counts and raises their peaks.
/// The thread's part is silent during thread teardown, when the thread-locals are gone.
fn record(delta: isize) {
    let now = PROCESS_LIVE.fetch_add(delta, Ordering::Relaxed).saturating_add(delta);
    PROCESS_PEAK.fetch_max(now, Ordering::Relaxed);
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(delta);
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
    });
}

/// A byte count as a signed delta (allocation sizes never exceed `isize::MAX`).
fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counting
// only touches thread-local `Cell`s and atomics, which neither allocate nor unwind.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(signed(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        record(-signed(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's, passed on unchanged.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            record(signed(new_size) - signed(layout.size()));
        }
        new
    }
}

/// Runs `f` and returns its result with the peak number of extra heap bytes live on this thread
/// while it ran (above what was live when it started). Allocations on other threads are not
/// seen. Returns 0 when [`CountingAllocator`] is not the global allocator. Calls nest: an
/// outer measurement still sees the inner peak.
pub fn peak_bytes_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    let outer_peak = PEAK.with(|peak| peak.replace(start));
    let value = f();
    let inner_peak = PEAK.with(Cell::get);
    PEAK.with(|peak| peak.set(outer_peak.max(inner_peak)));
    let extra = usize::try_from(inner_peak.saturating_sub(start)).unwrap_or(0);
    (value, extra)
}

/// Bytes live in the whole process now (0 when [`CountingAllocator`] is not the global
/// allocator).
pub fn process_live_bytes() -> isize {
    PROCESS_LIVE.load(Ordering::Relaxed)
}

/// Runs `f` and returns its result with the peak number of extra heap bytes live in the whole
/// process while it ran (above what was live when it started), allocations of every thread
/// included. Returns 0 when [`CountingAllocator`] is not the global allocator. Measurements do
/// not nest, and other threads' unrelated allocations count too: measure in a process that does
/// nothing else meanwhile.
pub fn process_peak_bytes_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = process_live_bytes();
    PROCESS_PEAK.store(start, Ordering::Relaxed);
    let value = f();
    let peak = PROCESS_PEAK.load(Ordering::Relaxed);
    (value, usize::try_from(peak.saturating_sub(start)).unwrap_or(0))
}
