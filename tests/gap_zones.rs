//! Gap zones: a city with two separate unserved pockets yields exactly two zones.

mod common;

use common::{at, carecircle, pocket_city};
use serde_json::Value;
use std::fs;

#[test]
fn two_unserved_pockets_make_two_ranked_zones() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        carecircle()
            .env("RAYON_NUM_THREADS", threads)
            .arg("report")
            .arg(dir.path().join("city.toml"))
            .args(["--measure", "centroid"])
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
            .stdout(predicates::str::contains(
                "basic #1: 3 blocks, 60 elderly uncovered",
            ));
        outputs.push(fs::read(out.join("gaps.geojson")).unwrap());
    }
    assert_eq!(outputs[0], outputs[1], "zones are deterministic");
    let gaps: Value = serde_json::from_slice(&outputs[0]).unwrap();
    let zones = gaps["features"].as_array().unwrap();
    assert_eq!(zones.len(), 2);
    let (first, second) = (&zones[0]["properties"], &zones[1]["properties"]);
    assert_eq!(
        (first["rank"].as_u64(), first["blocks"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(first["elderly_uncovered"], 60.0);
    assert_eq!(first["failing"], "care_bed (3 blocks)");
    assert_eq!(first["nearest_facility_id"], "cb1");
    // From a3's centroid at x = 120 m to the care bed at x = 1,000 m.
    assert!((first["nearest_m"].as_f64().unwrap() - 880.0).abs() < 3.0);
    assert_eq!(
        (second["rank"].as_u64(), second["blocks"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(second["elderly_uncovered"], 12.0);
    // Each zone's outline contains its blocks' centroids.
    use geo::{Contains, MultiPolygon, Point};
    for (zone, xs) in [
        (&zones[0], vec![0.0, 60.0, 120.0]),
        (&zones[1], vec![2000.0, 2060.0]),
    ] {
        let outline: MultiPolygon<f64> =
            serde_json::from_value::<geojson::Geometry>(zone["geometry"].clone())
                .unwrap()
                .try_into()
                .unwrap();
        for x in xs {
            let (lon, lat) = at(x, 0.0);
            assert!(
                outline.contains(&Point::new(lon, lat)),
                "zone misses the block at x = {x}"
            );
        }
    }
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out1/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["top_gap_zones"].as_array().unwrap().len(), 2);
}
