//! Geometry and encoding checks on input: bow-tie blocks are problems, blocks of no area a
//! warning, a byte-order mark is accepted, and a feature that is not an object is refused.

mod common;

use common::{collection, small_city, square};
use predicates::str::contains;
use std::fs;
use std::path::Path;

/// The small city's blocks `a` and `b`, then `extra` (properties, geometry).
fn blocks_with(dir: &Path, extra: (&str, &str)) {
    let features = vec![
        (
            r#"{"id":"a","elderly":10,"residents":100}"#.to_string(),
            square(121.5, 25.0, 0.0005),
        ),
        (
            r#"{"id":"b","elderly":20,"residents":200}"#.to_string(),
            square(121.51, 25.0, 0.0005),
        ),
        (extra.0.to_string(), extra.1.to_string()),
    ];
    fs::write(dir.join("blocks.geojson"), collection(&features)).unwrap();
}

/// `report` on the city in `dir`, into `dir/out`.
fn report_in(dir: &Path) -> assert_cmd::assert::Assert {
    common::report(&dir.join("city.toml"), &dir.join("out"), &[])
}

#[test]
fn a_bow_tie_block_is_a_problem_naming_where_it_crosses() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    let bow_tie = r#"{"type":"Polygon","coordinates":[[[121.53,25.0],[121.531,25.001],[121.531,25.0],[121.53,25.001],[121.53,25.0]]]}"#;
    blocks_with(
        dir.path(),
        (r#"{"id":"c","elderly":30,"residents":300}"#, bow_tie),
    );
    report_in(dir.path())
        .failure()
        .stderr(contains("blocks.geojson, feature 3, field `geometry`: a ring crosses itself near (121.530500, 25.000500) (a bow tie)"));
}

#[test]
fn blocks_of_no_area_are_a_warning_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    let flat = r#"{"type":"Polygon","coordinates":[[[121.53,25.0],[121.531,25.0],[121.532,25.0],[121.53,25.0]]]}"#;
    blocks_with(
        dir.path(),
        (r#"{"id":"flat","elderly":30,"residents":300}"#, flat),
    );
    report_in(dir.path()).success().stderr(contains(
        "blocks.geojson: 1 block of no area (every vertex on one line): `flat`",
    ));
}

#[test]
fn a_byte_order_mark_is_accepted_in_geojson_csv_and_toml() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    for name in ["blocks.geojson", "care_beds.csv", "city.toml"] {
        let path = dir.path().join(name);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("\u{feff}{text}")).unwrap();
    }
    report_in(dir.path()).success();
    let facilities = fs::read_to_string(dir.path().join("out/facilities.geojson")).unwrap();
    assert!(
        facilities.contains(r#""id":"cb1""#),
        "the CSV's id column is read: {facilities}"
    );
}

#[test]
fn a_feature_that_is_not_an_object_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    let text = fs::read_to_string(dir.path().join("blocks.geojson")).unwrap();
    let with_array = text.replacen(r#""features":["#, r#""features":[[null, null, null],"#, 1);
    assert_ne!(text, with_array);
    fs::write(dir.path().join("blocks.geojson"), with_array).unwrap();
    report_in(dir.path()).failure().stderr(contains(
        "blocks.geojson, feature 1: not a GeoJSON Feature: an array, not an object",
    ));
}
