//! Walking distances end to end: a river crossed by one bridge, off-network and isolated
//! blocks, and the distance modes.

mod common;

use common::{carecircle, collection};
use serde_json::Value;
use std::fs;
use std::path::Path;

const LON0: f64 = 121.5;
const LAT0: f64 = 25.0;

/// A position `x` metres east and `y` metres north of (LON0, LAT0), as "[lon,lat]".
fn at(x: f64, y: f64) -> String {
    let lon = LON0 + x / (111_320.0 * LAT0.to_radians().cos());
    let lat = LAT0 + y / 110_574.0;
    format!("[{lon},{lat}]")
}

fn line(points: &[(f64, f64)]) -> String {
    let coords: Vec<String> = points.iter().map(|&(x, y)| at(x, y)).collect();
    format!(
        r#"{{"type":"LineString","coordinates":[{}]}}"#,
        coords.join(",")
    )
}

/// A 40 m square block centred at (x, y) metres.
fn block(x: f64, y: f64) -> String {
    let h = 20.0;
    let ring = [
        (x - h, y - h),
        (x + h, y - h),
        (x + h, y + h),
        (x - h, y + h),
        (x - h, y - h),
    ];
    let coords: Vec<String> = ring.iter().map(|&(x, y)| at(x, y)).collect();
    format!(
        r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
        coords.join(",")
    )
}

