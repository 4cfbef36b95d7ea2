//! Input readers: every format produces parts of a [`Dataset`], and every problem names its
//! file, feature (or row) and field.

pub mod barriers;
pub mod blocks;
pub mod csv_text;
pub mod entrances;
pub mod extent;
pub mod facilities;
mod feature_text;
pub mod geojson;
pub mod gpkg;
pub mod layer_filter;
pub mod problem;
pub mod rings;
pub mod shapefile;
pub mod streets;

use crate::config::manifest::Paths;
use crate::config::Manifest;
use crate::dataset::{Barriers, Blocks, Dataset, Entrances, FacilityLayer, KeptColumn};
pub use problem::{Location, Problem};
use std::path::{Path, PathBuf};

/// What a reader produced from one file: the valid features, how many features the file
/// had, and the problems with the others.
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
    /// The file (one of a layer's files, each counted on its own).
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
    /// Things the planner should know, such as facilities sharing a position.
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
        kept: &impl Fn(&T) -> usize,
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

    /// Counts every file of a layer read as `role` (the `paths` of `reads`, in order), or
    /// records why one could not be read; the valid features of all the files, in order, when
    /// every file was read.
    fn add_files<T: Append>(
        &mut self,
        role: &str,
        paths: &Paths,
        reads: impl IntoIterator<Item = Result<Read<T>, Problem>>,
        kept: impl Fn(&T) -> usize,
    ) -> Option<T> {
        let (mut whole, mut failed) = (None::<T>, false);
        for (path, read) in paths.iter().zip(reads) {
            match (self.add(role, path, read, &kept), whole.as_mut()) {
                (Some(part), Some(whole)) => whole.append(part),
                (Some(part), None) => whole = Some(part),
                (None, _) => failed = true,
            }
        }
        whole.filter(|_| !failed)
    }
}

/// Features read from one file of a layer, to which those of the layer's next file are
/// added.
pub trait Append {
    /// Adds `other`'s features after these.
    fn append(&mut self, other: Self);
}

impl<T> Append for Vec<T> {
    fn append(&mut self, mut other: Vec<T>) {
        Vec::append(self, &mut other);
    }
}

impl Append for Blocks {
    fn append(&mut self, other: Blocks) {
        let (before, added) = (self.len(), other.len());
        for column in other.kept {
            match self.kept.iter_mut().find(|c| c.field == column.field) {
                Some(mine) => mine.values.extend(column.values),
                None => {
                    let mut values = vec![serde_json::Value::Null; before];
                    values.extend(column.values);
                    self.kept.push(KeptColumn { values, ..column });
                }
            }
        }
        for column in &mut self.kept {
            column
                .values
                .resize(before + added, serde_json::Value::Null);
            *column = KeptColumn::new(
                std::mem::take(&mut column.field),
                std::mem::take(&mut column.values),
            );
        }
        self.name_field = self.name_field.take().or(other.name_field);
        self.ids.extend(other.ids);
        self.outlines.extend(other.outlines);
        self.elderly.extend(other.elderly);
        if let (Some(all), Some(more)) = (self.residents.as_mut(), other.residents) {
            all.extend(more);
        }
    }
}

impl Append for FacilityLayer {
    fn append(&mut self, other: FacilityLayer) {
        let offset = self.len();
        self.name_field = self.name_field.take().or(other.name_field);
        let files = other.files.into_iter();
        self.files
            .extend(files.map(|(first, path)| (first + offset, path)));
        self.ids.extend(other.ids);
        self.properties.extend(other.properties);
        self.locations.extend(other.locations);
        let facilities = other.location_facility.into_iter();
        self.location_facility
            .extend(facilities.map(|f| f + offset as u32));
    }
}

impl Append for Barriers {
    fn append(&mut self, other: Barriers) {
        self.shapes.extend(other.shapes);
        self.names.extend(other.names);
    }
}

impl Append for Entrances {
    fn append(&mut self, other: Entrances) {
        self.block.extend(other.block);
        self.locations.extend(other.locations);
    }
}

/// Reads the barrier and entrance layers, when the manifest names them.
fn load_walking_extras(manifest: &Manifest, all: &mut Gathered, dataset: &mut Dataset) {
    if let Some(source) = &manifest.barriers {
        let reads = source.path.iter();
        let reads = reads.map(|path| barriers::read_barriers(source, path));
        if let Some(barriers) = all.add_files("barriers", &source.path, reads, |b| b.shapes.len()) {
            dataset.barriers = barriers;
        }
    }
    if let Some(source) = manifest.entrances.as_ref().filter(|_| all.blocks_read) {
        let reads = source.path.iter();
        let blocks = &dataset.blocks;
        let reads = reads.map(|path| entrances::read_entrances(source, path, blocks));
        if let Some(entrances) = all.add_files("entrances", &source.path, reads, |e| e.block.len())
        {
            dataset.entrances = entrances;
        }
    }
}

