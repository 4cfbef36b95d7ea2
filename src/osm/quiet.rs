//! Running the PBF decoder (osmpbf) on malformed data without panic noise.
//!
//! osmpbf panics on some malformed extracts instead of returning an error: a relation member
//! of an unknown type unwraps an unknown enum value, and in builds with overflow checks
//! (tests, fuzzing) delta-coded ids and coordinates that overflow panic too. The reader
//! catches those panics and reports one clean error ([`super::read::ReadError`]), but the
//! panic hook would already have printed a panic message and a backtrace note to stderr.
//!
//! So every call into osmpbf runs inside [`quietly`] (or, for its iterators, [`Quiet`]),
//! which marks the thread as running the decoder, and [`install_hook`] puts a panic hook on
//! top of the process's own that stays silent for panics raised there. A panic in
//! carecircle's own code between those calls is reported as usual.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    /// Whether this thread is running osmpbf's code.
    static IN_DECODER: Cell<bool> = const { Cell::new(false) };
}

/// Restores the thread's previous decoder mark when dropped, also while a panic unwinds
/// (after the hook has seen the mark).
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        IN_DECODER.set(self.0);
    }
}

/// Runs `decode`, a call into osmpbf, with its panics kept quiet (they still unwind).
pub fn quietly<T>(decode: impl FnOnce() -> T) -> T {
    let _restore = Restore(IN_DECODER.replace(true));
    decode()
}

/// An osmpbf iterator whose `next` runs [`quietly`].
pub struct Quiet<I>(pub I);

impl<I: Iterator> Iterator for Quiet<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        quietly(|| self.0.next())
    }
}

/// Installs, once per process, a panic hook that says nothing about panics raised inside
/// [`quietly`] and hands every other panic to the hook that was there before.
pub fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_DECODER.get() {
                report(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::catch_unwind;

    #[test]
    fn the_mark_is_set_inside_and_restored_after_a_panic() {
        install_hook();
        assert!(!IN_DECODER.get());
        assert!(quietly(|| IN_DECODER.get()));
        assert!(catch_unwind(|| quietly(|| panic!("malformed"))).is_err());
        assert!(!IN_DECODER.get());
        let nested = quietly(|| {
            quietly(|| ());
            IN_DECODER.get()
        });
        assert!(nested && !IN_DECODER.get());
        let mut items = Quiet([1, 2].into_iter().map(|i| (i, IN_DECODER.get())));
        assert_eq!(items.next(), Some((1, true)));
        assert!(!IN_DECODER.get());
    }
}
