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
use crate::lang::Lang;
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
pub fn summary_table(summary: &Summary, lang: Lang) -> String {
    let columns: Vec<Column> = columns(summary.distance, summary.measure)
        .into_iter()
        .filter(|c| c.in_terminal())
        .collect();
    let header = [
        lang.pick("circle", "服务圈"),
        lang.pick("requirement", "要求"),
    ]
    .into_iter()
    .chain(columns.iter().map(|c| c.terminal_header(lang)))
    .map(String::from);
    let mut rows: Vec<Vec<String>> = vec![header.collect()];
    for circle in &summary.circles {
        let table = CoverageTable::new(circle, summary.distance, summary.measure);
        for row in &table.rows {
            let (name, label) = match row.requirement {
                None => (
                    circle.display_name().to_string(),
                    lang.pick("all", "全部要求").to_string(),
                ),
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
    let caption = wrapped(&table_caption(summary, &columns, lang), TERMINAL_COLUMNS);
    caption + &render(&rows, layout)
}

/// What the terminal table's figures count: `5,000 blocks and 162,374 elderly; met on foot
/// within each requirement's reach; straight line: elderly met in a straight line.`
fn table_caption(summary: &Summary, columns: &[Column], lang: Lang) -> String {
    let (blocks, elderly) = summary
        .circles
        .first()
        .map_or((0, 0.0), |c| (c.blocks_total, c.elderly_total));
    let by = lang.measured(summary.distance.walks());
    let (blocks, elderly) = (thousands(blocks as f64), thousands(elderly));
    let mut caption = match lang {
        Lang::En => format!(
            "{blocks} block{} and {elderly} elderly; met {by} within each requirement's reach",
            plural(summary.circles.first().map_or(0, |c| c.blocks_total))
        ),
        Lang::Zh => format!("共 {blocks} 个街坊、{elderly} 名老年人；覆盖指在每项要求的{by}范围内"),
    };
    for column in columns {
        let meaning = match column {
            Column::ElderlyMetStraight => {
                lang.pick("elderly met in a straight line", "按直线距离覆盖的老年人")
            }
            Column::ElderlyMetArea => lang.pick(
                "elderly weighted by the share of their block within reach",
                "按街坊在范围内的面积比例加权的老年人",
            ),
            _ => continue,
        };
        let _ = match lang {
            Lang::En => write!(caption, "; {}: {meaning}", column.terminal_header(lang)),
            Lang::Zh => write!(caption, "；{}：{meaning}", column.terminal_header(lang)),
        };
    }
    caption.push_str(lang.pick(".", "。"));
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
/// 光復里, 文祥里 and 4 more), 640 m across, 3,400 elderly uncovered; fails care_bed (120
/// blocks); nearest care_bed CB1 at 340 m` (`2nd nearest …` for a requirement asking for
/// two); in Chinese `basic #1：120 个街坊（…），跨度 640 m，3,400 名老年人未覆盖；未满足 …`.
pub fn gap_zone_lines(summary: &Summary, lang: Lang) -> String {
    let mut out = String::new();
    for z in &summary.top_gap_zones {
        let circle = summary.circle_display_name(&z.circle);
        let (blocks, span, elderly) = (
            thousands(z.blocks as f64),
            metres(z.span_m),
            thousands(z.elderly_uncovered),
        );
        let failing = z.failing_in(lang);
        let _ = match lang {
            Lang::En => write!(
                out,
                "{circle} #{}: {blocks} block{}{}, {span} across, {elderly} elderly uncovered; fails {failing}",
                z.rank,
                plural(z.blocks),
                z.places.as_ref().map_or(String::new(), |p| format!(" ({p})")),
            ),
            Lang::Zh => write!(
                out,
                "{circle} #{}：{blocks} 个街坊{}，跨度 {span}，{elderly} 名老年人未覆盖；未满足 {failing}",
                z.rank,
                z.places.as_ref().map_or(String::new(), |p| format!("（{p}）")),
            ),
        };
        if let Some(nearest) = z.nearest_words_in(lang) {
            let _ = write!(out, "{}{nearest}", lang.pick("; ", "；"));
        }
        out.push('\n');
    }
    out
}

/// One line per referral check: `referral chains: 12 of 255 care_bed points have no hospice
/// within 1,000 m`; in Chinese `转介链：255 个 care_bed 点中有 12 个在 1,000 m 内没有 hospice`.
pub fn referral_lines(summary: &Summary, lang: Lang) -> String {
    let walking = summary.network.is_some();
    let mut out = String::new();
    for r in &summary.referrals {
        let _ = match lang {
            Lang::En => writeln!(out, "referral chains: {}", referral_text(r, walking)),
            Lang::Zh => writeln!(
                out,
                "转介链：{} 个 {} 点中有 {} 个在{} {} m 内没有 {}",
                thousands(r.points as f64),
                summary.kind_display_name(&r.from),
                thousands(r.points_without_referral as f64),
                if walking { "步行" } else { "直线距离" },
                thousands(r.within_m),
                summary.kind_display_name(&r.to),
            ),
        };
    }
    out
}

/// The suggested sites, a heading per requirement and a line per site:
/// `new care_bed sites for basic (100 m on foot): 1,200 of 9,000 elderly met today` (the
/// reach as the policy wrote it: `3 min (96 m on foot)` for one in minutes) then
/// `  #1 B000123: +310 elderly, 15.9 % met with it`; in Chinese
/// `为 basic 新增 care_bed 点位（步行 100 m）：目前 9,000 名老年人中 1,200 名已覆盖` and
/// `  #1 B000123：新增覆盖 310 名老年人，覆盖率升至 15.9 %`.
pub fn sites_lines(summary: &Summary, lang: Lang) -> String {
    let mut out = String::new();
    for s in &summary.suggested_sites {
        let (kind, circle) = (
            summary.kind_display_name(&s.kind),
            summary.circle_display_name(&s.circle),
        );
        let (reach, met, total) = (
            s.reach().words(),
            thousands(s.elderly_met_before),
            thousands(s.elderly_total),
        );
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "new {kind} sites for {circle} ({reach}{}): {met} of {total} elderly met today",
                if s.walking { " on foot" } else { "" },
            ),
            Lang::Zh => writeln!(
                out,
                "为 {circle} 新增 {kind} 点位（{}{reach}）：目前 {total} 名老年人中 {met} 名已覆盖",
                if s.walking { "步行 " } else { "" },
            ),
        };
        if s.sites.is_empty() {
            out.push_str(lang.pick(
                "  none would newly cover anyone\n",
                "  没有能新增覆盖任何人的点位\n",
            ));
        }
        for site in &s.sites {
            let (gained, share) = (
                thousands(site.marginal_elderly),
                percent(
                    s.elderly_met_before + site.cumulative_elderly,
                    s.elderly_total,
                ),
            );
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "  #{} {}: +{gained} elderly, {share} met with it",
                    site.rank,
                    site.label()
                ),
                Lang::Zh => writeln!(
                    out,
                    "  #{} {}：新增覆盖 {gained} 名老年人，覆盖率升至 {share}",
                    site.rank,
                    site.label()
                ),
            };
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
/// elderly on average; 4,800 blocks with 150,000 elderly below 40 per 1,000`; in Chinese
/// `容量：basic care_bed（capacity）：平均每千名老年人 34.2；…`.
pub fn capacity_lines(summary: &Summary, lang: Lang) -> String {
    let mut out = String::new();
    for circle in &summary.circles {
        for r in &circle.requirements {
            let Some(c) = &r.capacity else { continue };
            let (circle, kind, field) = (circle.display_name(), r.display_kind(), &c.field);
            let mean = format!("{:.1}", c.per_1000_mean);
            let _ = match lang {
                Lang::En => write!(
                    out,
                    "capacity: {circle} {kind} ({field}): {mean} per 1,000 elderly on average"
                ),
                Lang::Zh => write!(
                    out,
                    "容量：{circle} {kind}（{field}）：平均每千名老年人 {mean}"
                ),
            };
            if let (Some(norm), Some(blocks), Some(elderly)) =
                (c.min_per_1000, c.blocks_below_norm, c.elderly_below_norm)
            {
                let (blocks, elderly, norm) = (
                    thousands(blocks as f64),
                    thousands(elderly),
                    thousands(norm),
                );
                let _ = match lang {
                    Lang::En => write!(
                        out,
                        "; {blocks} blocks with {elderly} elderly below {norm} per 1,000"
                    ),
                    Lang::Zh => write!(
                        out,
                        "；{blocks} 个街坊的 {elderly} 名老年人低于每千人 {norm}"
                    ),
                };
            }
            out.push_str(lang.pick(
                " (loads in facilities.csv)\n",
                "（各设施负荷见 facilities.csv）\n",
            ));
        }
    }
    out
}
