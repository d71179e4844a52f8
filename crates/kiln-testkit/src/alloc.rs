//! A global allocator that counts live heap bytes per thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (a free of memory allocated on another
    /// thread can make it negative).
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The highest value `LIVE` reached since the innermost [`peak_bytes_during`] began.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Counts heap bytes per thread on top of [`System`]: thread-local `Cell` counters with const
/// initialisation, so the allocator itself never allocates.
///
/// Install it in a test binary with
/// `#[global_allocator] static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;`
/// and measure with [`peak_bytes_during`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

/// Adds `delta` bytes to this thread's live count and raises its peak. Silent during thread
/// teardown, when the thread-locals are gone.
fn record(delta: isize) {
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
// only touches thread-local `Cell`s, which neither allocate nor unwind.
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
