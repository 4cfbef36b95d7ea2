use super::*;
use crate::analysis::referral::ReferralSummary;
use crate::analysis::summary::{
    CapacitySummary, CircleSummary, InputSummary, NetworkSummary, RequirementSummary, SiteSummary,
    SitesSummary, WalkComparison,
};
use crate::analysis::zones::ZoneSummary;

#[path = "../../../tests/common/html_doc.rs"]
pub(crate) mod html_doc; // also read by the coverage table's tests
use html_doc::{parse, table, texts};

const HOSTILE: &str = r#"<script>alert("x")</script> & 'q'"#;

/// Straight-line and walking figures where walking meets `blocks` and `elderly` and the
/// straight line two blocks and 20 elderly more (also used by the coverage table's tests).
pub(crate) fn walk(blocks: usize, elderly: f64) -> WalkComparison {
    WalkComparison {
        blocks_met_straight: blocks + 2,
        blocks_met_walk: blocks,
        elderly_met_straight: elderly + 20.0,
        elderly_met_walk: elderly,
        blocks_straight_only: 2,
        elderly_straight_only: 20.0,
    }
}

/// A summary of a walked city with one circle, a hostile id in a gap zone and a path, a
/// capacity rule, a referral check and suggested sites.
fn summary() -> Summary {
    let requirement = RequirementSummary {
        kind: "care_bed".into(),
        kind_label: None,
        filter: Some(format!("name = {HOSTILE}")),
        within_m: 100.0,
        minutes: None,
        min_count: 2,
        facilities: 12,
        blocks_met: 30,
        elderly_met: 300.0,
        residents_met: Some(1500.0),
        walking: Some(walk(30, 300.0)),
        elderly_met_area: None,
        capacity: Some(CapacitySummary {
            field: "beds".into(),
            capacity_total: 80.0,
            per_1000_mean: 34.25,
            min_per_1000: Some(40.0),
            blocks_below_norm: Some(70),
            elderly_below_norm: Some(700.0),
        }),
    };
    Summary {
        version: "9.9.9".into(),
        measure: Measure::Centroid,
        distance: DistanceMode::Both,
        network: Some(NetworkSummary {
            nodes: 1234,
            edges: 2345,
            components: 3,
            main_component_nodes: 1200,
            search_m: 2000.0,
            max_snap_m: 500.0,
            blocks_off_network: 1,
            blocks_isolated: 2,
            facilities_off_network: 3,
            facilities_isolated: 4,
        }),
        circles: vec![CircleSummary {
            name: "basic".into(),
            label: None,
            blocks_met: 25,
            blocks_total: 100,
            elderly_met: 250.0,
            elderly_total: 1000.0,
            residents_met: Some(1200.0),
            residents_total: Some(5000.0),
            walking: Some(walk(25, 250.0)),
            elderly_met_area: None,
            requirements: vec![requirement],
        }],
        referrals: vec![ReferralSummary {
            from: "care_bed".into(),
            to: "hospice".into(),
            within_m: 1000.0,
            points: 12,
            points_without_referral: 3,
        }],
        zone_span_m: 1000.0,
        top_gap_zones: vec![ZoneSummary {
            circle: "basic".into(),
            rank: 1,
            blocks: 40,
            places: Some(HOSTILE.into()),
            span_m: 640.0,
            elderly_uncovered: 400.0,
            residents_uncovered: None,
            failing: "care_bed (40 blocks)".into(),
            failing_kinds: Vec::new(),
            nearest_kind: Some("care_bed".into()),
            nearest_facility_id: Some(HOSTILE.into()),
            nearest_facility_name: Some(HOSTILE.into()),
            nearest_rank: Some(2),
            nearest_m: Some(1480.4),
            nearest_searched_m: None,
        }],
        inputs: vec![InputSummary {
            role: "blocks".into(),
            path: "/data/<city> & co/blocks.geojson".into(),
            features: 101,
            kept: 100,
            skipped: 1,
        }],
        skipped_features: 1,
        warnings: vec![format!("layer {HOSTILE} is empty")],
        suggested_sites: vec![SitesSummary {
            circle: "basic".into(),
            kind: "care_bed".into(),
            reach_m: 100.0,
            minutes: None,
            walking: true,
            elderly_met_before: 300.0,
            elderly_total: 1000.0,
            sites: vec![
                SiteSummary {
                    rank: 1,
                    candidate_id: "B<17>".into(),
                    candidate_name: Some(HOSTILE.into()),
                    lon: 121.5123456,
                    lat: 25.0412345,
                    marginal_elderly: 120.0,
                    cumulative_elderly: 120.0,
                    newly_covered_blocks: 9,
                    gap_zones: vec![1, 3],
                },
                SiteSummary {
                    rank: 2,
                    candidate_id: "B42".into(),
                    candidate_name: None,
                    lon: 121.52,
                    lat: 25.05,
                    marginal_elderly: 80.0,
                    cumulative_elderly: 200.0,
                    newly_covered_blocks: 5,
                    gap_zones: vec![2],
                },
            ],
        }],
    }
}

