//! `summary.json`, `summary.csv`, `skipped.csv` and the table printed on stdout.

use super::atomic::{write_atomically, ProtectedInputs};
use super::coverage_table::{columns, Column, CoverageRow, CoverageTable, Share};
use super::csv_file::{write_csv, CsvTarget};
use super::format::{metres, percent, plural, thousands};
use super::text_table::{render, wrapped, Layout, TERMINAL_COLUMNS};
use crate::analysis::referral::ReferralSummary;
use crate::analysis::summary::{RequirementSummary, Summary};
use crate::format::{printable, spreadsheet_safe};
use crate::input::Problem;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// Writes the summary as pretty JSON.
pub fn write_summary_json(
    path: &Path,
    protected: &ProtectedInputs,
    summary: &Summary,
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        serde_json::to_writer_pretty(&mut *out, summary)?;
        out.write_all(b"\n")
    })
}

/// Writes one row per circle (requirement `all`) and per requirement.
pub fn write_summary_csv(
    csv: CsvTarget,
    protected: &ProtectedInputs,
    summary: &Summary,
) -> io::Result<()> {
    write_csv(csv, protected, |w| {
        for row in summary_csv_rows(summary) {
            w.write_record(row)?;
        }
        Ok(())
    })
}

/// The rows of `summary.csv`, the header first: per row of each circle's coverage table the
/// requirement and the figures of the distance that decides, unrounded (see
/// [`Column::csv_fields`]).
pub fn summary_csv_rows(summary: &Summary) -> Vec<Vec<String>> {
    let requirement = [
        "circle",
        "requirement",
        "within_m",
        "min_count",
        "facilities",
    ];
    let figures = Column::ALL.into_iter().filter_map(Column::csv_fields);
    let header = requirement.into_iter().chain(figures.flatten());
    let mut rows = vec![header.map(String::from).collect()];
    for circle in &summary.circles {
        let table = CoverageTable::new(circle, summary.distance, summary.measure);
        rows.extend(table.rows.iter().map(csv_row));
    }
    rows
}

/// One row of `summary.csv`; the whole circle's row has requirement `all` and no reach.
fn csv_row(row: &CoverageRow) -> Vec<String> {
    let mut out = vec![row.circle.name.clone()];
    match row.requirement {
        Some(r) => out.extend([
            match &r.filter {
                Some(f) => format!("{} ({f})", r.kind),
                None => r.kind.clone(),
            },
            r.within_m.to_string(),
            r.min_count.to_string(),
            r.facilities.to_string(),
        ]),
        None => out.extend(["all".into(), String::new(), String::new(), String::new()]),
    }
    for column in Column::ALL.into_iter().filter(|c| c.csv_fields().is_some()) {
        match row.share(column) {
            Some(s) => out.extend([s.met.to_string(), s.total.to_string()]),
            None => out.extend([String::new(), String::new()]),
        }
    }
    out
}

/// Writes one row per skipped feature: file, feature or row number, field, problem.
pub fn write_skipped_csv(
    csv: CsvTarget,
    protected: &ProtectedInputs,
    skipped: &[Problem],
) -> io::Result<()> {
    write_csv(csv, protected, |w| {
        w.write_record(["file", "feature", "field", "problem"])?;
        for p in skipped {
            w.write_record([
                p.file.display().to_string(),
                p.number().map(|n| n.to_string()).unwrap_or_default(),
                spreadsheet_safe(p.field.as_deref().unwrap_or_default()).into_owned(),
                spreadsheet_safe(&p.message).into_owned(),
            ])?;
        }
        Ok(())
    })
}

/// The summary as a table for the terminal, fitted to [`TERMINAL_COLUMNS`]: a caption with
/// the city's totals and what "met" is measured by, then each circle's coverage table, the
/// circle's name on its first row, each figure as `met (share)`. With `--distance both` the
/// elderly met in a straight line are beside those met on foot (see
/// [`Column::in_terminal`]; `report.html` and `summary.csv` have every column).
pub fn summary_table(summary: &Summary) -> String {
    let columns: Vec<Column> = columns(summary.distance, summary.measure)
        .into_iter()
        .filter(|c| c.in_terminal())
        .collect();
    let header = ["circle", "requirement"]
        .into_iter()
        .chain(columns.iter().map(|c| c.terminal_header()))
        .map(String::from);
    let mut rows: Vec<Vec<String>> = vec![header.collect()];
    for circle in &summary.circles {
        let table = CoverageTable::new(circle, summary.distance, summary.measure);
        for row in &table.rows {
            let (name, label) = match row.requirement {
                None => (circle.display_name().to_string(), "all".to_string()),
                Some(r) => (String::new(), requirement_label(r)),
            };
            let figures = columns
                .iter()
                .map(|&c| row.share(c).map_or_else(|| "-".into(), share_text));
            let cells = [name, label].into_iter().chain(figures);
            rows.push(cells.map(|c| printable(&c).into_owned()).collect());
        }
    }
    let layout = Layout {
        left_aligned: 2,
        shrinkable: 1,
        max_width: TERMINAL_COLUMNS,
    };
    let caption = wrapped(&table_caption(summary, &columns), TERMINAL_COLUMNS);
    caption + &render(&rows, layout)
}

