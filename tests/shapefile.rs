//! Shapefile inputs: the Taipei fixture's villages written once by GDAL's ogr2ogr as a
//! Shapefile with GBK attributes and a `.cpg` saying so, and as one in TWD97 / TM2 zone 121
//! (EPSG:3826) that only its `.prj` names, and the hospitals as a point Shapefile in TWD97
//! with GBK attributes and field names (see fixtures/taipei/README.md), give the coverage of
//! the GeoJSON and CSV originals village for village, names included; with their errors (a
//! missing `.dbf` or `.shx`, a `.prj` that is not recognised or contradicts the manifest,
//! GBK text with no `.cpg` and no `encoding` key, projected positions with no `.prj`).

mod common;

use common::taipei;
use common::taipei_inputs::{
    assert_same_coverage, check, coverage, taipei_with, with_block_keys, HOSPITALS,
};
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};

/// The Taipei manifest in `dir` with the villages read from the Shapefile `villages` (a path
/// in the fixture folder or absolute) and the hospital layer `hospitals` (manifest text, see
/// [`taipei_with`]). A Shapefile's field names have at most 10 characters: GDAL cut
/// `A100UP_5_CNT` to `A100UP_5_C`.
fn taipei_shapefile(dir: &Path, villages: &str, hospitals: &str) -> PathBuf {
    let manifest = taipei_with(dir, villages, hospitals);
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("A100UP_5_CNT", "A100UP_5_C")).unwrap();
    manifest
}

/// Runs the Taipei original and `manifest` into folders of `dir` and asserts the same
/// coverage, village for village; returns the Shapefile run's coverage.csv rows.
fn same_coverage_as_the_original(dir: &Path, manifest: &Path) -> Vec<Vec<String>> {
    let (original_out, shapefile_out) = (dir.join("original"), dir.join("shapefile"));
    common::report(&taipei().join("city.toml"), &original_out, &[]).success();
    common::report(manifest, &shapefile_out, &[]).success();
    assert_same_coverage(&original_out, &shapefile_out);
    coverage(&shapefile_out)
}

#[test]
fn a_gbk_shapefile_with_a_cpg_gives_the_same_coverage_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = taipei_shapefile(dir.path(), "projected/villages_gbk.shp", HOSPITALS);
    let rows = same_coverage_as_the_original(dir.path(), &manifest);
    // The names `keep` carries, decoded from GBK.
    assert_eq!(rows[0][..3], ["id", "VILLAGE", "TOWN"]);
    assert_eq!(rows[1][..3], ["63000050-001", "水源里", "中正區"]);
    assert!(rows.iter().any(|r| r[1] == "螢雪里" && r[2] == "中正區"));
}

#[test]
fn twd97_shapefiles_named_by_their_prj_give_the_same_coverage() {
    let dir = tempfile::tempdir().unwrap();
    // The villages (polygons, UTF-8) and the hospitals (points, GBK field names and text),
    // both in EPSG:3826, which only their .prj files say.
    let hospitals = "path = \"FIXTURE/projected/hospitals_twd97.shp\"\nid = \"醫療院所\"";
    let manifest = taipei_shapefile(dir.path(), "projected/villages_twd97.shp", hospitals);
    same_coverage_as_the_original(dir.path(), &manifest);
}

/// Copies the fixture Shapefile `name` (its .shp, .shx, .dbf, .prj and .cpg) into `dir`;
/// returns the copy's .shp.
fn copy_shapefile(dir: &Path, name: &str) -> PathBuf {
    let projected = taipei().join("projected");
    for extension in ["shp", "shx", "dbf", "prj", "cpg"] {
        let file = format!("{name}.{extension}");
        fs::copy(projected.join(&file), dir.join(&file)).unwrap();
    }
    dir.join(format!("{name}.shp"))
}

