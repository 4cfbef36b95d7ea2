//! Capacity accessibility (2SFCA) equals a brute-force computation over every block and
//! facility, and reaches the report's outputs.

mod common;

use carecircle::algo::floating_catchment::Decay;
use carecircle::analysis::capacity::evaluate_capacity;
use carecircle::analysis::coverage::Measure;
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::{DistanceMode, DistanceModels};
use carecircle::analysis::pair_ranges::PAIR_BUDGET;
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::{matching_facilities, Requirements};
use carecircle::config::{Manifest, Policy};
use carecircle::input;
use carecircle::synth::{write_city, SynthOptions};
use serde_json::Value;
use std::fs;

const POLICY: &str = r#"
[[circles]]
name = "basic"
requires = [{ kind = "care_bed", within_m = 300, capacity = "capacity", decay = { method = "steps", bands_m = [100, 200, 300], weights = [1.0, 0.6, 0.2] } }]
[[circles]]
name = "specialty"
requires = [{ kind = "hospital", within_m = 1200, where = { tier = ["tertiary", "secondary"] }, capacity = "beds", decay = { method = "gaussian" }, min_per_1000 = 40 }]
"#;

#[test]
fn two_step_equals_brute_force_on_the_synthetic_city() {
    let dir = tempfile::tempdir().unwrap();
    write_city(
        dir.path(),
        &SynthOptions {
            blocks: 1500,
            seed: 5,
        },
    )
    .unwrap();
    let manifest = Manifest::load(&dir.path().join("city.toml")).unwrap();
    let dataset = input::load(&manifest, false, false).unwrap().dataset;
    let plane = Plane::new(&dataset).unwrap();
    let policy = Policy::parse(POLICY).unwrap();
    let requirements = Requirements::resolve(&policy, &dataset, &plane).unwrap();
    let models = DistanceModels::straight_only(StraightLine::new(&plane, Measure::Centroid));
    let results = evaluate_capacity(&requirements, &dataset, &models, PAIR_BUDGET).unwrap();
    assert_eq!(results.iter().count(), 2);
    for result in results.iter() {
        let requirement = requirements[result.requirement].requirement;
        let rule = requirement.capacity.as_ref().unwrap();
        let layer_index = dataset
            .layers
            .iter()
            .position(|l| l.kind == requirement.kind)
            .unwrap();
        let layer = &dataset.layers[layer_index];
        let keep = matching_facilities(layer, requirement);
        let weight = |d: f64| match &rule.decay {
            Decay::Steps { bands_m, weights } if d <= requirement.reach_m => bands_m
                .iter()
                .position(|&band| d <= band)
                .map_or(0.0, |i| weights[i]),
            Decay::Gaussian if d <= requirement.reach_m => {
                let e = (-0.5f64).exp();
                ((-0.5 * (d / requirement.reach_m).powi(2)).exp() - e) / (1.0 - e)
            }
            _ => 0.0,
        };
        // Distance matrix: each block centroid to each kept facility's nearest location.
        let blocks = dataset.blocks.len();
        let mut distance = vec![vec![f64::INFINITY; layer.len()]; blocks];
        for (b, row) in distance.iter_mut().enumerate() {
            let c = plane.block_centroids[b];
            for (location, &f) in plane.layer_locations[layer_index]
                .iter()
                .zip(&layer.location_facility)
            {
                if keep[f as usize] {
                    let d = (location.x - c.x).hypot(location.y - c.y);
                    row[f as usize] = row[f as usize].min(d);
                }
            }
        }
        let capacity: Vec<f64> = (0..layer.len())
            .map(|f| {
                layer.properties[f][&rule.field].as_str().map_or_else(
                    || layer.properties[f][&rule.field].as_f64().unwrap_or(0.0),
                    |s| s.parse().unwrap(),
                )
            })
            .collect();
        let demand: Vec<f64> = (0..layer.len())
            .map(|f| {
                (0..blocks)
                    .map(|b| dataset.blocks.elderly[b] * weight(distance[b][f]))
                    .sum()
            })
            .collect();
        for b in 0..blocks {
            let score: f64 = (0..layer.len())
                .filter(|&f| keep[f] && demand[f] > 0.0)
                .map(|f| capacity[f] / demand[f] * weight(distance[b][f]))
                .sum();
            let got = result.per_1000[b];
            assert!(
                (got - 1000.0 * score).abs() <= 1e-9 * (1.0 + got.abs()),
                "block {b}: {got} vs {}",
                1000.0 * score
            );
            if let (Some(below), Some(norm)) = (&result.below_norm, rule.min_per_1000) {
                assert_eq!(below[b], got < norm);
            }
        }
        for (i, &f) in result.facilities.iter().enumerate() {
            assert!(keep[f as usize]);
            assert!(
                (result.demand[i] - demand[f as usize]).abs() <= 1e-9 * (1.0 + demand[f as usize])
            );
        }
        let reached = result.per_1000.iter().filter(|&&v| v > 0.0).count();
        assert!(
            reached > 10 && reached < blocks,
            "{}: {reached} of {blocks} blocks reach capacity",
            requirement.kind
        );
    }
}

