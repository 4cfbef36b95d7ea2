//! The output folder of a run: locked for the run ([`super::lock`]), the run's inputs
//! protected, and the list of files to write, every one checked before any is written, so that
//! a refused run writes nothing. Files are written into the folder's staging folder
//! ([`super::staging`]); [`OutputFolder::commit`] moves them into place as one set, with the
//! folder's record of what carecircle wrote ([`super::record`]), and removes the files an
//! earlier run of the same command wrote that this run does not. A folder dropped without
//! committing leaves the previous set as it was.

use super::atomic::ProtectedInputs;
use super::lock::FolderLock;
use super::record::replace_outputs;
use super::staging::Staging;
use std::io;
use std::path::{Path, PathBuf};

/// What a committed run left in its output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenSet {
    /// The planned files that were written, at their places, in planning order.
    pub files: Vec<PathBuf>,
    /// The files an earlier run of the same command wrote that this run does not write,
    /// removed (names in the folder, sorted).
    pub removed: Vec<String>,
}

/// A locked output folder with the files planned in it.
#[derive(Debug)]
pub struct OutputFolder {
    destination: PathBuf,
    command: String,
    protected: ProtectedInputs,
    targets: Vec<PathBuf>,
    // Dropped in this order: the staging folder goes before the lock is released.
    staging: Staging,
    _lock: FolderLock,
}

impl OutputFolder {
    /// Locks `dir` (creating it and its parents) for `command` (the subcommand's name, one
    /// lowercase word, kept in the record) and starts a set in it; `inputs` are the run's
    /// input files, never to be overwritten. Fails when another run holds the folder.
    pub fn create<'a>(
        dir: &Path,
        inputs: impl IntoIterator<Item = &'a Path>,
        command: &str,
    ) -> io::Result<OutputFolder> {
        let lock = FolderLock::acquire(dir, command)?;
        let staging = Staging::begin(dir, lock.path())?;
        Ok(OutputFolder {
            destination: dir.to_path_buf(),
            command: command.to_string(),
            protected: ProtectedInputs::new(inputs),
            targets: Vec::new(),
            staging,
            _lock: lock,
        })
    }

    /// Where writers write: the staging folder, whose files [`Self::commit`] moves into the
    /// output folder.
    pub fn dir(&self) -> &Path {
        self.staging.path()
    }

    /// The output folder the files end up in.
    pub fn destination(&self) -> &Path {
        &self.destination
    }

    /// The path to write `name` at (in the staging folder), not planned.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// Plans the file `name` and returns the path to write it at.
    pub fn plan(&mut self, name: &str) -> PathBuf {
        let path = self.path(name);
        self.targets.push(path.clone());
        path
    }

    /// Plans files already named by path (in [`Self::dir`]).
    pub fn plan_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.targets.extend(paths);
    }

    /// Checks every planned file: none may overwrite an input or take the place of a folder
    /// once in place.
    pub fn check(&self) -> io::Result<()> {
        self.targets.iter().try_for_each(|f| {
            let placed = self.placed(f);
            if placed.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "cannot write {}: a folder has that name; move it or choose another --out folder",
                        placed.display()
                    ),
                ));
            }
            self.protected.check(&placed)
        })
    }

    /// The inputs writers must not overwrite.
    pub fn protected(&self) -> &ProtectedInputs {
        &self.protected
    }

    /// Every planned file, in planning order (paths to write at).
    pub fn targets(&self) -> &[PathBuf] {
        &self.targets
    }

    /// Where the staged file `staged` ends up.
    fn placed(&self, staged: &Path) -> PathBuf {
        match staged.file_name() {
            Some(name) => self.destination.join(name),
            None => staged.to_path_buf(),
        }
    }

    /// Moves the written files into the output folder as one set, after the last write:
    /// records them, removes the stale files of an earlier run of the same command, and says
    /// what it wrote and removed.
    pub fn commit(self) -> io::Result<WrittenSet> {
        let written: Vec<&PathBuf> = self.targets.iter().filter(|p| p.is_file()).collect();
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
            .collect();
        let replacement = replace_outputs(
            &self.destination,
            self.staging.path(),
            &names,
            &self.command,
            &self.protected,
        )?;
        replacement
            .record
            .write(self.staging.path(), &self.protected)?;
        let files = written.iter().map(|p| self.placed(p)).collect();
        self.staging.commit(&replacement.stale)?;
        Ok(WrittenSet {
            files,
            removed: replacement.stale,
        })
    }
}