/// What the terminal table's figures count: `5,000 blocks and 162,374 elderly; met on foot
/// within each requirement's reach; straight line: elderly met in a straight line.`
fn table_caption(summary: &Summary, columns: &[Column]) -> String {
    let (blocks, elderly) = summary
        .circles
        .first()
        .map_or((0, 0.0), |c| (c.blocks_total, c.elderly_total));
    let by = if summary.distance.walks() {
        "on foot"
    } else {
        "in a straight line"
    };
    let mut caption = format!(
        "{} block{} and {} elderly; met {by} within each requirement's reach",
        thousands(blocks as f64),
        plural(blocks),
        thousands(elderly)
    );
    for column in columns {
        let meaning = match column {
            Column::ElderlyMetStraight => "elderly met in a straight line",
            Column::ElderlyMetArea => "elderly weighted by the share of their block within reach",
            _ => continue,
        };
        let _ = write!(caption, "; {}: {meaning}", column.terminal_header());
    }
    caption.push('.');
    caption
}

/// A share for the terminal: `1,234 (24.7 %)`, of the total in the table's caption.
fn share_text(share: Share) -> String {
    format!(
        "{} ({})",
        thousands(share.met),
        percent(share.met, share.total)
    )
}

/// A requirement as a table label: `care_bed ≤ 100 m`, `2 × responder (team = night) ≤ 80 m`,
/// `responder ≤ 3 min (96 m)` for a reach in minutes.
pub fn requirement_label(r: &RequirementSummary) -> String {
    let filter = r
        .filter
        .as_ref()
        .map(|f| format!(" ({f})"))
        .unwrap_or_default();
    let count = if r.min_count > 1 {
        format!("{} × ", r.min_count)
    } else {
        String::new()
    };
    format!(
        "{count}{}{filter} ≤ {}",
        r.display_kind(),
        r.reach().words()
    )
}

/// The largest gap zones of each circle, one line each: `basic #1: 120 blocks (建國里,
/// 光復里, 文祥里 and 4 more), 640 m across, 3,400 elderly uncovered; fails care_bed (120 blocks); nearest care_bed CB1 at
/// 340 m` (`2nd nearest …` for a requirement asking for two).
pub fn gap_zone_lines(summary: &Summary) -> String {
    let mut out = String::new();
    for z in &summary.top_gap_zones {
        let _ = write!(
            out,
            "{} #{}: {} block{}{}, {} across, {} elderly uncovered; fails {}",
            summary.circle_display_name(&z.circle),
            z.rank,
            thousands(z.blocks as f64),
            if z.blocks == 1 { "" } else { "s" },
            z.places
                .as_ref()
                .map_or(String::new(), |p| format!(" ({p})")),
            metres(z.span_m),
            thousands(z.elderly_uncovered),
            z.failing
        );
        if let Some(nearest) = z.nearest_words() {
            let _ = write!(out, "; {nearest}");
        }
        out.push('\n');
    }
    out
}

/// One line per referral check: `referral chains: 12 of 255 care_bed points have no hospice
/// within 1,000 m`.
pub fn referral_lines(summary: &Summary) -> String {
    let walking = summary.network.is_some();
    let mut out = String::new();
    for r in &summary.referrals {
        let _ = writeln!(out, "referral chains: {}", referral_text(r, walking));
    }
    out
}

/// The suggested sites, a heading per requirement and a line per site:
/// `new care_bed sites for basic (100 m on foot): 1,200 of 9,000 elderly met today` (the
/// reach as the policy wrote it: `3 min (96 m on foot)` for one in minutes) then
/// `  #1 B000123: +310 elderly, 15.9 % met with it`.
pub fn sites_lines(summary: &Summary) -> String {
    let mut out = String::new();
    for s in &summary.suggested_sites {
        let _ = writeln!(
            out,
            "new {} sites for {} ({}{}): {} of {} elderly met today",
            summary.kind_display_name(&s.kind),
            summary.circle_display_name(&s.circle),
            s.reach().words(),
            if s.walking { " on foot" } else { "" },
            thousands(s.elderly_met_before),
            thousands(s.elderly_total)
        );
        if s.sites.is_empty() {
            out.push_str("  none would newly cover anyone\n");
        }
        for site in &s.sites {
            let _ = writeln!(
                out,
                "  #{} {}: +{} elderly, {} met with it",
                site.rank,
                site.label(),
                thousands(site.marginal_elderly),
                percent(
                    s.elderly_met_before + site.cumulative_elderly,
                    s.elderly_total
                )
            );
        }
    }
    out
}

/// One referral check's result: `12 of 255 care_bed points have no hospice within 1,000 m on
/// foot`.
pub fn referral_text(r: &ReferralSummary, walking: bool) -> String {
    format!(
        "{} of {} {} points have no {} within {} m{}",
        thousands(r.points_without_referral as f64),
        thousands(r.points as f64),
        r.from,
        r.to,
        thousands(r.within_m),
        if walking { " on foot" } else { "" }
    )
}

/// One line per capacity requirement: `capacity: basic care_bed (capacity): 34.2 per 1,000
/// elderly on average; 4,800 blocks with 150,000 elderly below 40 per 1,000`.
pub fn capacity_lines(summary: &Summary) -> String {
    let mut out = String::new();
    for circle in &summary.circles {
        for r in &circle.requirements {
            let Some(c) = &r.capacity else { continue };
            let _ = write!(
                out,
                "capacity: {} {} ({}): {:.1} per 1,000 elderly on average",
                circle.display_name(),
                r.display_kind(),
                c.field,
                c.per_1000_mean
            );
            if let (Some(norm), Some(blocks), Some(elderly)) =
                (c.min_per_1000, c.blocks_below_norm, c.elderly_below_norm)
            {
                let _ = write!(
                    out,
                    "; {} blocks with {} elderly below {} per 1,000",
                    thousands(blocks as f64),
                    thousands(elderly),
                    thousands(norm)
                );
            }
            out.push_str(" (loads in facilities.csv)\n");
        }
    }
    out
}
