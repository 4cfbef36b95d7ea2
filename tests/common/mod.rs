//! Helpers shared by the integration tests: a tiny hand-made city and the binary.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The carecircle binary.
pub fn carecircle() -> Command {
    Command::cargo_bin("carecircle").unwrap()
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
