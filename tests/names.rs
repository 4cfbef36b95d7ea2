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

/// The places a zone names, computed here from blocks.geojson: the distinct names of the
/// blocks whose `<circle>_gap_zone` is the zone's rank, most elderly first, three of them
/// and how many more.
fn expected_places(blocks: &[serde_json::Value], circle: &str, rank: u64) -> Option<String> {
    let mut members: Vec<(f64, &str)> = blocks
        .iter()
        .map(|b| &b["properties"])
        .filter(|p| p[format!("{circle}_gap_zone")].as_u64() == Some(rank))
        .map(|p| {
            (
                p["elderly"].as_f64().unwrap(),
                p["VILLAGE"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(!members.is_empty(), "{circle} #{rank}");
    // Stable: equal elderly keep the file's (block) order.
    members.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut names: Vec<&str> = Vec::new();
    for (_, name) in members {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut text = names[..names.len().min(3)].join(", ");
    if names.len() > 3 {
        text.push_str(&format!(" and {} more", names.len() - 3));
    }
    Some(text)
}

/// Every gap zone names its villages (gaps.geojson `places`, the terminal's zone lines, the
/// report's zone table); facilities.geojson carries each facility's name from its layer's
/// name property.
#[test]
fn gap_zones_name_their_villages_and_facilities_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = taipei();
    let manifest = taipei_with_hospice(
        dir.path(),
        "[layers.hospice]\npath = \"facilities.geojson\"\nname = \"address\"\n",
    );
    let out = dir.path().join("out");
    let stdout = common::report(&manifest, &out, &[]).success();
    let stdout = String::from_utf8(stdout.get_output().stdout.clone()).unwrap();
    let villages = villages();
    let names: Vec<&str> = villages
        .values()
        .map(|(p, _)| p["VILLAGE"].as_str().unwrap())
        .collect();
    let unique: std::collections::HashSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "no name shared: no ids added");

    let blocks = read_json(&out.join("blocks.geojson"));
    let blocks = blocks["features"].as_array().unwrap();
    let gaps = read_json(&out.join("gaps.geojson"));
    let zones = gaps["features"].as_array().unwrap();
    assert!(zones.len() > 5, "{}", zones.len());
    for zone in zones {
        let p = &zone["properties"];
        let (circle, rank) = (p["circle"].as_str().unwrap(), p["rank"].as_u64().unwrap());
        let expected = expected_places(blocks, circle, rank).unwrap();
        assert_eq!(p["places"], expected.as_str(), "{circle} #{rank}");
        if rank == 1 {
            let line = format!("{circle} #1: {} block", p["blocks"]);
            let line = stdout.lines().find(|l| l.starts_with(&line)).unwrap();
            assert!(line.contains(&format!("({expected}),")), "{line}");
        }
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let first = zones[0]["properties"]["places"].as_str().unwrap();
    assert!(html.contains(&format!("<td>{first}</td>")), "{first}");

    let input = read_json(&fixture.join("facilities.geojson"));
    let input = input["features"].as_array().unwrap();
    let facilities = read_json(&out.join("facilities.geojson"));
    let mut checked = 0;
    for f in facilities["features"].as_array().unwrap() {
        let p = &f["properties"];
        if p["kind"] == "hospice" {
            let number: usize = p["id"].as_str().unwrap().parse().unwrap();
            let address = &input[number - 1]["properties"]["address"];
            assert_eq!(p["name"], *address, "hospice {number}");
            checked += 1;
        }
    }
    assert!(checked > 5, "{checked}");
}

/// Sites suggested at uncovered blocks carry their village's name (sites.geojson, sites.csv,
/// the terminal's ranking).
#[test]
fn suggested_sites_carry_their_candidates_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sites");
    let assert = common::carecircle()
        .arg("site")
        .arg(taipei().join("city.toml"))
        .args(["--circle", "basic", "--kind", "responder", "--count", "3"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let villages = villages();
    let sites = read_json(&out.join("sites.geojson"));
    let sites = sites["features"].as_array().unwrap();
    assert_eq!(sites.len(), 3);
    let mut reader = csv::Reader::from_path(out.join("sites.csv")).unwrap();
    let curve: Vec<HashMap<String, String>> = reader.deserialize().map(Result::unwrap).collect();
    for (k, site) in sites.iter().enumerate() {
        let p = &site["properties"];
        let id = p["candidate_id"].as_str().unwrap();
        let village = villages[id].0["VILLAGE"].as_str().unwrap();
        assert_eq!(p["candidate_name"], village, "{id}");
        assert_eq!(curve[k + 1]["candidate_name"], village, "{id}");
        assert!(stdout.contains(&format!("{village} ({id})")), "{stdout}");
    }
}
