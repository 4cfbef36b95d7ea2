//! Outputs appear as one set: a run writes every file into the staging folder
//! [`STAGING_NAME`] inside its output folder and moves the set into place only when all of
//! it was written.
//!
//! Committing a set:
//! 1. every staged file is flushed to disk (`fsync`), then the staging folder;
//! 2. the commit marker [`COMMIT_NAME`] is written into the staging folder (flushed, then
//!    renamed into place): from here on the set is decided, listing the files of earlier runs
//!    the set replaces (to remove);
//! 3. the staged files are renamed into the output folder, the listed files removed, and the
//!    record of what carecircle wrote ([`super::record`]) renamed last; the folder is flushed
//!    and the staging folder removed.
//!
//! A run that fails or is stopped before step 2 leaves the previous set untouched; its staging
//! folder is removed at once, or by the next run into the folder ([`recover`]) when the run
//! was killed. A run killed during step 3 (a few renames) has its set completed by the next
//! run. Interrupts (SIGINT, SIGTERM) are handled by the command line calling
//! [`abandon_active`], which waits for a commit under way and removes every other staging
//! folder.

use super::atomic::is_leftover_temp;
use super::lock::LOCK_NAME;
use super::record::RECORD_NAME;
use rayon::prelude::*;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The name of the staging folder inside an output folder.
pub const STAGING_NAME: &str = ".carecircle-staging";

/// The name of the commit marker inside a staging folder: the set is decided once it exists.
/// It lists the files of earlier runs to remove, one name per line.
pub const COMMIT_NAME: &str = ".carecircle-commit";

/// The staging folders of this process not yet committed, with their folders' lock files, for
/// [`abandon_active`].
static ACTIVE: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// The registry of active staging folders, even if a thread panicked while holding it.
fn active() -> MutexGuard<'static, Vec<(PathBuf, PathBuf)>> {
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A staging folder being filled; removed when dropped before its set is decided.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    path: PathBuf,
    decided: bool,
}

impl Staging {
    /// Starts a set in the output folder `dir` (which the caller has locked, with the lock
    /// file `lock`): completes or removes what a killed run left ([`recover`]), then creates
    /// an empty staging folder.
    pub fn begin(dir: &Path, lock: &Path) -> io::Result<Staging> {
        recover(dir)?;
        let path = dir.join(STAGING_NAME);
        fs::create_dir(&path).map_err(|e| named(&path, e))?;
        active().push((path.clone(), lock.to_path_buf()));
        Ok(Staging {
            dir: dir.to_path_buf(),
            path,
            decided: false,
        })
    }

    /// The staging folder, where the set's files are written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the staged set into place, removing the files `replaced` (names in the output
    /// folder) of earlier runs (see the module's steps).
    pub fn commit(mut self, replaced: &[String]) -> io::Result<()> {
        sync_files(&self.path)?;
        let mut marker = String::new();
        for name in replaced {
            marker.push_str(name);
            marker.push('\n');
        }
        let temp = self.path.join(format!("{COMMIT_NAME}.tmp"));
        let mut file = File::create(&temp).map_err(|e| named(&temp, e))?;
        file.write_all(marker.as_bytes())?;
        file.sync_all()?;
        drop(file);
        let mut registry = active();
        fs::rename(&temp, self.path.join(COMMIT_NAME)).map_err(|e| named(&temp, e))?;
        sync_dir(&self.path)?;
        self.decided = true;
        registry.retain(|(path, _)| *path != self.path);
        finish(&self.dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.decided {
            let mut registry = active();
            let _ = fs::remove_dir_all(&self.path);
            registry.retain(|(path, _)| *path != self.path);
        }
    }
}

/// Flushes every file of `folder` to disk, then the folder itself.
fn sync_files(folder: &Path) -> io::Result<()> {
    let files = file_names(folder)?;
    files.par_iter().try_for_each(|name| {
        let path = folder.join(name);
        File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(|e| named(&path, e))
    })?;
    sync_dir(folder)
}

/// Flushes the folder `dir` (its entries) to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| named(dir, e))
}

