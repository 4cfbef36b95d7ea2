//! Settings that would silently break the analysis are refused, or warned about, by name.

mod common;

use common::{carecircle, small_city};
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::Path;

/// The small city with `edit` applied to its manifest text and `policy` as its policy.
fn city(dir: &Path, edit: impl Fn(String) -> String, policy: Option<&str>) -> std::path::PathBuf {
    let manifest = small_city(dir);
    let mut text = edit(fs::read_to_string(&manifest).unwrap());
    if let Some(policy) = policy {
        fs::write(dir.join("policy.toml"), policy).unwrap();
        text = format!("policy = \"policy.toml\"\n{text}");
    }
    fs::write(&manifest, text).unwrap();
    manifest
}

/// `check` and `report` both fail on the city, naming every fragment, without a panic.
fn both_refuse(manifest: &Path, fragments: &[&str]) {
    let out = manifest.parent().unwrap().join("out");
    for args in [
        vec!["check"],
        vec!["report", "--out", out.to_str().unwrap()],
    ] {
        let assert = carecircle()
            .args(&args[..1])
            .arg(manifest)
            .args(&args[1..])
            .assert()
            .failure()
            .stderr(contains("panicked").not());
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        for fragment in fragments {
            assert!(
                stderr.contains(fragment),
                "{args:?}: expected {fragment:?} in:\n{stderr}"
            );
        }
    }
}

#[test]
fn count_keys_must_list_each_field_once() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city(
        dir.path(),
        |t| t.replace("elderly = \"elderly\"", "elderly = []"),
        None,
    );
    both_refuse(
        &manifest,
        &["city.toml", "[blocks] elderly = [] lists no field"],
    );
    let manifest = city(
        dir.path(),
        |t| {
            t.replace(
                "elderly = \"elderly\"",
                "elderly = [\"elderly\", \"elderly\"]",
            )
        },
        None,
    );
    both_refuse(&manifest, &["[blocks] elderly lists `elderly` twice"]);
}

#[test]
fn street_settings_out_of_range_are_refused() {
    for (setting, expected) in [
        (
            "max_snap_m = 0",
            "[streets] max_snap_m = 0: a positive number of metres",
        ),
        (
            "max_snap_m = nan",
            "[streets] max_snap_m = NaN: a positive number of metres",
        ),
        (
            "merge_tolerance_m = 1e12",
            "[streets] merge_tolerance_m = 1e12: from 0.001 to 10 metres",
        ),
        (
            "merge_tolerance_m = 1e-300",
            "[streets] merge_tolerance_m = 1e-300: from 0.001",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let streets = format!("\n[streets]\npath = \"streets.geojson\"\n{setting}\n");
        let manifest = city(dir.path(), |t| t + &streets, None);
        both_refuse(&manifest, &["city.toml", expected]);
    }
}

#[test]
fn a_referral_to_its_own_kind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 100 }]\n\n[[referrals]]\nfrom = \"care_bed\"\nto = \"care_bed\"\nwithin_m = 1000\n";
    let manifest = city(dir.path(), |t| t, Some(policy));
    both_refuse(
        &manifest,
        &["policy.toml", "referral from `care_bed` to itself"],
    );
}

#[test]
fn a_filter_keeping_no_facility_is_a_warning_naming_the_values_present() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "[[circles]]\nname = \"specialty\"\nrequires = [{ kind = \"hospital\", within_m = 500, where = { tier = \"teritary\" } }]\n";
    let manifest = city(dir.path(), |t| t, Some(policy));
    let expected = "warning: circle `specialty`, requirement `hospital`: `where` (tier = teritary) keeps none of the 1 facilities of";
    let values = "`tier` has \"tertiary\"";
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .success()
        .stderr(contains(expected).and(contains(values)));
    common::report(&manifest, &dir.path().join("out"), &[])
        .success()
        .stderr(contains(expected).and(contains(values)));
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("keeps none of the 1 facilities"),
        "the report shows it too"
    );
    // `site` too: its every block is demand, for want of a facility.
    carecircle()
        .arg("site")
        .arg(&manifest)
        .args(["--circle", "specialty", "--kind", "hospital", "--out"])
        .arg(dir.path().join("sites"))
        .assert()
        .success()
        .stderr(contains(expected).and(contains(values)));
}

#[test]
fn synthetic_city_sizes_are_bounded_for_synth_and_demo_alike() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["synth", "demo"] {
        for blocks in ["0", "100000000000"] {
            carecircle()
                .args([command, "--blocks", blocks, "--out"])
                .arg(dir.path().join("city"))
                .timeout(std::time::Duration::from_secs(20))
                .assert()
                .failure()
                .stderr(contains(format!(
                    "must be from 1 to 10,000,000 (got {blocks})"
                )));
        }
    }
    assert!(!dir.path().join("city").exists(), "nothing written");
}
