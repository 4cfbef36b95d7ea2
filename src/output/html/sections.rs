//! The sections of the page, each from the summary (and the policy), in reading order.

use super::markup::{element, element_with_class, escape, list, Cell, Table};
use super::words::policy_in_words;
use super::Page;
use crate::analysis::summary::{CircleSummary, NetworkSummary, SitesSummary, Summary};
use crate::format::ordinal;
use crate::output::coverage_table::{columns, Column, CoverageTable};
use crate::output::format::{metres, percent, thousands};
use crate::output::map::{HEIGHT, WIDTH};
use crate::output::summary::{referral_text, requirement_label};
use std::fmt::Write as _;

/// The title, the command line and the version.
pub fn header(out: &mut String, page: &Page) {
    out.push_str("<header>\n");
    element(
        out,
        "h1",
        &format!("Elderly-care service circles: {}", page.name),
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">Made by <code>{}</code> with carecircle {}.</p>",
        escape(&page.command_line()),
        escape(&page.summary.version),
    );
    let data = page.data;
    if let Some(source) = data.source {
        element_with_class(out, "p", "meta", &format!("Data: {source}."));
    }
    if let Some(note) = data.population_note {
        let caveat = format!(
            "Residents and elderly are estimates ({note}), not counts: read every figure \
             of people as an order of magnitude."
        );
        element_with_class(out, "p", "meta", &caveat);
    }
    if let Some(credit) = data.attribution {
        element_with_class(out, "p", "meta", credit);
    }
    out.push_str("</header>\n");
}

/// Per circle, the share of elderly covered, large; and the city's totals.
pub fn headline(out: &mut String, page: &Page) {
    let summary = page.summary;
    out.push_str("<section id=\"headline\">\n<h2>Headline figures</h2>\n");
    if let Some(c) = summary.circles.first() {
        let residents = c
            .residents_total
            .map(|r| format!(", {} residents", thousands(r)))
            .unwrap_or_default();
        element(
            out,
            "p",
            &format!(
                "{} blocks with {} elderly{residents}.",
                thousands(c.blocks_total as f64),
                thousands(c.elderly_total)
            ),
        );
    }
    out.push_str("<div class=\"headline\">\n");
    let how = if summary.network.is_some() {
        "on foot"
    } else {
        "in a straight line"
    };
    for c in &summary.circles {
        let _ = writeln!(
            out,
            "<div class=\"figure\"><b>{}</b>{}</div>",
            escape(&percent(c.elderly_met, c.elderly_total)),
            escape(&format!(
                "of the elderly are inside the {} circle {how} ({} of {} blocks)",
                c.display_name(),
                thousands(c.blocks_met as f64),
                thousands(c.blocks_total as f64)
            )),
        );
    }
    out.push_str("</div>\n</section>\n");
}

/// The policy as sentences.
pub fn policy(out: &mut String, page: &Page) {
    out.push_str("<section id=\"policy\">\n<h2>The policy</h2>\n");
    element(
        out,
        "p",
        "A block is inside a circle when every requirement of the circle is met:",
    );
    list(
        out,
        policy_in_words(page.policy, page.measure, page.distance),
    );
    out.push_str("</section>\n");
}

/// The overview map, inline, scaled to the page width.
pub fn map(out: &mut String, page: &Page) {
    let Some(svg) = page.map_svg else { return };
    // The SVG's own root element carries a fixed size and a namespace URL; inside HTML the
    // namespace is implied, and the view box scales it to the width of the page.
    let Some(body) = svg
        .strip_prefix("<svg")
        .and_then(|s| Some(&s[s.find('>')? + 1..]))
    else {
        return;
    };
    out.push_str("<section id=\"map\">\n<h2>Map</h2>\n<figure class=\"map\">\n");
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(&format!("overview map of the {} circle", page.view_circle))
    );
    out.push_str(body.trim_end());
    out.push('\n');
    element(
        out,
        "figcaption",
        &format!(
            "The {} circle: blocks covered in green, not covered in orange, gap zones outlined \
             in red (also map.svg and map.png).",
            page.view_circle
        ),
    );
    out.push_str("</figure>\n</section>\n");
}

