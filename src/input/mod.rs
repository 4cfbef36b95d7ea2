//! Input readers: every format produces parts of a [`Dataset`], and every problem names its
//! file, feature (or row) and field.

pub mod barriers;
pub mod blocks;
pub mod csv_text;
pub mod entrances;
pub mod extent;
pub mod facilities;
pub mod geojson;
pub mod layer_filter;
pub mod problem;
pub mod rings;
pub mod streets;

use crate::config::Manifest;
use crate::dataset::{Blocks, Dataset, FacilityLayer};
pub use problem::{Location, Problem};
use std::path::{Path, PathBuf};

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
    /// What the reader noticed that is not a problem (duplicates merged, shared positions).
    pub warnings: Vec<String>,
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

/// What [`load`] gathers file by file.
#[derive(Default)]
struct Gathered {
    inputs: Vec<InputCount>,
    warnings: Vec<String>,
    /// Problems with whole files.
    fatal: Vec<Problem>,
    /// Problems with single features.
    feature_problems: Vec<Problem>,
    /// Whether the blocks layer was read (entrances name blocks by id).
    blocks_read: bool,
}

impl Gathered {
    /// Counts a file that was read as `role` (its `kept` features valid), or records why it
    /// could not be; the valid features when it was read.
    fn add<T>(
        &mut self,
        role: &str,
        path: &Path,
        read: Result<Read<T>, Problem>,
        kept: impl Fn(&T) -> usize,
    ) -> Option<T> {
        match read {
            Ok(read) => {
                self.inputs.push(InputCount {
                    role: role.to_string(),
                    path: path.to_path_buf(),
                    features: read.features,
                    kept: kept(&read.value),
                    skipped: read.problems.len(),
                });
                self.feature_problems.extend(read.problems);
                self.warnings.extend(read.warnings);
                Some(read.value)
            }
            Err(problem) => {
                self.fatal.push(problem);
                None
            }
        }
    }

    /// Whether the file counted last has no features, valid or not.
    fn last_is_empty(&self) -> bool {
        self.inputs
            .last()
            .is_some_and(|i| i.kept == 0 && i.skipped == 0)
    }
}

/// Reads the barrier and entrance layers, when the manifest names them.
fn load_walking_extras(manifest: &Manifest, all: &mut Gathered, dataset: &mut Dataset) {
    if let Some(source) = &manifest.barriers {
        let read = barriers::read_barriers(source);
        if let Some(barriers) = all.add("barriers", &source.path, read, |b| b.shapes.len()) {
            dataset.barriers = barriers;
        }
    }
    if let Some(source) = manifest.entrances.as_ref().filter(|_| all.blocks_read) {
        let read = entrances::read_entrances(source, &dataset.blocks);
        if let Some(entrances) = all.add("entrances", &source.path, read, |e| e.block.len()) {
            dataset.entrances = entrances;
        }
    }
}

/// Reads every layer the manifest names (the streets, barriers and entrances only when
/// `with_streets`: they matter only on foot; entrances only once the blocks are read, to
/// match their block ids). Problems with
/// whole files always fail; problems with single features fail unless `skip_invalid`, in
/// which case those features are skipped and listed. On failure every problem found is
/// returned, in file order.
pub fn load(
    manifest: &Manifest,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<Loaded, Vec<Problem>> {
    let mut all = Gathered::default();
    let mut dataset = Dataset::default();
    let path = &manifest.blocks.path;
    if let Some(blocks) = all.add(
        "blocks",
        path,
        blocks::read_blocks(&manifest.blocks, manifest.max_extent_km()),
        Blocks::len,
    ) {
        if all.last_is_empty() {
            all.fatal
                .push(Problem::file(path, "the blocks layer has no features"));
        }
        dataset.blocks = blocks;
        all.blocks_read = true;
    }
    let study_area = dataset.blocks.centre().map(|centre| extent::Extent {
        centre,
        max_km: manifest.max_extent_km(),
    });
    for (kind, source) in &manifest.layers {
        let read = facilities::read_layer(kind, source, study_area.as_ref());
        if let Some(layer) = all.add(kind, &source.path, read, FacilityLayer::len) {
            if layer.is_empty() {
                let filtered = if source.filter.is_empty() {
                    String::new()
                } else {
                    format!(" matching `{}`", source.filter)
                };
                all.warnings.push(format!(
                    "{}: layer `{kind}` has no facilities{filtered}; every requirement on `{kind}` fails",
                    source.path.display()
                ));
            }
            dataset.layers.push(layer);
        }
    }
    if let Some(source) = manifest.streets.as_ref().filter(|_| with_streets) {
        let read = streets::read_streets(source);
        if let Some(lines) = all.add("streets", &source.path, read, Vec::len) {
            if lines.is_empty() {
                all.warnings.push(format!(
                    "{}: the street layer has no lines; nothing is reachable on foot",
                    source.path.display()
                ));
            }
            dataset.streets = lines;
        }
        load_walking_extras(manifest, &mut all, &mut dataset);
    }
    if !all.fatal.is_empty() || (!skip_invalid && !all.feature_problems.is_empty()) {
        all.fatal.extend(all.feature_problems);
        return Err(all.fatal);
    }
    Ok(Loaded {
        dataset,
        inputs: all.inputs,
        skipped: all.feature_problems,
        warnings: all.warnings,
    })
}
