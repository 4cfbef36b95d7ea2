//! The guard of the subcommands that write a city folder (`synth`, `demo`, `osm`): a folder
//! holding files carecircle did not write is refused before anything is written, unless
//! `--force`; and the line saying which files of an earlier run a run removed.

use super::args::ForceArg;
use anyhow::{bail, Context, Result};
use carecircle::format::{plural, printable};
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

/// Names shown in the line about removed files before the rest are only counted.
const REMOVED_SHOWN: usize = 3;

/// The line saying which files of an earlier run of `command` this run removed from `dir`
/// (because it did not write them again), or `None` when it removed none.
pub fn removed_line(removed: &[String], command: &str, dir: &Path) -> Option<String> {
    let shown = removed.get(..REMOVED_SHOWN).unwrap_or(removed).join(", ");
    let more = match removed.len().saturating_sub(REMOVED_SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    (!removed.is_empty()).then(|| {
        format!(
            "removed {} file{} an earlier {command} wrote into {} that this run does not write: {}{more}",
            removed.len(),
            plural(removed.len()),
            dir.display(),
            printable(&shown)
        )
    })
}
