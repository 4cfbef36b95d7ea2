//! The report: load a city, evaluate its policy, write every output.

use crate::analysis::area::area_shares;
use crate::analysis::capacity::evaluate_capacity;
use crate::analysis::coverage::{evaluate, DistanceMode, Measure};
use crate::analysis::plane::Plane;
use crate::analysis::referral::check_referrals;
use crate::analysis::summary::{circle_summaries, Summary};
use crate::analysis::walking::WalkNetwork;
use crate::analysis::zones::{ranked_gap_zones, RankedZone};
use crate::commands::site::{suggest_for, EvaluatedCity, SiteRequest, Suggestion};
use crate::config::{Manifest, Policy};
use crate::dataset::Dataset;
use crate::input::{self, Loaded, Problem};
use crate::output::atomic::{create_output_dir, ProtectedInputs};
use crate::output::block_table::BlockTable;
use crate::output::blocks::write_block_outputs;
use crate::output::facilities::{write_facilities_csv, FacilitiesLayer};
use crate::output::features::write_geojson_layers;
use crate::output::gaps::GapLayer;
use crate::output::gpkg::write_geopackage;
use crate::output::html::{write_report_html, Page};
use crate::output::layer::{Layer, OutputFormat, StyledLayer};
use crate::output::map::{map_title, write_map, MapData, MapLayer};
use crate::output::network::write_off_network_csv;
use crate::output::referrals::write_referrals_csv;
use crate::output::service_areas::ServiceAreaLayer;
use crate::output::sites::SiteLayer;
use crate::output::style::{
    blocks_style, facilities_style, gaps_style, service_areas_style, sites_style, write_style,
};
use crate::output::summary::{write_skipped_csv, write_summary_csv, write_summary_json};
use crate::progress::Progress;

/// Gap zones per circle listed in the summary.
pub const TOP_ZONES: usize = 5;
use geo::Coord;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The GeoPackage `--format gpkg` writes, holding every layer.
pub const GEOPACKAGE: &str = "carecircle.gpkg";

/// How to run a report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Where straight-line distances are measured from.
    pub measure: Measure,
    /// Straight-line, walking or both; by default `both` when the manifest has streets and
    /// `straight` otherwise.
    pub distance: Option<DistanceMode>,
    /// Skip invalid features (listing them in `skipped.csv`) instead of failing.
    pub skip_invalid: bool,
    /// Write the `service_areas` layer, every facility's walkable street segments.
    pub service_areas: bool,
    /// Layers as GeoJSON files with QGIS styles beside them, or all in one GeoPackage
    /// ([`GEOPACKAGE`]) with the styles embedded.
    pub format: OutputFormat,
    /// Show the current stage on stderr when it is a terminal.
    pub progress: bool,
    /// The circle `blocks.qml` and the map colour blocks by; the policy's first circle when
    /// `None`.
    pub view: Option<String>,
    /// Suggest this many new sites for each requirement of the view circle (0: none).
    pub sites: usize,
    /// The command line that asked for the report, program first, shown in `report.html`.
    pub command: Vec<String>,
}

/// Why a report or check could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The manifest or policy is wrong.
    #[error("{0}")]
    Config(String),
    /// Input files have problems; every one found is listed.
    #[error("{} problem(s) in the input", .0.len())]
    Input(Vec<Problem>),
    /// An output could not be written.
    #[error("{0}")]
    Output(#[from] std::io::Error),
}

/// Wall time of the report's stages.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading and validating inputs, and projecting them.
    pub read: Duration,
    /// Building the street graph and its snapping index.
    pub network_build: Duration,
    /// Snapping blocks and facilities onto the streets.
    pub snap: Duration,
    /// Evaluating the policy (straight-line and walking searches).
    pub compute: Duration,
    /// Writing every output.
    pub write: Duration,
}

