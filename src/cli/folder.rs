//! The guard of the subcommands that write a city folder (`synth`, `demo`, `osm`): a folder
//! holding files carecircle did not write is refused before anything is written, unless
//! `--force`.

use super::args::ForceArg;
use anyhow::{bail, Context, Result};
use carecircle::output::record::foreign_files;
use std::path::Path;

/// Refuses `dir` when it holds files carecircle did not write there or that were edited since
/// (the entries in `skip` aside, checked on their own), unless `--force` was given.
pub fn refuse_foreign(dir: &Path, skip: &[&str], force: ForceArg) -> Result<()> {
    if force.force {
        return Ok(());
    }
    let foreign = foreign_files(dir, skip)
        .with_context(|| format!("checking what {} holds", dir.display()))?;
    if !foreign.is_empty() {
        bail!(
            "{foreign}; nothing was written. Choose another --out folder, or pass --force to overwrite the files this command writes (other files are left alone)"
        );
    }
    Ok(())
}
