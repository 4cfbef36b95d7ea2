//! The command line's arguments: clap types only, each converted into the library's options.

use carecircle::analysis::coverage::{DistanceMode, Measure};
use carecircle::commands::report::ReportOptions;
use carecircle::commands::site::SiteOptions;
use carecircle::lang::Lang;
use carecircle::output::layer::OutputFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Coverage and gaps of 15-minute elderly-care service circles.
#[derive(Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    // The subcommand (a doc comment here would become clap help text).
    #[command(subcommand)]
    pub command: Command,
}

// The subcommands; each variant's doc comment is its help text.
#[derive(Subcommand)]
pub enum Command {
    /// Evaluate a city's coverage and write its layers (blocks, gaps, facilities), coverage.csv,
    /// summaries and a map.
    Report(ReportArgs),
    /// Write the built-in synthetic city into OUT/input and report on it into OUT, suggesting
    /// three new sites for each requirement of the first circle.
    Demo {
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
        /// Number of blocks in the synthetic city (1 to 10,000,000).
        #[arg(long, default_value_t = 5_000, value_parser = synth_blocks)]
        blocks: usize,
        /// How to write the layers (as for `report`).
        #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
        format: FormatArg,
        #[command(flatten)]
        force: ForceArg,
    },
    /// Generate a deterministic synthetic city (layers and city.toml).
    Synth {
        /// Number of housing blocks (1 to 10,000,000).
        #[arg(long, value_parser = synth_blocks)]
        blocks: usize,
        /// Random seed; the same seed and size give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: ForceArg,
    },
    /// Suggest new sites of one kind that would newly cover the most elderly people.
    Site(SiteArgs),
    /// Compare two reports of one city (before and after a change, such as `report --add`):
    /// per circle and requirement the change, and the blocks newly covered or lost.
    Compare {
        /// The report folder before.
        before: PathBuf,
        /// The report folder after.
        after: PathBuf,
        /// The folder to write compare.csv, the changes layer and compare.html into.
        #[arg(long)]
        out: PathBuf,
        /// Start compare.csv with a UTF-8 byte-order mark (as `report --csv-bom`).
        #[arg(long)]
        csv_bom: bool,
    },
    /// Validate every input of a city and print every problem, computing nothing.
    Check {
        /// The city manifest (TOML).
        city: PathBuf,
    },
    /// Print the built-in default policy as TOML, to copy and edit, or a ready template.
    Policy {
        /// List the ready policy templates (name, standard, description) and exit.
        #[arg(long, conflicts_with = "template")]
        list: bool,
        /// Print this template (see --list) instead of the default policy.
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
    },
    /// Convert an OpenStreetMap extract (.osm.pbf) into a city folder with city.toml.
    Osm {
        /// The OpenStreetMap extract (.osm.pbf).
        #[arg(required_unless_present = "print_mapping")]
        extract: Option<PathBuf>,
        /// The folder to write the city into (created if missing).
        #[arg(long, required_unless_present = "print_mapping")]
        out: Option<PathBuf>,
        /// A mapping file (TOML) overriding the default tag mapping and population assumptions.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Spread this many elderly people over the residential buildings by floor area.
        #[arg(long)]
        elderly_total: Option<f64>,
        /// Spread this many residents over the residential buildings by floor area.
        #[arg(long)]
        residents_total: Option<f64>,
        #[command(flatten)]
        boundary: BoundaryArgs,
        #[command(flatten)]
        force: ForceArg,
        /// Print the default mapping as TOML, to copy and edit, and exit.
        #[arg(long, exclusive = true)]
        print_mapping: bool,
    },
}

/// `carecircle osm`'s boundary: the city is clipped to it.
#[derive(Args, Clone)]
pub struct BoundaryArgs {
    /// Clip the city to this boundary (GeoJSON Polygon or MultiPolygon in WGS 84, or a
    /// FeatureCollection of them, taken as their union): blocks whose centroid lies inside
    /// it, facilities and streets up to --boundary-margin-m beyond it.
    #[arg(
        long,
        value_name = "FILE.geojson",
        conflicts_with = "boundary_relation"
    )]
    pub boundary: Option<PathBuf>,
    /// Clip the city to this administrative boundary relation of the extract (its OSM id),
    /// as --boundary does.
    #[arg(long, value_name = "ID")]
    pub boundary_relation: Option<i64>,
    /// How far beyond the boundary facilities and streets are kept, metres: at least the
    /// policy's largest reach, so that places near the border are served by facilities across
    /// it and walks may leave the city and come back.
    #[arg(long, value_name = "METRES", default_value_t = carecircle::osm::clip::DEFAULT_MARGIN_M)]
    pub boundary_margin_m: f64,
}

