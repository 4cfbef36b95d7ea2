//! Helpers shared by the integration tests: a tiny hand-made city and the binary.

#![allow(dead_code)]

pub mod html_doc;
pub mod taipei_inputs;

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
use std::path::{Path, PathBuf};

/// The carecircle binary.
pub fn carecircle() -> Command {
    Command::cargo_bin("carecircle").unwrap()
}

/// Runs `report` on `manifest` into `out` with `extra` arguments, checking it did not panic.
pub fn report(manifest: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    carecircle()
        .arg("report")
        .arg(manifest)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .stderr(predicates::str::contains("panicked").not())
}

/// Every file in a folder, by name, with its bytes.
pub fn folder_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Runs `report` on `manifest` with `args` into `out` (emptied first) on `threads` threads and
/// returns every file written, by name, with its bytes.
pub fn report_with_threads(
    manifest: &Path,
    out: &Path,
    threads: &str,
    args: &[&str],
) -> Vec<(String, Vec<u8>)> {
    if out.exists() {
        std::fs::remove_dir_all(out).unwrap();
    }
    carecircle()
        .env("RAYON_NUM_THREADS", threads)
        .arg("report")
        .arg(manifest)
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    folder_bytes(out)
}

/// Writes the synthetic city of `blocks` blocks and `seed` into `dir`; returns its manifest.
pub fn synth_city(dir: &Path, blocks: usize, seed: u64) -> PathBuf {
    carecircle::synth::write_city(dir, &carecircle::synth::SynthOptions { blocks, seed }).unwrap();
    dir.join("city.toml")
}

/// The folder of the Taipei fixture city.
pub fn taipei() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/taipei")
}

/// A square block polygon of `size_deg` at (lon, lat), as GeoJSON text.
pub fn square(lon: f64, lat: f64, size_deg: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{x1},{lat}],[{x1},{y1}],[{lon},{y1}],[{lon},{lat}]]]}}"#,
        x1 = lon + size_deg,
        y1 = lat + size_deg
    )
}

