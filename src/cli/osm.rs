//! `carecircle osm`: an OpenStreetMap extract converted into a city folder.

use super::args::{BoundaryArgs, ForceArg};
use super::folder::refuse_foreign;
use anyhow::{bail, Result};
use carecircle::format::printable;
use carecircle::osm::boundary::BoundarySource;
use carecircle::osm::mapping::Mapping;
use carecircle::osm::population::Totals;
use carecircle::osm::{convert, ConvertOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Converts `extract` into a city in `out` with the mapping at `mapping_path` (the default
/// mapping when `None`), spreading `totals` over the residential buildings and clipping to
/// `boundary` when given; `out` may hold only carecircle's files unless `force`.
pub fn osm(
    extract: &Path,
    out: &Path,
    mapping_path: Option<PathBuf>,
    totals: Totals,
    boundary: BoundaryArgs,
    force: ForceArg,
) -> Result<ExitCode> {
    for (flag, total) in [
        ("--residents-total", totals.residents),
        ("--elderly-total", totals.elderly),
    ] {
        if total.is_some_and(|t| !(t.is_finite() && t >= 0.0)) {
            bail!("{flag} must be a number of people, 0 or more");
        }
    }
    let margin_m = boundary.boundary_margin_m;
    if !(margin_m.is_finite() && margin_m >= 0.0) {
        bail!("--boundary-margin-m must be a distance in metres, 0 or more");
    }
    let mapping = match &mapping_path {
        Some(path) => Mapping::load(path).map_err(anyhow::Error::msg)?,
        None => Mapping::default_mapping(),
    };
    let boundary_file = boundary.boundary.as_deref();
    let inputs = [Some(extract), mapping_path.as_deref(), boundary_file];
    refuse_foreign(out, &inputs_in(out, inputs.into_iter().flatten()), force)?;
    let source = match (boundary.boundary, boundary.boundary_relation) {
        (Some(path), _) => Some(BoundarySource::File(path)),
        (None, Some(id)) => Some(BoundarySource::Relation(id)),
        (None, None) => None,
    };
    let options = ConvertOptions {
        mapping,
        mapping_path,
        totals,
        boundary: source,
        margin_m,
    };
    let conversion = convert(extract, out, &options)?;
    for w in &conversion.warnings {
        eprintln!("warning: {}", printable(w));
    }
    print!("{}", conversion.describe());
    println!(
        "wrote {} layers, policy.toml and city.toml into {} in {:.2} s; next: carecircle report {} --out REPORT_DIR",
        conversion.layers.len() + 2,
        out.display(),
        conversion.seconds,
        out.join("city.toml").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The names of the `inputs` that lie in `dir` (a run's inputs are never overwritten, so they
/// may share its output folder).
fn inputs_in<'a>(dir: &Path, inputs: impl Iterator<Item = &'a Path>) -> Vec<&'a str> {
    let dir = std::fs::canonicalize(dir).ok();
    inputs
        .filter(|p| dir.is_some() && p.parent().map(canonical_parent) == Some(dir.clone()))
        .filter_map(|p| p.file_name()?.to_str())
        .collect()
}

/// The canonical form of an input's folder (`.` when it has none).
fn canonical_parent(parent: &Path) -> Option<PathBuf> {
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    std::fs::canonicalize(parent).ok()
}
