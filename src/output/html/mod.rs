//! `report.html`: the one-page report for a director — the headline figures, what they
//! mean and where to act first, the policy in words, a table per circle, the map, the largest gap zones, capacity and referral
//! checks, suggested sites and the inputs.
//!
//! The page is self-contained: inline CSS and the inline SVG map, no scripts and no
//! references to other files or to the network. It prints on one or two A4 pages. It holds
//! no date or time, so the same input and command give the same bytes.

mod actions;
mod compare;
mod markup;
mod sections;
mod words;

pub use words::policy_in_words;

use super::atomic::{write_atomically, ProtectedInputs};
use crate::analysis::coverage::{DistanceMode, Measure};
use crate::analysis::summary::Summary;
use crate::config::Policy;
use std::io::{self, Write};
use std::path::Path;

/// What the page shows.
pub struct Page<'a> {
    /// The city's name (the title).
    pub name: &'a str,
    /// The command line that made the report, program first; empty when unknown.
    pub command: &'a [String],
    /// The policy evaluated.
    pub policy: &'a Policy,
    /// Where straight-line distances were measured from.
    pub measure: Measure,
    /// Straight-line, walking or both.
    pub distance: DistanceMode,
    /// The figures.
    pub summary: &'a Summary,
    /// The circle the map shows.
    pub view_circle: &'a str,
    /// The map as SVG text (as written to `map.svg`).
    pub map_svg: Option<&'a str>,
    /// The names of the other files written beside the page.
    pub files: Vec<String>,
    /// Where the data came from and the credit it asks for (the manifest's keys).
    pub data: DataNotes<'a>,
}

/// What the manifest says of its data: shown under the page's title.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataNotes<'a> {
    /// Where the data came from, with its date (`source`).
    pub source: Option<&'a str>,
    /// The credit its licence asks for (`attribution`, e.g. `© OpenStreetMap contributors`).
    pub attribution: Option<&'a str>,
    /// How the residents and elderly were estimated, when they are estimates
    /// (`population_note`).
    pub population_note: Option<&'a str>,
}

impl Page<'_> {
    /// The command line as one could type it again: the program by its file name, arguments
    /// quoted for a POSIX shell where needed.
    pub fn command_line(&self) -> String {
        let Some((program, args)) = self.command.split_first() else {
            return "carecircle".to_string();
        };
        let program = Path::new(program)
            .file_name()
            .map_or_else(|| program.clone(), |n| n.to_string_lossy().into_owned());
        std::iter::once(program)
            .chain(args.iter().map(|a| shell_quote(a)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `arg` as a POSIX shell word: unchanged when it has only safe characters, otherwise in
/// single quotes (a quote inside becomes `'\''`).
pub fn shell_quote(arg: &str) -> String {
    let safe = |c: char| c.is_alphanumeric() || "-_./:=,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(safe) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// The page's style: clean on screen, A4 in print.
const STYLE: &str = r#"
html { font-size: 14px; }
body { font: 1rem/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2329;
  max-width: 64rem; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.55rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; padding-bottom: .15rem;
  border-bottom: 2px solid #2b7a5f; }
p, ul { margin: .35rem 0; }
li { margin: .15rem 0; }
.meta, .note, figcaption { color: #57606a; font-size: .9rem; }
.warning { color: #8a4500; }
code { font: .9em "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f2f4f6;
  padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
.headline { display: flex; flex-wrap: wrap; gap: .6rem; }
.figure { flex: 1 1 12rem; border: 1px solid #d5dbe0; border-left: 4px solid #2b7a5f;
  border-radius: 4px; padding: .45rem .7rem; }
.figure b { display: block; font-size: 1.6rem; line-height: 1.2; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .9rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .15rem 0; }
th, td { padding: .2rem .45rem; border-bottom: 1px solid #e1e5e8; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid #99a4ad; font-weight: bold; vertical-align: bottom; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.pct { color: #6a737d; font-size: .9em; }
.files ul { columns: 2; column-gap: 2rem; font-size: .9rem; padding-left: 1.2rem; }
figure.map { margin: .5rem 0; }
figure.map svg { display: block; width: 100%; height: auto; border: 1px solid #d5dbe0; }
@page { size: A4; margin: 12mm; }
@media print {
  html { font-size: 8pt; }
  body { max-width: none; margin: 0; padding: 0; }
  h2 { margin: .7rem 0 .3rem; break-after: avoid; }
  th, td { padding: .1rem .35rem; }
  table { margin-bottom: .5rem; }
  table, figure, .headline, li { break-inside: avoid; }
  figure.map { width: 88%; margin: .3rem auto; }
}
"#;

/// The whole page.
pub fn render(page: &Page) -> String {
    let mut out = String::with_capacity(64 * 1024 + page.map_svg.map_or(0, str::len));
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    markup::element(
        &mut out,
        "title",
        &format!("{}: elderly-care service circles", page.name),
    );
    out.push_str("<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    sections::header(&mut out, page);
    out.push_str("<main>\n");
    sections::headline(&mut out, page);
    actions::actions(&mut out, page.summary);
    sections::policy(&mut out, page);
    sections::map(&mut out, page);
    sections::coverage(&mut out, page);
    sections::gap_zones(&mut out, page.summary);
    sections::capacity_and_referrals(&mut out, page.summary);
    sections::sites(&mut out, page.summary);
    sections::inputs(&mut out, page);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Writes `compare.html` (see [`compare::render`]) atomically.
pub fn write_compare_html(
    path: &Path,
    protected: &ProtectedInputs,
    comparison: &crate::analysis::comparison::Comparison,
) -> io::Result<()> {
    let html = compare::render(comparison);
    write_atomically(path, protected, |out| out.write_all(html.as_bytes()))
}

/// Writes `report.html` atomically.
pub fn write_report_html(path: &Path, protected: &ProtectedInputs, page: &Page) -> io::Result<()> {
    let html = render(page);
    write_atomically(path, protected, |out| out.write_all(html.as_bytes()))
}

#[cfg(test)]
pub(crate) mod tests;
