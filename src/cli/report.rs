//! `carecircle report` (and the report `demo` runs): the summary tables and what was written.

use super::errors::{fail, Hints};
use super::folder::removed_line;
use anyhow::Result;
use carecircle::commands::report::{run_report, Report, ReportOptions};
use carecircle::format::{plural, printable, thousands};
use carecircle::output::summary::{
    capacity_lines, gap_zone_lines, referral_lines, sites_lines, summary_table,
};
use std::path::Path;
use std::process::ExitCode;

/// Runs the report on `city` into `out` and prints its summary (as JSON when `json`); a
/// failure is shown with `hints`.
pub fn report(
    city: &Path,
    out: &Path,
    options: &ReportOptions,
    json: bool,
    hints: Hints,
) -> Result<ExitCode> {
    let report = match run_report(city, out, options) {
        Ok(r) => r,
        Err(e) => return Ok(fail(e, hints)),
    };
    for w in report
        .summary
        .warnings
        .iter()
        .chain(&report.machine_warnings)
    {
        eprintln!("warning: {}", printable(w));
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
    print_tables(&report);
    print_run(&report, out);
    Ok(ExitCode::SUCCESS)
}

/// The summary tables on stdout.
fn print_tables(report: &Report) {
    print!("{}", summary_table(&report.summary));
    if !report.summary.top_gap_zones.is_empty() {
        println!("\nlargest gap zones (all in gaps.geojson):");
        print!("{}", printable(&gap_zone_lines(&report.summary)));
    }
    print!("{}", capacity_lines(&report.summary));
    print!("{}", printable(&sites_lines(&report.summary)));
    print!("{}", printable(&referral_lines(&report.summary)));
}

/// The street network's figures and what was written in how long, on stderr.
fn print_run(report: &Report, out: &Path) {
    if let Some(n) = &report.summary.network {
        let count = |n: usize, what: &str| format!("{} {what}{}", thousands(n as f64), plural(n));
        eprintln!(
            "street network: {}, {}, {} (main: {}); {} off-network and {} on isolated components (listed in off_network.csv)",
            count(n.nodes, "node"),
            count(n.edges, "edge"),
            count(n.components, "component"),
            count(n.main_component_nodes, "node"),
            count(n.blocks_off_network, "block"),
            thousands(n.blocks_isolated as f64),
        );
    }
    let t = report.timings;
    eprintln!(
        "wrote {} files into {} (read {:.2} s, street graph {:.2} s, snapping {:.2} s, compute {:.2} s, write {:.2} s)",
        report.written.files.len(),
        out.display(),
        t.read.as_secs_f64(),
        t.network_build.as_secs_f64(),
        t.snap.as_secs_f64(),
        t.compute.as_secs_f64(),
        t.write.as_secs_f64()
    );
    if let Some(line) = removed_line(&report.written.removed, "report", out) {
        eprintln!("{line}");
    }
}
