//! Every committed fuzzing input, replayed: the seeds in `fuzz/corpus/<target>/` and the
//! inputs that once crashed or hung a reader in `fuzz/crashes/<target>/`, each read through
//! the fuzz targets' own harness (`fuzz/src/lib.rs`, included here). Reading must end in a
//! value or a clean error: a panic fails the test even when a reader catches it (it would
//! print a backtrace's worth of noise before the error), and so does an input that takes
//! more than a few seconds.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// Panics seen anywhere in this test binary, caught or not.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Held while a target replays, so a panic is counted against the input that raised it.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Counts every panic, then reports it as usual.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            report(info);
        }));
    });
}

/// The committed inputs of `target`: its seeds and its crash files, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files: Vec<PathBuf> = ["corpus", "crashes"]
        .iter()
        .filter_map(|kind| std::fs::read_dir(fuzz.join(kind).join(target)).ok())
        .flatten()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Reads every committed input of `target` with `read`, asserting no panic, caught or not,
/// and no input slower than a hang's worth.
fn replay(target: &str, read: fn(&[u8])) {
    count_panics();
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let files = inputs(target);
    assert!(!files.is_empty(), "no committed inputs for {target}");
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let before = PANICS.load(Ordering::SeqCst);
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(|| read(&data));
        let took = started.elapsed();
        assert!(
            outcome.is_ok() && PANICS.load(Ordering::SeqCst) == before,
            "{} panicked",
            file.display()
        );
        assert!(
            took < Duration::from_secs(5),
            "{} took {took:?}",
            file.display()
        );
    }
}

#[test]
fn geojson_inputs_read_cleanly() {
    replay("geojson", harness::geojson);
}

#[test]
fn csv_inputs_read_cleanly() {
    replay("csv", harness::csv);
}

#[test]
fn shapefile_inputs_read_cleanly() {
    replay("shapefile", harness::shapefile);
}

#[test]
fn toml_inputs_read_cleanly() {
    replay("toml", harness::toml);
}

#[test]
fn pbf_inputs_read_cleanly() {
    replay("pbf", harness::pbf);
}
