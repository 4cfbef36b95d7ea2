//! `carecircle site`: suggested sites on a hand-made city, checked against hand counts.

mod common;

use common::{at, carecircle, pocket_city};
use serde_json::Value;
use std::fs;

/// Vacant flats: one in the middle of pocket A (reaches a1–a3 within 100 m), one between
/// b1 and b2, one far from everything.
fn vacant_flats(dir: &std::path::Path) -> std::path::PathBuf {
    let rows: Vec<String> = [("flat-a", 60.0), ("flat-b", 2030.0), ("flat-far", 5000.0)]
        .iter()
        .map(|(id, x)| {
            let (lon, lat) = at(*x, 0.0);
            format!("{id},{lon},{lat}")
        })
        .collect();
    let path = dir.join("vacant_flats.csv");
    fs::write(&path, format!("id,lon,lat\n{}\n", rows.join("\n"))).unwrap();
    path
}

fn run_site(dir: &std::path::Path, extra: &[&str]) -> (Value, String) {
    let out = dir.join("sites");
    let assert = carecircle()
        .arg("site")
        .arg(dir.join("city.toml"))
        .args(["--circle", "basic", "--kind", "care_bed"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let sites: Value =
        serde_json::from_str(&fs::read_to_string(out.join("sites.geojson")).unwrap()).unwrap();
    (sites, stdout)
}

#[test]
fn suggests_the_sites_that_cover_the_most_elderly() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    let flats = vacant_flats(dir.path());
    let (sites, stdout) = run_site(
        dir.path(),
        &["--count", "3", "--candidates", flats.to_str().unwrap()],
    );
    let features = sites["features"].as_array().unwrap();
    // The far flat covers nobody, so only two sites are suggested.
    assert_eq!(features.len(), 2);
    let first = &features[0]["properties"];
    assert_eq!(first["candidate_id"], "flat-a");
    assert_eq!(first["marginal_elderly"], 60.0);
    assert_eq!(first["newly_covered_ids"], "a1,a2,a3");
    let second = &features[1]["properties"];
    assert_eq!(
        (
            second["candidate_id"].as_str(),
            second["cumulative_elderly"].as_f64()
        ),
        (Some("flat-b"), Some(72.0))
    );
    assert!(
        stdout.contains("optimum for 2 sites: 72 elderly; the greedy choice reaches 100.0 %"),
        "{stdout}"
    );
    // The coverage curve: 99 elderly met before, then 159 and 171 of 171.
    let curve = fs::read_to_string(dir.path().join("sites/sites.csv")).unwrap();
    let rows: Vec<Vec<&str>> = curve.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "sites",
            "candidate_id",
            "candidate_name",
            "marginal_elderly",
            "cumulative_elderly",
            "elderly_met",
            "share_met"
        ]
    );
    assert_eq!((rows[1][0], rows[1][4], rows[1][5]), ("0", "0", "99"));
    assert_eq!(
        (rows[2][1], rows[2][2], rows[2][4], rows[2][5]),
        ("flat-a", "", "60", "159")
    );
    assert_eq!(
        (rows[3][1], rows[3][4], rows[3][5], rows[3][6]),
        ("flat-b", "72", "171", "1.000000")
    );
}

#[test]
fn capacity_limits_what_one_site_counts() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    let flats = vacant_flats(dir.path());
    let (sites, _) = run_site(
        dir.path(),
        &[
            "--count",
            "1",
            "--capacity",
            "25",
            "--candidates",
            flats.to_str().unwrap(),
        ],
    );
    let first = &sites["features"][0]["properties"];
    assert_eq!(first["candidate_id"], "flat-a");
    assert_eq!(first["marginal_elderly"], 25.0);
}

#[test]
fn without_candidates_the_uncovered_blocks_are_candidates() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    let (sites, _) = run_site(dir.path(), &["--count", "1"]);
    let first = &sites["features"][0]["properties"];
    // a2's centroid reaches a1 and a3 (60 m each way): all of pocket A.
    assert_eq!(first["candidate_id"], "a2");
    assert_eq!(first["marginal_elderly"], 60.0);
}

