//! `check`: the validation a report runs, computing nothing — the manifest and the policy
//! (every problem of both), every input, then the requirements resolved against the loaded
//! city (kinds and capacity values included); and what a planner would miss, such as a
//! layer's `where` value that matches no feature.

use crate::analysis::plane::Plane;
use crate::analysis::requirements::{unmatched_filters, Requirements};
use crate::config::{check_config, CheckedConfig, ConfigError};
use crate::error::Error;
use crate::input::layer_filter::unmatched_where_values;
use crate::input::{self, InputCount, Loaded};
use std::path::Path;

/// What a successful check found: every input with its counts, and the warnings.
#[derive(Debug)]
pub struct Checked {
    /// The inputs read, with their counts.
    pub inputs: Vec<InputCount>,
    /// Warnings about the inputs.
    pub warnings: Vec<String>,
}

/// Checks the city in `manifest_path` as a report would: manifest, policy, every input
/// (streets included) and every requirement's kind and capacity values. On failure, every
/// problem found: the manifest's and the policy's together, the inputs' whenever the manifest
/// is valid, and the requirements' once everything before them is valid.
pub fn check_city(manifest_path: &Path) -> Result<Checked, Vec<Error>> {
    let CheckedConfig { manifest, problems } = check_config(manifest_path);
    let mut errors: Vec<Error> = ConfigError::check(problems)
        .err()
        .map(Error::from)
        .into_iter()
        .collect();
    let Some(manifest) = manifest else {
        return Err(errors);
    };
    let loaded = match input::load(&manifest, false, true) {
        Ok(loaded) if errors.is_empty() => loaded,
        Ok(_) => return Err(errors),
        Err(problems) => {
            errors.push(Error::Input(problems));
            return Err(errors);
        }
    };
    let unmatched = resolve_requirements(&manifest, manifest_path, &loaded).map_err(|e| vec![e])?;
    let Loaded {
        inputs,
        mut warnings,
        ..
    } = loaded;
    for (kind, source) in &manifest.layers {
        let missed =
            unmatched_where_values(kind, source).map_err(|p| vec![Error::Input(vec![p])])?;
        warnings.extend(missed);
    }
    warnings.extend(unmatched);
    Ok(Checked { inputs, warnings })
}

/// Resolves the policy's requirements against a valid manifest's loaded city; the warnings
/// for the empty layers the policy reads and for filters that keep no facility.
fn resolve_requirements(
    manifest: &crate::config::Manifest,
    manifest_path: &Path,
    loaded: &Loaded,
) -> Result<Vec<String>, Error> {
    let policy = manifest.load_policy(manifest_path)?;
    let plane = Plane::new(&loaded.dataset)?;
    Requirements::resolve(&policy, &loaded.dataset, &plane)?;
    let empty = input::empty_layer_warnings(manifest, &loaded.dataset, |k| policy.uses_kind(k));
    Ok(empty
        .into_iter()
        .chain(unmatched_filters(&policy, &loaded.dataset))
        .collect())
}
