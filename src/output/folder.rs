//! The output folder of a run: created before writing, the run's inputs protected, and the
//! list of files to write, every one checked before any is written, so that a refused run
//! writes nothing. Once written, [`OutputFolder::record`] notes the files as carecircle's.

use super::atomic::{create_output_dir, ProtectedInputs};
use std::io;
use std::path::{Path, PathBuf};

/// A created output folder with the files planned in it.
#[derive(Debug)]
pub struct OutputFolder {
    dir: PathBuf,
    protected: ProtectedInputs,
    targets: Vec<PathBuf>,
}

impl OutputFolder {
    /// Creates `dir` (and its parents); `inputs` are the run's input files, never to be
    /// overwritten.
    pub fn create<'a>(
        dir: &Path,
        inputs: impl IntoIterator<Item = &'a Path>,
    ) -> io::Result<OutputFolder> {
        create_output_dir(dir)?;
        Ok(OutputFolder {
            dir: dir.to_path_buf(),
            protected: ProtectedInputs::new(inputs),
            targets: Vec::new(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `name` in the folder, not planned.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Plans the file `name` in the folder and returns its path.
    pub fn plan(&mut self, name: &str) -> PathBuf {
        let path = self.path(name);
        self.targets.push(path.clone());
        path
    }

    /// Plans files already named by path.
    pub fn plan_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.targets.extend(paths);
    }

    /// Checks every planned file: none may overwrite an input.
    pub fn check(&self) -> io::Result<()> {
        self.targets
            .iter()
            .try_for_each(|f| self.protected.check(f))
    }

    /// The inputs writers must not overwrite.
    pub fn protected(&self) -> &ProtectedInputs {
        &self.protected
    }

    /// Every planned file, in planning order.
    pub fn targets(&self) -> &[PathBuf] {
        &self.targets
    }

    /// Records the planned files as carecircle's in the folder's record
    /// ([`super::record`]), once they are written; call it after the last write.
    pub fn record(&self) -> io::Result<()> {
        super::record::record_written(&self.dir, &self.targets, &self.protected)
    }

    /// The planned files, in planning order.
    pub fn into_targets(self) -> Vec<PathBuf> {
        self.targets
    }
}