/// One table per circle: blocks, elderly and residents met, per requirement.
pub fn coverage(out: &mut String, page: &Page) {
    out.push_str("<section id=\"coverage\">\n<h2>Coverage by circle</h2>\n");
    for c in &page.summary.circles {
        coverage_table(c, page).write(out);
    }
    if columns(page.distance, page.measure).contains(&Column::ElderlyOnlyOnMap) {
        element_with_class(
            out,
            "p",
            "note",
            "“Only on the map”: blocks within reach in a straight line but not on foot.",
        );
    }
    out.push_str("</section>\n");
}

/// A circle's coverage table: the columns [`Column::in_html`], the figures with their share.
fn coverage_table(c: &CircleSummary, page: &Page) -> Table {
    let model = CoverageTable::new(c, page.distance, page.measure);
    let columns: Vec<Column> = model
        .columns
        .into_iter()
        .filter(|column| column.in_html(c))
        .collect();
    let head = std::iter::once("requirement".to_string())
        .chain(columns.iter().map(|column| column.header(page.distance)));
    let mut table = Table::new(head);
    table.id = Some(format!("circle-{}", c.name));
    table.caption = Some(format!(
        "{} circle — of {} blocks, {} elderly{}",
        c.display_name(),
        thousands(c.blocks_total as f64),
        thousands(c.elderly_total),
        c.residents_total
            .map(|r| format!(", {} residents", thousands(r)))
            .unwrap_or_default()
    ));
    for row in &model.rows {
        let label = row
            .requirement
            .map_or_else(|| "all requirements".to_string(), requirement_label);
        let figures = columns.iter().map(|&column| {
            row.share(column)
                .map_or_else(Cell::none, |s| Cell::share(s.met, s.total))
        });
        table
            .rows
            .push(std::iter::once(Cell::text(label)).chain(figures).collect());
    }
    table
}

/// The largest gap zones of each circle with what they fail and the nearest facility.
pub fn gap_zones(out: &mut String, summary: &Summary) {
    if summary.top_gap_zones.is_empty() {
        return;
    }
    out.push_str("<section id=\"gaps\">\n<h2>Largest gap zones</h2>\n");
    element_with_class(
        out,
        "p",
        "note",
        &format!(
            "Uncovered blocks close together (within the circle's smallest reach) form a zone, \
             split so that no zone spans more than {} across; the largest of each circle by \
             uncovered elderly. Every zone is in gaps.geojson, and every block's zone in the \
             blocks layer. The nearest facility is measured from the zone's blocks that fail \
             its most failed requirement (the 2nd nearest when that asks for two). Distances \
             are {}.",
            metres(summary.zone_span_m),
            if summary.network.is_some() {
                "on foot"
            } else {
                "in a straight line"
            }
        ),
    );
    let mut table = Table::new([
        "circle",
        "rank",
        "blocks",
        "places",
        "span",
        "elderly uncovered",
        "fails",
        "nearest facility",
        "distance",
    ]);
    table.id = Some("gap-zones".into());
    for z in &summary.top_gap_zones {
        let nearest = match (&z.nearest_kind, z.nearest_label(), z.nearest_rank) {
            (Some(kind), Some(label), Some(k)) if k > 1 => {
                Cell::text(format!("{} nearest {kind} {label}", ordinal(k)))
            }
            (Some(kind), Some(label), _) => Cell::text(format!("{kind} {label}")),
            // None found: say so (`no hospice within 2,000 m on foot`).
            _ => z
                .nearest_words()
                .map_or_else(|| Cell::text("-"), Cell::text),
        };
        table.rows.push(vec![
            Cell::text(summary.circle_display_name(&z.circle)),
            Cell::number(format!("#{}", z.rank)),
            Cell::number(thousands(z.blocks as f64)),
            z.places.as_ref().map_or_else(Cell::none, Cell::text),
            Cell::number(metres(z.span_m)),
            Cell::number(thousands(z.elderly_uncovered)),
            Cell::text(&z.failing),
            nearest,
            z.nearest_m
                .map_or_else(Cell::none, |m| Cell::number(metres(m))),
        ]);
    }
    table.write(out);
    out.push_str("</section>\n");
}

