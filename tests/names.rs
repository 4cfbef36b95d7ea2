//! Names end to end: block properties the manifest keeps (the Taipei villages' names and
//! districts) and every block's nearest facility by id and name, checked against the input
//! and a brute-force nearest search.

mod common;

use common::taipei;
use geo::{Centroid, Distance, Haversine};
use geo_types::{MultiPolygon, Point};
use std::collections::HashMap;
use std::fs;
use std::path::Path;

/// coverage.csv as one map per row, by column name.
fn coverage(out: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(out.join("coverage.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The Taipei villages: id → (properties, centroid in WGS 84).
fn villages() -> HashMap<String, (serde_json::Value, Point<f64>)> {
    let input = read_json(&taipei().join("villages.geojson"));
    let features = input["features"].as_array().unwrap().clone();
    features
        .into_iter()
        .map(|f| {
            let geometry: geojson::Geometry =
                serde_json::from_value(f["geometry"].clone()).unwrap();
            let outline: MultiPolygon<f64> = match geo_types::Geometry::try_from(geometry).unwrap()
            {
                geo_types::Geometry::MultiPolygon(m) => m,
                geo_types::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
                other => panic!("{other:?}"),
            };
            let id = f["properties"]["V_ID"].as_str().unwrap().to_string();
            (id, (f["properties"].clone(), outline.centroid().unwrap()))
        })
        .collect()
}

#[test]
fn kept_properties_are_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    common::report(&taipei().join("city.toml"), &out, &[]).success();
    let rows = coverage(&out);
    let villages = villages();
    assert_eq!(rows.len(), villages.len());
    for row in &rows {
        let (properties, _) = &villages[&row["id"]];
        assert_eq!(row["VILLAGE"], properties["VILLAGE"].as_str().unwrap());
        assert_eq!(row["TOWN"], properties["TOWN"].as_str().unwrap());
    }
    let blocks = read_json(&out.join("blocks.geojson"));
    let first = &blocks["features"][0]["properties"];
    assert!(
        first["VILLAGE"].is_string() && first["TOWN"].is_string(),
        "{first}"
    );
}

/// The Taipei fixture copied into `dir`, its hospice layer's manifest entry replaced by
/// `hospice`; the manifest's path.
fn taipei_with_hospice(dir: &Path, hospice: &str) -> std::path::PathBuf {
    let fixture = taipei();
    for name in [
        "facilities.geojson",
        "hospitals.csv",
        "policy.toml",
        "villages.geojson",
    ] {
        fs::copy(fixture.join(name), dir.join(name)).unwrap();
    }
    let manifest = fs::read_to_string(fixture.join("city.toml")).unwrap();
    let original = "[layers.hospice]\npath = \"facilities.geojson\"\nid = \"name\"\n";
    assert!(manifest.contains(original));
    let path = dir.join("city.toml");
    fs::write(&path, manifest.replace(original, hospice)).unwrap();
    path
}

/// From each village's centroid, the nearest hospital (straight line) by brute force over
/// every hospital of the CSV, against `specialty_hospital_nearest_id`; and with the hospice
/// layer identified by feature number, `extended_hospice_nearest_name` is the `name` of that
/// feature.
#[test]
fn nearest_facility_ids_and_names_match_a_brute_force_search() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = taipei();
    // Hospices identified by feature number: their names come from the `name` property.
    let manifest = taipei_with_hospice(
        dir.path(),
        "[layers.hospice]\npath = \"facilities.geojson\"\n",
    );
    let out = dir.path().join("out");
    let extra = ["--distance", "straight", "--measure", "centroid"];
    common::report(&manifest, &out, &extra).success();
    let rows = coverage(&out);

    let mut hospitals = csv::Reader::from_path(fixture.join("hospitals.csv")).unwrap();
    let hospitals: Vec<(String, Point<f64>)> = hospitals
        .deserialize::<HashMap<String, String>>()
        .map(|r| {
            let r = r.unwrap();
            let at = Point::new(r["lon"].parse().unwrap(), r["lat"].parse().unwrap());
            (r["醫療院所"].clone(), at)
        })
        .collect();
    let villages = villages();
    let mut checked = 0;
    for row in &rows {
        let centroid = villages[&row["id"]].1;
        let mut by_distance: Vec<(f64, &str)> = hospitals
            .iter()
            .map(|(id, at)| (Haversine.distance(centroid, *at), id.as_str()))
            .collect();
        by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Two hospitals within a metre of each other's distance: either may be nearest.
        if by_distance[1].0 - by_distance[0].0 < 1.0 {
            continue;
        }
        assert_eq!(
            row["specialty_hospital_nearest_id"], by_distance[0].1,
            "{}",
            row["id"]
        );
        let reported: f64 = row["specialty_hospital_dist_m"].parse().unwrap();
        assert!((reported - by_distance[0].0).abs() < 0.005 * by_distance[0].0 + 0.5);
        checked += 1;
    }
    assert!(checked > 50, "{checked}");

    let facilities = read_json(&fixture.join("facilities.geojson"));
    let features = facilities["features"].as_array().unwrap();
    for row in &rows {
        let number: usize = row["extended_hospice_nearest_id"].parse().unwrap();
        let name = features[number - 1]["properties"]["name"].as_str().unwrap();
        assert_eq!(row["extended_hospice_nearest_name"], name, "{}", row["id"]);
    }
}

/// A layer's `name` key picks the property people know its facilities by (here the
/// address), over the detected `name`.
#[test]
fn a_layers_name_key_picks_the_name_property() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = taipei();
    let manifest = taipei_with_hospice(
        dir.path(),
        "[layers.hospice]\npath = \"facilities.geojson\"\nid = \"name\"\nname = \"address\"\n",
    );
    let out = dir.path().join("out");
    common::report(&manifest, &out, &[]).success();
    let facilities = read_json(&fixture.join("facilities.geojson"));
    let address_of: HashMap<&str, &str> = facilities["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["address"].is_string())
        .map(|f| {
            let p = &f["properties"];
            (p["name"].as_str().unwrap(), p["address"].as_str().unwrap())
        })
        .collect();
    for row in coverage(&out) {
        let id = row["extended_hospice_nearest_id"].as_str();
        assert_eq!(row["extended_hospice_nearest_name"], address_of[id], "{id}");
    }
}
