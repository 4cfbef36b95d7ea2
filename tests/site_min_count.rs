//! Site suggestions when a requirement asks for more than one facility (`min_count > 1`),
//! straight-line and on foot, through `carecircle site` and `carecircle report --sites`.
//!
//! A street runs along y = 0. Block `well` (x = 0) has three care beds within 100 m, more than
//! the two it needs; block `one` (x = 1,000) has one; block `none` (x = 2,000) has none. One
//! new care bed makes `one` meet the requirement and cannot make `none` meet it, so `one` is
//! the only demand and the only suggestion, whatever the distance mode.

mod common;

use common::{at, block_at, carecircle, collection};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// Elderly in block `one`: what the suggested site newly covers.
const ONE_ELDERLY: f64 = 40.0;

fn city(dir: &Path) -> PathBuf {
    let blocks: Vec<(String, String)> = [("well", 0.0, 30.0), ("one", 1000.0, ONE_ELDERLY)]
        .iter()
        .chain(&[("none", 2000.0, 50.0)])
        .map(|(id, x, elderly)| {
            (
                format!(r#"{{"id":"{id}","elderly":{elderly}}}"#),
                block_at(*x, 0.0),
            )
        })
        .collect();
    fs::write(dir.join("blocks.geojson"), collection(&blocks)).unwrap();
    let beds: Vec<String> = [("w1", -30.0), ("w2", 0.0), ("w3", 30.0), ("o1", 1000.0)]
        .iter()
        .map(|(id, x)| {
            let (lon, lat) = at(*x, 0.0);
            format!("{id},{lon},{lat}")
        })
        .collect();
    fs::write(
        dir.join("care_beds.csv"),
        format!("id,lon,lat\n{}\n", beds.join("\n")),
    )
    .unwrap();
    let (west, east) = (at(-500.0, 0.0), at(2500.0, 0.0));
    let street = format!(
        r#"{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}}"#,
        west.0, west.1, east.0, east.1
    );
    fs::write(
        dir.join("streets.geojson"),
        collection(&[("{}".to_string(), street)]),
    )
    .unwrap();
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 100, min_count = 2 }]\n",
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    fs::write(
        &manifest,
        "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\nelderly = \"elderly\"\n[layers.care_bed]\npath = \"care_beds.csv\"\n[streets]\npath = \"streets.geojson\"\n",
    )
    .unwrap();
    manifest
}

/// The suggested sites of `carecircle site` as (candidate id, newly covered elderly).
fn site_command(distance: &str) -> Vec<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city(dir.path());
    let out = dir.path().join("sites");
    carecircle()
        .arg("site")
        .arg(&manifest)
        .args(["--circle", "basic", "--kind", "care_bed", "--count", "2"])
        .args(["--distance", distance, "--out"])
        .arg(&out)
        .assert()
        .success();
    let sites: Value =
        serde_json::from_str(&fs::read_to_string(out.join("sites.geojson")).unwrap()).unwrap();
    sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["candidate_id"].as_str().unwrap().to_string(),
                p["marginal_elderly"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The suggested sites of `carecircle report --sites 2` as (candidate id, newly covered
/// elderly), from summary.json.
fn report_sites(distance: &str) -> Vec<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city(dir.path());
    let out = dir.path().join("report");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--sites", "2", "--quiet", "--distance", distance, "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let suggested = summary["suggested_sites"].as_array().unwrap();
    assert_eq!(suggested.len(), 1, "one requirement in the view circle");
    suggested[0]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["candidate_id"].as_str().unwrap().to_string(),
                s["marginal_elderly"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn only_block_one() -> Vec<(String, f64)> {
    vec![("one".to_string(), ONE_ELDERLY)]
}

#[test]
fn site_straight_line() {
    assert_eq!(site_command("straight"), only_block_one());
}

#[test]
fn site_on_foot() {
    assert_eq!(site_command("network"), only_block_one());
}

#[test]
fn report_sites_straight_line() {
    assert_eq!(report_sites("straight"), only_block_one());
}

#[test]
fn report_sites_on_foot() {
    assert_eq!(report_sites("both"), only_block_one());
}
