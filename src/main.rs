//! The `carecircle` command line: argument parsing only; the work is in the library.

use anyhow::{bail, Context, Result};
use carecircle::analysis::coverage::{DistanceMode, Measure};
use carecircle::analysis::AnalysisError;
use carecircle::commands::check::check_city;
use carecircle::commands::report::{run_report, Report, ReportOptions};
use carecircle::commands::site::{suggest_sites, write_suggestion, SiteOptions};
use carecircle::config::policy::DEFAULT_POLICY_TOML;
use carecircle::input::Problem;
use carecircle::osm::mapping::{Mapping, DEFAULT_MAPPING_TOML};
use carecircle::osm::population::Totals;
use carecircle::osm::{convert, ConvertOptions};
use carecircle::output::format::{percent, thousands};
use carecircle::output::layer::OutputFormat;
use carecircle::output::summary::{
    capacity_lines, gap_zone_lines, referral_lines, sites_lines, summary_table,
};
use carecircle::synth::{write_city, SynthOptions};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Coverage and gaps of 15-minute elderly-care service circles.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a city's coverage and write its layers (blocks, gaps, facilities), coverage.csv,
    /// summaries and a map.
    Report {
        /// The city manifest (TOML).
        city: PathBuf,
        /// The folder to write into (created if missing; inputs are never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// Measure straight-line distances from block centroids or from block outlines.
        #[arg(long, value_enum, default_value_t = MeasureArg::Centroid)]
        measure: MeasureArg,
        /// Straight-line, walking-network or both [default: both when the manifest has
        /// streets, straight otherwise].
        #[arg(long, value_enum)]
        distance: Option<DistanceArg>,
        /// Skip invalid features, listing them in skipped.csv, instead of failing.
        #[arg(long)]
        skip_invalid: bool,
        /// Also write the service_areas layer: each facility's walkable street segments.
        #[arg(long)]
        service_areas: bool,
        /// How to write the layers: geojson writes <layer>.geojson with its QGIS style
        /// <layer>.qml beside it; gpkg writes every layer into one carecircle.gpkg (GeoPackage,
        /// with spatial indexes and the styles embedded as each layer's default).
        #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
        format: FormatArg,
        /// The circle the QGIS block style and the map colour by [default: the policy's first
        /// circle].
        #[arg(long)]
        view: Option<String>,
        /// Suggest this many new sites for each requirement of the view circle, from the
        /// centroids of the blocks that fail it (written to sites.geojson).
        #[arg(long, default_value_t = 0)]
        sites: usize,
        /// No progress on stderr.
        #[arg(long)]
        quiet: bool,
        /// Print the summary as JSON on stdout instead of the tables (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Write the built-in synthetic city into OUT/input and report on it into OUT, suggesting
    /// three new sites for each requirement of the first circle.
    Demo {
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
        /// Number of blocks in the synthetic city.
        #[arg(long, default_value_t = 5_000)]
        blocks: usize,
        /// How to write the layers (as for `report`).
        #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
        format: FormatArg,
    },
    /// Generate a deterministic synthetic city (layers and city.toml).
    Synth {
        /// Number of housing blocks.
        #[arg(long)]
        blocks: usize,
        /// Random seed; the same seed and size give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Suggest new sites of one kind that would newly cover the most elderly people.
    Site {
        /// The city manifest (TOML).
        city: PathBuf,
        /// The circle whose requirement the new sites should meet.
        #[arg(long)]
        circle: String,
        /// The facility kind to add (a requirement of the circle).
        #[arg(long)]
        kind: String,
        /// How many sites to choose.
        #[arg(long, default_value_t = 5)]
        count: usize,
        /// A manifest layer or a GeoJSON/CSV file of candidate sites [default: the centroids
        /// of the uncovered blocks].
        #[arg(long)]
        candidates: Option<String>,
        /// Most elderly people one new site may count.
        #[arg(long)]
        capacity: Option<f64>,
        /// Straight-line or walking reach [default: walking when the manifest has streets].
        #[arg(long, value_enum)]
        distance: Option<DistanceArg>,
        /// The folder to write the sites layer and sites.csv into.
        #[arg(long)]
        out: PathBuf,
        /// How to write the sites layer: geojson writes sites.geojson and its QGIS style
        /// sites.qml; gpkg writes sites.gpkg (GeoPackage, the style embedded). sites.csv either
        /// way.
        #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
        format: FormatArg,
    },
    /// Validate every input of a city and print every problem, computing nothing.
    Check {
        /// The city manifest (TOML).
        city: PathBuf,
    },
    /// Print the built-in default policy as TOML, to copy and edit.
    Policy,
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
        /// Print the default mapping as TOML, to copy and edit, and exit.
        #[arg(long, exclusive = true)]
        print_mapping: bool,
    },
}

