//! `carecircle synth` and `carecircle demo`: the built-in synthetic city.

use super::args::ForceArg;
use super::errors::Hints;
use super::folder::refuse_foreign;
use super::report::report;
use anyhow::{Context, Result};
use carecircle::commands::report::ReportOptions;
use carecircle::output::layer::OutputFormat;
use carecircle::synth::{write_city, SynthOptions};
use std::path::Path;
use std::process::ExitCode;

/// New sites the demo suggests per requirement of the first circle.
const DEMO_SITES: usize = 3;

/// Writes a synthetic city of `blocks` blocks from `seed` into `out`, which may hold only
/// carecircle's files unless `force`.
pub fn synth(blocks: usize, seed: u64, out: &Path, force: ForceArg) -> Result<ExitCode> {
    refuse_foreign(out, &[], force)?;
    let synth = write_city(out, &SynthOptions { blocks, seed })
        .with_context(|| format!("writing the synthetic city into {}", out.display()))?;
    println!(
        "wrote a synthetic city of {} blocks into {}",
        synth.blocks,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the demo city into `out/input` and reports on it into `out`; both folders may hold
/// only carecircle's files unless `force`.
pub fn demo(
    out: &Path,
    blocks: usize,
    format: OutputFormat,
    force: ForceArg,
    command: Vec<String>,
) -> Result<ExitCode> {
    let input = out.join("input");
    refuse_foreign(&input, &[], force)?;
    refuse_foreign(out, &["input"], force)?;
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
        format,
        command,
        ..ReportOptions::default()
    };
    report(
        &input.join("city.toml"),
        out,
        &options,
        false,
        Hints::NO_FLAGS,
    )
}
