//! Input readers: every format produces parts of a [`Dataset`], and every problem names its
//! file, feature (or row) and field.

pub mod blocks;
pub mod facilities;
pub mod geojson;
pub mod problem;
pub mod streets;

use crate::config::Manifest;
use crate::dataset::Dataset;
pub use problem::{Location, Problem};
use std::path::PathBuf;

/// What a reader produced: the valid features, how many features the file had, and the
/// problems with the others.
#[derive(Debug)]
pub struct Read<T> {
    /// The valid features.
    pub value: T,
    /// How many features (or rows) the file had, valid or not.
    pub features: usize,
    /// One problem per invalid feature.
    pub problems: Vec<Problem>,
}

/// One input file's counts, for the summary and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct InputCount {
    /// What the file is: `blocks`, or the facility kind.
    pub role: String,
    /// The file.
    pub path: PathBuf,
    /// Features or rows in the file.
    pub features: usize,
    /// Features kept (after the layer filter, without skipped ones).
    pub kept: usize,
    /// Invalid features skipped under `--skip-invalid`.
    pub skipped: usize,
}

/// A loaded city with what was read, skipped and warned about.
#[derive(Debug)]
pub struct Loaded {
    /// The city.
    pub dataset: Dataset,
    /// Counts per input file.
    pub inputs: Vec<InputCount>,
    /// Invalid features that were skipped (only with `skip_invalid`).
    pub skipped: Vec<Problem>,
    /// Things the planner should know, such as an empty facility layer.
    pub warnings: Vec<String>,
}

/// Reads every layer the manifest names (the streets only when `with_streets`). Problems with
/// whole files always fail; problems with single features fail unless `skip_invalid`, in
/// which case those features are skipped and listed. On failure every problem found is
/// returned, in file order.
pub fn load(
    manifest: &Manifest,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<Loaded, Vec<Problem>> {
    let mut fatal = Vec::new();
    let mut feature_problems = Vec::new();
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    let mut dataset = Dataset::default();

    match blocks::read_blocks(&manifest.blocks) {
        Ok(read) => {
            inputs.push(InputCount {
                role: "blocks".into(),
                path: manifest.blocks.path.clone(),
                features: read.features,
                kept: read.value.len(),
                skipped: read.problems.len(),
            });
            if read.value.is_empty() && read.problems.is_empty() {
                fatal.push(Problem::file(
                    &manifest.blocks.path,
                    "the blocks layer has no features",
                ));
            }
            feature_problems.extend(read.problems);
            dataset.blocks = read.value;
        }
        Err(p) => fatal.push(p),
    }
    for (kind, source) in &manifest.layers {
        match facilities::read_layer(kind, source) {
            Ok(read) => {
                if read.value.is_empty() {
                    let filtered = if source.filter.is_empty() {
                        String::new()
                    } else {
                        format!(" matching `{}`", source.filter)
                    };
                    warnings.push(format!(
                        "{}: layer `{kind}` has no facilities{filtered}; every requirement on `{kind}` fails",
                        source.path.display()
                    ));
                }
                inputs.push(InputCount {
                    role: kind.clone(),
                    path: source.path.clone(),
                    features: read.features,
                    kept: read.value.len(),
                    skipped: read.problems.len(),
                });
                feature_problems.extend(read.problems);
                dataset.layers.push(read.value);
            }
            Err(p) => fatal.push(p),
        }
    }
    if let Some(source) = manifest.streets.as_ref().filter(|_| with_streets) {
        match streets::read_streets(source) {
            Ok(read) => {
                if read.value.is_empty() {
                    warnings.push(format!(
                        "{}: the street layer has no lines; nothing is reachable on foot",
                        source.path.display()
                    ));
                }
                inputs.push(InputCount {
                    role: "streets".into(),
                    path: source.path.clone(),
                    features: read.features,
                    kept: read.value.len(),
                    skipped: read.problems.len(),
                });
                feature_problems.extend(read.problems);
                dataset.streets = read.value;
            }
            Err(p) => fatal.push(p),
        }
    }
    if !fatal.is_empty() || (!skip_invalid && !feature_problems.is_empty()) {
        fatal.extend(feature_problems);
        return Err(fatal);
    }
    Ok(Loaded {
        dataset,
        inputs,
        skipped: feature_problems,
        warnings,
    })
}
