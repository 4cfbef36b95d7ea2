//! `report.html` from the real binary: self-contained, and its figures are `summary.json`'s.

mod common;

use common::html_doc::{parse, table, texts};
use common::{carecircle, taipei};
use roxmltree::Document;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// The count at the start of a cell (`1,234 5.0 %` → 1234).
fn count(cell: &str) -> f64 {
    let first = cell.split_whitespace().next().unwrap_or_default();
    first
        .trim_start_matches('#')
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a count: {cell:?}"))
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

/// No element or style loads anything from outside the page.
fn assert_self_contained(html: &str, doc: &Document) {
    for needle in [
        "http://", "https://", "url(", "@import", "<script", "<link", "<img",
    ] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            !["script", "link", "img", "iframe", "object", "embed", "image", "use"].contains(&tag),
            "<{tag}> in report.html"
        );
        for attr in node.attributes() {
            if ["src", "href", "srcset", "data", "action", "poster"].contains(&attr.name()) {
                assert!(
                    attr.value().starts_with('#'),
                    "<{tag} {}={:?}> points outside the page",
                    attr.name(),
                    attr.value()
                );
            }
        }
    }
}

/// Checks `out/report.html` against `out/summary.json`; `command` is the command line the
/// page must show.
fn check_report_html(out: &Path, command: &str) {
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let doc = parse(&html);
    assert_self_contained(&html, &doc);

    // The command line and the version.
    assert_eq!(texts(&doc, "code"), [command]);
    let version = summary["version"].as_str().unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert!(html.contains(&format!("with carecircle {version}.")));

    // The map, inline and scaled by its view box.
    let svg = doc
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .expect("an inline <svg> map");
    assert_eq!(svg.attribute("viewBox"), Some("0 0 1754 1240"));
    assert!(svg.attribute("width").is_none());
    assert!(
        svg.descendants()
            .filter(|n| n.has_tag_name("polygon"))
            .count()
            > 10
    );

    // One table per circle, with summary.json's figures.
    let walking = summary.get("network").is_some() && summary["distance"] == "both";
    let circles = summary["circles"].as_array().unwrap();
    let circle_tables = doc
        .descendants()
        .filter(|n| n.has_tag_name("table"))
        .filter(|n| {
            n.attribute("id")
                .is_some_and(|id| id.starts_with("circle-"))
        })
        .count();
    assert_eq!(circle_tables, circles.len());
    for c in circles {
        let rows = table(&doc, &format!("circle-{}", c["name"].as_str().unwrap()));
        let requirements = c["requirements"].as_array().unwrap();
        assert_eq!(rows.len(), 2 + requirements.len());
        assert_eq!(rows[1][0], "all requirements");
        for (row, figures) in rows[1..].iter().zip(std::iter::once(c).chain(requirements)) {
            let mut expected = vec![
                number(&figures["blocks_met"]),
                number(&figures["elderly_met"]).round(),
            ];
            if let Some(residents) = figures["residents_met"].as_f64() {
                expected.push(residents.round());
            }
            if walking {
                expected.extend([
                    number(&figures["blocks_met_straight"]),
                    number(&figures["elderly_met_straight"]).round(),
                    number(&figures["elderly_straight_only"]).round(),
                ]);
                assert_eq!(figures["blocks_met_walk"], figures["blocks_met"]);
            }
            let shown: Vec<f64> = row[1..].iter().map(|cell| count(cell)).collect();
            assert_eq!(shown, expected, "{row:?}");
        }
        for (row, r) in rows[2..].iter().zip(requirements) {
            assert!(row[0].contains(r["kind"].as_str().unwrap()), "{row:?}");
        }
    }

    // The largest gap zones, in summary.json's order.
    let zones = &summary["top_gap_zones"];
    assert!(!zones.as_array().unwrap().is_empty());
    assert_rows(
        &table(&doc, "gap-zones"),
        zones,
        |row| {
            (
                row[0].clone(),
                count(&row[1]),
                row[3].clone(),
                count(&row[5]),
            )
        },
        |z| {
            let circle = z["circle"].as_str().unwrap().to_string();
            (
                circle,
                number(&z["rank"]),
                z["places"].as_str().unwrap_or("-").to_string(),
                number(&z["elderly_uncovered"]).round(),
            )
        },
    );
    // The suggested sites of each requirement, as in summary.json.
    for sites in summary
        .get("suggested_sites")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = format!(
            "sites-{}-{}",
            sites["circle"].as_str().unwrap(),
            sites["kind"].as_str().unwrap()
        );
        assert_rows(
            &table(&doc, &id),
            &sites["sites"],
            |row| (count(&row[0]), row[1].clone(), count(&row[5])),
            |site| {
                (
                    number(&site["rank"]),
                    site["candidate_id"].as_str().unwrap().to_string(),
                    number(&site["marginal_elderly"]).round(),
                )
            },
        );
    }
    // Every other file of the folder is listed, with what it holds (but the hidden record of
    // what carecircle wrote there, which is housekeeping).
    let listed = texts(&doc, "li");
    for entry in fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        if path.is_file() && name != "report.html" && name != ".carecircle-files" {
            let prefix = format!("{name}: ");
            assert!(
                listed.iter().any(|li| li.starts_with(&prefix)),
                "{name} is not described in {listed:?}"
            );
        }
    }
    // Every input file with its feature count.
    assert_rows(
        &table(&doc, "inputs-table"),
        &summary["inputs"],
        |row| (row[1].clone(), count(&row[2])),
        |i| {
            (
                i["path"].as_str().unwrap().to_string(),
                number(&i["features"]),
            )
        },
    );
}

/// The table's rows after its header, read by `shown`, equal the JSON array `list`'s items,
/// read by `expected`.
fn assert_rows<T: PartialEq + std::fmt::Debug>(
    rows: &[Vec<String>],
    list: &Value,
    shown: impl Fn(&[String]) -> T,
    expected: impl Fn(&Value) -> T,
) {
    let shown: Vec<T> = rows[1..].iter().map(|row| shown(row)).collect();
    let expected: Vec<T> = list.as_array().unwrap().iter().map(expected).collect();
    assert_eq!(shown, expected);
}

#[test]
fn demo_writes_a_self_contained_report_html_matching_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    carecircle()
        .args(["demo", "--blocks", "2000", "--out"])
        .arg(&out)
        .assert()
        .success();
    check_report_html(
        &out,
        &format!("carecircle demo --blocks 2000 --out {}", out.display()),
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html
        .contains("<h1>Elderly-care service circles: Synthetic city (2,000 blocks, seed 1)</h1>"));
    assert!(html.contains("Street network: "));
    assert!(html.contains("<h2>Suggested sites</h2>"));
}

#[test]
fn taipei_report_html_names_the_city_and_quotes_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("taipei report");
    let manifest = taipei().join("city.toml");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    check_report_html(
        &out,
        &format!(
            "carecircle report {} --quiet --out '{}'",
            manifest.display(),
            out.display()
        ),
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Elderly-care service circles: Taipei: Zhongzheng and Datong districts"));
    // The fixture's own policy, in words.
    assert!(html.contains("<li>Basic circle ("), "{html}");
}