/// Capacity per 1,000 elderly and the blocks below the norm, per capacity requirement; and
/// the referral-chain checks.
pub fn capacity_and_referrals(out: &mut String, summary: &Summary) {
    let mut table = Table::new([
        "circle",
        "requirement",
        "capacity field",
        "capacity",
        "per 1,000 elderly",
        "norm per 1,000",
        "blocks below norm",
        "elderly below norm",
    ]);
    table.id = Some("capacity".into());
    for c in &summary.circles {
        for r in &c.requirements {
            let Some(cap) = &r.capacity else { continue };
            let below =
                |n: Option<f64>, total: f64| n.map_or_else(Cell::none, |n| Cell::share(n, total));
            table.rows.push(vec![
                Cell::text(c.display_name()),
                Cell::text(requirement_label(r)),
                Cell::text(&cap.field),
                Cell::number(thousands(cap.capacity_total)),
                Cell::number(format!("{:.1}", cap.per_1000_mean)),
                cap.min_per_1000
                    .map_or_else(Cell::none, |n| Cell::number(thousands(n))),
                below(
                    cap.blocks_below_norm.map(|b| b as f64),
                    c.blocks_total as f64,
                ),
                below(cap.elderly_below_norm, c.elderly_total),
            ]);
        }
    }
    if table.rows.is_empty() && summary.referrals.is_empty() {
        return;
    }
    out.push_str("<section id=\"capacity-referrals\">\n<h2>Capacity and referral chains</h2>\n");
    if !table.rows.is_empty() {
        table.write(out);
        element_with_class(
            out,
            "p",
            "note",
            "Capacity within reach per 1,000 elderly, averaged over all elderly (two-step \
             floating catchment); each facility's load is in facilities.csv.",
        );
    }
    if !summary.referrals.is_empty() {
        let walking = summary.network.is_some();
        list(
            out,
            summary.referrals.iter().map(|r| {
                format!(
                    "Referral chains: {} ({}; each point in referrals.csv).",
                    referral_text(r, walking),
                    percent(r.points_without_referral as f64, r.points as f64)
                )
            }),
        );
    }
    out.push_str("</section>\n");
}

/// The suggested new sites, one table per requirement.
pub fn sites(out: &mut String, summary: &Summary) {
    if summary.suggested_sites.is_empty() {
        return;
    }
    out.push_str("<section id=\"sites\">\n<h2>Suggested sites</h2>\n");
    for s in &summary.suggested_sites {
        sites_table(out, summary, s);
    }
    out.push_str("</section>\n");
}

fn sites_table(out: &mut String, summary: &Summary, s: &SitesSummary) {
    let how = if s.walking {
        " on foot"
    } else {
        " in a straight line"
    };
    element(
        out,
        "p",
        &format!(
            "New {} sites for the {} circle: today {} of {} elderly ({}) have one within {}{how}. \
             Each site is the candidate that newly covers the most elderly after those above it.",
            summary.kind_display_name(&s.kind),
            summary.circle_display_name(&s.circle),
            thousands(s.elderly_met_before),
            thousands(s.elderly_total),
            percent(s.elderly_met_before, s.elderly_total),
            s.reach().words()
        ),
    );
    let mut table = Table::new([
        "rank",
        "candidate",
        "longitude",
        "latitude",
        "blocks newly covered",
        "elderly newly covered",
        "cumulative",
        "share covered then",
    ]);
    table.id = Some(format!("sites-{}-{}", s.circle, s.kind));
    for site in &s.sites {
        table.rows.push(vec![
            Cell::number(format!("#{}", site.rank)),
            Cell::text(site.label()),
            Cell::number(format!("{:.6}", site.lon)),
            Cell::number(format!("{:.6}", site.lat)),
            Cell::number(thousands(site.newly_covered_blocks as f64)),
            Cell::number(thousands(site.marginal_elderly)),
            Cell::number(thousands(site.cumulative_elderly)),
            Cell::number(percent(
                s.elderly_met_before + site.cumulative_elderly,
                s.elderly_total,
            )),
        ]);
    }
    table.write(out);
}

