//! `carecircle site`: load a city, analyse its coverage, suggest new sites of one kind for one
//! circle (see [`crate::analysis::sites`]), write them.

use crate::algo::crs::LocalProjection;
use crate::algo::siting::coverage_curve;
use crate::analysis::coverage::{evaluate, DistanceMode, Measure};
use crate::analysis::plane::Plane;
use crate::analysis::sites::{suggest_sites as suggest, SiteRequest, Suggestion};
use crate::commands::load::{distance_mode, load_city_from, load_manifest, study, NetworkTimings};
use crate::error::Error;
use crate::output::csv_file::CsvTarget;
use crate::output::features::write_geojson_layers;
use crate::output::folder::{OutputFolder, WrittenSet};
use crate::output::gpkg::write_geopackage;
use crate::output::layer::{OutputFormat, StyledLayer};
use crate::output::sites::{write_sites_csv, SiteLayer};
use crate::output::style::sites_style;
use std::path::{Path, PathBuf};

pub use crate::analysis::sites::{Candidate, EXACT_NODE_LIMIT};

/// What `carecircle site` is asked.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The circle whose requirement new sites should meet.
    pub circle: String,
    /// The facility kind to add.
    pub kind: String,
    /// How many sites to choose.
    pub count: usize,
    /// A manifest layer kind or a GeoJSON/CSV file of candidate sites; the centroids of the
    /// uncovered blocks when absent.
    pub candidates: Option<String>,
    /// Most elderly one new site may count.
    pub capacity: Option<f64>,
    /// Straight-line or walking reach (default: walking when the manifest has streets).
    pub distance: Option<DistanceMode>,
}

/// A `carecircle site` run: the suggestion and the files it read.
#[derive(Debug, Clone)]
pub struct SiteRun {
    /// The suggested sites.
    pub suggestion: Suggestion,
    /// The projection of the city's plane, to write positions in WGS 84.
    pub projection: LocalProjection,
    /// The city's input files (manifest, policy, layers, candidates), which outputs must not
    /// overwrite.
    pub inputs: Vec<PathBuf>,
    /// What reading the city found questionable (such as a `where` no facility matches).
    pub warnings: Vec<String>,
}

/// Suggests `options.count` new sites for the city in `manifest_path`.
pub fn suggest_sites(manifest_path: &Path, options: &SiteOptions) -> Result<SiteRun, Error> {
    let manifest = load_manifest(manifest_path)?;
    let mode = distance_mode(&manifest, options.distance)?;
    let city = load_city_from(manifest, manifest_path, false, mode.walks())?;
    let plane = Plane::new(&city.loaded.dataset)?;
    let study = study(
        &city,
        &plane,
        mode,
        Measure::default(),
        &mut NetworkTimings::default(),
    )?;
    let requirement = study
        .requirements
        .find(&city.policy, &options.circle, &options.kind)?;
    let coverage = evaluate(&study.requirements, &study.models);
    let request = SiteRequest {
        requirement,
        candidates: options.candidates.as_deref(),
        count: options.count,
        capacity: options.capacity,
        exact: true,
    };
    let suggestion = suggest(&study, &coverage, &request)?;
    let candidates_file = options.candidates.as_deref().map(Path::new);
    let inputs = city
        .manifest
        .input_files()
        .into_iter()
        .chain([manifest_path])
        .chain(candidates_file.filter(|p| p.is_file()))
        .map(Path::to_path_buf)
        .collect();
    Ok(SiteRun {
        suggestion,
        projection: plane.projection,
        inputs,
        warnings: city.loaded.warnings.clone(),
    })
}

/// The GeoPackage `carecircle site --format gpkg` writes.
pub const SITES_GEOPACKAGE: &str = "sites.gpkg";

/// Writes the `sites` layer — `sites.geojson` with its QGIS style `sites.qml`, or
/// [`SITES_GEOPACKAGE`] with the style embedded — and `sites.csv` (starting with a UTF-8
/// byte-order mark when `csv_bom`) into `out_dir`, never over
/// the city's inputs.
pub fn write_suggestion(
    run: &SiteRun,
    out_dir: &Path,
    format: OutputFormat,
    csv_bom: bool,
) -> Result<WrittenSet, Error> {
    let suggestion = &run.suggestion;
    let inputs = run.inputs.iter().map(PathBuf::as_path);
    let mut folder = OutputFolder::create(out_dir, inputs, "site")?;
    let staged = folder.dir().to_path_buf();
    let sites = SiteLayer::new(std::slice::from_ref(suggestion), &run.projection);
    let kinds = [suggestion.kind.as_str()];
    let layers = [StyledLayer::new(&sites, |fields| {
        sites_style(&kinds, fields)
    })?];
    folder.plan_paths(format.layer_files(&staged, SITES_GEOPACKAGE, &layers));
    let csv = folder.plan("sites.csv");
    folder.check()?;
    let protected = folder.protected();
    match format {
        OutputFormat::Geojson => write_geojson_layers(&staged, protected, &layers)?,
        OutputFormat::Gpkg => write_geopackage(&folder.path(SITES_GEOPACKAGE), protected, &layers)?,
    }
    let curve = coverage_curve(
        &suggestion.choices,
        suggestion.baseline_elderly,
        suggestion.total_elderly,
    );
    let csv = CsvTarget {
        path: &csv,
        bom: csv_bom,
    };
    write_sites_csv(csv, protected, suggestion, &curve)?;
    Ok(folder.commit()?)
}
