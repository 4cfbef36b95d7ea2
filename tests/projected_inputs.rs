//! Inputs in projected systems: the Taipei fixture's villages in Web Mercator (EPSG:3857,
//! named only by the file's GeoJSON `crs` member) and its hospitals in TWD97 / TM2 zone 121
//! (EPSG:3826, named by the manifest's `crs`), both written once with GDAL's ogr2ogr (see
//! fixtures/taipei/README.md), give the coverage of the WGS 84 originals, village for
//! village.

mod common;

use common::{carecircle, taipei};
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::Path;

/// The Taipei manifest with the villages and hospitals swapped for `villages` and
/// `hospitals` (manifest text for the hospital layer), other paths made absolute; written
/// into `dir`.
fn taipei_with(dir: &Path, villages: &str, hospitals: &str) -> std::path::PathBuf {
    let fixture = taipei();
    let original = fs::read_to_string(fixture.join("city.toml")).unwrap();
    let absolute = |name: &str| fixture.join(name).display().to_string();
    let text = original
        .replace(
            "path = \"villages.geojson\"",
            &format!("path = {:?}", absolute(villages)),
        )
        .replace(
            "path = \"hospitals.csv\"\nid = \"醫療院所\"",
            &hospitals.replace("FIXTURE", &fixture.display().to_string()),
        )
        .replace(
            "path = \"facilities.geojson\"",
            &format!("path = {:?}", absolute("facilities.geojson")),
        )
        .replace(
            "policy = \"policy.toml\"",
            &format!("policy = {:?}", absolute("policy.toml")),
        );
    assert_ne!(text, original);
    let manifest = dir.join("city.toml");
    fs::write(&manifest, text).unwrap();
    manifest
}

/// coverage.csv's rows as cells.
fn coverage(out: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(out.join("coverage.csv")).unwrap();
    let mut rows = vec![reader.headers().unwrap().iter().map(String::from).collect()];
    rows.extend(
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect()),
    );
    rows
}

#[test]
fn web_mercator_and_twd97_inputs_give_the_same_coverage_village_for_village() {
    let dir = tempfile::tempdir().unwrap();
    let projected = taipei_with(
        dir.path(),
        "projected/villages_3857.geojson",
        "path = \"FIXTURE/projected/hospitals_twd97.csv\"\nid = \"醫療院所\"\ncrs = \"EPSG:3826\"\nlon = \"X\"\nlat = \"Y\"",
    );
    let (original_out, projected_out) = (dir.path().join("a"), dir.path().join("b"));
    common::report(&taipei().join("city.toml"), &original_out, &[]).success();
    common::report(&projected, &projected_out, &[]).success();
    let (original, projected) = (coverage(&original_out), coverage(&projected_out));
    assert_eq!(original.len(), 57);
    assert_eq!(original[0], projected[0]);
    let header = &original[0];
    for (a, b) in original.iter().zip(&projected).skip(1) {
        for ((name, x), y) in header.iter().zip(a).zip(b) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                // Distances are written to 0.1 m: a millimetre of projection may round
                // the other way.
                (Ok(x), Ok(y)) if name.ends_with("_m") => {
                    assert!((x - y).abs() <= 0.1 + 1e-9, "{} {name}: {x} vs {y}", a[0])
                }
                _ => assert_eq!(x, y, "{} {name}", a[0]),
            }
        }
    }
}

#[test]
fn a_crs_member_contradicting_the_manifest_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = taipei_with(
        dir.path(),
        "projected/villages_3857.geojson",
        "path = \"FIXTURE/hospitals.csv\"\nid = \"醫療院所\"",
    );
    let text = fs::read_to_string(&manifest).unwrap();
    let stated = text.replacen("id = \"V_ID\"", "id = \"V_ID\"\ncrs = \"wgs84\"", 1);
    fs::write(&manifest, stated).unwrap();
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(
            contains("villages_3857.geojson")
                .and(contains("EPSG:3857"))
                .and(contains("crs = \"wgs84\"")),
        );
}

#[test]
fn unknown_codes_and_unconvertible_positions_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    // A code no registry has: a configuration error naming the key's value.
    let manifest = taipei_with(
        dir.path(),
        "villages.geojson",
        "path = \"FIXTURE/hospitals.csv\"\nid = \"醫療院所\"\ncrs = \"EPSG:99999\"",
    );
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(contains("unknown EPSG code 99999"));
    // Projected positions read as degrees: the error suggests the `crs` key.
    let manifest = taipei_with(
        dir.path(),
        "villages.geojson",
        "path = \"FIXTURE/projected/hospitals_twd97.csv\"\nid = \"醫療院所\"\nlon = \"X\"\nlat = \"Y\"",
    );
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(
            contains("hospitals_twd97.csv")
                .and(contains("out of range"))
                .and(contains("set the layer's `crs` to its EPSG code")),
        );
}
