//! The report: read a city, analyse it, plan the output folder, write every output.

use crate::analysis::coverage::{DistanceMode, Measure};
use crate::analysis::pipeline::{analyse, Analysis, AnalysisOptions};
use crate::analysis::plane::Plane;
use crate::analysis::requirements::circle_index;
use crate::analysis::summary::Summary;
use crate::analysis::AnalysisError;
use crate::commands::load::{
    distance_mode, load_city_from, load_manifest, study, City, NetworkTimings,
};
use crate::dataset::Blocks;
use crate::error::Error;
use crate::lang::Lang;
use crate::output::block_table::BlockTable;
use crate::output::blocks::write_block_outputs;
use crate::output::csv_file::CsvTarget;
use crate::output::facilities::{write_facilities_csv, FacilitiesLayer};
use crate::output::features::write_geojson_layers;
use crate::output::folder::{OutputFolder, WrittenSet};
use crate::output::gaps::GapLayer;
use crate::output::gpkg::write_geopackage;
use crate::output::html::{write_report_html, DataNotes, Page};
use crate::output::layer::{Layer, OutputFormat, StyledLayer};
use crate::output::map::{map_title, write_map, MapData, MapLayer, MapSite, MapZone};
use crate::output::network::write_off_network_csv;
use crate::output::referrals::write_referrals_csv;
use crate::output::service_areas::ServiceAreaLayer;
use crate::output::sites::SiteLayer;
use crate::output::style::{
    blocks_style, facilities_style, gaps_style, service_areas_style, sites_style, write_style,
};
use crate::output::summary::{write_skipped_csv, write_summary_csv, write_summary_json};
use crate::progress::Progress;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use crate::analysis::pipeline::TOP_ZONES;

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
    /// Start every CSV file with a UTF-8 byte-order mark, for spreadsheets in a Chinese
    /// locale (which read a CSV without one as GBK).
    pub csv_bom: bool,
    /// The language of what people read (the terminal's lines, the map); the manifest's `lang`, else
    /// English, when `None`. Chinese CSV files start with a byte-order mark.
    pub lang: Option<Lang>,
    /// What-if facilities: each file's facilities added to the layer of the kind (see
    /// [`crate::config::LayerSource::added_source`]).
    pub add: Vec<(String, PathBuf)>,
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
    /// Analysing the city (straight-line and walking searches, zones, capacity, sites,
    /// service areas).
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
    /// The files written, and those of an earlier report removed.
    pub written: WrittenSet,
    /// Warnings about this machine rather than the city (no font for the map's CJK text):
    /// printed, but in neither `summary.json` nor [`Report::summary`].
    pub machine_warnings: Vec<String>,
    /// The language it was written in.
    pub lang: Lang,
}

impl ReportOptions {
    /// The report's language: `--lang`, else the manifest's `lang`, else English.
    pub fn lang(&self, manifest: &crate::config::Manifest) -> Lang {
        self.lang.or(manifest.lang).unwrap_or_default()
    }
}

/// Reads the manifest, checks what the options ask of it, and loads the city; returns the
/// city with its distance mode and view circle.
fn read_city(
    manifest_path: &Path,
    options: &ReportOptions,
) -> Result<(City, DistanceMode, usize), Error> {
    let mut manifest = load_manifest(manifest_path)?;
    for (kind, file) in &options.add {
        let file = std::path::absolute(file)?;
        if manifest.add_facilities(kind, file).is_none() {
            let kinds = manifest.layers.keys().cloned().collect();
            let kind = kind.clone();
            return Err(AnalysisError::UnknownLayer { kind, kinds }.into());
        }
    }
    let mode = distance_mode(&manifest, options.distance)?;
    if options.service_areas && !mode.walks() {
        return Err(AnalysisError::ServiceAreasNeedWalking.into());
    }
    let city = load_city_from(manifest, manifest_path, options.skip_invalid, mode.walks())?;
    let view = match options.view.as_deref() {
        Some(name) => circle_index(&city.policy, name)?,
        None => 0,
    };
    Ok((city, mode, view))
}

