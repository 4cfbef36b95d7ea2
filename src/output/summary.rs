//! `summary.json`, `summary.csv`, `skipped.csv` and the table printed on stdout.

use super::atomic::{write_atomically, ProtectedInputs};
use super::format::{percent, thousands};
use crate::analysis::coverage::Measure;
use crate::analysis::referral::ReferralSummary;
use crate::analysis::summary::{RequirementSummary, Summary, WalkComparison};
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
    path: &Path,
    protected: &ProtectedInputs,
    summary: &Summary,
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "circle",
            "requirement",
            "within_m",
            "min_count",
            "facilities",
            "blocks_met",
            "blocks_total",
            "elderly_met",
            "elderly_total",
            "residents_met",
            "residents_total",
        ])?;
        let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        for c in &summary.circles {
            w.write_record([
                c.name.clone(),
                "all".into(),
                String::new(),
                String::new(),
                String::new(),
                c.blocks_met.to_string(),
                c.blocks_total.to_string(),
                c.elderly_met.to_string(),
                c.elderly_total.to_string(),
                opt(c.residents_met),
                opt(c.residents_total),
            ])?;
            for r in &c.requirements {
                let requirement = match &r.filter {
                    Some(f) => format!("{} ({f})", r.kind),
                    None => r.kind.clone(),
                };
                w.write_record([
                    c.name.clone(),
                    requirement,
                    r.within_m.to_string(),
                    r.min_count.to_string(),
                    r.facilities.to_string(),
                    r.blocks_met.to_string(),
                    c.blocks_total.to_string(),
                    r.elderly_met.to_string(),
                    c.elderly_total.to_string(),
                    opt(r.residents_met),
                    opt(c.residents_total),
                ])?;
            }
        }
        w.flush()
    })
}

/// Writes one row per skipped feature: file, feature or row number, field, problem.
pub fn write_skipped_csv(
    path: &Path,
    protected: &ProtectedInputs,
    skipped: &[Problem],
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["file", "feature", "field", "problem"])?;
        for p in skipped {
            w.write_record([
                p.file.display().to_string(),
                p.number().map(|n| n.to_string()).unwrap_or_default(),
                p.field.clone().unwrap_or_default(),
                p.message.clone(),
            ])?;
        }
        w.flush()
    })
}

/// The figures of one row of the terminal table.
struct RowFigures<'a> {
    blocks: usize,
    elderly: f64,
    residents: Option<f64>,
    walk: Option<&'a WalkComparison>,
    elderly_area: Option<f64>,
}

/// The summary as a table for the terminal. With walking distances, "met" is on foot and
/// two more columns compare with the straight line.
pub fn summary_table(summary: &Summary) -> String {
    let walking = summary.network.is_some();
    let mut header = vec![
        "circle",
        "requirement",
        "blocks met",
        "elderly met",
        "residents met",
    ];
    if walking {
        header[2] = "blocks met on foot";
        header[3] = "elderly met on foot";
        header.extend([
            "elderly met, straight line",
            "elderly covered only on the map",
        ]);
    }
    let area = summary.measure == Measure::Area;
    if area {
        header.push("elderly met, area-weighted");
    }
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    let share = |met: f64, total: f64| {
        format!(
            "{} / {} ({})",
            thousands(met),
            thousands(total),
            percent(met, total)
        )
    };
    let optional_share = |met: Option<f64>, total: Option<f64>| match (met, total) {
        (Some(m), Some(t)) => share(m, t),
        _ => "-".into(),
    };
    for c in &summary.circles {
        let row = |name: String, label: String, figures: RowFigures| {
            let mut row = vec![
                name,
                label,
                share(figures.blocks as f64, c.blocks_total as f64),
                share(figures.elderly, c.elderly_total),
                optional_share(figures.residents, c.residents_total),
            ];
            if walking {
                let walk = figures.walk;
                row.push(walk.map_or("-".into(), |w| {
                    share(w.elderly_met_straight, c.elderly_total)
                }));
                row.push(walk.map_or("-".into(), |w| {
                    share(w.elderly_straight_only, c.elderly_total)
                }));
            }
            if area {
                row.push(
                    figures
                        .elderly_area
                        .map_or("-".into(), |e| share(e, c.elderly_total)),
                );
            }
            row
        };
        let figures = RowFigures {
            blocks: c.blocks_met,
            elderly: c.elderly_met,
            residents: c.residents_met,
            walk: c.walking.as_ref(),
            elderly_area: c.elderly_met_area,
        };
        rows.push(row(c.name.clone(), "all".into(), figures));
        for r in &c.requirements {
            let label = requirement_label(r);
            let figures = RowFigures {
                blocks: r.blocks_met,
                elderly: r.elderly_met,
                residents: r.residents_met,
                walk: r.walking.as_ref(),
                elderly_area: r.elderly_met_area,
            };
            rows.push(row(String::new(), label, figures));
        }
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if i < 2 {
                let _ = write!(line, "{cell}{pad}  ");
            } else {
                let _ = write!(line, "{pad}{cell}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A requirement as a table label: `care_bed ≤ 100 m`, `2 × responder (team = night) ≤ 96 m`.
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
    format!("{count}{}{filter} ≤ {} m", r.kind, thousands(r.within_m))
}

/// The largest gap zones of each circle, one line each:
/// `basic #1: 120 blocks, 3,400 elderly uncovered; fails care_bed (120 blocks); nearest care_bed CB1 at 340 m`.
pub fn gap_zone_lines(summary: &Summary) -> String {
    let mut out = String::new();
    for z in &summary.top_gap_zones {
        let _ = write!(
            out,
            "{} #{}: {} block{}, {} elderly uncovered; fails {}",
            z.circle,
            z.rank,
            thousands(z.blocks as f64),
            if z.blocks == 1 { "" } else { "s" },
            thousands(z.elderly_uncovered),
            z.failing
        );
        if let (Some(kind), Some(id), Some(m)) =
            (&z.nearest_kind, &z.nearest_facility_id, z.nearest_m)
        {
            let _ = write!(out, "; nearest {kind} {id} at {} m", thousands(m));
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
/// `basic care_bed (100 m on foot): 1,200 of 9,000 elderly met today` then
/// `  #1 B000123: +310 elderly, 15.9 % met with it`.
pub fn sites_lines(summary: &Summary) -> String {
    let mut out = String::new();
    for s in &summary.suggested_sites {
        let _ = writeln!(
            out,
            "new {} sites for {} ({} m{}): {} of {} elderly met today",
            s.kind,
            s.circle,
            thousands(s.reach_m),
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
                site.candidate_id,
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
                circle.name, r.kind, c.field, c.per_1000_mean
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