const SVG: &str = r##"<svg width="1754" height="1240" viewBox="0 0 1754 1240" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="1754" height="1240" fill="#FFFFFF"/>
<text x="10" y="20" font-family="sans-serif">basic circle</text>
</svg>
"##;

fn page<'a>(summary: &'a Summary, policy: &'a Policy, command: &'a [String]) -> Page<'a> {
    Page {
        name: "Town <A&B>",
        command,
        policy,
        measure: Measure::Centroid,
        distance: DistanceMode::Both,
        summary,
        view_circle: "basic",
        map_svg: Some(SVG),
        files: vec!["blocks.geojson".into(), "extra & more.csv".into()],
        data: DataNotes {
            source: Some("OpenStreetMap extract town.osm.pbf (2016-03-05) <b>"),
            attribution: Some("© OpenStreetMap contributors, ODbL 1.0"),
            population_note: Some("estimated from building floor area"),
        },
    }
}

#[test]
fn data_is_escaped_and_the_page_is_well_formed() {
    let summary = summary();
    let policy = Policy::default_policy();
    let command: Vec<String> = ["/usr/bin/carecircle", "report", "my city/city.toml"]
        .map(String::from)
        .to_vec();
    let html = render(&page(&summary, &policy, &command));
    assert!(!html.contains("<script"), "unescaped data");
    assert!(!html.contains("<city>") && !html.contains("<A&B>") && !html.contains("B<17>"));
    let doc = parse(&html);
    // Escaped, the data reads back as it was.
    assert_eq!(
        texts(&doc, "h1"),
        ["Elderly-care service circles: Town <A&B>"]
    );
    let zones = table(&doc, "gap-zones");
    assert_eq!(zones[1][3], HOSTILE);
    assert_eq!(zones[1][4], "640 m");
    assert_eq!(
        zones[1][7],
        format!("2nd nearest care_bed {HOSTILE} ({HOSTILE})")
    );
    assert_eq!(zones[1][8], "1,480 m");
    let inputs = table(&doc, "inputs-table");
    assert_eq!(
        inputs[1],
        [
            "blocks",
            "/data/<city> & co/blocks.geojson",
            "101",
            "100",
            "1"
        ]
    );
    assert!(texts(&doc, "li").contains(&format!("Warning: layer {HOSTILE} is empty")));
    assert!(texts(&doc, "li").contains(&"extra & more.csv".to_string()));
    // The command line, quoted as typed, and the version.
    assert!(texts(&doc, "code").contains(&"carecircle report 'my city/city.toml'".to_string()));
    assert!(html.contains("carecircle 9.9.9"));
    // The map is inline, without its namespace URL, scaled by its view box.
    assert!(!html.contains("http"));
    let svg = doc.descendants().find(|n| n.has_tag_name("svg")).unwrap();
    assert_eq!(svg.attribute("viewBox"), Some("0 0 1754 1240"));
    assert_eq!(svg.attribute("width"), None);
    assert!(texts(&doc, "text").contains(&"basic circle".to_string()));
}

#[test]
fn circle_table_has_walking_and_straight_columns_and_requirement_rows() {
    let summary = summary();
    let policy = Policy::default_policy();
    let html = render(&page(&summary, &policy, &[]));
    let doc = parse(&html);
    let rows = table(&doc, "circle-basic");
    assert_eq!(
        rows[0],
        [
            "requirement",
            "blocks met on foot",
            "elderly met on foot",
            "residents met on foot",
            "blocks met, straight line",
            "elderly met, straight line",
            "elderly only on the map"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "all requirements",
            "25 25.0 %",
            "250 25.0 %",
            "1,200 24.0 %",
            "27 27.0 %",
            "270 27.0 %",
            "20 2.0 %"
        ]
    );
    assert_eq!(
        rows[2][0],
        format!("2 × care_bed (name = {HOSTILE}) ≤ 100 m")
    );
    assert_eq!(rows[2][1], "30 30.0 %");
    // Capacity and referrals.
    let capacity = table(&doc, "capacity");
    assert_eq!(
        capacity[1][3..],
        ["80", "34.2", "40", "70 70.0 %", "700 70.0 %"]
    );
    assert!(texts(&doc, "li").contains(
        &"Referral chains: 3 of 12 care_bed points have no hospice within 1,000 m on foot \
          (25.0 %; each point in referrals.csv)."
            .to_string()
    ));
    // Without a command line the program name stands alone.
    assert!(texts(&doc, "code").contains(&"carecircle".to_string()));
}

#[test]
fn suggested_sites_get_a_table_per_requirement() {
    let mut summary = summary();
    let policy = Policy::default_policy();
    let html = render(&page(&summary, &policy, &[]));
    let doc = parse(&html);
    let rows = table(&doc, "sites-basic-care_bed");
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        [
            "#1",
            &format!("{HOSTILE} (B<17>)"),
            "121.512346",
            "25.041235",
            "9",
            "120",
            "120",
            "42.0 %"
        ]
    );
    assert_eq!(rows[2][1..2], ["B42"]);
    assert_eq!(rows[2][6..], ["200", "50.0 %"]);
    assert!(texts(&doc, "p").iter().any(|p| p.starts_with(
        "New care_bed sites for the basic circle: today 300 of 1,000 elderly (30.0 %) have one \
         within 100 m on foot."
    )));
    // No suggestions, no section.
    summary.suggested_sites.clear();
    let html = render(&page(&summary, &policy, &[]));
    assert!(!html.contains("Suggested sites") && !html.contains("sites-basic"));
}