/// `--force` of the subcommands that write a city folder (`synth`, `demo`, `osm`).
#[derive(Args, Clone, Copy)]
pub struct ForceArg {
    /// Write even when the output folder holds files carecircle did not write there, or that
    /// were edited since (such as a hand-edited policy.toml): the files this command writes
    /// are overwritten, other files are left alone. Without it such a folder is refused
    /// before anything is written.
    #[arg(long)]
    pub force: bool,
}

/// `carecircle report`'s arguments.
#[derive(Args)]
pub struct ReportArgs {
    /// The city manifest (TOML).
    pub city: PathBuf,
    /// The folder to write into (created if missing; inputs are never overwritten).
    #[arg(long)]
    pub out: PathBuf,
    /// Measure distances from block outlines (walks start at the streets along them) or
    /// from block centroids (walks start at the street nearest the centroid).
    #[arg(long, value_enum, default_value_t = MeasureArg::Edge)]
    pub measure: MeasureArg,
    /// Straight-line, walking-network or both [default: both when the manifest has
    /// streets, straight otherwise].
    #[arg(long, value_enum)]
    pub distance: Option<DistanceArg>,
    /// Skip invalid features, listing them in skipped.csv, instead of failing.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Also write the service_areas layer: each facility's walkable street segments.
    #[arg(long)]
    pub service_areas: bool,
    /// How to write the layers: geojson writes <layer>.geojson with its QGIS style
    /// <layer>.qml beside it; gpkg writes every layer into one carecircle.gpkg (GeoPackage,
    /// with spatial indexes and the styles embedded as each layer's default).
    #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
    pub format: FormatArg,
    /// The circle the QGIS block style and the map colour by [default: the policy's first
    /// circle].
    #[arg(long)]
    pub view: Option<String>,
    /// Suggest this many new sites for each requirement of the view circle, from the
    /// centroids of the blocks that fail it (written to sites.geojson).
    #[arg(long, default_value_t = 0)]
    pub sites: usize,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout instead of the tables (for scripts).
    #[arg(long)]
    pub json: bool,
    /// Start every CSV file with a UTF-8 byte-order mark, so that a spreadsheet in a
    /// Chinese locale (which reads a CSV without one as GBK) shows the names right.
    #[arg(long)]
    pub csv_bom: bool,
    /// What if: add the facilities of FILE (GeoJSON or CSV, such as a `site` run's
    /// sites.geojson) to layer KIND for this run, without editing the city's files;
    /// repeatable. Features whose `kind` property names another kind are left out.
    #[arg(long, value_name = "KIND=FILE", value_parser = kind_and_file)]
    pub add: Vec<(String, PathBuf)>,
    /// The language of the terminal's tables and lines and the map's words: en or zh (Chinese, whose CSV files
    /// also start with a byte-order mark) [default: the manifest's `lang`, else en].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

/// `--lang`: the language people read.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl From<LangArg> for Lang {
    fn from(lang: LangArg) -> Lang {
        match lang {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

/// `KIND=FILE` of `--add`.
fn kind_and_file(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((kind, file)) if !kind.is_empty() && !file.is_empty() => {
            Ok((kind.to_string(), PathBuf::from(file)))
        }
        _ => Err(format!(
            "expected KIND=FILE, such as care_bed=sites.geojson, not `{text}`"
        )),
    }
}

impl ReportArgs {
    /// The report's options; `command` is this run's command line.
    pub fn options(&self, command: Vec<String>) -> ReportOptions {
        ReportOptions {
            measure: self.measure.into(),
            distance: self.distance.map(Into::into),
            skip_invalid: self.skip_invalid,
            service_areas: self.service_areas,
            format: self.format.into(),
            progress: !self.quiet,
            view: self.view.clone(),
            sites: self.sites,
            command,
            csv_bom: self.csv_bom,
            add: self.add.clone(),
            lang: self.lang.map(Into::into),
        }
    }
}

/// `carecircle site`'s arguments.
#[derive(Args)]
pub struct SiteArgs {
    /// The city manifest (TOML).
    pub city: PathBuf,
    /// The circle whose requirement the new sites should meet.
    #[arg(long)]
    pub circle: String,
    /// The facility kind to add (a requirement of the circle).
    #[arg(long)]
    pub kind: String,
    /// How many sites to choose.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// A manifest layer or a GeoJSON/CSV file of candidate sites [default: the centroids
    /// of the uncovered blocks].
    #[arg(long)]
    pub candidates: Option<String>,
    /// Most elderly people one new site may count.
    #[arg(long)]
    pub capacity: Option<f64>,
    /// Straight-line or walking reach [default: walking when the manifest has streets].
    #[arg(long, value_enum)]
    pub distance: Option<DistanceArg>,
    /// The folder to write the sites layer and sites.csv into.
    #[arg(long)]
    pub out: PathBuf,
    /// How to write the sites layer: geojson writes sites.geojson and its QGIS style
    /// sites.qml; gpkg writes sites.gpkg (GeoPackage, the style embedded). sites.csv either
    /// way.
    #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
    pub format: FormatArg,
    /// Start sites.csv with a UTF-8 byte-order mark, so that a spreadsheet in a Chinese
    /// locale reads its names right.
    #[arg(long)]
    pub csv_bom: bool,
}

impl SiteArgs {
    /// The site search's options.
    pub fn options(&self) -> SiteOptions {
        SiteOptions {
            circle: self.circle.clone(),
            kind: self.kind.clone(),
            count: self.count,
            candidates: self.candidates.clone(),
            capacity: self.capacity,
            distance: self.distance.map(Into::into),
        }
    }
}

/// `--measure`: where distances are measured from.
#[derive(Clone, Copy, ValueEnum)]
pub enum MeasureArg {
    /// From the block's centroid; walks start at the street nearest it.
    Centroid,
    /// From the block's outline (0 when the facility is inside the block); walks start at
    /// the streets along it.
    Edge,
    /// Straight lines from the centroid, walks from the outline, and the share of each
    /// block's area within reach.
    Area,
}

impl From<MeasureArg> for Measure {
    fn from(arg: MeasureArg) -> Measure {
        match arg {
            MeasureArg::Centroid => Measure::Centroid,
            MeasureArg::Edge => Measure::Edge,
            MeasureArg::Area => Measure::Area,
        }
    }
}

/// `--distance`: which distances decide and are shown.
#[derive(Clone, Copy, ValueEnum)]
pub enum DistanceArg {
    /// Straight-line distances only.
    Straight,
    /// Walking distances over the street network decide; straight-line figures are not shown.
    Network,
    /// Walking distances decide; straight-line figures are shown beside them.
    Both,
}

impl From<DistanceArg> for DistanceMode {
    fn from(arg: DistanceArg) -> DistanceMode {
        match arg {
            DistanceArg::Straight => DistanceMode::Straight,
            DistanceArg::Network => DistanceMode::Network,
            DistanceArg::Both => DistanceMode::Both,
        }
    }
}

/// `--format`: how layers are written.
#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// A `.geojson` file per layer, its QGIS style (`.qml`) beside it.
    Geojson,
    /// One GeoPackage holding every layer, the styles embedded.
    Gpkg,
}

impl From<FormatArg> for OutputFormat {
    fn from(arg: FormatArg) -> OutputFormat {
        match arg {
            FormatArg::Geojson => OutputFormat::Geojson,
            FormatArg::Gpkg => OutputFormat::Gpkg,
        }
    }
}

/// The largest synthetic city: ten times the 1,000,000-block benchmark city.
pub const MAX_SYNTH_BLOCKS: usize = 10_000_000;

/// A synthetic city's number of blocks: from 1 to [`MAX_SYNTH_BLOCKS`].
fn synth_blocks(text: &str) -> anyhow::Result<usize> {
    let blocks: usize = text
        .parse()
        .map_err(|_| anyhow::anyhow!("`{text}` is not a whole number"))?;
    if !(1..=MAX_SYNTH_BLOCKS).contains(&blocks) {
        anyhow::bail!(
            "must be from 1 to {} (got {text})",
            carecircle::format::thousands(MAX_SYNTH_BLOCKS as f64)
        );
    }
    Ok(blocks)
}
