//! `check`: the validation a report runs, computing nothing — the city is loaded and its
//! requirements resolved (kinds and capacity values included).

use crate::analysis::plane::Plane;
use crate::analysis::requirements::Requirements;
use crate::commands::load::load_city;
use crate::error::Error;
use crate::input::{InputCount, Loaded};
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
/// (streets included) and every requirement's kind and capacity values. An error carries
/// every problem found.
pub fn check_city(manifest_path: &Path) -> Result<Checked, Error> {
    let city = load_city(manifest_path, false, true)?;
    let plane = Plane::new(&city.loaded.dataset)?;
    Requirements::resolve(&city.policy, &city.loaded.dataset, &plane)?;
    let Loaded {
        inputs, warnings, ..
    } = city.loaded;
    Ok(Checked { inputs, warnings })
}
