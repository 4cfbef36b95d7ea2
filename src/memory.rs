//! What a run was doing when memory ran out, and which allocations may fail.
//!
//! Most allocations cannot fail in Rust: when one does, the process stops. The command line
//! installs an allocator (`src/cli/out_of_memory.rs`) that then names the stage recorded
//! here ([`set_stage`], called by [`crate::progress::Progress::stage`]) instead of printing
//! a backtrace. Allocations made inside [`fallibly`] are left to fail, for the code that
//! reserves memory ahead and reports its own error (e.g. the pair ranges of the capacity
//! analysis).

use std::cell::Cell;
use std::sync::Mutex;

/// The stage now running.
static STAGE: Mutex<&str> = Mutex::new("");

thread_local! {
    /// Whether this thread is inside [`fallibly`].
    static FALLIBLE: Cell<bool> = const { Cell::new(false) };
}

/// Records the stage now running (`reading inputs`, `evaluating coverage`…).
pub fn set_stage(stage: &'static str) {
    if let Ok(mut now) = STAGE.lock() {
        *now = stage;
    }
}

/// The stage now running; `None` before the first or when it cannot be read without
/// waiting.
pub fn stage() -> Option<&'static str> {
    STAGE
        .try_lock()
        .ok()
        .map(|now| *now)
        .filter(|now| !now.is_empty())
}

/// Runs `reserve` (an allocation whose failure the caller handles, such as
/// `Vec::try_reserve`) with allocation failures on this thread left to the caller.
pub fn fallibly<T>(reserve: impl FnOnce() -> T) -> T {
    let before = FALLIBLE.replace(true);
    let result = reserve();
    FALLIBLE.set(before);
    result
}

/// Whether an allocation failing now on this thread is one the caller handles.
pub fn failure_is_handled() -> bool {
    FALLIBLE.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallible_sections_nest_and_end() {
        assert!(!failure_is_handled());
        fallibly(|| {
            assert!(failure_is_handled());
            fallibly(|| assert!(failure_is_handled()));
            assert!(failure_is_handled());
        });
        assert!(!failure_is_handled());
        // Another thread is not inside this one's section.
        fallibly(|| {
            std::thread::spawn(|| assert!(!failure_is_handled()))
                .join()
                .unwrap()
        });
    }

    #[test]
    fn the_stage_is_the_last_one_set() {
        set_stage("evaluating coverage");
        assert_eq!(stage(), Some("evaluating coverage"));
    }
}
