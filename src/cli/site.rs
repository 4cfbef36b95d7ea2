//! `carecircle site`: the ranked new sites and how close the greedy choice is to the optimum.

use super::errors::{fail, Hints};
use super::folder::removed_line;
use anyhow::{bail, Result};
use carecircle::analysis::sites::Suggestion;
use carecircle::commands::site::{suggest_sites, write_suggestion, SiteOptions};
use carecircle::format::printable;
use carecircle::output::format::{percent, thousands};
use carecircle::output::layer::OutputFormat;
use std::path::Path;
use std::process::ExitCode;

/// Suggests new sites for `city`, writes them into `out` (CSV with a byte-order mark when
/// `csv_bom`) and prints the ranking.
pub fn site(
    city: &Path,
    options: &SiteOptions,
    out: &Path,
    format: OutputFormat,
    csv_bom: bool,
) -> Result<ExitCode> {
    if options
        .capacity
        .is_some_and(|c| !(c.is_finite() && c > 0.0))
    {
        bail!("--capacity must be a positive number of elderly people");
    }
    let (run, written) = match suggest_sites(city, options)
        .and_then(|run| write_suggestion(&run, out, format, csv_bom).map(|written| (run, written)))
    {
        Ok(done) => done,
        Err(e) => return Ok(fail(e, Hints::NO_FLAGS)),
    };
    for w in &run.warnings {
        eprintln!("warning: {}", printable(w));
    }
    let s = &run.suggestion;
    println!(
        "{} candidates; {} elderly in blocks that one more {} within {}{} would cover",
        thousands(s.candidates.len() as f64),
        thousands(s.demand_elderly),
        options.kind,
        s.reach.words(),
        if s.walking { " on foot" } else { "" }
    );
    print_ranking(s);
    print_optimum(s);
    let names: Vec<String> = written
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    eprintln!("wrote {}", names.join(", "));
    if let Some(line) = removed_line(&written.removed, "site", out) {
        eprintln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per chosen site, best first.
fn print_ranking(s: &Suggestion) {
    println!("rank  candidate  newly covered elderly  cumulative  share of all elderly");
    for (i, c) in s.choices.iter().enumerate() {
        println!(
            "{:>4}  {}  {:>21}  {:>10}  {}",
            i + 1,
            s.candidates[c.candidate as usize].label(),
            thousands(c.marginal),
            thousands(c.cumulative),
            percent(s.baseline_elderly + c.cumulative, s.total_elderly)
        );
    }
}

/// How the greedy choice compares with the exact optimum, when there is one.
fn print_optimum(s: &Suggestion) {
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
}