#[test]
fn unknown_circle_or_kind_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    carecircle()
        .arg("site")
        .arg(dir.path().join("city.toml"))
        .args(["--circle", "basic", "--kind", "hospice", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "circle `basic` has no requirement on `hospice`; it requires: care_bed",
        ));
    carecircle()
        .arg("site")
        .arg(dir.path().join("city.toml"))
        .args([
            "--circle",
            "living",
            "--kind",
            "care_bed",
            "--candidates",
            "nowhere.csv",
            "--out",
        ])
        .arg(dir.path().join("o"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("no circle `living`"));
}

#[test]
fn the_same_input_gives_the_same_sites() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    let flats = vacant_flats(dir.path());
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("sites{threads}"));
        carecircle()
            .env("RAYON_NUM_THREADS", threads)
            .arg("site")
            .arg(dir.path().join("city.toml"))
            .args([
                "--circle",
                "basic",
                "--kind",
                "care_bed",
                "--count",
                "2",
                "--candidates",
            ])
            .arg(&flats)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        outputs.push((
            fs::read(out.join("sites.geojson")).unwrap(),
            fs::read(out.join("sites.csv")).unwrap(),
        ));
    }
    assert!(outputs[0] == outputs[1]);
}

/// Runs `report` on `city` (straight-line distances from centroids) with `extra` arguments and returns its
/// summary.json.
fn report_summary(city: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> Value {
    carecircle()
        .arg("report")
        .arg(city)
        .args([
            "--distance",
            "straight",
            "--measure",
            "centroid",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// `report --sites`: building the suggested care-bed sites on the real Taipei villages newly
/// covers exactly the elderly the suggestion promised, checked by a second report with the
/// sites added to the facility layer.
#[test]
fn report_sites_newly_cover_what_they_promise() {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(common::taipei()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let city = dir.path().join("city.toml");
    let before = report_summary(&city, &dir.path().join("before"), &["--sites", "2"]);
    let suggested = before["suggested_sites"].as_array().unwrap();
    // One suggestion per requirement of the view circle (basic: care_bed, responder).
    let kinds: Vec<&str> = suggested
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["care_bed", "responder"]);
    let care_bed = &suggested[0];
    let sites = care_bed["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 2, "{care_bed:#}");
    let met = |summary: &Value| summary["circles"][0]["requirements"][0]["elderly_met"].as_f64();
    assert_eq!(met(&before), care_bed["elderly_met_before"].as_f64());

    // Add the two sites as community care points and report again without --sites.
    let facilities = dir.path().join("facilities.geojson");
    let mut layer: Value = serde_json::from_str(&fs::read_to_string(&facilities).unwrap()).unwrap();
    for site in sites {
        layer["features"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site["lon"], site["lat"]]},
                "properties": {"category": "community_care_point", "name": site["candidate_id"]},
            }));
    }
    fs::write(&facilities, layer.to_string()).unwrap();
    let after = report_summary(&city, &dir.path().join("after"), &[]);
    assert!(after.get("suggested_sites").is_none());
    let gained = met(&after).unwrap() - met(&before).unwrap();
    let promised = sites[1]["cumulative_elderly"].as_f64().unwrap();
    assert!(promised > 0.0);
    assert!(
        (gained - promised).abs() < 1e-6,
        "gained {gained}, promised {promised}"
    );
    let first = sites[0]["marginal_elderly"].as_f64().unwrap();
    assert!(first >= sites[1]["marginal_elderly"].as_f64().unwrap());
}

#[test]
fn report_sites_zero_suggests_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let summary = report_summary(
        &common::taipei().join("city.toml"),
        &dir.path().join("out"),
        &["--sites", "0"],
    );
    assert!(summary.get("suggested_sites").is_none());
}