/// The input files with their counts, skipped features, warnings, the street network and
/// the other files written.
pub fn inputs(out: &mut String, page: &Page) {
    let summary = page.summary;
    out.push_str("<section id=\"inputs\">\n<h2>Inputs and outputs</h2>\n");
    let mut table = Table::new(["layer", "file", "features", "used", "skipped"]);
    table.id = Some("inputs-table".into());
    for i in &summary.inputs {
        table.rows.push(vec![
            Cell::text(&i.role),
            Cell::text(&i.path),
            Cell::number(thousands(i.features as f64)),
            Cell::number(thousands(i.kept as f64)),
            Cell::number(thousands(i.skipped as f64)),
        ]);
    }
    table.write(out);
    if summary.skipped_features > 0 {
        element_with_class(
            out,
            "p",
            "warning",
            &format!(
                "{} invalid feature(s) skipped; each is listed with its problem in skipped.csv.",
                thousands(summary.skipped_features as f64)
            ),
        );
    }
    if !summary.warnings.is_empty() {
        out.push_str("<div class=\"warning\">\n");
        list(
            out,
            summary.warnings.iter().map(|w| format!("Warning: {w}")),
        );
        out.push_str("</div>\n");
    }
    if let Some(n) = &summary.network {
        element(out, "p", &network_text(n));
    }
    if !page.files.is_empty() {
        element(out, "p", "Also in this folder:");
        out.push_str("<div class=\"files\">\n");
        list(
            out,
            page.files.iter().map(|name| match describe_output(name) {
                Some(what) => format!("{name}: {what}"),
                None => name.clone(),
            }),
        );
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn network_text(n: &NetworkSummary) -> String {
    format!(
        "Street network: {} nodes, {} edges, {} component(s) (the main one {} nodes); walking \
         searches look up to {}. Off the network: {} blocks and {} facility locations; on \
         isolated components: {} blocks and {} facility locations (all listed in \
         off_network.csv).",
        thousands(n.nodes as f64),
        thousands(n.edges as f64),
        thousands(n.components as f64),
        thousands(n.main_component_nodes as f64),
        metres(n.search_m),
        thousands(n.blocks_off_network as f64),
        thousands(n.facilities_off_network as f64),
        thousands(n.blocks_isolated as f64),
        thousands(n.facilities_isolated as f64),
    )
}

/// What an output file holds, for the list at the end of the page.
fn describe_output(name: &str) -> Option<&'static str> {
    Some(match name {
        "blocks.geojson" => "every block with its coverage fields and gap reason",
        "coverage.csv" => "the block fields without geometry",
        "gaps.geojson" => "every gap zone's outline",
        "facilities.geojson" => "every facility, by kind",
        "sites.geojson" => "the suggested sites above",
        "blocks.qml" | "gaps.qml" | "facilities.qml" | "service_areas.qml" | "sites.qml" => {
            "QGIS style of the GeoJSON beside it"
        }
        "carecircle.gpkg" => "every layer in one GeoPackage, indexed and styled for QGIS",
        "map.svg" | "map.png" => "the overview map above",
        "summary.json" => "the figures of this page, for scripts",
        "summary.csv" => "one row per circle and requirement",
        "skipped.csv" => "the invalid features skipped",
        "off_network.csv" => "blocks and facilities off the street network",
        "facilities.csv" => "each facility's capacity and load",
        "referrals.csv" => "each referral-chain check per facility",
        "service_areas.geojson" => "each facility's streets within reach on foot",
        _ => return None,
    })
}