/// A FeatureCollection of (properties JSON, geometry JSON) pairs.
pub fn collection(features: &[(String, String)]) -> String {
    let body: Vec<String> = features
        .iter()
        .map(|(p, g)| format!(r#"{{"type":"Feature","properties":{p},"geometry":{g}}}"#))
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        body.join(",\n")
    )
}

/// Writes a small valid city into `dir`: three blocks, and care-bed (CSV), responder,
/// hospital and hospice (GeoJSON) layers; returns the manifest path.
pub fn small_city(dir: &Path) -> PathBuf {
    let blocks = collection(&[
        (
            r#"{"id":"a","elderly":10,"residents":100}"#.into(),
            square(121.5000, 25.0000, 0.0005),
        ),
        (
            r#"{"id":"b","elderly":20,"residents":200}"#.into(),
            square(121.5100, 25.0000, 0.0005),
        ),
        (
            r#"{"id":"c","elderly":30,"residents":300}"#.into(),
            square(121.5300, 25.0000, 0.0005),
        ),
    ]);
    std::fs::write(dir.join("blocks.geojson"), blocks).unwrap();
    std::fs::write(
        dir.join("care_beds.csv"),
        "id,lon,lat,capacity\ncb1,121.50025,25.00025,4\n",
    )
    .unwrap();
    let point = |lon: f64, lat: f64| format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#);
    std::fs::write(
        dir.join("responders.geojson"),
        collection(&[(r#"{"id":"r1"}"#.into(), point(121.5003, 25.0003))]),
    )
    .unwrap();
    std::fs::write(
        dir.join("hospitals.geojson"),
        collection(&[(
            r#"{"id":"h1","tier":"tertiary"}"#.into(),
            point(121.5102, 25.0002),
        )]),
    )
    .unwrap();
    std::fs::write(
        dir.join("hospices.geojson"),
        collection(&[(
            r#"{"id":"x1","category":"hospice"}"#.into(),
            point(121.5105, 25.0005),
        )]),
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    std::fs::write(
        &manifest,
        r#"
[blocks]
path = "blocks.geojson"
id = "id"
elderly = "elderly"
residents = "residents"
[layers.care_bed]
path = "care_beds.csv"
[layers.responder]
path = "responders.geojson"
[layers.hospital]
path = "hospitals.geojson"
[layers.hospice]
path = "hospices.geojson"
"#,
    )
    .unwrap();
    manifest
}

/// The reference point of the metre-based test cities.
pub const LON0: f64 = 121.5;
/// The reference point of the metre-based test cities.
pub const LAT0: f64 = 25.0;

/// (lon, lat) of a point `x` metres east and `y` metres north of (LON0, LAT0).
pub fn at(x: f64, y: f64) -> (f64, f64) {
    (
        LON0 + x / (111_320.0 * LAT0.to_radians().cos()),
        LAT0 + y / 110_574.0,
    )
}

/// A 40 m square block centred at (x, y) metres, as GeoJSON text.
pub fn block_at(x: f64, y: f64) -> String {
    let ring: Vec<String> = [
        (-20.0, -20.0),
        (20.0, -20.0),
        (20.0, 20.0),
        (-20.0, 20.0),
        (-20.0, -20.0),
    ]
    .iter()
    .map(|(dx, dy)| {
        let (lon, lat) = at(x + dx, y + dy);
        format!("[{lon},{lat}]")
    })
    .collect();
    format!(
        r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
        ring.join(",")
    )
}

/// A city with two unserved pockets along y = 0: pocket A, blocks a1–a3 at x = 0, 60, 120 m
/// with 10, 20, 30 elderly; pocket B, blocks b1–b2 at x = 2,000 and 2,060 m with 5 and 7
/// elderly; and a served block at x = 1,000 m with the only care bed on it. The policy asks
/// for a care bed within 100 m. Returns the manifest path.
pub fn pocket_city(dir: &Path) -> PathBuf {
    let blocks = [
        ("a1", 0.0, 10.0),
        ("a2", 60.0, 20.0),
        ("a3", 120.0, 30.0),
        ("served", 1000.0, 99.0),
        ("b1", 2000.0, 5.0),
        ("b2", 2060.0, 7.0),
    ];
    let features: Vec<(String, String)> = blocks
        .iter()
        .map(|(id, x, elderly)| {
            (
                format!(r#"{{"id":"{id}","elderly":{elderly}}}"#),
                block_at(*x, 0.0),
            )
        })
        .collect();
    std::fs::write(dir.join("blocks.geojson"), collection(&features)).unwrap();
    let (lon, lat) = at(1000.0, 0.0);
    std::fs::write(
        dir.join("care_beds.csv"),
        format!("id,lon,lat\ncb1,{lon},{lat}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 100 }]\n",
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    std::fs::write(
        &manifest,
        "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\nelderly = \"elderly\"\n[layers.care_bed]\npath = \"care_beds.csv\"\n",
    )
    .unwrap();
    manifest
}

/// GeoJSON positions (`[lon,lat],[lon,lat]…`) of points in metres (see [`at`]).
pub fn positions(points: &[(f64, f64)]) -> String {
    let coords: Vec<String> = points
        .iter()
        .map(|&(x, y)| format!("[{},{}]", at(x, y).0, at(x, y).1))
        .collect();
    coords.join(",")
}

/// A GeoJSON line through points in metres (see [`at`]).
pub fn line(points: &[(f64, f64)]) -> String {
    format!(
        r#"{{"type":"LineString","coordinates":[{}]}}"#,
        positions(points)
    )
}

/// Runs `report` on `manifest` into a fresh `out` with `extra` arguments; the first
/// block's properties in `blocks.geojson`.
pub fn first_block_of_report(manifest: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    if out.exists() {
        std::fs::remove_dir_all(out).unwrap();
    }
    carecircle()
        .arg("report")
        .arg(manifest)
        .args(extra)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("blocks.geojson")).unwrap();
    let blocks: serde_json::Value = serde_json::from_str(&text).unwrap();
    blocks["features"][0]["properties"].clone()
}

/// A number property of a block, or a panic naming it.
pub fn number(block: &serde_json::Value, key: &str) -> f64 {
    block[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}: {block}"))
}