/// Runs the report on a city manifest and writes its outputs into `out_dir`.
pub fn run_report(
    manifest_path: &Path,
    out_dir: &Path,
    options: &ReportOptions,
) -> Result<Report, Error> {
    let started = Instant::now();
    let progress = Progress::new(options.progress);
    progress.stage("reading inputs");
    let (city, mode, view) = read_city(manifest_path, options)?;
    let folder = output_folder(&city, manifest_path, out_dir)?;
    let plane = Plane::new(&city.loaded.dataset)?;
    let read = started.elapsed();
    progress.stage("building the street graph and snapping");
    let mut network = NetworkTimings::default();
    let study = study(&city, &plane, mode, options.measure, &mut network)?;
    let started = Instant::now();
    let analysis_options = AnalysisOptions {
        measure: options.measure,
        view,
        sites: options.sites,
        service_areas: options.service_areas,
    };
    let analysis = analyse(study, &city.loaded, analysis_options, &progress)?;
    let table = BlockTable::new(&analysis);
    let compute = started.elapsed();
    let started = Instant::now();
    progress.stage("writing outputs");
    let (written, machine_warnings) =
        write_report(folder, &analysis, &table, &city, manifest_path, options)?;
    Ok(Report {
        timings: Timings {
            read,
            network_build: network.build,
            snap: network.snap,
            compute,
            write: started.elapsed(),
        },
        summary: analysis.summary,
        written,
        machine_warnings,
        lang: options.lang(&city.manifest),
    })
}

/// The styled layers of a report: blocks, gaps, facilities, then service areas and sites
/// when there are some.
fn layers<'a>(
    analysis: &'a Analysis<'a>,
    table: &'a BlockTable<'a>,
    parts: &'a LayerParts<'a>,
) -> std::io::Result<Vec<StyledLayer<'a>>> {
    let study = &analysis.study;
    let policy = study.policy;
    let view_circle = &policy.circles[analysis.options.view].name;
    let view = format!("{view_circle}_met");
    let circles: Vec<&str> = policy.circles.iter().map(|c| c.name.as_str()).collect();
    let kinds: Vec<&str> = study
        .dataset
        .layers
        .iter()
        .map(|l| l.kind.as_str())
        .collect();
    let mut layers = vec![
        StyledLayer::new(table, |fields| blocks_style(&view, fields))?,
        StyledLayer::new(&parts.gaps, |fields| {
            gaps_style(&circles, view_circle, fields)
        })?,
        StyledLayer::new(&parts.facilities, |fields| facilities_style(&kinds, fields))?,
    ];
    if let Some(layer) = &parts.service_areas {
        let reach = policy.largest_reach_m();
        layers.push(StyledLayer::new(layer, |fields| {
            service_areas_style(reach, fields)
        })?);
    }
    // Suggested sites, when any site newly covers someone (an empty layer has no geometry).
    if !parts.sites.is_empty() {
        let site_kinds: Vec<&str> = analysis
            .suggestions
            .iter()
            .map(|s| s.kind.as_str())
            .collect();
        layers.push(StyledLayer::new(&parts.sites, |fields| {
            sites_style(&site_kinds, fields)
        })?);
    }
    Ok(layers)
}

/// The layers besides the blocks, built from an analysis.
struct LayerParts<'a> {
    gaps: GapLayer<'a>,
    facilities: FacilitiesLayer<'a>,
    service_areas: Option<ServiceAreaLayer<'a>>,
    sites: SiteLayer<'a>,
}

impl<'a> LayerParts<'a> {
    fn new(analysis: &'a Analysis<'a>) -> LayerParts<'a> {
        let study = &analysis.study;
        let projection = &study.plane.projection;
        LayerParts {
            gaps: GapLayer::new(&analysis.zones, projection),
            facilities: FacilitiesLayer::new(
                &study.requirements,
                study.dataset,
                &analysis.capacity,
            ),
            service_areas: analysis
                .service_areas
                .as_deref()
                .map(|pieces| ServiceAreaLayer::new(&study.requirements, pieces, projection)),
            sites: SiteLayer::new(&analysis.suggestions, projection),
        }
    }
}

/// The report's files besides the layers, planned in the folder.
struct Tables {
    coverage_csv: PathBuf,
    map_svg: PathBuf,
    map_png: PathBuf,
    report_html: PathBuf,
    summary_json: PathBuf,
    summary_csv: PathBuf,
    skipped_csv: Option<PathBuf>,
    off_network_csv: Option<PathBuf>,
    facilities_csv: Option<PathBuf>,
    referrals_csv: Option<PathBuf>,
    /// Whether every CSV file starts with a UTF-8 byte-order mark (`--csv-bom`).
    csv_bom: bool,
}

