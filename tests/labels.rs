//! Labels: a circle's `label` (policy) and a layer's `label` (manifest) are what people read
//! in the terminal, report.html and summary.json, while field names keep the ASCII names.

mod common;

use common::{report, taipei};
use serde_json::Value;
use std::fs;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

const CIRCLE_LABEL: &str = "基本照護圈";
const KIND_LABEL: &str = "社區照顧關懷據點";

/// The Taipei fixture copied into `dir`, the basic circle and the care-bed layer labelled.
fn labelled_taipei(dir: &Path) -> std::path::PathBuf {
    for entry in fs::read_dir(taipei()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let policy = fs::read_to_string(dir.join("policy.toml")).unwrap();
    let policy = policy.replacen(
        "name = \"basic\"\n",
        &format!("name = \"basic\"\nlabel = \"{CIRCLE_LABEL}\"\n"),
        1,
    );
    fs::write(dir.join("policy.toml"), policy).unwrap();
    let city = fs::read_to_string(dir.join("city.toml")).unwrap();
    let city = city.replacen(
        "[layers.care_bed]\n",
        &format!("[layers.care_bed]\nlabel = \"{KIND_LABEL}\"\n"),
        1,
    );
    fs::write(dir.join("city.toml"), &city).unwrap();
    dir.join("city.toml")
}

#[test]
fn labels_are_read_where_people_read_and_names_stay_in_fields() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = labelled_taipei(dir.path());
    let out = dir.path().join("out");
    let assert = report(&manifest, &out, &["--sites", "1"]).success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();

    // The terminal: the circle's row, the requirement, zones and sites by label, and the
    // table still within 100 columns with the wide characters counted twice.
    let table: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert!(
        table
            .iter()
            .any(|l| l.starts_with(&format!("{CIRCLE_LABEL}  "))),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{KIND_LABEL} ≤ 300 m")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\n{CIRCLE_LABEL} #1: ")),
        "{stdout}"
    );
    let sites = format!("new {KIND_LABEL} sites for {CIRCLE_LABEL} (300 m)");
    assert!(stdout.contains(&sites), "{stdout}");
    assert!(!stdout.contains("\nbasic ") && !stdout.contains("care_bed ≤"));
    for line in &table {
        assert!(line.width() <= 100, "{line:?} is {} wide", line.width());
    }
    let header = table.iter().find(|l| l.starts_with("circle")).unwrap();
    let column = header.find("blocks").unwrap() + "blocks".len();
    let row = table.iter().find(|l| l.starts_with(CIRCLE_LABEL)).unwrap();
    // Figures right-aligned under their heading, by display width.
    let figure_end = row.split("  ").filter(|c| !c.is_empty()).nth(2).unwrap();
    let end = row.find(figure_end).unwrap() + figure_end.len();
    assert_eq!(
        row[..end].width(),
        header[..column].width(),
        "{header}\n{row}"
    );

    // report.html: the circle's table and the zones by label.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(&format!("{CIRCLE_LABEL} circle — of 56 blocks")));
    let zone_row = format!("<th scope=\"row\">{CIRCLE_LABEL}</th><td class=\"num\">#1</td>");
    assert!(html.contains(&zone_row), "zone table");
    assert!(html.contains(&format!("{KIND_LABEL} ≤ 300 m")));

    // The map: the circle's label in the title, the kind's in the legend, the credit below.
    let svg = fs::read_to_string(out.join("map.svg")).unwrap();
    assert!(svg.contains(&format!("{CIRCLE_LABEL} circle: ")));
    assert!(svg.contains(&format!("\n{KIND_LABEL}\n")), "legend entry");
    assert!(svg.contains("Open Government Data License"));

    // summary.json carries both; field names keep the ASCII names.
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let basic = &summary["circles"][0];
    assert_eq!(
        (basic["name"].as_str(), basic["label"].as_str()),
        (Some("basic"), Some(CIRCLE_LABEL))
    );
    let care_bed = &basic["requirements"][0];
    assert_eq!(care_bed["kind"], "care_bed");
    assert_eq!(care_bed["kind_label"], KIND_LABEL);
    assert!(summary["circles"][1].get("label").is_none());
    let coverage = fs::read_to_string(out.join("coverage.csv")).unwrap();
    let fields = coverage.lines().next().unwrap();
    assert!(fields.contains("basic_met") && fields.contains("basic_care_bed_dist_m"));
}
