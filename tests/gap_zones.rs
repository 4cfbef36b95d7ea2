//! Gap zones: a city with two separate unserved pockets yields exactly two zones; on the
//! synthetic city, the zones of each circle never overlap, span at most `zone_span_m`, hold
//! every uncovered block exactly once, add up to the uncovered elderly, and name a nearest
//! facility that is out of reach for the requirement they fail.

mod common;

use common::{at, carecircle, pocket_city, synth_city};
use geo::{Area, BooleanOps, BoundingRect, Contains, Intersects, MultiPolygon, Point};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

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
            .stdout(predicates::str::contains("basic #1: 3 blocks, "))
            .stdout(predicates::str::contains(
                " m across, 60 elderly uncovered; fails care_bed (3 blocks); nearest care_bed cb1 at ",
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
    assert_eq!(summary["zone_span_m"], 1000.0);
    // The pocket's outline: its three 40 m blocks (160 m) and 10 m all round, to a 10 m cell.
    let span = first["span_m"].as_f64().unwrap();
    assert!((170.0..=190.0).contains(&span), "{span}");
}

/// The synthetic city's policy, with the extended circle asking for two hospices and the
/// gap zones at most `span_m` across.
fn two_hospice_policy(span_m: f64) -> String {
    format!(
        "zone_span_m = {span_m}\n\
         [[circles]]\nname = \"basic\"\nrequires = [{{ kind = \"care_bed\", within_m = 100 }}, \
         {{ kind = \"responder\", within_min = 3, speed_m_per_min = 48, delay_min = 1 }}]\n\
         [[circles]]\nname = \"specialty\"\nrequires = [{{ kind = \"hospital\", within_m = 500, where = {{ tier = \"tertiary\" }} }}]\n\
         [[circles]]\nname = \"extended\"\nrequires = [{{ kind = \"hospice\", within_m = 1000, min_count = 2 }}]\n"
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn geometry(feature: &Value) -> MultiPolygon<f64> {
    let geometry: geojson::Geometry = serde_json::from_value(feature["geometry"].clone()).unwrap();
    match geo::Geometry::<f64>::try_from(geometry).unwrap() {
        geo::Geometry::MultiPolygon(m) => m,
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        other => panic!("not a polygon: {other:?}"),
    }
}

/// The larger side of a WGS 84 outline's bounding box, in metres (the city is a few km
/// across: a local scale is right to well under 1 %).
fn span_m(outline: &MultiPolygon<f64>) -> f64 {
    let r = outline.bounding_rect().unwrap();
    let lat = r.center().y.to_radians();
    let x = r.width() * 111_320.0 * lat.cos();
    let y = r.height() * 110_574.0;
    x.max(y)
}

/// Checks the gap zones of every circle of a report in `out` against its blocks layer and
/// summary; `reaches` gives each circle's requirements as (kind, reach in metres, min_count).
fn check_zones(out: &Path, span_limit_m: f64, reaches: &BTreeMap<&str, Vec<(&str, f64, u64)>>) {
    let gaps = read_json(&out.join("gaps.geojson"));
    let blocks = read_json(&out.join("blocks.geojson"));
    let summary = read_json(&out.join("summary.json"));
    let zones = gaps["features"].as_array().unwrap();
    let blocks = blocks["features"].as_array().unwrap();
    for circle in summary["circles"].as_array().unwrap() {
        let name = circle["name"].as_str().unwrap();
        let mine: Vec<(&Value, MultiPolygon<f64>)> = zones
            .iter()
            .filter(|z| z["properties"]["circle"] == name)
            .map(|z| (&z["properties"], geometry(z)))
            .collect();
        assert!(mine.len() > 3, "{name}: {} zones", mine.len());
        // Ranks 1..n; spans within the limit (a zone of one block excepted).
        let ranks: Vec<u64> = mine
            .iter()
            .map(|(p, _)| p["rank"].as_u64().unwrap())
            .collect();
        assert_eq!(ranks, (1..=mine.len() as u64).collect::<Vec<_>>());
        for (p, outline) in &mine {
            if p["blocks"].as_u64().unwrap() > 1 {
                let span = span_m(outline);
                assert!(
                    span <= span_limit_m * 1.01,
                    "{name} #{}: {span} m",
                    p["rank"]
                );
                assert!((span - p["span_m"].as_f64().unwrap()).abs() < 0.02 * span + 1.0);
            }
        }
        // No two zones of the circle overlap. (They share cell edges in the plane; in WGS 84
        // at 7 decimals, about 1 cm, a vertex on a shared edge may sit a few millimetres off
        // it, which leaves slivers of a few cm²; overlapping hulls overlapped by hectares.)
        for i in 0..mine.len() {
            for j in i + 1..mine.len() {
                let (a, b) = (&mine[i].1, &mine[j].1);
                if a.bounding_rect()
                    .unwrap()
                    .intersects(&b.bounding_rect().unwrap())
                {
                    let common = a.intersection(b).unsigned_area() * 111_320.0 * 110_574.0;
                    assert!(
                        common < 1.0,
                        "{name}: zones {i} and {j} overlap by {common} m²"
                    );
                }
            }
        }
        // Every uncovered block in exactly one zone, whose outline holds its centroid; the
        // zones' blocks and elderly add up.
        let mut by_rank: BTreeMap<u64, (u64, f64)> = BTreeMap::new();
        let mut uncovered_elderly = 0.0;
        for block in blocks {
            let p = &block["properties"];
            let zone = &p[format!("{name}_gap_zone")];
            assert_eq!(zone.is_null(), p[format!("{name}_met")] == true, "{p}");
            let Some(rank) = zone.as_u64() else { continue };
            let elderly = p["elderly"].as_f64().unwrap();
            uncovered_elderly += elderly;
            let entry = by_rank.entry(rank).or_default();
            entry.0 += 1;
            entry.1 += elderly;
            let centroid = geo::Centroid::centroid(&geometry(block)).unwrap();
            let holding: Vec<u64> = mine
                .iter()
                .filter(|(_, o)| o.contains(&centroid))
                .map(|(p, _)| p["rank"].as_u64().unwrap())
                .collect();
            assert_eq!(holding, [rank], "{name}: block {} centroid", p["id"]);
        }
        for (p, _) in &mine {
            let (count, elderly) = by_rank[&p["rank"].as_u64().unwrap()];
            assert_eq!(p["blocks"].as_u64().unwrap(), count);
            assert!((p["elderly_uncovered"].as_f64().unwrap() - elderly).abs() < 1e-6);
        }
        let total = circle["elderly_total"].as_f64().unwrap();
        let met = circle["elderly_met"].as_f64().unwrap();
        let zoned: f64 = mine
            .iter()
            .map(|(p, _)| p["elderly_uncovered"].as_f64().unwrap())
            .sum();
        assert!((zoned - (total - met)).abs() < 1e-6 * total, "{name}");
        assert!(
            (uncovered_elderly - (total - met)).abs() < 1e-6 * total,
            "{name}"
        );
        // The nearest facility is out of reach for the requirement the zone fails, and is
        // the min_count-th nearest.
        for (p, _) in &mine {
            let Some(kind) = p["nearest_kind"].as_str() else {
                continue;
            };
            let &(_, reach_m, min_count) =
                reaches[name].iter().find(|(k, _, _)| *k == kind).unwrap();
            assert_eq!(p["nearest_rank"].as_u64(), Some(min_count), "{p}");
            let words = p["nearest"].as_str().unwrap();
            let Some(m) = p["nearest_m"].as_f64() else {
                // None found: on foot, within the walking search; the zone says so.
                let searched = p["nearest_searched_m"].as_f64().unwrap();
                assert!(searched >= reach_m, "{p}");
                let which = if min_count == 2 { "2nd " } else { "" };
                let expected = format!("no {which}{kind} within ");
                assert!(words.starts_with(&expected), "{words}");
                assert!(words.ends_with(" m on foot"), "{words}");
                continue;
            };
            // Written to 0.1 m: a facility just beyond the reach may read as at it.
            assert!(
                m > reach_m - 0.05,
                "{name} #{}: {kind} at {m} m within {reach_m} m",
                p["rank"]
            );
            let lead = if min_count == 2 {
                "2nd nearest "
            } else {
                "nearest "
            };
            assert!(words.starts_with(&format!("{lead}{kind} ")), "{words}");
        }
    }
}

#[test]
fn zones_on_the_synthetic_city_keep_their_promises() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = synth_city(&dir.path().join("city"), 4000, 17);
    fs::write(
        dir.path().join("city/policy.toml"),
        two_hospice_policy(700.0),
    )
    .unwrap();
    let reaches = BTreeMap::from([
        (
            "basic",
            vec![("care_bed", 100.0, 1), ("responder", 96.0, 1)],
        ),
        ("specialty", vec![("hospital", 500.0, 1)]),
        ("extended", vec![("hospice", 1000.0, 2)]),
    ]);
    for distance in ["straight", "network"] {
        let out = dir.path().join(format!("out-{distance}"));
        let run = carecircle()
            .arg("report")
            .arg(&manifest)
            .args(["--distance", distance, "--view", "extended", "--out"])
            .arg(&out)
            .assert()
            .success();
        // On foot the searches stop at twice the largest reach, short of a 2nd hospice.
        if distance == "straight" {
            run.stdout(predicates::str::contains("2nd nearest hospice "));
        }
        check_zones(&out, 700.0, &reaches);
        let summary = read_json(&out.join("summary.json"));
        assert_eq!(summary["zone_span_m"], 700.0);
        // Every circle has its gap-zone column in coverage.csv too.
        let csv = fs::read_to_string(out.join("coverage.csv")).unwrap();
        let header = csv.lines().next().unwrap();
        for circle in ["basic", "specialty", "extended"] {
            assert!(header.contains(&format!("{circle}_gap_zone")), "{header}");
        }
    }
}
