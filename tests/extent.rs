//! The study area's extent: a stray block or a facility with latitude and longitude swapped
//! is a problem naming it, and no longer moves the plane every distance is measured in.

mod common;

use common::{collection, report, square};
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};

/// A small Helsinki-like city (both coordinates under 90, so swapped ones still parse):
/// three blocks, care beds, one circle; `extra_block` and `extra_bed` are appended.
fn helsinki(dir: &Path, extra_block: Option<String>, extra_bed: &str) -> PathBuf {
    let mut blocks: Vec<(String, String)> = (0..3)
        .map(|i| {
            let lon = 24.94 + 0.004 * f64::from(i);
            (
                format!(r#"{{"id":"b{i}","elderly":10}}"#),
                square(lon, 60.17, 0.0008),
            )
        })
        .collect();
    blocks.extend(extra_block.map(|g| (r#"{"id":"stray","elderly":1000}"#.to_string(), g)));
    fs::write(dir.join("blocks.geojson"), collection(&blocks)).unwrap();
    let beds = format!("id,lon,lat\ncb1,24.9404,60.1704\ncb2,24.9484,60.1704\n{extra_bed}");
    fs::write(dir.join("care_beds.csv"), beds).unwrap();
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 300 }]\n",
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    fs::write(
        &manifest,
        "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\nelderly = \"elderly\"\n[layers.care_bed]\npath = \"care_beds.csv\"\n",
    )
    .unwrap();
    manifest
}

/// The coverage rows of the blocks `b0`–`b2`.
fn rows(out: &Path) -> Vec<String> {
    fs::read_to_string(out.join("coverage.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('b'))
        .map(String::from)
        .collect()
}

#[test]
fn a_stray_block_is_named_and_skipping_it_leaves_every_distance_as_it_was() {
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = helsinki(clean_dir.path(), None, "");
    report(&clean, &clean_dir.path().join("out"), &[]).success();
    for stray in [square(-179.9, -80.0, 0.001), square(179.95, 60.17, 0.001)] {
        let dir = tempfile::tempdir().unwrap();
        let manifest = helsinki(dir.path(), Some(stray), "");
        report(&manifest, &dir.path().join("out"), &[])
            .failure()
            .stderr(contains(
                "blocks.geojson, feature 4, field `geometry`: lies ",
            ))
            .stderr(contains("km from the blocks' centre (24.9"))
            .stderr(contains("farther than max_extent_km = 100"));
        report(&manifest, &dir.path().join("out"), &["--skip-invalid"]).success();
        assert_eq!(
            rows(&dir.path().join("out")),
            rows(&clean_dir.path().join("out"))
        );
    }
}

#[test]
fn a_facility_with_latitude_and_longitude_swapped_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = helsinki(dir.path(), None, "cb3,60.1704,24.9404\n");
    report(&manifest, &dir.path().join("out"), &[])
        .failure()
        .stderr(contains("care_beds.csv, row 3, field `geometry`: lies "))
        .stderr(contains("latitude and longitude swapped?"));
}

#[test]
fn the_extent_is_a_setting() {
    let dir = tempfile::tempdir().unwrap();
    // A care bed 150 km away is within a 200 km extent.
    let manifest = helsinki(dir.path(), None, "cb3,27.0,60.9\n");
    report(&manifest, &dir.path().join("out"), &[])
        .failure()
        .stderr(contains("care_beds.csv, row 3"));
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, format!("max_extent_km = 200\n{text}")).unwrap();
    report(&manifest, &dir.path().join("out"), &[]).success();
    fs::write(&manifest, format!("max_extent_km = -1\n{text}")).unwrap();
    report(&manifest, &dir.path().join("out"), &[])
        .failure()
        .stderr(contains(
            "max_extent_km = -1: a positive number of kilometres",
        ));
}