#[test]
fn straight_line_reports_have_no_walking_columns_or_network() {
    let mut summary = summary();
    summary.network = None;
    for c in &mut summary.circles {
        c.walking = None;
        for r in &mut c.requirements {
            r.walking = None;
        }
    }
    let policy = Policy::default_policy();
    let mut page = page(&summary, &policy, &[]);
    page.distance = DistanceMode::Straight;
    page.map_svg = None;
    let html = render(&page);
    let doc = parse(&html);
    let rows = table(&doc, "circle-basic");
    assert_eq!(
        rows[0],
        ["requirement", "blocks met", "elderly met", "residents met"]
    );
    assert!(!html.contains("Street network") && !html.contains("<svg"));
}

#[test]
fn a_zone_whose_facility_was_not_found_says_so() {
    let mut summary = summary();
    let zone = &mut summary.top_gap_zones[0];
    (zone.nearest_facility_id, zone.nearest_m) = (None, None);
    zone.nearest_searched_m = Some(2000.0);
    let policy = Policy::default_policy();
    let doc_html = render(&page(&summary, &policy, &[]));
    let zones = table(&parse(&doc_html), "gap-zones");
    assert_eq!(zones[1][7], "no 2nd care_bed within 2,000 m on foot");
    assert_eq!(zones[1][8], "-");
}

#[test]
fn shell_quoting() {
    assert_eq!(shell_quote("--out"), "--out");
    assert_eq!(
        shell_quote("demo-out/input/city.toml"),
        "demo-out/input/city.toml"
    );
    assert_eq!(shell_quote("臺北/city.toml"), "臺北/city.toml");
    assert_eq!(shell_quote("my city"), "'my city'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(shell_quote(""), "''");
    assert_eq!(shell_quote("$HOME;rm"), "'$HOME;rm'");
}

/// The summary's first places to act are the largest zones by elderly (rank among equals),
/// each with the suggested sites that newly cover its blocks.
#[test]
fn actions_name_the_largest_zones_and_the_sites_that_close_them() {
    let mut summary = summary();
    let first = summary.top_gap_zones[0].clone();
    for (rank, elderly) in [(2, 900.0), (3, 10.0), (4, 400.0)] {
        summary.top_gap_zones.push(ZoneSummary {
            rank,
            elderly_uncovered: elderly,
            places: Some(format!("Place {rank}")),
            ..first.clone()
        });
    }
    let ranks: Vec<usize> = actions::first_places(&summary)
        .iter()
        .map(|z| z.rank)
        .collect();
    assert_eq!(ranks, [2, 1, 4]);
    let policy = Policy::default_policy();
    let html = render(&page(&summary, &policy, &[]));
    let doc = parse(&html);
    let list = doc
        .descendants()
        .find(|n| n.has_tag_name("ol") && n.attribute("class") == Some("actions"))
        .expect("the list of places to act");
    let items: Vec<String> = list
        .children()
        .filter(|n| n.has_tag_name("li"))
        .map(html_doc::text)
        .collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].starts_with("Basic circle, gap zone #2 (Place 2, 640 m across): 900 elderly"));
    assert!(items[0].contains("site #2 in sites.geojson") && !items[0].contains("site #1"));
    assert!(items[1].starts_with(&format!("Basic circle, gap zone #1 ({HOSTILE}, 640 m")));
    assert!(items[1].contains("2nd nearest care_bed"));
    assert!(items[1].contains("would newly cover 120 elderly here and nearby (site #1"));
    assert!(
        !items[2].contains("sites.geojson"),
        "zone #4 has no site: {}",
        items[2]
    );
    let meaning = texts(&doc, "li");
    assert!(meaning.contains(&"Basic circle: 250 of 1,000 elderly (25.0 %) have everything it asks for within reach on foot; 750 do not.".to_string()));
}

/// The manifest's source, credit and population caveat are under the title, escaped.
#[test]
fn the_data_source_credit_and_caveat_head_the_page() {
    let summary = summary();
    let policy = Policy::default_policy();
    let html = render(&page(&summary, &policy, &[]));
    let doc = parse(&html);
    let header = doc
        .descendants()
        .find(|n| n.has_tag_name("header"))
        .map(html_doc::text)
        .unwrap();
    assert!(header.contains("Data: OpenStreetMap extract town.osm.pbf (2016-03-05) <b>."));
    assert!(header.contains("© OpenStreetMap contributors, ODbL 1.0"));
    assert!(
        header.contains("Residents and elderly are estimates (estimated from building floor area)")
    );
    let mut bare = page(&summary, &policy, &[]);
    bare.data = DataNotes::default();
    let html = render(&bare);
    assert!(!html.contains("Data:") && !html.contains("estimates ("));
}
