//! `carecircle check` runs the validation `report` runs: capacity values included, every
//! problem listed in one go.

mod common;

use common::{collection, small_city};
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};

/// The small city with a policy counting responders' `team_size`, and responders whose
/// team sizes are the given JSON properties.
fn city_with_team_sizes(dir: &Path, properties: &[&str]) -> PathBuf {
    let manifest = small_city(dir);
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"responder\", within_m = 100, capacity = \"team_size\" }]\n",
    )
    .unwrap();
    let point = r#"{"type":"Point","coordinates":[121.5003,25.0003]}"#;
    let features: Vec<(String, String)> = properties
        .iter()
        .map(|p| (p.to_string(), point.to_string()))
        .collect();
    fs::write(dir.join("responders.geojson"), collection(&features)).unwrap();
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, format!("policy = \"policy.toml\"\n{text}")).unwrap();
    manifest
}

#[test]
fn check_reports_every_bad_capacity_value() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city_with_team_sizes(
        dir.path(),
        &[
            r#"{"id":"r1","team_size":"ten"}"#,
            r#"{"id":"r2","team_size":""}"#,
            r#"{"id":"r3","team_size":-2}"#,
            r#"{"id":"r4"}"#,
            r#"{"id":"r5","team_size":"3"}"#,
            r#"{"id":"r6","team_size":1e12}"#,
        ],
    );
    let output = common::carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(contains(
            "responders.geojson, facility `r1`, field `team_size`: the capacity must be a number from 0 to 100,000,000 (found \"ten\")",
        ))
        .stderr(contains("facility `r2`, field `team_size`"))
        .stderr(contains("facility `r3`, field `team_size`"))
        .stderr(contains("(found -2)"))
        .stderr(contains(
            "facility `r4`, field `team_size`: the capacity must be a number from 0 to 100,000,000 (found nothing)",
        ))
        .stderr(contains("(found 1000000000000.0)"))
        .stderr(contains("5 problem(s)"))
        .get_output()
        .clone();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("no problems found"), "{stdout}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("`r5`"), "{stderr}");
}

#[test]
fn check_accepts_valid_capacity_values() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city_with_team_sizes(dir.path(), &[r#"{"id":"r1","team_size":4}"#]);
    common::carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .success()
        .stdout(contains("no problems found"));
}

/// A layer's `where` value that no feature has (a typo) is named with the values the file
/// does have, on the real Taipei registry; the values that match say nothing.
#[test]
fn a_where_value_matching_no_feature_is_named_with_the_values_present() {
    let dir = tempfile::tempdir().unwrap();
    let taipei = common::taipei();
    for name in [
        "city.toml",
        "facilities.geojson",
        "hospitals.csv",
        "policy.toml",
        "villages.geojson",
    ] {
        fs::copy(taipei.join(name), dir.path().join(name)).unwrap();
    }
    let manifest = dir.path().join("city.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let typo = text.replace("\"nursing_home\"", "\"nursing_hom\"");
    assert_ne!(typo, text);
    fs::write(&manifest, typo).unwrap();
    let assert = common::carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("`where` value"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("layer `hospice`: `where` value category = \"nursing_hom\" matches no feature; `category` has ")
            && warnings[0].contains("\"nursing_home\""),
        "{stderr}"
    );
}