/// A river runs east–west between y = −30 m and y = +30 m; bank roads at y = ±40 m meet a
/// single bridge at x = 500 m; a street runs north and one south at x = 0. The hospice stands
/// on the northern street at (0, 300).
fn river_city(dir: &Path) -> std::path::PathBuf {
    let blocks = collection(&[
        (r#"{"id":"north","elderly":10}"#.into(), block(100.0, 200.0)),
        (r#"{"id":"south","elderly":20}"#.into(), block(40.0, -300.0)),
        (r#"{"id":"far","elderly":5}"#.into(), block(3000.0, 3000.0)),
        (
            r#"{"id":"island","elderly":7}"#.into(),
            block(-1950.0, 1030.0),
        ),
    ]);
    fs::write(dir.join("blocks.geojson"), blocks).unwrap();
    let streets = collection(&[
        (
            r#"{"highway":"residential"}"#.into(),
            line(&[(0.0, 40.0), (0.0, 300.0), (0.0, 400.0)]),
        ),
        (
            r#"{"highway":"residential"}"#.into(),
            line(&[(0.0, -40.0), (0.0, -300.0), (0.0, -400.0)]),
        ),
        (
            r#"{"highway":"residential"}"#.into(),
            line(&[(-500.0, 40.0), (0.0, 40.0), (500.0, 40.0), (2500.0, 40.0)]),
        ),
        (
            r#"{"highway":"residential"}"#.into(),
            line(&[
                (-500.0, -40.0),
                (0.0, -40.0),
                (500.0, -40.0),
                (2500.0, -40.0),
            ]),
        ),
        (
            r#"{"highway":"primary","bridge":true}"#.into(),
            line(&[(500.0, -40.0), (500.0, 40.0)]),
        ),
        // A footbridge drawn across the river without touching the bank roads: no shared
        // vertex, so it does not connect.
        (
            r#"{"highway":"footway"}"#.into(),
            line(&[(40.0, -60.0), (40.0, 60.0)]),
        ),
        // A short isolated street, far from everything else.
        (
            r#"{"highway":"service"}"#.into(),
            line(&[(-2000.0, 1000.0), (-1900.0, 1000.0)]),
        ),
        // A motorway that the manifest filters out.
        (
            r#"{"highway":"motorway"}"#.into(),
            line(&[(0.0, -300.0), (0.0, 300.0)]),
        ),
    ]);
    fs::write(dir.join("streets.geojson"), streets).unwrap();
    let point = |x: f64, y: f64| format!(r#"{{"type":"Point","coordinates":{}}}"#, at(x, y));
    fs::write(
        dir.join("hospices.geojson"),
        collection(&[(r#"{"id":"hospice-1"}"#.into(), point(0.0, 300.0))]),
    )
    .unwrap();
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"extended\"\nrequires = [{ kind = \"hospice\", within_m = 1000 }]\n",
    )
    .unwrap();
    let manifest = dir.join("city.toml");
    fs::write(
        &manifest,
        r#"policy = "policy.toml"
[blocks]
path = "blocks.geojson"
id = "id"
elderly = "elderly"
[layers.hospice]
path = "hospices.geojson"
[streets]
path = "streets.geojson"
where = { highway = ["residential", "primary", "footway", "service"] }
"#,
    )
    .unwrap();
    manifest
}

fn report(manifest: &Path, out: &Path, extra: &[&str]) -> (Vec<Value>, Value) {
    carecircle()
        .arg("report")
        .arg(manifest)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let blocks: Value =
        serde_json::from_str(&fs::read_to_string(out.join("blocks.geojson")).unwrap()).unwrap();
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let properties = blocks["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].clone())
        .collect();
    (properties, summary)
}

#[test]
fn a_block_across_the_river_is_covered_on_the_map_but_not_on_foot() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = river_city(dir.path());
    let (blocks, summary) = report(&manifest, &dir.path().join("out"), &[]);
    assert_eq!(summary["distance"], "both");
    let (north, south) = (&blocks[0], &blocks[1]);
    assert_eq!(north["extended_met"], true);
    // North: from its west side (x = 80 m) a leg of 80 m to the street at x = 0, which it
    // faces from y = 180 to 220 m, then 80 m along it to the hospice.
    let walk = north["extended_hospice_walk_m"].as_f64().unwrap();
    assert!((walk - 160.0).abs() < 2.0, "north walks {walk} m");

    // South: 580 m from its outline's corner (20, −280) in a straight line, but the walk goes
    // round by the bridge: leg 20 + 240 south street + 500 bank road + 80 bridge + 500 bank
    // road + 260 = 1,600 m.
    assert_eq!(south["extended_met_straight"], true);
    assert_eq!(south["extended_met"], false);
    let straight = south["extended_hospice_dist_m"].as_f64().unwrap();
    let walk = south["extended_hospice_walk_m"].as_f64().unwrap();
    assert!((straight - 580.3).abs() < 3.0, "straight {straight}");
    assert!((walk - 1600.0).abs() < 10.0, "walk {walk}");
    let detour = south["extended_hospice_detour"].as_f64().unwrap();
    assert!((detour - walk / straight).abs() < 0.01);
    assert!((south["snap_m"].as_f64().unwrap() - 20.0).abs() < 0.5);
    let reason = south["gap_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("extended: hospice 58")
            && reason.contains("m away in a straight line but 1,6")
            && reason.ends_with("m on foot"),
        "{reason}"
    );
    let circle = &summary["circles"][0];
    assert_eq!(circle["blocks_met_straight"], 2);
    assert_eq!(circle["blocks_met_walk"], 1);
    assert_eq!(circle["blocks_straight_only"], 1);
    assert_eq!(circle["elderly_straight_only"], 20.0);
}

#[test]
fn off_network_and_isolated_blocks_are_listed_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = river_city(dir.path());
    let out = dir.path().join("out");
    let (blocks, summary) = report(&manifest, &out, &[]);
    let (far, island) = (&blocks[2], &blocks[3]);
    assert!(far["snap_m"].is_null());
    assert!(far["extended_hospice_walk_m"].is_null());
    assert!(far["gap_reason"]
        .as_str()
        .unwrap()
        .contains("no street within 500 m of the block"));
    // 10 m from the island's southern side to the isolated street.
    assert!((island["snap_m"].as_f64().unwrap() - 10.0).abs() < 0.5);
    assert!(island["extended_hospice_walk_m"].is_null());
    let network = &summary["network"];
    // Graph: the two streets (3 vertices each, the ends at ±40 shared with the bank roads),
    // the two bank roads (4 vertices each), the footbridge (2) and the isolated street (2).
    assert_eq!(network["nodes"], 4 + 4 + 2 + 2 + 2 + 2);
    assert_eq!(network["components"], 3);
    assert_eq!(network["blocks_off_network"], 1);
    assert_eq!(network["blocks_isolated"], 1);
    let listed = fs::read_to_string(out.join("off_network.csv")).unwrap();
    let rows: Vec<Vec<&str>> = listed.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3, "{listed}");
    assert_eq!(
        rows[0],
        ["role", "id", "access", "snap_m", "component_nodes"]
    );
    assert_eq!(rows[1], ["blocks", "far", "off_network", "", ""]);
    assert_eq!(
        (rows[2][0], rows[2][1], rows[2][2], rows[2][4]),
        ("blocks", "island", "isolated", "2")
    );
}

#[test]
fn distance_modes_choose_what_decides_and_what_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = river_city(dir.path());
    let (blocks, summary) = report(
        &manifest,
        &dir.path().join("straight"),
        &["--distance", "straight"],
    );
    assert_eq!(summary["distance"], "straight");
    assert!(summary.get("network").is_none());
    assert_eq!(blocks[1]["extended_met"], true);
    assert!(blocks[1].get("extended_hospice_walk_m").is_none());
    assert!(!dir.path().join("straight/off_network.csv").exists());

    let (blocks, summary) = report(
        &manifest,
        &dir.path().join("network"),
        &["--distance", "network"],
    );
    assert_eq!(summary["distance"], "network");
    assert_eq!(blocks[1]["extended_met"], false);
    assert!(blocks[1].get("extended_hospice_dist_m").is_none());
    assert!(blocks[1].get("extended_met_straight").is_none());
    assert!(blocks[1]["extended_hospice_walk_m"].is_number());
}

#[test]
fn walking_needs_streets() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::small_city(dir.path());
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--distance", "both", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("needs a [streets] layer"));
}

#[test]
fn service_areas_follow_the_streets_and_stop_at_the_reach() {
    use geo::{Distance, Haversine, Point};
    let dir = tempfile::tempdir().unwrap();
    let manifest = river_city(dir.path());
    let out = dir.path().join("out");
    report(&manifest, &out, &["--service-areas"]);
    let areas: Value =
        serde_json::from_str(&fs::read_to_string(out.join("service_areas.geojson")).unwrap())
            .unwrap();
    let features = areas["features"].as_array().unwrap();
    let mut total_m = 0.0;
    for f in features {
        let p = &f["properties"];
        assert_eq!(
            (p["circle"].as_str(), p["kind"].as_str()),
            (Some("extended"), Some("hospice"))
        );
        assert_eq!(p["facility_id"], "hospice-1");
        assert_eq!(p["within_m"], 1000);
        for end in ["from_dist_m", "to_dist_m"] {
            assert!(p[end].as_f64().unwrap() <= 1000.0);
        }
        assert_eq!(f["geometry"]["type"], "LineString");
        let coords = f["geometry"]["coordinates"].as_array().unwrap();
        let point = |c: &Value| Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        total_m += coords
            .windows(2)
            .map(|w| Haversine.distance(point(&w[0]), point(&w[1])))
            .sum::<f64>();
        // Nothing south of the south bank road: that street is 1,340 m or more away.
        assert!(coords
            .iter()
            .all(|c| c[1].as_f64().unwrap() > LAT0 - 45.0 / 110_574.0));
    }
    // From the hospice at (0, 300): 100 m north, 260 m south to the bank, 500 m west, 500 + 240 m
    // east along the north bank road, the 80 m bridge, then 160 m each way on the south bank.
    assert!(
        (total_m - 2000.0).abs() < 20.0,
        "walkable street length {total_m} m"
    );
}

#[test]
fn service_areas_need_walking() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = river_city(dir.path());
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--distance", "straight", "--service-areas", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "--service-areas needs walking distances",
        ));
}