/// `--measure`: where straight-line distances are measured from.
#[derive(Clone, Copy, ValueEnum)]
enum MeasureArg {
    /// From the block's centroid.
    Centroid,
    /// From the block's outline: 0 when the facility is inside the block.
    Edge,
    /// From the centroid, and also the share of each block's area within reach.
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
enum DistanceArg {
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
enum FormatArg {
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

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// This run's arguments, program first (for `report.html`).
fn command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Report {
            city,
            out,
            measure,
            distance,
            skip_invalid,
            service_areas,
            format,
            view,
            sites,
            quiet,
            json,
        } => report(
            &city,
            &out,
            &ReportOptions {
                measure: measure.into(),
                distance: distance.map(Into::into),
                skip_invalid,
                service_areas,
                format: format.into(),
                progress: !quiet,
                view,
                sites,
                command: command_line(),
            },
            json,
        ),
        Command::Demo {
            out,
            blocks,
            format,
        } => {
            let input = out.join("input");
            let synth = write_city(&input, &SynthOptions { blocks, seed: 1 })
                .with_context(|| format!("writing the demo city into {}", input.display()))?;
            eprintln!(
                "demo: wrote a synthetic city of {} blocks into {}",
                synth.blocks,
                input.display()
            );
            let options = ReportOptions {
                progress: true,
                sites: DEMO_SITES,
                format: format.into(),
                command: command_line(),
                ..ReportOptions::default()
            };
            report(&input.join("city.toml"), &out, &options, false)
        }
        Command::Synth { blocks, seed, out } => {
            if blocks == 0 {
                bail!("--blocks must be at least 1");
            }
            let synth = write_city(&out, &SynthOptions { blocks, seed })
                .with_context(|| format!("writing the synthetic city into {}", out.display()))?;
            println!(
                "wrote a synthetic city of {} blocks into {}",
                synth.blocks,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Site {
            city,
            circle,
            kind,
            count,
            candidates,
            capacity,
            distance,
            out,
            format,
        } => site(
            &city,
            &SiteOptions {
                circle,
                kind,
                count,
                candidates,
                capacity,
                distance: distance.map(Into::into),
            },
            &out,
            format.into(),
        ),
        Command::Check { city } => check(&city),
        Command::Policy => {
            print!("{DEFAULT_POLICY_TOML}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Osm {
            extract,
            out,
            mapping,
            elderly_total,
            residents_total,
            print_mapping,
        } => match (extract, out) {
            (Some(extract), Some(out)) if !print_mapping => osm(
                &extract,
                &out,
                mapping,
                Totals {
                    residents: residents_total,
                    elderly: elderly_total,
                },
            ),
            _ => {
                print!("{DEFAULT_MAPPING_TOML}");
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}

fn osm(
    extract: &Path,
    out: &Path,
    mapping_path: Option<PathBuf>,
    totals: Totals,
) -> Result<ExitCode> {
    for (flag, total) in [
        ("--residents-total", totals.residents),
        ("--elderly-total", totals.elderly),
    ] {
        if total.is_some_and(|t| !(t.is_finite() && t >= 0.0)) {
            bail!("{flag} must be a number of people, 0 or more");
        }
    }
    let mapping = match &mapping_path {
        Some(path) => Mapping::load(path).map_err(anyhow::Error::msg)?,
        None => Mapping::default_mapping(),
    };
    let options = ConvertOptions {
        mapping,
        mapping_path,
        totals,
    };
    let conversion = convert(extract, out, &options)?;
    for w in &conversion.warnings {
        eprintln!("warning: {w}");
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

/// New sites the demo suggests per requirement of the first circle.
const DEMO_SITES: usize = 3;

/// Problems printed before the rest are only counted.
const PROBLEMS_SHOWN: usize = 50;

fn print_problems(problems: &[Problem], limit: usize) {
    for p in problems.iter().take(limit) {
        eprintln!("error: {p}");
    }
    if problems.len() > limit {
        eprintln!(
            "… and {} more problems (`carecircle check` lists them all)",
            problems.len() - limit
        );
    }
}

/// The library's message with the flag that asked for it, as the command line words it.
fn with_flag(error: carecircle::error::Error) -> anyhow::Error {
    use carecircle::error::Error::Analysis;
    match error {
        Analysis(AnalysisError::UnknownCircle { name, circles }) => anyhow::anyhow!(
            "--view {name}: the policy has no such circle; its circles are: {}",
            circles.join(", ")
        ),
        Analysis(AnalysisError::WalkingNeedsStreets { mode }) => {
            anyhow::anyhow!("--distance {mode} needs a [streets] layer in the city manifest")
        }
        Analysis(AnalysisError::ServiceAreasNeedWalking) => anyhow::anyhow!(
            "--service-areas needs walking distances: a [streets] layer and --distance network or both"
        ),
        Analysis(AnalysisError::UnknownCandidates { name }) => {
            anyhow::anyhow!("--candidates {name}: neither a layer of the city manifest nor a file")
        }
        other => other.into(),
    }
}

fn fail(error: carecircle::error::Error, limit: usize) -> Result<ExitCode> {
    match error {
        carecircle::error::Error::Input(problems) => {
            print_problems(&problems, limit);
            eprintln!(
                "{} problem(s) in the input; fix them, or pass --skip-invalid to skip invalid features (they are listed in skipped.csv)",
                problems.len()
            );
            Ok(ExitCode::FAILURE)
        }
        carecircle::error::Error::Analysis(AnalysisError::BadCapacities { problems }) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("{} problem(s) in the capacity values", problems.len());
            Ok(ExitCode::FAILURE)
        }
        other => Err(with_flag(other)),
    }
}

fn report(city: &Path, out: &Path, options: &ReportOptions, json: bool) -> Result<ExitCode> {
    let report: Report = match run_report(city, out, options) {
        Ok(r) => r,
        Err(e) => return fail(e, PROBLEMS_SHOWN),
    };
    for w in &report.summary.warnings {
        eprintln!("warning: {w}");
    }
    if report.summary.skipped_features > 0 {
        eprintln!(
            "warning: skipped {} invalid feature(s); see {}",
            report.summary.skipped_features,
            out.join("skipped.csv").display()
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report.summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", summary_table(&report.summary));
    if !report.summary.top_gap_zones.is_empty() {
        println!("\nlargest gap zones (all in gaps.geojson):");
        print!("{}", gap_zone_lines(&report.summary));
    }
    print!("{}", capacity_lines(&report.summary));
    print!("{}", sites_lines(&report.summary));
    print!("{}", referral_lines(&report.summary));
    if let Some(n) = &report.summary.network {
        eprintln!(
            "street network: {} nodes, {} edges, {} components (main: {} nodes); {} blocks off-network and {} on isolated components (listed in off_network.csv)",
            n.nodes, n.edges, n.components, n.main_component_nodes, n.blocks_off_network, n.blocks_isolated
        );
    }
    let t = report.timings;
    eprintln!(
        "wrote {} files into {} (read {:.2} s, street graph {:.2} s, snapping {:.2} s, compute {:.2} s, write {:.2} s)",
        report.files.len(),
        out.display(),
        t.read.as_secs_f64(),
        t.network_build.as_secs_f64(),
        t.snap.as_secs_f64(),
        t.compute.as_secs_f64(),
        t.write.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn site(city: &Path, options: &SiteOptions, out: &Path, format: OutputFormat) -> Result<ExitCode> {
    if options
        .capacity
        .is_some_and(|c| !(c.is_finite() && c > 0.0))
    {
        bail!("--capacity must be a positive number of elderly people");
    }
    let run = match suggest_sites(city, options) {
        Ok(s) => s,
        Err(e @ carecircle::error::Error::Analysis(AnalysisError::UnknownCircle { .. })) => {
            return Err(e.into())
        }
        Err(e) => return fail(e, PROBLEMS_SHOWN),
    };
    let files = match write_suggestion(&run, out, format) {
        Ok(f) => f,
        Err(e) => return fail(e, PROBLEMS_SHOWN),
    };
    let s = &run.suggestion;
    println!(
        "{} candidates; {} elderly in blocks that one more {} within {} m{} would cover",
        thousands(s.candidates.len() as f64),
        thousands(s.demand_elderly),
        options.kind,
        thousands(s.reach_m),
        if s.walking { " on foot" } else { "" }
    );
    println!("rank  candidate  newly covered elderly  cumulative  share of all elderly");
    for (i, c) in s.choices.iter().enumerate() {
        println!(
            "{:>4}  {}  {:>21}  {:>10}  {}",
            i + 1,
            s.candidates[c.candidate as usize].id,
            thousands(c.marginal),
            thousands(c.cumulative),
            percent(s.baseline_elderly + c.cumulative, s.total_elderly)
        );
    }
    let greedy = s.choices.last().map_or(0.0, |c| c.cumulative);
    match s.optimum {
        Some(best) if best > 0.0 => println!(
            "optimum for {} sites: {} elderly; the greedy choice reaches {:.1} % of it",
            s.choices.len(),
            thousands(best),
            100.0 * greedy / best
        ),
        Some(_) => println!("no candidate covers any uncovered block"),
        None => println!(
            "too many combinations for an exact optimum; the greedy choice is guaranteed at least 63 % (1 − 1/e) of it"
        ),
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    eprintln!("wrote {}", names.join(", "));
    Ok(ExitCode::SUCCESS)
}

fn check(city: &Path) -> Result<ExitCode> {
    let checked = match check_city(city) {
        Ok(c) => c,
        Err(e) => return fail(e, usize::MAX),
    };
    for w in &checked.warnings {
        eprintln!("warning: {w}");
    }
    for input in &checked.inputs {
        println!(
            "{}: {} ({} features, {} used)",
            input.role,
            input.path.display(),
            input.features,
            input.kept
        );
    }
    println!("no problems found");
    Ok(ExitCode::SUCCESS)
}
