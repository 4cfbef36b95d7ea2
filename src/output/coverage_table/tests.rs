//! The coverage table and its three renderers — the terminal table, `report.html` and
//! `summary.csv` — for every distance mode, with and without residents and area figures.

use super::*;
use crate::analysis::summary::{NetworkSummary, Summary};
use crate::config::Policy;
use crate::lang::Lang;
use crate::output::format::{percent, thousands};
use crate::output::html::{render, Page};
use crate::output::summary::{summary_csv_rows, summary_table};

use crate::output::html::tests::html_doc::{parse, table};
use crate::output::html::tests::walk as walk_comparison;

const MODES: [DistanceMode; 3] = [
    DistanceMode::Straight,
    DistanceMode::Network,
    DistanceMode::Both,
];

/// A city of 100 blocks, 1,000 elderly and (with `residents`) 5,000 residents, and one
/// circle with two requirements, with the figures `distance` and `measure` compute (and a
/// street network when walking).
fn summary(distance: DistanceMode, measure: Measure, residents: bool) -> Summary {
    let walk =
        |blocks: usize, elderly: f64| distance.walks().then(|| walk_comparison(blocks, elderly));
    let area = |elderly: f64| (measure == Measure::Area).then_some(elderly + 5.5);
    let requirement =
        |kind: &str, min_count: usize, blocks: usize, elderly: f64| RequirementSummary {
            kind: kind.into(),
            kind_label: None,
            filter: (min_count > 1).then(|| "team = night".into()),
            within_m: 100.0 * min_count as f64,
            minutes: None,
            min_count,
            facilities: 12,
            blocks_met: blocks,
            elderly_met: elderly,
            residents_met: residents.then_some(elderly * 4.5),
            walking: walk(blocks, elderly),
            elderly_met_area: area(elderly),
            capacity: None,
        };
    let circle = CircleSummary {
        name: "basic".into(),
        label: None,
        blocks_met: 25,
        blocks_total: 100,
        elderly_met: 250.0,
        elderly_total: 1000.0,
        residents_met: residents.then_some(1200.0),
        residents_total: residents.then_some(5000.0),
        walking: walk(25, 250.0),
        elderly_met_area: area(250.0),
        requirements: vec![
            requirement("care_bed", 1, 30, 300.0),
            requirement("responder", 2, 40, 412.5),
        ],
    };
    Summary {
        version: "9.9.9".into(),
        measure,
        distance,
        network: distance.walks().then_some(NetworkSummary {
            nodes: 1234,
            edges: 2345,
            components: 1,
            main_component_nodes: 1234,
            search_m: 2000.0,
            max_snap_m: 500.0,
            blocks_off_network: 0,
            blocks_isolated: 0,
            facilities_off_network: 0,
            facilities_isolated: 0,
        }),
        circles: vec![circle],
        referrals: Vec::new(),
        zone_span_m: 1000.0,
        top_gap_zones: Vec::new(),
        inputs: Vec::new(),
        skipped_features: 0,
        warnings: Vec::new(),
        suggested_sites: Vec::new(),
    }
}

/// The terminal's table rows under its caption (the lines from the one starting `circle`),
/// each as its cells (cells are two or more spaces apart; the circle's name, empty on
/// requirement rows, is left out).
fn terminal_rows(summary: &Summary) -> Vec<Vec<String>> {
    summary_table(summary, Lang::En)
        .lines()
        .skip_while(|line| !line.starts_with("circle"))
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(String::from)
                .collect()
        })
        .collect()
}

/// The rows of the circle's table in `report.html`.
fn html_rows(summary: &Summary) -> Vec<Vec<String>> {
    let policy = Policy::default_policy();
    let page = Page {
        name: "Town",
        command: &[],
        policy: &policy,
        measure: summary.measure,
        distance: summary.distance,
        summary,
        view_circle: "basic",
        map_svg: None,
        files: Vec::new(),
        data: Default::default(),
    };
    table(&parse(&render(&page)), "circle-basic")
}

/// `25 (25.0 %)` in the terminal, as `25 25.0 %` in the page.
fn as_html_cell(terminal: &str) -> String {
    match terminal.split_once(" (") {
        Some((met, percent)) => format!("{met} {}", percent.trim_end_matches(')')),
        None => terminal.to_string(),
    }
}

/// The page's heading of the terminal's `heading`.
fn page_heading(heading: &str, distance: DistanceMode) -> String {
    Column::ALL
        .into_iter()
        .find(|c| c.in_terminal() && c.terminal_header(Lang::En) == heading)
        .map_or_else(
            || panic!("no column headed {heading:?}"),
            |c| c.header(distance),
        )
}

#[test]
fn terminal_under_network_shows_walking_figures_only() {
    let summary = summary(DistanceMode::Network, Measure::Centroid, true);
    let text = summary_table(&summary, Lang::En);
    assert_eq!(
        terminal_rows(&summary)[0],
        ["circle", "requirement", "blocks", "elderly"]
    );
    let caption = text.lines().next().unwrap();
    assert_eq!(
        caption,
        "100 blocks and 1,000 elderly; met on foot within each requirement's reach."
    );
    assert!(!text.contains("straight line") && !text.contains("only on the map"));
    assert!(text.contains("25 (25.0 %)") && !text.contains("27 (27.0 %)"));
}