/// Reads the blocks layer, every file of it; a layer without a feature in any file is a
/// problem with each.
fn load_blocks(manifest: &Manifest, all: &mut Gathered, dataset: &mut Dataset) {
    let paths = &manifest.blocks.path;
    let reads = blocks::read_blocks(&manifest.blocks, manifest.max_extent_km());
    let first = all.inputs.len();
    let Some(blocks) = all.add_files("blocks", paths, reads, Blocks::len) else {
        return;
    };
    if all.inputs[first..]
        .iter()
        .all(|i| i.kept == 0 && i.skipped == 0)
    {
        let why = match paths.len() {
            1 => "the blocks layer has no features".to_string(),
            n => format!("the blocks layer has no features in any of its {n} files"),
        };
        let problems = paths.iter().map(|path| Problem::file(path, why.clone()));
        all.fatal.extend(problems);
    }
    dataset.blocks = blocks;
    all.blocks_read = true;
}

/// Reads every facility layer, each file of it, facilities outside `study_area` problems.
fn load_layers(
    manifest: &Manifest,
    study_area: Option<&extent::Extent>,
    all: &mut Gathered,
    dataset: &mut Dataset,
) {
    for (kind, source) in &manifest.layers {
        let reads = facilities::read_layer(kind, source, study_area);
        let paths = source.all_paths();
        let Some(layer) = all.add_files(kind, &paths, reads, FacilityLayer::len) else {
            continue;
        };
        all.warnings.extend(facilities::shared_positions(&layer));
        dataset.layers.push(layer);
    }
}

/// One warning per facility layer without facilities that `used(kind)` says the policy reads
/// (a requirement or a referral fails on it); an empty layer nothing reads is no concern.
pub fn empty_layer_warnings(
    manifest: &Manifest,
    dataset: &Dataset,
    used: impl Fn(&str) -> bool,
) -> Vec<String> {
    let empty = |kind: &str| dataset.layer(kind).is_some_and(FacilityLayer::is_empty);
    manifest
        .layers
        .iter()
        .filter(|(kind, _)| used(kind) && empty(kind))
        .map(|(kind, source)| {
            let filtered = if source.filter.is_empty() {
                String::new()
            } else {
                format!(" matching `{}`", source.filter)
            };
            format!(
                "{}: layer `{kind}` has no facilities{filtered}; every requirement on `{kind}` fails",
                source.path
            )
        })
        .collect()
}

/// Reads every layer the manifest names, each file of a layer in the order listed (the
/// streets, barriers and entrances only when `with_streets`: they matter only on foot;
/// entrances only once the blocks are read, to match their block ids). Problems with whole
/// files always fail; problems with single features fail unless `skip_invalid`, in which case
/// those features are skipped and listed. On failure every problem found is returned, in file
/// order.
pub fn load(
    manifest: &Manifest,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<Loaded, Vec<Problem>> {
    let mut all = Gathered::default();
    let mut dataset = Dataset::default();
    load_blocks(manifest, &mut all, &mut dataset);
    let study_area = dataset.blocks.centre().map(|centre| extent::Extent {
        centre,
        max_km: manifest.max_extent_km(),
    });
    load_layers(manifest, study_area.as_ref(), &mut all, &mut dataset);
    if let Some(source) = manifest.streets.as_ref().filter(|_| with_streets) {
        let reads = source.path.iter();
        let reads = reads.map(|path| streets::read_streets(source, path));
        if let Some(lines) = all.add_files("streets", &source.path, reads, Vec::len) {
            if lines.is_empty() {
                all.warnings.push(format!(
                    "{}: the street layer has no lines; nothing is reachable on foot",
                    source.path
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

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::Coord;

    /// A layer read from `path` with one facility per id, each at one location.
    fn layer(path: &str, ids: &[&str]) -> FacilityLayer {
        let mut layer = FacilityLayer {
            files: vec![(0, PathBuf::from(path))],
            ..FacilityLayer::default()
        };
        for (i, id) in ids.iter().enumerate() {
            let at = Coord {
                x: i as f64,
                y: 0.0,
            };
            layer.push(id.to_string(), Default::default(), &[at]);
        }
        layer
    }

    #[test]
    fn appended_layers_keep_each_facility_s_file_and_locations() {
        let mut all = layer("a.csv", &["a1", "a2"]);
        all.append(layer("empty.csv", &[]));
        all.append(layer("b.geojson", &["b1"]));
        assert_eq!(all.ids, ["a1", "a2", "b1"]);
        assert_eq!(all.location_facility, [0, 1, 2]);
        let files: Vec<_> = (0..3).map(|f| all.file_of(f).unwrap()).collect();
        assert_eq!(
            files,
            [
                Path::new("a.csv"),
                Path::new("a.csv"),
                Path::new("b.geojson")
            ]
        );
        assert_eq!(all.files_display(), "a.csv, empty.csv, b.geojson");
        assert_eq!(FacilityLayer::default().file_of(0), None);
    }
}