/// A finished report.
#[derive(Debug)]
pub struct Report {
    /// The totals.
    pub summary: Summary,
    /// Stage timings.
    pub timings: Timings,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// A city ready to evaluate: its manifest, policy and loaded layers.
pub struct City {
    /// The manifest.
    pub manifest: Manifest,
    /// The policy (the manifest's, or the built-in default).
    pub policy: Policy,
    /// The loaded layers.
    pub loaded: Loaded,
}

/// Reads a manifest, its policy and every input (the streets when `with_streets`), checking
/// that every kind the policy requires has a layer.
pub fn load_city(
    manifest_path: &Path,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<City, ReportError> {
    let manifest = Manifest::load(manifest_path).map_err(|e| ReportError::Config(e.to_string()))?;
    load_city_from(manifest, manifest_path, skip_invalid, with_streets)
}

/// Like [`load_city`], for a manifest already read from `manifest_path`.
pub fn load_city_from(
    manifest: Manifest,
    manifest_path: &Path,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<City, ReportError> {
    let policy = manifest
        .load_policy(manifest_path)
        .map_err(|e| ReportError::Config(e.to_string()))?;
    let loaded = input::load(&manifest, skip_invalid, with_streets).map_err(ReportError::Input)?;
    Ok(City {
        manifest,
        policy,
        loaded,
    })
}

/// The distance mode a report on `manifest` uses: the requested one, or `both` when the
/// manifest has streets and `straight` otherwise. Walking needs streets.
pub fn distance_mode(
    manifest: &Manifest,
    requested: Option<DistanceMode>,
) -> Result<DistanceMode, String> {
    match (requested, manifest.streets.is_some()) {
        (Some(mode), false) if mode.walks() => Err(format!(
            "--distance {} needs a [streets] layer in the city manifest",
            format!("{mode:?}").to_lowercase()
        )),
        (Some(mode), _) => Ok(mode),
        (None, true) => Ok(DistanceMode::Both),
        (None, false) => Ok(DistanceMode::Straight),
    }
}

/// The index of the circle named `view` (the first circle when `None`).
fn view_circle_index(policy: &Policy, view: Option<&str>) -> Result<usize, ReportError> {
    let Some(name) = view else { return Ok(0) };
    policy
        .circles
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| {
            let circles: Vec<&str> = policy.circles.iter().map(|c| c.name.as_str()).collect();
            ReportError::Config(format!(
                "--view {name}: the policy has no such circle; its circles are: {}",
                circles.join(", ")
            ))
        })
}

/// New sites for every requirement of circle `circle` (none when `count` is 0), from the
/// centroids of the blocks that fail it, greedily without the exact optimum.
fn suggested_sites(
    evaluated: &EvaluatedCity,
    circle: usize,
    count: usize,
) -> Result<Vec<Suggestion>, ReportError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    (0..evaluated.city.policy.circles[circle].requires.len())
        .map(|requirement| {
            let request = SiteRequest {
                circle,
                requirement,
                candidates: None,
                count,
                capacity: None,
                exact: false,
            };
            suggest_for(evaluated, &request)
        })
        .collect()
}

/// What the overview map of circle `circle` draws (titled `title`, `met` saying which blocks
/// meet it), every geometry in the plane's metres: the blocks, the facility layers, the
/// circle's gap zones and the suggested sites with their ranks.
fn overview_map<'a>(
    title: String,
    circle: &str,
    met: &'a [bool],
    dataset: &'a Dataset,
    plane: &'a Plane,
    zones: &[RankedZone],
    suggestions: &[Suggestion],
) -> MapData<'a> {
    let project = |c: Coord<f64>| {
        let (x, y) = plane.projection.project(c.x, c.y);
        Coord { x, y }
    };
    MapData {
        title,
        outlines: &plane.block_outlines,
        centroids: &plane.block_centroids,
        elderly: &dataset.blocks.elderly,
        met,
        layers: dataset
            .layers
            .iter()
            .zip(&plane.layer_locations)
            .map(|(layer, locations)| MapLayer {
                kind: &layer.kind,
                locations,
            })
            .collect(),
        gaps: zones
            .iter()
            .filter(|z| z.circle == circle)
            .map(|z| {
                let mut outline = z.outline.clone();
                plane.projection.project_geometry(&mut outline);
                outline
            })
            .collect(),
        sites: suggestions
            .iter()
            .flat_map(|s| {
                s.choices.iter().enumerate().map(|(i, choice)| {
                    (
                        project(s.candidates[choice.candidate as usize].position),
                        i + 1,
                    )
                })
            })
            .collect(),
    }
}