#[test]
fn terminal_under_both_compares_with_the_straight_line() {
    let summary = summary(DistanceMode::Both, Measure::Area, false);
    let rows = terminal_rows(&summary);
    assert_eq!(
        rows[0],
        [
            "circle",
            "requirement",
            "blocks",
            "elderly",
            "straight line",
            "area-weighted"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "basic",
            "all",
            "25 (25.0 %)",
            "250 (25.0 %)",
            "270 (27.0 %)",
            "256 (25.6 %)"
        ]
    );
    let text = summary_table(&summary, Lang::En);
    let caption = text.split("\ncircle").next().unwrap().replace('\n', " ");
    assert!(caption.contains("; straight line: elderly met in a straight line"));
    assert!(caption.contains("; area-weighted: elderly weighted by the share"));
    // Six columns are one too wide for 100: the longest requirement is shortened to fit.
    assert_eq!(rows[3][0], "2 × responder (team = night) ≤ 200…");
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
}

/// Every column the terminal shows is in the page, under its longer heading, with the same
/// figures; the page shows the blocks met in a straight line beside them, and residents
/// only when there are some.
#[test]
fn terminal_and_page_agree_in_every_mode() {
    for distance in MODES {
        for measure in [Measure::Centroid, Measure::Area] {
            for residents in [false, true] {
                let summary = summary(distance, measure, residents);
                let terminal = terminal_rows(&summary);
                let html = html_rows(&summary);
                let case = format!("{distance:?} {measure:?} residents {residents}");
                assert_eq!(terminal.len(), html.len(), "{case}");
                let expected: Vec<String> = columns(distance, measure)
                    .into_iter()
                    .map(|c| c.header(distance))
                    .filter(|h| residents || !h.starts_with("residents"))
                    .collect();
                assert_eq!(html[0][1..], expected, "{case}");
                for (i, heading) in terminal[0].iter().enumerate().skip(2) {
                    let heading = page_heading(heading, distance);
                    let j = html[0].iter().position(|h| *h == heading);
                    let j = j.unwrap_or_else(|| panic!("{case}: {heading} not in the page"));
                    // The first row has the circle's name; the others do not.
                    for (t, h) in terminal[1..].iter().zip(&html[1..]) {
                        let skip = t.len() - (terminal[0].len() - 2);
                        assert_eq!(as_html_cell(&t[i - 2 + skip]), h[j], "{case} {heading}");
                    }
                }
            }
        }
    }
}

/// `summary.csv` has the same figures as the terminal's first three columns, unrounded,
/// and the same columns in every mode.
#[test]
fn csv_and_terminal_agree_in_every_mode() {
    for distance in MODES {
        for residents in [false, true] {
            let summary = summary(distance, Measure::Area, residents);
            let csv = summary_csv_rows(&summary);
            let terminal = terminal_rows(&summary);
            assert_eq!(
                csv[0],
                [
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
                    "residents_total"
                ]
            );
            assert_eq!(csv[1][..5], ["basic", "all", "", "", ""]);
            assert_eq!(
                csv[3][..5],
                ["basic", "responder (team = night)", "200", "2", "12"]
            );
            assert_eq!(csv[3][5..9], ["40", "100", "412.5", "1000"]);
            for (c, t) in csv[1..].iter().zip(&terminal[1..]) {
                let skip = t.len() - (terminal[0].len() - 2);
                let text = |met: &str, total: &str| {
                    let (met, total): (f64, f64) = (met.parse().unwrap(), total.parse().unwrap());
                    format!("{} ({})", thousands(met), percent(met, total))
                };
                assert_eq!(t[skip], text(&c[5], &c[6]));
                assert_eq!(t[skip + 1], text(&c[7], &c[8]));
                assert_eq!(c[9].is_empty() && c[10].is_empty(), !residents);
            }
        }
    }
}

#[test]
fn columns_follow_the_distance_mode_and_measure() {
    use Column::*;
    assert_eq!(
        columns(DistanceMode::Straight, Measure::Edge),
        [BlocksMet, ElderlyMet, ResidentsMet]
    );
    assert_eq!(
        columns(DistanceMode::Network, Measure::Area),
        [BlocksMet, ElderlyMet, ResidentsMet, ElderlyMetArea]
    );
    assert_eq!(columns(DistanceMode::Both, Measure::Centroid).len(), 6);
    assert_eq!(BlocksMet.header(DistanceMode::Straight), "blocks met");
    assert_eq!(
        ResidentsMet.header(DistanceMode::Network),
        "residents met on foot"
    );
}

/// A requirement written in minutes is labelled in minutes (its metres beside them) in the
/// terminal and in report.html alike; one written in metres keeps its `≤ 100 m`.
#[test]
fn a_reach_in_minutes_is_labelled_in_minutes() {
    let mut summary = summary(DistanceMode::Network, Measure::Centroid, true);
    let responder = &mut summary.circles[0].requirements[1];
    let minutes = crate::config::Minutes {
        within_min: 5.0,
        speed_m_per_min: 40.0,
        delay_min: 0.0,
    };
    assert_eq!(minutes.reach_m(), responder.within_m);
    responder.minutes = Some(minutes);
    let terminal = terminal_rows(&summary);
    let html = html_rows(&summary);
    assert_eq!(terminal[2][0], "care_bed ≤ 100 m");
    assert_eq!(html[2][0], "care_bed ≤ 100 m");
    assert_eq!(
        terminal[3][0],
        "2 × responder (team = night) ≤ 5 min (200 m)"
    );
    assert_eq!(html[3][0], "2 × responder (team = night) ≤ 5 min (200 m)");
    // summary.csv keeps the metres every figure was computed with.
    assert_eq!(summary_csv_rows(&summary)[3][2], "200");
}
