//! `report --add KIND=FILE`: a what-if run with facilities added to a layer, checked
//! against the `site` command's own prediction of what its sites would cover.

mod common;

use common::{carecircle, report, synth_city};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The `responder` requirement of the basic circle in a report's summary.json.
fn responder(out: &Path) -> Value {
    let summary = json(&out.join("summary.json"));
    let basic = &summary["circles"][0];
    assert_eq!(basic["name"], "basic");
    basic["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "responder")
        .unwrap()
        .clone()
}

#[test]
fn adding_the_suggested_sites_covers_what_site_predicted() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 600, 7);
    let (before, after, sites) = (
        dir.path().join("before"),
        dir.path().join("after"),
        dir.path().join("sites"),
    );
    report(&city, &before, &["--quiet"]).success();
    carecircle()
        .arg("site")
        .arg(&city)
        .args([
            "--circle",
            "basic",
            "--kind",
            "responder",
            "--count",
            "3",
            "--out",
        ])
        .arg(&sites)
        .assert()
        .success();
    let suggested = json(&sites.join("sites.geojson"));
    let features = suggested["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let predicted = features[2]["properties"]["cumulative_elderly"]
        .as_f64()
        .unwrap();
    assert!(predicted > 0.0);

    let added = format!("responder={}", sites.join("sites.geojson").display());
    report(&city, &after, &["--quiet", "--add", &added]).success();
    let (was, is) = (responder(&before), responder(&after));
    assert_eq!(
        is["facilities"].as_u64(),
        was["facilities"].as_u64().map(|n| n + 3)
    );
    let gained = is["elderly_met"].as_f64().unwrap() - was["elderly_met"].as_f64().unwrap();
    assert!(
        (gained - predicted).abs() < 1e-6,
        "gained {gained}, site predicted {predicted}"
    );
    // The city's files are untouched, and the added sites are named after their file.
    let blocks = fs::read_to_string(after.join("blocks.geojson")).unwrap();
    let first = features[0]["properties"]["candidate_id"].as_str().unwrap();
    assert!(blocks.contains(&format!("\"sites.geojson:{first}\"")));
}

#[test]
fn only_the_features_of_the_kind_are_added_and_inputs_stay_safe() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 600, 7);
    let first = dir.path().join("first");
    report(&city, &first, &["--quiet", "--sites", "2"]).success();
    // sites.geojson holds the sites of both requirements of the basic circle.
    let sites = json(&first.join("sites.geojson"));
    let kinds: Vec<&str> = sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"care_bed") && kinds.contains(&"responder"));
    let responders = kinds.iter().filter(|k| **k == "responder").count();
    let added = format!("responder={}", first.join("sites.geojson").display());
    let second = dir.path().join("second");
    report(&city, &second, &["--quiet", "--add", &added]).success();
    let (was, is) = (responder(&first), responder(&second));
    let more = is["facilities"].as_u64().unwrap() - was["facilities"].as_u64().unwrap();
    assert_eq!(more as usize, responders);

    // A run that would write over the added file is refused before writing anything.
    report(&city, &first, &["--quiet", "--sites", "2", "--add", &added])
        .failure()
        .stderr(contains("sites.geojson"));
    assert_eq!(json(&first.join("sites.geojson")), sites);
}

#[test]
fn a_kind_without_a_layer_and_a_missing_capacity_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 300, 7);
    let file = dir.path().join("flats.csv");
    fs::write(&file, "lon,lat\n114.30,30.60\n").unwrap();
    report(&city, &dir.path().join("a"), &["--add", &format!("pharmacy={}", file.display())])
        .failure()
        .stderr(contains(
            "cannot add facilities to `pharmacy`: the city manifest has no such layer; its layers are: care_bed, hospice, hospital, responder",
        ));
    // The built-in policy counts care-bed capacity: an added care bed must say its own.
    report(
        &city,
        &dir.path().join("b"),
        &["--add", &format!("care_bed={}", file.display())],
    )
    .failure()
    .stderr(contains("flats.csv").and(contains("field `capacity`")));
    report(&city, &dir.path().join("c"), &["--add", "care_bed"])
        .failure()
        .stderr(contains("expected KIND=FILE"));
}
