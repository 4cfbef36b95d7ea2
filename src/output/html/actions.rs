//! The page's plain-language summary, before any table: what each circle's figure means
//! for the elderly, then the three largest gap zones as the first places to act, each with
//! the suggested sites that would close part of it.

use super::markup::{element, escape, list};
use super::words::capitalised;
use crate::analysis::summary::{SiteSummary, SitesSummary, Summary};
use crate::analysis::zones::ZoneSummary;
use crate::lang::Lang;
use crate::output::format::{metres, percent, plural, thousands};
use std::fmt::Write as _;

/// How many gap zones the summary names as the first places to act.
pub const ACTIONS: usize = 3;

/// The section "What this means, what to do first".
pub fn actions(out: &mut String, summary: &Summary) {
    out.push_str("<section id=\"actions\">\n<h2>What this means, what to do first</h2>\n");
    let how = Lang::En.measured(summary.network.is_some());
    list(
        out,
        summary.circles.iter().map(|c| {
            let outside = c.elderly_total - c.elderly_met;
            format!(
                "{} circle: {} of {} elderly ({}) have everything it asks for within reach \
                 {how}; {} do not.",
                capitalised(c.display_name()),
                thousands(c.elderly_met),
                thousands(c.elderly_total),
                percent(c.elderly_met, c.elderly_total),
                thousands(outside)
            )
        }),
    );
    let zones = first_places(summary);
    if zones.is_empty() {
        element(
            out,
            "p",
            "Every block meets every circle: no gap zone to close.",
        );
    } else {
        element(
            out,
            "p",
            "Where to act first: the largest gap zones, by elderly living outside the circle.",
        );
        out.push_str("<ol class=\"actions\">\n");
        for zone in zones {
            let _ = writeln!(out, "<li>{}</li>", escape(&action(summary, zone)));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

/// The [`ACTIONS`] largest of the listed gap zones of every circle, by uncovered elderly
/// (the policy's circle order, then rank, among equals).
pub fn first_places(summary: &Summary) -> Vec<&ZoneSummary> {
    let circle = |z: &ZoneSummary| summary.circles.iter().position(|c| c.name == z.circle);
    let mut zones: Vec<&ZoneSummary> = summary.top_gap_zones.iter().collect();
    zones.sort_by(|a, b| {
        b.elderly_uncovered
            .total_cmp(&a.elderly_uncovered)
            .then_with(|| circle(a).cmp(&circle(b)))
            .then_with(|| a.rank.cmp(&b.rank))
    });
    zones.truncate(ACTIONS);
    zones
}

/// One place to act: `Basic circle, gap zone #1 (三愛里, 640 m across): 2,081 elderly
/// outside it in 3 blocks, failing responder (3 blocks); nearest responder … at 433 m. A new
/// care_bed at 建國里 (B12) would cover 310 of them (site #1 in sites.geojson).`
fn action(summary: &Summary, z: &ZoneSummary) -> String {
    let places = z
        .places
        .as_ref()
        .map_or(String::new(), |p| format!("{p}, "));
    let mut text = format!(
        "{} circle, gap zone #{} ({places}{} across): {} elderly outside it in {} block{}, \
         failing {}",
        capitalised(summary.circle_display_name(&z.circle)),
        z.rank,
        metres(z.span_m),
        thousands(z.elderly_uncovered),
        thousands(z.blocks as f64),
        plural(z.blocks),
        z.failing
    );
    if let Some(nearest) = z.nearest_words() {
        let _ = write!(text, "; {nearest}");
    }
    text.push('.');
    let sites = closing_sites(summary, z);
    if !summary.suggested_sites.iter().any(|s| s.circle == z.circle) {
        let _ = write!(
            text,
            " `report --view {} --sites 5` suggests sites that would close it.",
            z.circle
        );
    }
    for (s, site) in sites {
        let _ = write!(
            text,
            " A new {} at {} would newly cover {} elderly here and nearby (site #{} in \
             sites.geojson).",
            summary.kind_display_name(&s.kind),
            site.label(),
            thousands(site.marginal_elderly),
            site.rank
        );
    }
    text
}

/// The suggested sites that newly cover blocks of zone `z`, by requirement and rank.
fn closing_sites<'a>(
    summary: &'a Summary,
    z: &ZoneSummary,
) -> Vec<(&'a SitesSummary, &'a SiteSummary)> {
    summary
        .suggested_sites
        .iter()
        .filter(|s| s.circle == z.circle)
        .flat_map(|s| s.sites.iter().map(move |site| (s, site)))
        .filter(|(_, site)| site.gap_zones.contains(&(z.rank as u32)))
        .collect()
}