#[test]
fn missing_files_and_paths_to_a_shapefile_s_other_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_shapefile(dir.path(), "villages_gbk");
    let manifest = taipei_shapefile(dir.path(), shp.to_str().unwrap(), HOSPITALS);
    check(&manifest).success();
    fs::remove_file(shp.with_extension("dbf")).unwrap();
    check(&manifest).failure().stderr(
        contains("villages_gbk.shp: the Shapefile's attribute table villages_gbk.dbf is missing")
            .and(contains("beside its .shp")),
    );
    let (shx, away) = (shp.with_extension("shx"), dir.path().join("away.shx"));
    fs::rename(&shx, &away).unwrap();
    check(&manifest).failure().stderr(contains(
        "the Shapefile's index villages_gbk.shx is missing",
    ));
    fs::rename(&away, &shx).unwrap();
    // A FIFO is refused before it is opened, never read (which would block).
    let status = std::process::Command::new("mkfifo")
        .arg(shp.with_extension("dbf"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    check(&manifest).failure().stderr(contains(
        "villages_gbk.shp: villages_gbk.dbf: is a FIFO (named pipe), not a file",
    ));
    let dbf = taipei_shapefile(dir.path(), "projected/villages_gbk.dbf", HOSPITALS);
    check(&dbf).failure().stderr(
        contains("villages_gbk.dbf: this is a Shapefile's .dbf file")
            .and(contains("villages_gbk.shp')")),
    );
}

#[test]
fn gbk_text_needs_a_cpg_or_the_encoding_key() {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_shapefile(dir.path(), "villages_gbk");
    fs::remove_file(shp.with_extension("cpg")).unwrap();
    let manifest = taipei_shapefile(dir.path(), shp.to_str().unwrap(), HOSPITALS);
    check(&manifest).failure().stderr(
        contains("villages_gbk.shp, feature 1, field `TOWN`: the text is not valid UTF-8")
            .and(contains("it looks like GBK"))
            .and(contains("say `encoding = \"gbk\"`")),
    );
    let declared = with_block_keys(&manifest, "encoding = \"gbk\"");
    check(&declared).success();
    let out = dir.path().join("out");
    common::report(&declared, &out, &[]).success();
    assert_eq!(coverage(&out)[1][..3], ["63000050-001", "水源里", "中正區"]);
    // A .cpg decides over the key; one naming no encoding is an error naming it.
    fs::write(shp.with_extension("cpg"), "KLINGON\n").unwrap();
    check(&manifest)
        .failure()
        .stderr(contains("villages_gbk.cpg says \"KLINGON\""));
    check(&declared).success();
}

#[test]
fn a_prj_must_be_recognised_or_the_system_named_and_agree_with_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_shapefile(dir.path(), "villages_twd97");
    let manifest = taipei_shapefile(dir.path(), shp.to_str().unwrap(), HOSPITALS);
    // A manifest naming the .prj's system, or another converting alike, agrees with it.
    check(&with_block_keys(&manifest, "crs = \"EPSG:3826\"")).success();
    check(&with_block_keys(&manifest, "crs = \"EPSG:4549\""))
        .failure()
        .stderr(
            contains("its .prj file villages_twd97.prj says the positions are in EPSG:3826 (TWD97 / TM2 zone 121)")
                .and(contains("crs = \"EPSG:4549\"")),
        );
    // A .prj carecircle does not recognise: the system named in the manifest, or an error.
    let prj = shp.with_extension("prj");
    let text = fs::read_to_string(&prj).unwrap();
    fs::write(&prj, text.replace("121.0", "121.3")).unwrap();
    check(&manifest).failure().stderr(
        contains("villages_twd97.prj names no coordinate system carecircle recognises")
            .and(contains(
                "`TWD_1997_TM_Taiwan` matches no system of the EPSG registry",
            ))
            .and(contains("crs = \"EPSG:…\"")),
    );
    check(&with_block_keys(&manifest, "crs = \"EPSG:3826\"")).success();
    // No .prj: the positions are taken as degrees, and the error suggests the `crs` key.
    fs::remove_file(&prj).unwrap();
    check(&manifest).failure().stderr(
        contains("villages_twd97.shp")
            .and(contains("out of range"))
            .and(contains("set the layer's `crs` to its EPSG code")),
    );
    check(&with_block_keys(&manifest, "crs = \"EPSG:3826\"")).success();
}
