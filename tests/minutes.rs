//! A reach written in minutes, end to end: a street along y = 0 with a responder team and a
//! care bed at its middle, blocks beside it, and a policy asking for the care bed within
//! 100 m and the team at the door within 3 minutes (1 minute to turn out, then 48 m/min:
//! 96 m). The terminal, report.html, summary.json and the gap reasons say "3 min (96 m)"
//! where the policy speaks in minutes and "100 m" where it speaks in metres; blocks get the
//! walking minutes.

mod common;

use common::{at, block_at, carecircle, collection};
use predicates::str::contains;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// Blocks 30 m north of the street (their access leg), by id and x in metres, and one far
/// off the network.
const BLOCKS: [(&str, f64); 5] = [
    ("door", 0.0),
    ("near", 50.0),
    ("edge", 60.0),
    ("beyond", 160.0),
    ("off", 3000.0),
];
const LEG_M: f64 = 30.0;

fn minutes_city(dir: &Path) -> PathBuf {
    let blocks: Vec<(String, String)> = BLOCKS
        .iter()
        .map(|&(id, x)| {
            let y = if id == "off" { 3000.0 } else { LEG_M };
            (format!(r#"{{"id":"{id}","elderly":10}}"#), block_at(x, y))
        })
        .collect();
    fs::write(dir.join("blocks.geojson"), collection(&blocks)).unwrap();
    let street: Vec<String> = [(-300.0, 0.0), (0.0, 0.0), (400.0, 0.0)]
        .iter()
        .map(|&(x, y)| {
            let (lon, lat) = at(x, y);
            format!("[{lon},{lat}]")
        })
        .collect();
    let street = format!(
        r#"{{"type":"LineString","coordinates":[{}]}}"#,
        street.join(",")
    );
    fs::write(
        dir.join("streets.geojson"),
        collection(&[(r#"{"highway":"residential"}"#.into(), street)]),
    )
    .unwrap();
    let (lon, lat) = at(0.0, 0.0);
    let point = format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#);
    for (file, id) in [("responders.geojson", "r1"), ("care_beds.geojson", "c1")] {
        let features = collection(&[(format!(r#"{{"id":"{id}"}}"#), point.clone())]);
        fs::write(dir.join(file), features).unwrap();
    }
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [\n  { kind = \"care_bed\", within_m = 100 },\n  \
         { kind = \"responder\", within_min = 3, speed_m_per_min = 48, delay_min = 1 },\n]\n",
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    fs::write(
        &manifest,
        "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\n\
         elderly = \"elderly\"\n[layers.care_bed]\npath = \"care_beds.geojson\"\n\
         [layers.responder]\npath = \"responders.geojson\"\n[streets]\npath = \"streets.geojson\"\n",
    )
    .unwrap();
    manifest
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs `report` with `args`, measuring from block centroids (so every block's access leg
/// is its [`LEG_M`] to the street), and returns its stdout.
fn report(manifest: &Path, out: &Path, args: &[&str]) -> String {
    let output = carecircle()
        .arg("report")
        .arg(manifest)
        .args(["--measure", "centroid"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Every block's properties, by id.
fn blocks(out: &Path) -> Vec<(String, Value)> {
    let layer = read_json(&out.join("blocks.geojson"));
    let features = layer["features"].as_array().unwrap();
    features
        .iter()
        .map(|f| {
            let p = f["properties"].clone();
            (p["id"].as_str().unwrap().to_string(), p)
        })
        .collect()
}

#[test]
fn minutes_are_shown_where_the_policy_speaks_in_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = minutes_city(dir.path());
    let out = dir.path().join("out");
    let stdout = report(&manifest, &out, &[]);
    assert!(stdout.contains("responder ≤ 3 min (96 m)"), "{stdout}");
    assert!(stdout.contains("care_bed ≤ 100 m"), "{stdout}");
    assert!(!stdout.contains("responder ≤ 96 m"), "{stdout}");

    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("responder ≤ 3 min (96 m)"));
    assert!(html.contains("care_bed ≤ 100 m"));
    assert!(html.contains("at least 1 responder within 3 min (96 m)"));
    assert!(html.contains("at least 1 care bed within 100 m"));

    // The summary keeps the metres every figure was computed with, and the minutes beside
    // them only where the policy wrote minutes.
    let summary = read_json(&out.join("summary.json"));
    let requirements = &summary["circles"][0]["requirements"];
    assert_eq!(requirements[1]["within_m"], 96.0);
    assert_eq!(requirements[1]["within_min"], 3.0);
    assert_eq!(requirements[1]["speed_m_per_min"], 48.0);
    assert_eq!(requirements[1]["delay_min"], 1.0);
    assert_eq!(requirements[0]["within_m"], 100.0);
    assert!(requirements[0].get("within_min").is_none());

    let blocks = blocks(&out);
    let beyond = &blocks[3].1;
    let reason = beyond["gap_reason"].as_str().unwrap();
    assert!(
        reason.contains(
            "no responder within 3 min (96 m), nearest 163 m in a straight line, 190 m on foot"
        ),
        "{reason}"
    );
    assert!(reason.contains("no care_bed within 100 m,"), "{reason}");
    let csv = fs::read_to_string(out.join("coverage.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("basic_responder_walk_m,basic_responder_walk_min"));
    assert!(!header.contains("care_bed_walk_min"));
}

/// `_walk_min` is the turnout minute plus the walk at 48 m/min, to 0.1 min: against the
/// block's `_walk_m` in the same file, and against the walk this city's geometry gives (the
/// 30 m access leg, then along the street); null off the network, absent in a straight line.
#[test]
fn walking_minutes_follow_the_walking_metres() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = minutes_city(dir.path());
    let out = dir.path().join("out");
    report(&manifest, &out, &[]);
    let blocks = blocks(&out);
    for ((id, p), &(_, x)) in blocks.iter().zip(&BLOCKS) {
        let walk_min = &p["basic_responder_walk_min"];
        assert!(p.get("basic_care_bed_walk_min").is_none(), "{id}");
        if *id == "off" {
            assert!(p["basic_responder_walk_m"].is_null());
            assert!(walk_min.is_null(), "{id}: {walk_min}");
            continue;
        }
        let walk_min = walk_min.as_f64().unwrap();
        let walk_m = p["basic_responder_walk_m"].as_f64().unwrap();
        assert!((walk_m - (LEG_M + x)).abs() < 0.5, "{id}: {walk_m}");
        let expected = ((1.0 + (LEG_M + x) / 48.0) * 10.0).round() / 10.0;
        assert_eq!(walk_min, expected, "{id}");
        // Written to 0.1 min from the unrounded metres.
        assert!(
            (walk_min - (1.0 + walk_m / 48.0)).abs() <= 0.05 + 1e-3,
            "{id}"
        );
        assert_eq!(p["basic_met"], walk_min <= 3.0, "{id}");
    }
    let straight = dir.path().join("straight");
    report(&manifest, &straight, &["--distance", "straight"]);
    let csv = fs::read_to_string(straight.join("coverage.csv")).unwrap();
    assert!(!csv.lines().next().unwrap().contains("walk_min"));
}

/// The built-in policy's responder team, on the synthetic city: `demo` shows it in minutes.
#[test]
fn the_demo_shows_the_built_in_team_in_minutes() {
    let dir = tempfile::tempdir().unwrap();
    carecircle()
        .args(["demo", "--blocks", "400", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(contains("responder ≤ 3 min (96 m)"))
        .stdout(contains(
            "new responder sites for basic (3 min (96 m) on foot)",
        ));
}