/// Pairs taken one facility at a time (a budget of one pair) give, bit for bit, the results
/// of all pairs at once, walking and in a straight line, from the outline or the centroid.
#[test]
fn capacity_taken_a_facility_at_a_time_equals_all_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write_city(
        dir.path(),
        &SynthOptions {
            blocks: 800,
            seed: 3,
        },
    )
    .unwrap();
    let manifest = Manifest::load(&dir.path().join("city.toml")).unwrap();
    let dataset = input::load(&manifest, false, true).unwrap().dataset;
    let plane = Plane::new(&dataset).unwrap();
    let policy = Policy::parse(POLICY).unwrap();
    let requirements = Requirements::resolve(&policy, &dataset, &plane).unwrap();
    for measure in [Measure::Edge, Measure::Centroid] {
        let straight = || StraightLine::new(&plane, measure);
        let walking = WalkNetwork::build(&plane, measure, 0.01, 500.0, 2400.0);
        for models in [
            DistanceModels::straight_only(straight()),
            DistanceModels::walking(straight(), walking, DistanceMode::Network),
        ] {
            let all = evaluate_capacity(&requirements, &dataset, &models, PAIR_BUDGET).unwrap();
            let one = evaluate_capacity(&requirements, &dataset, &models, 1).unwrap();
            assert_eq!(
                one,
                all,
                "{measure:?}, walking: {}",
                models.walk().is_some()
            );
            let reached: Vec<usize> = all
                .iter()
                .map(|r| r.per_1000.iter().filter(|&&v| v > 0.0).count())
                .collect();
            assert!(reached.iter().all(|&n| n > 50), "{reached:?}");
        }
    }
}

#[test]
fn the_report_writes_capacity_fields_facility_loads_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city");
    write_city(
        &city,
        &SynthOptions {
            blocks: 2000,
            seed: 2,
        },
    )
    .unwrap();
    // The synthetic city's manifest names policy.toml; replace it.
    fs::write(city.join("policy.toml"), POLICY).unwrap();
    let out = dir.path().join("out");
    common::carecircle()
        .arg("report")
        .arg(city.join("city.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let blocks: Value =
        serde_json::from_str(&fs::read_to_string(out.join("blocks.geojson")).unwrap()).unwrap();
    let p = &blocks["features"][0]["properties"];
    assert!(p["basic_care_bed_per_1000"].is_number());
    assert!(p["specialty_hospital_per_1000"].is_number());
    assert!(p["specialty_hospital_below_norm"].is_boolean());
    assert!(
        p.get("basic_care_bed_below_norm").is_none(),
        "no norm, no flag"
    );
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let capacity = &summary["circles"][1]["requirements"][0]["capacity"];
    assert_eq!(capacity["field"], "beds");
    assert_eq!(capacity["min_per_1000"], 40.0);
    let below = capacity["blocks_below_norm"].as_u64().unwrap();
    let flagged = blocks["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["specialty_hospital_below_norm"] == true)
        .count() as u64;
    assert_eq!(below, flagged);
    let facilities = fs::read_to_string(out.join("facilities.csv")).unwrap();
    let mut lines = facilities.lines();
    assert_eq!(
        lines.next(),
        Some("circle,kind,facility_id,facility_name,capacity,elderly_within_reach,load")
    );
    assert!(lines.clone().any(|l| l.starts_with("basic,care_bed,")));
    assert!(lines.any(|l| l.starts_with("specialty,hospital,")));
}

/// Runs `report` on the small city with one circle counting `kind`'s `field` as capacity,
/// after `prepare` (given the city's folder), and checks it fails with `expected`.
fn fails_on_capacity(
    kind: &str,
    field: &str,
    prepare: impl FnOnce(&std::path::Path),
    expected: &str,
) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::small_city(dir.path());
    prepare(dir.path());
    fs::write(
        dir.path().join("policy.toml"),
        format!("[[circles]]\nname = \"basic\"\nrequires = [{{ kind = \"{kind}\", within_m = 100, capacity = \"{field}\" }}]\n"),
    )
    .unwrap();
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, format!("policy = \"policy.toml\"\n{text}")).unwrap();
    common::report(&manifest, &dir.path().join("out"), &[])
        .failure()
        .stderr(predicates::str::contains(expected));
}

#[test]
fn a_missing_capacity_is_an_error_naming_the_facility() {
    fails_on_capacity(
        "responder",
        "team_size",
        |_| {},
        "responders.geojson, facility `r1`, field `team_size`",
    );
}

#[test]
fn a_capacity_beyond_any_city_is_an_error_naming_the_facility() {
    let beds = "id,lon,lat,capacity\ncb1,121.50025,25.00025,4e12\n";
    fails_on_capacity(
        "care_bed",
        "capacity",
        |dir| fs::write(dir.join("care_beds.csv"), beds).unwrap(),
        "care_beds.csv, facility `cb1`, field `capacity`: the capacity must be a number from 0 to 100,000,000 (found \"4e12\")",
    );
}
