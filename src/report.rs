//! The report: load a city, evaluate its policy, write every output.

use crate::config::{Manifest, Policy};
use crate::coverage::{evaluate, Measure};
use crate::input::{self, Loaded, Problem};
use crate::output::atomic::ProtectedInputs;
use crate::output::block_table::BlockTable;
use crate::output::blocks::{write_blocks_geojson, write_coverage_csv};
use crate::output::summary::{write_skipped_csv, write_summary_csv, write_summary_json};
use crate::plane::Plane;
use crate::summary::{circle_summaries, Summary};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to run a report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Where distances are measured from.
    pub measure: Measure,
    /// Skip invalid features (listing them in `skipped.csv`) instead of failing.
    pub skip_invalid: bool,
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
    /// Evaluating the policy.
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

/// Reads a manifest, its policy and every input, checking that every kind the policy
/// requires has a layer.
pub fn load_city(manifest_path: &Path, skip_invalid: bool) -> Result<City, ReportError> {
    let manifest = Manifest::load(manifest_path).map_err(ReportError::Config)?;
    let policy = match &manifest.policy {
        Some(path) => Policy::load(path).map_err(ReportError::Config)?,
        None => Policy::default_policy(),
    };
    policy
        .check_kinds(|kind| manifest.layers.contains_key(kind))
        .map_err(|e| {
            ReportError::Config(format!("{}: {e}", policy_source(&manifest, manifest_path)))
        })?;
    let loaded = input::load(&manifest, skip_invalid).map_err(ReportError::Input)?;
    Ok(City {
        manifest,
        policy,
        loaded,
    })
}

fn policy_source(manifest: &Manifest, manifest_path: &Path) -> String {
    match &manifest.policy {
        Some(p) => p.display().to_string(),
        None => format!("{} (built-in default policy)", manifest_path.display()),
    }
}

/// Runs the report on a city manifest and writes its outputs into `out_dir`.
pub fn run_report(
    manifest_path: &Path,
    out_dir: &Path,
    options: &ReportOptions,
) -> Result<Report, ReportError> {
    let started = Instant::now();
    let city = load_city(manifest_path, options.skip_invalid)?;
    let plane = Plane::new(&city.loaded.dataset).map_err(ReportError::Config)?;
    let read = started.elapsed();

    let started = Instant::now();
    let coverage = evaluate(&city.policy, &city.loaded.dataset, &plane, options.measure)
        .map_err(ReportError::Config)?;
    let blocks = &city.loaded.dataset.blocks;
    let summary = Summary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        measure: format!("{:?}", options.measure).to_lowercase(),
        circles: circle_summaries(&city.policy, blocks, &coverage),
        inputs: city.loaded.inputs.iter().map(Into::into).collect(),
        skipped_features: city.loaded.skipped.len(),
        warnings: city.loaded.warnings.clone(),
    };
    let compute = started.elapsed();

    let started = Instant::now();
    std::fs::create_dir_all(out_dir).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", out_dir.display()),
        )
    })?;
    let mut inputs = city.manifest.input_files();
    inputs.push(manifest_path);
    let protected = ProtectedInputs::new(inputs);
    let table = BlockTable::new(&city.policy, blocks, &coverage);
    let file = |name: &str| out_dir.join(name);
    let mut files = vec![
        file("blocks.geojson"),
        file("coverage.csv"),
        file("summary.json"),
        file("summary.csv"),
    ];
    // Check every target before writing any, so a refused run writes nothing.
    if options.skip_invalid {
        files.push(file("skipped.csv"));
    }
    for f in &files {
        protected.check(f)?;
    }
    write_blocks_geojson(&files[0], &protected, &table, blocks)?;
    write_coverage_csv(&files[1], &protected, &table, blocks)?;
    write_summary_json(&files[2], &protected, &summary)?;
    write_summary_csv(&files[3], &protected, &summary)?;
    if options.skip_invalid {
        write_skipped_csv(&files[4], &protected, &city.loaded.skipped)?;
    }
    let write = started.elapsed();
    Ok(Report {
        summary,
        timings: Timings {
            read,
            compute,
            write,
        },
        files,
    })
}
