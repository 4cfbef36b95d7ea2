//! Inputs in projected systems: the Taipei fixture's villages in Web Mercator (EPSG:3857,
//! named only by the file's GeoJSON `crs` member) and its hospitals in TWD97 / TM2 zone 121
//! (EPSG:3826, named by the manifest's `crs`), both written once with GDAL's ogr2ogr (see
//! fixtures/taipei/README.md), give the coverage of the WGS 84 originals, village for
//! village. So do GeoPackage inputs: the villages in TWD97 written by ogr2ogr (the system
//! named by the table's SRS), and carecircle's own `--format gpkg` output read back as the
//! blocks; with their errors (several tables, an unknown `layer`, a system outside the EPSG
//! registry, a blob that does not decode, a text file named `.gpkg`).

mod common;

use common::taipei;
use common::taipei_inputs::{assert_same_coverage, check, taipei_with, with_block_keys, HOSPITALS};
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::Path;

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
    assert_same_coverage(&original_out, &projected_out);
}

#[test]
fn a_twd97_geopackage_made_by_gdal_gives_the_same_coverage_village_for_village() {
    let dir = tempfile::tempdir().unwrap();
    // No `crs` key: the system is the table's SRS (EPSG:3826), the layer its only table.
    let packaged = taipei_with(dir.path(), "projected/villages_twd97.gpkg", HOSPITALS);
    let (original_out, packaged_out) = (dir.path().join("a"), dir.path().join("b"));
    common::report(&taipei().join("city.toml"), &original_out, &[]).success();
    common::report(&packaged, &packaged_out, &[]).success();
    assert_same_coverage(&original_out, &packaged_out);
}

#[test]
fn carecircles_own_geopackage_read_back_as_blocks_gives_the_same_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let (written, read_back) = (dir.path().join("gpkg"), dir.path().join("read-back"));
    common::report(&taipei().join("city.toml"), &written, &["--format", "gpkg"]).success();
    let package = written.join("carecircle.gpkg");
    let manifest = taipei_with(dir.path(), package.to_str().unwrap(), HOSPITALS);
    // The `blocks` table of the package: the blocks' id, elderly and residents.
    let text = fs::read_to_string(&manifest).unwrap();
    let lines = text.lines().map(|line| match line {
        "id = \"V_ID\"" => "id = \"id\"\nlayer = \"blocks\"",
        l if l.starts_with("elderly = ") => "elderly = \"elderly\"",
        l if l.starts_with("residents = ") => "residents = \"residents\"",
        l => l,
    });
    fs::write(&manifest, lines.collect::<Vec<_>>().join("\n")).unwrap();
    common::report(&manifest, &read_back, &[]).success();
    // The GeoPackage run wrote coverage.csv from the GeoJSON original.
    assert_same_coverage(&written, &read_back);
}

/// A copy of the TWD97 villages GeoPackage in `dir` with a second feature table,
/// `villages_copy` (without a primary key: its rows are read in rowid order).
fn two_table_package(dir: &Path) -> std::path::PathBuf {
    let package = dir.join("two.gpkg");
    fs::copy(taipei().join("projected/villages_twd97.gpkg"), &package).unwrap();
    let db = rusqlite::Connection::open(&package).unwrap();
    db.execute_batch(
        "CREATE TABLE villages_copy AS SELECT * FROM villages;
         INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
           SELECT 'villages_copy', data_type, 'villages_copy', srs_id FROM gpkg_contents
           WHERE table_name = 'villages';
         INSERT INTO gpkg_geometry_columns
           SELECT 'villages_copy', column_name, geometry_type_name, srs_id, z, m
           FROM gpkg_geometry_columns WHERE table_name = 'villages';",
    )
    .unwrap();
    package
}

#[test]
fn geopackage_tables_systems_and_blobs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let package = two_table_package(dir.path());
    let manifest = taipei_with(dir.path(), package.to_str().unwrap(), HOSPITALS);
    let tables = contains("`villages`, `villages_copy`");
    check(&manifest).failure().stderr(
        contains("two.gpkg: the GeoPackage has 2 feature tables")
            .and(tables.clone())
            .and(contains("layer = ")),
    );
    check(&with_block_keys(&manifest, "layer = \"nope\""))
        .failure()
        .stderr(contains("two.gpkg: the GeoPackage has no feature table `nope`").and(tables));
    let copy = with_block_keys(&manifest, "layer = \"villages_copy\"");
    check(&copy).success();
    // A system outside the EPSG registry: named in the manifest, or an error saying so.
    let db = rusqlite::Connection::open(&package).unwrap();
    db.execute(
        "UPDATE gpkg_spatial_ref_sys SET organization = 'ESRI' WHERE srs_id = 3826",
        [],
    )
    .unwrap();
    check(&copy).failure().stderr(
        contains("two.gpkg")
            .and(contains("ESRI:3826"))
            .and(contains("crs = \"EPSG:…\"")),
    );
    let stated = "layer = \"villages_copy\"\ncrs = \"EPSG:3826\"";
    check(&with_block_keys(&manifest, stated)).success();
    // A blob that does not decode: a problem on its feature.
    db.execute(
        "UPDATE villages_copy SET geom = x'47500001' WHERE rowid = 3",
        [],
    )
    .unwrap();
    check(&copy).failure().stderr(
        contains("two.gpkg")
            .and(contains("feature 3"))
            .and(contains("geometry"))
            .and(contains("does not decode")),
    );
    // Text named .gpkg, and `layer` on a GeoJSON file.
    let text = dir.path().join("villages.gpkg");
    fs::copy(taipei().join("villages.geojson"), &text).unwrap();
    let manifest = taipei_with(dir.path(), text.to_str().unwrap(), HOSPITALS);
    check(&manifest).failure().stderr(contains(
        "villages.gpkg: not a GeoPackage: file is not a database",
    ));
    let manifest = taipei_with(dir.path(), "villages.geojson", HOSPITALS);
    check(&with_block_keys(&manifest, "layer = \"villages\""))
        .failure()
        .stderr(contains(
            "villages.geojson: `layer = \"villages\"` picks a table of a GeoPackage",
        ));
}

#[test]
fn a_crs_member_contradicting_the_manifest_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = taipei_with(dir.path(), "projected/villages_3857.geojson", HOSPITALS);
    let text = fs::read_to_string(&manifest).unwrap();
    let stated = text.replacen("id = \"V_ID\"", "id = \"V_ID\"\ncrs = \"wgs84\"", 1);
    fs::write(&manifest, stated).unwrap();
    check(&manifest).failure().stderr(
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
    check(&manifest)
        .failure()
        .stderr(contains("unknown EPSG code 99999"));
    // Projected positions read as degrees: the error suggests the `crs` key.
    let manifest = taipei_with(
        dir.path(),
        "villages.geojson",
        "path = \"FIXTURE/projected/hospitals_twd97.csv\"\nid = \"醫療院所\"\nlon = \"X\"\nlat = \"Y\"",
    );
    check(&manifest).failure().stderr(
        contains("hospitals_twd97.csv")
            .and(contains("out of range"))
            .and(contains("set the layer's `crs` to its EPSG code")),
    );
}