impl Tables {
    fn plan(
        folder: &mut OutputFolder,
        analysis: &Analysis,
        options: &ReportOptions,
        lang: Lang,
    ) -> Tables {
        let mut maybe = |wanted: bool, name: &str| wanted.then(|| folder.plan(name));
        let [coverage_csv, map_svg, map_png, report_html, summary_json, summary_csv] = [
            "coverage.csv",
            "map.svg",
            "map.png",
            "report.html",
            "summary.json",
            "summary.csv",
        ]
        .map(|name| maybe(true, name).expect("always planned"));
        Tables {
            coverage_csv,
            map_svg,
            map_png,
            report_html,
            summary_json,
            summary_csv,
            skipped_csv: maybe(options.skip_invalid, "skipped.csv"),
            off_network_csv: maybe(analysis.study.models.walk().is_some(), "off_network.csv"),
            facilities_csv: maybe(!analysis.capacity.is_empty(), "facilities.csv"),
            referrals_csv: maybe(!analysis.referrals.is_empty(), "referrals.csv"),
            csv_bom: options.csv_bom || lang.csv_bom(),
        }
    }

    /// The CSV file at `path`, one of these.
    fn csv<'a>(&self, path: &'a Path) -> CsvTarget<'a> {
        CsvTarget {
            path,
            bom: self.csv_bom,
        }
    }
}

/// Locks the output folder `out_dir` of a report on `city` for the run, its inputs (the
/// manifest's files and the manifest) protected.
pub fn output_folder(
    city: &City,
    manifest_path: &Path,
    out_dir: &Path,
) -> Result<OutputFolder, Error> {
    let inputs = city
        .manifest
        .input_files()
        .into_iter()
        .chain([manifest_path]);
    Ok(OutputFolder::create(out_dir, inputs, "report")?)
}

/// Plans and writes every output of an analysis (`table` is its block table,
/// [`BlockTable::new`]) in `options.format` into `folder` ([`output_folder`]), then moves them
/// into place as one set; returns what it wrote and removed, and the map's warnings (a font
/// missing for its text). Nothing is written when any target would overwrite one of the
/// city's inputs.
pub fn write_report(
    mut folder: OutputFolder,
    analysis: &Analysis,
    table: &BlockTable,
    city: &City,
    manifest_path: &Path,
    options: &ReportOptions,
) -> Result<(WrittenSet, Vec<String>), Error> {
    let parts = LayerParts::new(analysis);
    let layers = layers(analysis, table, &parts)?;
    let staged = folder.dir().to_path_buf();
    folder.plan_paths(options.format.layer_files(&staged, GEOPACKAGE, &layers));
    let tables = Tables::plan(&mut folder, analysis, options, options.lang(&city.manifest));
    // Check every target before writing any, so a refused run writes nothing.
    folder.check()?;
    write_layers(&folder, options.format, &layers, table, &tables)?;
    write_tables(&folder, analysis, city, &tables)?;
    let warnings = write_map_and_page(&folder, analysis, city, manifest_path, options, &tables)?;
    Ok((folder.commit()?, warnings))
}

/// Writes the layers (and `coverage.csv`, in one pass with the blocks).
fn write_layers(
    folder: &OutputFolder,
    format: OutputFormat,
    layers: &[StyledLayer],
    table: &BlockTable,
    tables: &Tables,
) -> std::io::Result<()> {
    let protected = folder.protected();
    let coverage_csv = tables.csv(&tables.coverage_csv);
    match format {
        OutputFormat::Geojson => {
            let [blocks_geojson, blocks_qml] = layers[0].geojson_files(folder.dir());
            write_block_outputs(Some(&blocks_geojson), coverage_csv, protected, table)?;
            write_style(&blocks_qml, protected, &layers[0].style)?;
            write_geojson_layers(folder.dir(), protected, &layers[1..])
        }
        OutputFormat::Gpkg => {
            write_block_outputs(None, coverage_csv, protected, table)?;
            write_geopackage(&folder.path(GEOPACKAGE), protected, layers)
        }
    }
}

/// Writes the summaries and the CSV tables.
fn write_tables(
    folder: &OutputFolder,
    analysis: &Analysis,
    city: &City,
    tables: &Tables,
) -> std::io::Result<()> {
    let (protected, summary) = (folder.protected(), &analysis.summary);
    let study = &analysis.study;
    write_summary_json(&tables.summary_json, protected, summary)?;
    write_summary_csv(tables.csv(&tables.summary_csv), protected, summary)?;
    if let Some(path) = &tables.skipped_csv {
        write_skipped_csv(tables.csv(path), protected, &city.loaded.skipped)?;
    }
    if let Some(path) = &tables.referrals_csv {
        let (policy, referrals) = (study.policy, &analysis.referrals);
        write_referrals_csv(tables.csv(path), protected, policy, referrals)?;
    }
    if let Some(path) = &tables.facilities_csv {
        let (requirements, capacity) = (&study.requirements, &analysis.capacity);
        write_facilities_csv(tables.csv(path), protected, requirements, capacity)?;
    }
    if let Some(path) = &tables.off_network_csv {
        write_off_network_csv(tables.csv(path), protected, &analysis.unreachable)?;
    }
    Ok(())
}