/// The names of the regular files in `folder`, sorted.
fn file_names(folder: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(folder).map_err(|e| named(folder, e))? {
        let entry = entry.map_err(|e| named(folder, e))?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Completes the decided set staged in `dir`: moves its files into `dir`, removes the files
/// the marker lists, moves the record last, and removes the staging folder. Safe to repeat
/// after an interruption: files already moved or removed are skipped.
fn finish(dir: &Path) -> io::Result<()> {
    let staging = dir.join(STAGING_NAME);
    let marker = staging.join(COMMIT_NAME);
    let replaced = fs::read_to_string(&marker).map_err(|e| named(&marker, e))?;
    for name in file_names(&staging)? {
        if name != COMMIT_NAME && name != RECORD_NAME {
            move_into(&staging, dir, &name)?;
        }
    }
    for name in replaced.lines().filter(|n| !n.is_empty()) {
        match fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(named(&dir.join(name), e)),
            _ => {}
        }
    }
    if staging.join(RECORD_NAME).exists() {
        move_into(&staging, dir, RECORD_NAME)?;
    }
    sync_dir(dir)?;
    fs::remove_dir_all(&staging).map_err(|e| named(&staging, e))
}

/// Renames `from/name` to `to/name`.
fn move_into(from: &Path, to: &Path, name: &str) -> io::Result<()> {
    fs::rename(from.join(name), to.join(name)).map_err(|e| named(&to.join(name), e))
}

/// Clears what a killed run left in the output folder `dir` (the caller holds its lock): a
/// decided set is completed, an undecided staging folder removed, and temporary files of
/// interrupted writes (`.NAME.PID.tmp`) removed.
pub fn recover(dir: &Path) -> io::Result<()> {
    let staging = dir.join(STAGING_NAME);
    if staging.join(COMMIT_NAME).is_file() {
        finish(dir)?;
    } else if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| named(&staging, e))?;
    }
    for name in file_names(dir)? {
        if is_leftover_temp(&name) {
            fs::remove_file(dir.join(&name)).map_err(|e| named(&dir.join(&name), e))?;
        }
    }
    Ok(())
}

/// The staging folder of `dir` when it holds a decided set not yet moved into place (a run
/// was killed while moving it); its files are carecircle's.
pub fn decided_staging(dir: &Path) -> Option<PathBuf> {
    let staging = dir.join(STAGING_NAME);
    staging.join(COMMIT_NAME).is_file().then_some(staging)
}

/// Whether `name`, in an output folder, is carecircle's own machinery (staging folder or lock
/// file) rather than an output.
pub fn is_machinery(name: &str) -> bool {
    name == STAGING_NAME || name == LOCK_NAME
}

/// Abandons every set this process is staging (for an interrupt): waits for a commit under
/// way to finish, then removes the other staging folders and their lock files; the number of
/// sets abandoned. The caller exits afterwards.
pub fn abandon_active() -> usize {
    let mut registry = active();
    let abandoned = registry.len();
    for (staging, lock) in registry.drain(..) {
        let _ = fs::remove_dir_all(&staging);
        let _ = fs::remove_file(&lock);
    }
    abandoned
}

/// `error` with the path it is about.
fn named(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_moves_the_set_and_removes_replaced_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("a.csv"), "old a").unwrap();
        fs::write(d.join("old.csv"), "old").unwrap();
        fs::write(d.join("user.txt"), "mine").unwrap();
        let staging = Staging::begin(d, &d.join(LOCK_NAME)).unwrap();
        fs::write(staging.path().join("a.csv"), "new a").unwrap();
        fs::write(staging.path().join("b.csv"), "new b").unwrap();
        // Before the commit the folder holds the old set only.
        assert_eq!(fs::read_to_string(d.join("a.csv")).unwrap(), "old a");
        staging.commit(&["old.csv".to_string()]).unwrap();
        assert_eq!(names(d), ["a.csv", "b.csv", "user.txt"]);
        assert_eq!(fs::read_to_string(d.join("a.csv")).unwrap(), "new a");
    }

    #[test]
    fn dropped_staging_leaves_the_previous_set() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("a.csv"), "old a").unwrap();
        let staging = Staging::begin(d, &d.join(LOCK_NAME)).unwrap();
        fs::write(staging.path().join("a.csv"), "half").unwrap();
        drop(staging);
        assert_eq!(names(d), ["a.csv"]);
        assert_eq!(fs::read_to_string(d.join("a.csv")).unwrap(), "old a");
    }

    #[test]
    fn recover_completes_a_decided_set_and_drops_an_undecided_one() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let staging = d.join(STAGING_NAME);
        // Killed while moving: one file moved already, one still staged, one to remove.
        fs::create_dir(&staging).unwrap();
        fs::write(d.join("a.csv"), "new a").unwrap();
        fs::write(staging.join("b.csv"), "new b").unwrap();
        fs::write(staging.join(RECORD_NAME), "record").unwrap();
        fs::write(d.join("stale.csv"), "old").unwrap();
        fs::write(staging.join(COMMIT_NAME), "stale.csv\n").unwrap();
        fs::write(d.join(".a.csv.4242.tmp"), "partial").unwrap();
        assert_eq!(decided_staging(d), Some(staging.clone()));
        recover(d).unwrap();
        assert_eq!(names(d), [RECORD_NAME, "a.csv", "b.csv"]);
        // Killed while writing: the staged files are dropped, the folder untouched.
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("a.csv"), "half").unwrap();
        assert_eq!(decided_staging(d), None);
        recover(d).unwrap();
        assert_eq!(names(d), [RECORD_NAME, "a.csv", "b.csv"]);
        assert_eq!(fs::read_to_string(d.join("a.csv")).unwrap(), "new a");
    }
}