#[test]
fn site_suggestions_use_walking_reach() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = river_city(dir.path());
    // A vacant flat just north of the river, 400 m from the south block in a straight line
    // but far from it on foot; and one on the south street.
    let flat = |x: f64, y: f64| format!(r#"{{"type":"Point","coordinates":{}}}"#, at(x, y));
    fs::write(
        dir.path().join("flats.geojson"),
        collection(&[
            (r#"{"id":"north-flat"}"#.into(), flat(40.0, 100.0)),
            (r#"{"id":"south-flat"}"#.into(), flat(0.0, -200.0)),
        ]),
    )
    .unwrap();
    let suggest = |distance: &str| -> Value {
        let out = dir.path().join(format!("sites-{distance}"));
        carecircle()
            .arg("site")
            .arg(&manifest)
            .args([
                "--circle",
                "extended",
                "--kind",
                "hospice",
                "--count",
                "1",
                "--distance",
                distance,
                "--candidates",
            ])
            .arg(dir.path().join("flats.geojson"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        serde_json::from_str(&fs::read_to_string(out.join("sites.geojson")).unwrap()).unwrap()
    };
    // In a straight line the south block already has the hospice within 1 km; nothing to add
    // for it, and the two unreachable blocks are too far from either flat.
    assert_eq!(suggest("straight")["features"].as_array().unwrap().len(), 0);
    // On foot the south block is uncovered, and only the flat on its side of the river helps.
    let on_foot = suggest("both");
    let first = &on_foot["features"][0]["properties"];
    assert_eq!(first["candidate_id"], "south-flat");
    assert_eq!(first["newly_covered_ids"], "south");
}