/// What the overview map of the view circle draws, every geometry in the plane's metres:
/// the blocks, the streets and barriers when walking, the facilities each of the circle's
/// requirements counts, the circle's gap zones and the suggested sites with their ranks.
fn overview_map<'a>(
    analysis: &'a Analysis<'a>,
    attribution: Option<&str>,
    lang: Lang,
) -> MapData<'a> {
    let study = &analysis.study;
    let (dataset, plane) = (study.dataset, study.plane);
    let view = analysis.options.view;
    let circle = &study.policy.circles[view].name;
    let walking = study.models.walk().is_some();
    MapData {
        title: map_title(&analysis.summary.circles[view], walking, lang),
        outlines: &plane.block_outlines,
        centroids: &plane.block_centroids,
        elderly: &dataset.blocks.elderly,
        met: &analysis.coverage.circles[view].met,
        streets: if walking { &plane.streets } else { &[] },
        barriers: if walking { &plane.barriers } else { &[] },
        layers: study
            .requirements
            .of_circle(view)
            .iter()
            .map(|r| MapLayer {
                kind: &r.requirement.kind,
                label: r.layer.label.as_deref(),
                filter: &r.requirement.filter,
                marker: r.layer_index,
                locations: plane.layer_locations[r.layer_index]
                    .iter()
                    .zip(&r.keep)
                    .filter(|(_, &keep)| keep)
                    .map(|(c, _)| *c)
                    .collect(),
            })
            .collect(),
        gaps: analysis
            .zones
            .iter()
            .filter(|z| &z.circle == circle)
            .map(|z| MapZone {
                outline: z.outline.clone(),
                rank: z.rank,
                elderly: z.elderly,
                place: first_place(&dataset.blocks, &z.members),
            })
            .collect(),
        // One suggestion per requirement of the view circle, in its order.
        sites: analysis
            .suggestions
            .iter()
            .enumerate()
            .flat_map(|(layer, s)| {
                s.chosen().enumerate().map(move |(i, c)| MapSite {
                    at: c.position_m,
                    rank: i + 1,
                    layer,
                })
            })
            .collect(),
        attribution: attribution.map(String::from),
        lang,
    }
}

/// The name of the named block with the most elderly among `members` (ties: the first).
fn first_place(blocks: &Blocks, members: &[u32]) -> Option<String> {
    members
        .iter()
        .filter_map(|&b| Some((blocks.elderly[b as usize], b, blocks.name(b as usize)?)))
        .min_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)))
        .map(|(_, _, name)| name.to_string())
}

/// Writes the map and `report.html`; returns the map's warnings.
fn write_map_and_page(
    folder: &OutputFolder,
    analysis: &Analysis,
    city: &City,
    manifest_path: &Path,
    options: &ReportOptions,
    tables: &Tables,
) -> std::io::Result<Vec<String>> {
    let protected = folder.protected();
    let lang = options.lang(&city.manifest);
    let map = overview_map(analysis, city.manifest.attribution.as_deref(), lang);
    let drawn = write_map(&tables.map_svg, &tables.map_png, protected, &map)?;
    let study = &analysis.study;
    let page = Page {
        name: &city.manifest.city_name(manifest_path),
        command: &options.command,
        policy: study.policy,
        measure: options.measure,
        distance: study.models.mode(),
        summary: &analysis.summary,
        view_circle: &study.policy.circles[analysis.options.view].name,
        map_svg: Some(&drawn.svg),
        files: folder
            .targets()
            .iter()
            .filter(|f| **f != tables.report_html)
            .filter_map(|f| Some(f.file_name()?.to_string_lossy().into_owned()))
            .collect(),
        data: DataNotes {
            source: city.manifest.source.as_deref(),
            attribution: city.manifest.attribution.as_deref(),
            population_note: city.manifest.population_note.as_deref(),
        },
    };
    write_report_html(&tables.report_html, protected, &page)?;
    Ok(drawn.warnings)
}
