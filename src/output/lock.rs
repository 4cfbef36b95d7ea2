//! One run at a time per output folder: a run holds an exclusive lock on the folder's
//! [`LOCK_NAME`] file from the moment it plans its outputs until they are in place, so two
//! runs never write into one folder together.
//!
//! The lock is the operating system's (`flock`), so a run that is killed releases it at once.
//! Locking creates the folder (and its parents) when missing; a folder created so and left
//! empty (the run failed) is removed with the lock.
//! The lock file names the run holding it (process id and command) for the message the next
//! run shows, and is removed when the run ends (while still locked, so a run that opened it in
//! between notices it locked a removed file and tries again).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The name of the lock file in an output folder.
pub const LOCK_NAME: &str = ".carecircle-lock";

/// An exclusive lock on an output folder, released (and its file removed) when dropped.
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    file: File,
    /// The folder, when the lock created it.
    created: Option<PathBuf>,
}

impl FolderLock {
    /// Locks `dir` for the command `command`, creating it if needed; an error of kind
    /// `ResourceBusy` naming the folder and the process holding it when another run does.
    pub fn acquire(dir: &Path, command: &str) -> io::Result<FolderLock> {
        let created = (!dir.exists()).then(|| dir.to_path_buf());
        fs::create_dir_all(dir).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot create {}: {e}", dir.display()))
        })?;
        let path = dir.join(LOCK_NAME);
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| named(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(busy(dir, &mut file)),
                Err(TryLockError::Error(e)) => return Err(named(&path, e)),
            }
            if still_named(&file, &path) {
                file.set_len(0)?;
                writeln!(file, "{} {command}", std::process::id())?;
                return Ok(FolderLock {
                    path,
                    file,
                    created,
                });
            }
            // The run before removed this file after we opened it: lock the new one.
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock goes with the file handle.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
        if let Some(dir) = &self.created {
            // Only when empty: a folder holding the run's outputs stays.
            let _ = fs::remove_dir(dir);
        }
    }
}

/// The error of a folder another run holds, naming that run.
fn busy(dir: &Path, file: &mut File) -> io::Error {
    let mut holder = String::new();
    let _ = file
        .rewind()
        .and_then(|()| file.read_to_string(&mut holder));
    let holder = match holder.trim().split_once(' ') {
        Some((pid, command)) => format!(" (process {pid}, carecircle {command})"),
        None => String::new(),
    };
    io::Error::new(
        io::ErrorKind::ResourceBusy,
        format!(
            "{} is in use by another carecircle run{holder}; wait for it to finish, or choose another --out folder",
            dir.display()
        ),
    )
}

/// Whether `path` still names the open `file` (it was not removed or replaced meanwhile).
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Whether `path` still names the open `file`: where files have no inode numbers, whether
/// the path exists.
#[cfg(not(unix))]
fn still_named(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// `error` with the path it is about.
fn named(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_naming_the_holder_and_freed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(dir.path(), "report").unwrap();
        let err = FolderLock::acquire(dir.path(), "site").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ResourceBusy);
        let message = err.to_string();
        let pid = std::process::id().to_string();
        assert!(
            message.contains("in use by another carecircle run"),
            "{message}"
        );
        assert!(
            message.contains(&format!("process {pid}, carecircle report")),
            "{message}"
        );
        drop(first);
        assert!(!dir.path().join(LOCK_NAME).exists());
        let again = FolderLock::acquire(dir.path(), "site").unwrap();
        assert!(again.path().exists());
    }

    #[test]
    fn a_folder_the_lock_created_is_removed_when_left_empty() {
        let dir = tempfile::tempdir().unwrap();
        let (empty, kept) = (dir.path().join("a/out"), dir.path().join("b"));
        drop(FolderLock::acquire(&empty, "report").unwrap());
        assert!(!empty.exists() && dir.path().join("a").exists());
        let lock = FolderLock::acquire(&kept, "report").unwrap();
        fs::write(kept.join("summary.json"), "{}").unwrap();
        drop(lock);
        assert!(kept.join("summary.json").exists());
    }

    #[test]
    fn a_lock_file_left_by_a_killed_run_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(LOCK_NAME), "99999 report\n").unwrap();
        let lock = FolderLock::acquire(dir.path(), "report").unwrap();
        let text = fs::read_to_string(lock.path()).unwrap();
        assert_eq!(text, format!("{} report\n", std::process::id()));
    }
}
