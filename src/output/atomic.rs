//! Atomic file output: write to a temporary file beside the target, then rename.
//!
//! A reader never sees a half-written file, and an interrupted run leaves the previous
//! output in place. Targets that are also inputs of the run are refused.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Files that must never be overwritten: the inputs of the current run.
#[derive(Debug, Default, Clone)]
pub struct ProtectedInputs {
    canonical: Vec<PathBuf>,
}

impl ProtectedInputs {
    /// Protects the given input files (those that exist; others cannot be overwritten anyway).
    pub fn new<'a>(inputs: impl IntoIterator<Item = &'a Path>) -> Self {
        let canonical = inputs
            .into_iter()
            .filter_map(|p| fs::canonicalize(p).ok())
            .collect();
        ProtectedInputs { canonical }
    }

    /// Whether `target` is one of the protected inputs.
    pub fn contains(&self, target: &Path) -> bool {
        resolve_target(target).is_some_and(|resolved| self.canonical.contains(&resolved))
    }

    /// An error when writing `target` would overwrite one of the protected inputs.
    pub fn check(&self, target: &Path) -> io::Result<()> {
        if self.contains(target) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "refusing to write {}: it is one of this run's inputs; choose another --out folder",
                    target.display()
                ),
            ));
        }
        Ok(())
    }
}

/// The canonical path `target` would have, resolving its parent folder.
fn resolve_target(target: &Path) -> Option<PathBuf> {
    if let Ok(existing) = fs::canonicalize(target) {
        return Some(existing);
    }
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
    Some(parent.join(target.file_name()?))
}

/// Writes `target` atomically: `fill` writes into a buffered temporary file in the same
/// folder, which is then renamed over `target`. On error the temporary file is removed.
pub fn write_atomically<F>(target: &Path, protected: &ProtectedInputs, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    write_atomically_at(target, protected, |temp| {
        let mut writer = BufWriter::with_capacity(1 << 20, File::create(temp)?);
        fill(&mut writer)?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        drop(file);
        Ok(())
    })
}

/// Writes `target` atomically through a path: `fill` creates and completes the file at the
/// temporary path it is given (in the same folder, not existing yet), which is then renamed
/// over `target`. On error the temporary file is removed.
pub fn write_atomically_at<F>(target: &Path, protected: &ProtectedInputs, fill: F) -> io::Result<()>
where
    F: FnOnce(&Path) -> io::Result<()>,
{
    protected.check(target)?;
    let file_name = target.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", target.display()),
        )
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = target.with_file_name(temp_name);
    // A leftover of an interrupted run with the same process id.
    let _ = fs::remove_file(&temp);
    let result = fill(&temp).and_then(|()| fs::rename(&temp, target));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(|e| io::Error::new(e.kind(), format!("writing {}: {e}", target.display())))
}

/// A temporary file of an atomic write (`.NAME.PID.tmp`), left when a run was killed.
pub fn is_leftover_temp(name: &str) -> bool {
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    stem.rsplit_once('.')
        .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        write_atomically(&target, &ProtectedInputs::default(), |w| {
            w.write_all(b"hello")
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "hello");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_fill_keeps_previous_content() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        fs::write(&target, "old").unwrap();
        let err = write_atomically(&target, &ProtectedInputs::default(), |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("blocks.geojson");
        fs::write(&input, "{}").unwrap();
        let protected = ProtectedInputs::new([input.as_path()]);
        let via_dot = dir.path().join(".").join("blocks.geojson");
        let err = write_atomically(&via_dot, &protected, |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("inputs"), "{err}");
        assert_eq!(fs::read_to_string(&input).unwrap(), "{}");
    }

    #[test]
    fn leftover_temporaries_are_recognised() {
        assert!(is_leftover_temp(".coverage.csv.4242.tmp"));
        assert!(!is_leftover_temp(".coverage.csv.tmp"));
        assert!(!is_leftover_temp("coverage.4242.tmp"));
        assert!(!is_leftover_temp(".x.12a.tmp"));
    }
}
