//! The command line's allocator: the system's, with a clean message when memory runs out.
//!
//! Rust stops the process when an allocation fails; by default it prints "memory allocation
//! of N bytes failed" and a backtrace, and dies of SIGABRT. This allocator prints instead
//! what the run was doing ([`carecircle::memory::stage`]), how much it asked for and what to
//! do, and exits with status 1. The staged outputs stay out of the folder (the next run
//! removes them). Allocations the library makes inside [`carecircle::memory::fallibly`] are
//! left to fail: their callers report their own error.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The system allocator, reporting a failed allocation as above.
pub struct ReportingAllocator;

// SAFETY: every call is passed on unchanged to the system allocator, which upholds
// `GlobalAlloc`'s contract; only a null result is looked at.
unsafe impl GlobalAlloc for ReportingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which is the system's.
        checked(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        checked(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by the system allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by the system allocator with `layout`.
        checked(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }
}

/// `ptr` as allocated; a null one that no caller handles ends the run with the message.
fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() && !carecircle::memory::failure_is_handled() {
        out_of_memory(size);
    }
    ptr
}

/// Prints the message (allocating nothing) and exits with status 1.
///
/// Several threads may run out at once: the first reports and ends the process, the others
/// wait for it. Only a failure while printing the message itself aborts.
fn out_of_memory(size: usize) -> ! {
    static REPORTING: AtomicBool = AtomicBool::new(false);
    thread_local! {
        static REPORTING_HERE: Cell<bool> = const { Cell::new(false) };
    }
    if REPORTING.swap(true, Ordering::SeqCst) {
        if REPORTING_HERE.get() {
            std::process::abort();
        }
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    REPORTING_HERE.set(true);
    let mb = size.div_ceil(1 << 20);
    let mut stderr = std::io::stderr().lock();
    let _ = match carecircle::memory::stage() {
        Some(stage) => write!(stderr, "error: out of memory while {stage}"),
        None => write!(stderr, "error: out of memory"),
    };
    let _ = writeln!(
        stderr,
        ": {mb} MB more could not be had (the machine's memory or a limit such as `ulimit -v` \
         is spent). The output folder keeps its previous files. Peak memory is about 6 GB per \
         million blocks with walking distances and 4 GB with --distance straight: use a \
         machine with more memory, --distance straight, or a policy with fewer circles"
    );
    std::process::exit(1)
}