/// Runs the report on a city manifest and writes its outputs into `out_dir`.
pub fn run_report(
    manifest_path: &Path,
    out_dir: &Path,
    options: &ReportOptions,
) -> Result<Report, ReportError> {
    let started = Instant::now();
    let manifest = Manifest::load(manifest_path).map_err(|e| ReportError::Config(e.to_string()))?;
    let mode = distance_mode(&manifest, options.distance).map_err(ReportError::Config)?;
    if options.service_areas && !mode.walks() {
        return Err(ReportError::Config(
            "--service-areas needs walking distances: a [streets] layer and --distance network or both".into(),
        ));
    }
    let progress = Progress::new(options.progress);
    progress.stage("reading inputs");
    let city = load_city_from(manifest, manifest_path, options.skip_invalid, mode.walks())?;
    let view_index = view_circle_index(&city.policy, options.view.as_deref())?;
    let view_circle = city.policy.circles[view_index].name.as_str();
    let plane = Plane::new(&city.loaded.dataset).map_err(ReportError::Config)?;
    let mut timings = Timings {
        read: started.elapsed(),
        ..Timings::default()
    };

    progress.stage("building the street graph and snapping");
    let walk = WalkNetwork::for_city(&city.manifest, &city.policy, &plane, mode);
    if let Some(network) = &walk {
        timings.network_build = network.build_time;
        timings.snap = network.snap_time;
    }

    let started = Instant::now();
    progress.stage("evaluating coverage");
    let dataset = &city.loaded.dataset;
    let coverage = evaluate(
        &city.policy,
        dataset,
        &plane,
        options.measure,
        walk.as_ref(),
    )
    .map_err(ReportError::Config)?;
    let unreachable = walk
        .as_ref()
        .map(|w| w.unreachable(dataset))
        .unwrap_or_default();
    progress.stage("finding gap zones, referral chains and capacity");
    let zones = ranked_gap_zones(&city.policy, dataset, &plane, &coverage);
    let shares = (options.measure == Measure::Area)
        .then(|| area_shares(&city.policy, dataset, &plane, &coverage));
    let referrals = check_referrals(&city.policy, dataset, &plane, walk.as_ref())
        .map_err(ReportError::Config)?;
    let capacity = evaluate_capacity(&city.policy, dataset, &plane, walk.as_ref())
        .map_err(ReportError::Config)?;
    if options.sites > 0 {
        progress.stage("suggesting sites");
    }
    let evaluated = EvaluatedCity {
        city: &city,
        plane: &plane,
        walk: walk.as_ref(),
        coverage: &coverage,
    };
    let suggested_sites = suggested_sites(&evaluated, view_index, options.sites)?;
    let summary = Summary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        measure: options.measure,
        distance: mode,
        network: walk.as_ref().map(|w| w.summary(&unreachable)),
        circles: circle_summaries(
            &city.policy,
            &dataset.blocks,
            &coverage,
            &capacity,
            shares.as_deref(),
        ),
        referrals: referrals.iter().map(|r| r.summary(&city.policy)).collect(),
        top_gap_zones: zones
            .iter()
            .filter(|z| z.rank <= TOP_ZONES)
            .map(RankedZone::summary)
            .collect(),
        inputs: city.loaded.inputs.iter().map(Into::into).collect(),
        skipped_features: city.loaded.skipped.len(),
        warnings: city.loaded.warnings.clone(),
        suggested_sites: suggested_sites.iter().map(Suggestion::summary).collect(),
    };
    let table = BlockTable::new(
        &city.policy,
        &dataset.blocks,
        &coverage,
        walk.as_ref(),
        mode,
        &capacity,
        shares.as_deref(),
    );
    timings.compute = started.elapsed();

    let started = Instant::now();
    progress.stage("writing outputs");
    create_output_dir(out_dir)?;
    let mut inputs = city.manifest.input_files();
    inputs.push(manifest_path);
    let protected = ProtectedInputs::new(inputs);
    let file = |name: &str| out_dir.join(name);
    let coverage_csv = file("coverage.csv");
    let (summary_json, summary_csv) = (file("summary.json"), file("summary.csv"));
    let skipped_csv = options.skip_invalid.then(|| file("skipped.csv"));
    let off_network_csv = walk.as_ref().map(|_| file("off_network.csv"));
    let facilities_csv = (!capacity.is_empty()).then(|| file("facilities.csv"));
    let referrals_csv = (!referrals.is_empty()).then(|| file("referrals.csv"));
    let view = format!("{view_circle}_met");
    let circles: Vec<&str> = city
        .policy
        .circles
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let gaps = GapLayer::new(&zones);
    let facilities = FacilitiesLayer::new(&city.policy, dataset, &capacity);
    let kinds: Vec<&str> = dataset.layers.iter().map(|l| l.kind.as_str()).collect();
    let service_areas = walk
        .as_ref()
        .filter(|_| options.service_areas)
        .map(|network| ServiceAreaLayer::new(&city.policy, dataset, &plane, network));
    let mut layers = vec![
        StyledLayer::new(&table, |fields| blocks_style(&view, fields))?,
        StyledLayer::new(&gaps, |fields| gaps_style(&circles, fields))?,
        StyledLayer::new(&facilities, |fields| facilities_style(&kinds, fields))?,
    ];
    if let Some(layer) = &service_areas {
        let reach = city.policy.largest_reach_m();
        layers.push(StyledLayer::new(layer, |fields| {
            service_areas_style(reach, fields)
        })?);
    }
    // Suggested sites, when any site newly covers someone (an empty layer has no geometry).
    let sites = SiteLayer::new(&suggested_sites);
    if !sites.is_empty() {
        let site_kinds: Vec<&str> = suggested_sites.iter().map(|s| s.kind.as_str()).collect();
        layers.push(StyledLayer::new(&sites, |fields| {
            sites_style(&site_kinds, fields)
        })?);
    }
    let (map_svg, map_png) = (file("map.svg"), file("map.png"));
    let report_html = file("report.html");
    let mut files = options.format.layer_files(out_dir, GEOPACKAGE, &layers);
    files.extend([
        coverage_csv.clone(),
        map_svg.clone(),
        map_png.clone(),
        report_html.clone(),
        summary_json.clone(),
        summary_csv.clone(),
    ]);
    files.extend(skipped_csv.iter().cloned());
    files.extend(off_network_csv.iter().cloned());
    files.extend(facilities_csv.iter().cloned());
    files.extend(referrals_csv.iter().cloned());
    // Check every target before writing any, so a refused run writes nothing.
    for f in &files {
        protected.check(f)?;
    }
    match options.format {
        OutputFormat::Geojson => {
            // Blocks and coverage.csv in one pass, then the other layers.
            let [blocks_geojson, blocks_qml] = layers[0].geojson_files(out_dir);
            write_block_outputs(Some(&blocks_geojson), &coverage_csv, &protected, &table)?;
            write_style(&blocks_qml, &protected, &layers[0].style)?;
            write_geojson_layers(out_dir, &protected, &layers[1..])?;
        }
        OutputFormat::Gpkg => {
            write_block_outputs(None, &coverage_csv, &protected, &table)?;
            write_geopackage(&file(GEOPACKAGE), &protected, &layers)?;
        }
    }
    let map = overview_map(
        map_title(&summary.circles[view_index], mode.walks()),
        view_circle,
        &coverage.circles[view_index].met,
        dataset,
        &plane,
        &zones,
        &suggested_sites,
    );
    let svg = write_map(&map_svg, &map_png, &protected, &map)?;
    write_summary_json(&summary_json, &protected, &summary)?;
    write_summary_csv(&summary_csv, &protected, &summary)?;
    if let Some(path) = &skipped_csv {
        write_skipped_csv(path, &protected, &city.loaded.skipped)?;
    }
    if let Some(path) = &referrals_csv {
        write_referrals_csv(path, &protected, &city.policy, &referrals)?;
    }
    if let Some(path) = &facilities_csv {
        write_facilities_csv(path, &protected, &city.policy, dataset, &capacity)?;
    }
    if let Some(path) = &off_network_csv {
        write_off_network_csv(path, &protected, &unreachable)?;
    }
    let page = Page {
        name: &city.manifest.city_name(manifest_path),
        command: &options.command,
        policy: &city.policy,
        measure: options.measure,
        distance: mode,
        summary: &summary,
        view_circle,
        map_svg: Some(&svg),
        files: files
            .iter()
            .filter(|f| **f != report_html)
            .filter_map(|f| Some(f.file_name()?.to_string_lossy().into_owned()))
            .collect(),
    };
    write_report_html(&report_html, &protected, &page)?;
    timings.write = started.elapsed();
    Ok(Report {
        summary,
        timings,
        files,
    })
}
