//! Walking from the doorstep: where a block joins the street network and when a facility
//! counts its straight-line distance.

mod common;

use carecircle::analysis::coverage::{evaluate, Measure};
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::{DistanceMode, DistanceModel, DistanceModels};
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::Requirements;
use carecircle::config::Manifest;
use carecircle::input;
use carecircle::synth::{write_city, SynthOptions};
use common::{at, block_at, collection, first_block_of_report, line, number};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// The synthetic city's policy when the figures were pinned (all reaches in metres), so that
/// later changes of the built-in policy do not move them.
const PINNED_POLICY: &str = r#"
[[circles]]
name = "basic"
requires = [{ kind = "care_bed", within_m = 100 }, { kind = "responder", within_m = 100 }]

[[circles]]
name = "specialty"
requires = [{ kind = "hospital", within_m = 500, where = { tier = "tertiary" } }]

[[circles]]
name = "extended"
requires = [{ kind = "hospice", within_m = 1000 }]
"#;

/// Per requirement of [`PINNED_POLICY`] on the synthetic city (300 blocks, seed 5): blocks
/// with a walking distance, their sum in millimetres, blocks meeting it, (block, facility)
/// pairs within reach and their sum in millimetres.
fn walking_figures(measure: Measure) -> Vec<(String, usize, i64, usize, usize, i64)> {
    let dir = tempfile::tempdir().unwrap();
    write_city(
        dir.path(),
        &SynthOptions {
            blocks: 300,
            seed: 5,
        },
    )
    .unwrap();
    fs::write(dir.path().join("policy.toml"), PINNED_POLICY).unwrap();
    let manifest = Manifest::load(&dir.path().join("city.toml")).unwrap();
    let policy = manifest.load_policy(&dir.path().join("city.toml")).unwrap();
    let loaded = input::load(&manifest, false, true).unwrap();
    let plane = Plane::new(&loaded.dataset).unwrap();
    let requirements = Requirements::resolve(&policy, &loaded.dataset, &plane).unwrap();
    let models = DistanceModels::walking(
        StraightLine::new(&plane, measure),
        WalkNetwork::build(&plane, measure, 0.01, 500.0, 2.0 * policy.largest_reach_m()),
        DistanceMode::Both,
    );
    let coverage = evaluate(&requirements, &models);
    let mut figures = Vec::new();
    let walking = models.walk().unwrap();
    let mut resolved = requirements.iter();
    for (circle, cc) in policy.circles.iter().zip(&coverage.circles) {
        for (requirement, rc) in circle.requires.iter().zip(&cc.requirements) {
            let pairs = walking.pairs_within(resolved.next().unwrap(), 0..u32::MAX);
            let walk = rc.walk.as_ref().unwrap();
            let finite: Vec<f64> = walk
                .nearest_m
                .iter()
                .copied()
                .filter(|d| d.is_finite())
                .collect();
            figures.push((
                requirement.kind.clone(),
                finite.len(),
                finite.iter().map(|d| (d * 1000.0).round() as i64).sum(),
                walk.met.iter().filter(|&&m| m).count(),
                pairs.len(),
                pairs
                    .iter()
                    .map(|p| (p.distance_m * 1000.0).round() as i64)
                    .sum(),
            ));
        }
    }
    figures
}

#[test]
fn centroid_measure_keeps_the_walking_figures_of_before() {
    // Pinned before blocks joined the streets along their outline.
    let pinned = [
        ("care_bed", 300, 149_318_862, 15, 15, 872_665),
        ("responder", 300, 146_551_497, 16, 16, 1_068_599),
        ("hospital", 300, 284_058_691, 53, 53, 20_103_692),
        ("hospice", 300, 313_798_199, 145, 236, 151_996_013),
    ];
    let pinned: Vec<_> = pinned
        .iter()
        .map(|&(kind, n, sum, met, pairs, pair_sum)| {
            (kind.to_string(), n, sum, met, pairs, pair_sum)
        })
        .collect();
    assert_eq!(walking_figures(Measure::Centroid), pinned);
}

/// A city of one 40 m square block centred at (0, 0) (its east side at x = 20 m), the
/// `streets` and one care bed at `bed`; the policy asks for a care bed within 100 m. Runs
/// `report` with `extra` arguments and returns the block's properties.
fn one_block(dir: &Path, streets: &[&[(f64, f64)]], bed: (f64, f64), extra: &[&str]) -> Value {
    let blocks = collection(&[(r#"{"id":"b","elderly":10}"#.into(), block_at(0.0, 0.0))]);
    fs::write(dir.join("blocks.geojson"), blocks).unwrap();
    let features: Vec<(String, String)> = streets
        .iter()
        .map(|points| (r#"{"highway":"residential"}"#.to_string(), line(points)))
        .collect();
    fs::write(dir.join("streets.geojson"), collection(&features)).unwrap();
    let (lon, lat) = at(bed.0, bed.1);
    let point = format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#);
    fs::write(
        dir.join("beds.geojson"),
        collection(&[(r#"{"id":"bed"}"#.into(), point)]),
    )
    .unwrap();
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 100 }]\n",
    )
    .unwrap();
    fs::write(
        dir.join("city.toml"),
        "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\nelderly = \"elderly\"\n\
         [layers.care_bed]\npath = \"beds.geojson\"\n[streets]\npath = \"streets.geojson\"\n",
    )
    .unwrap();
    first_block_of_report(&dir.join("city.toml"), &dir.join("out"), extra)
}

/// A quiet street runs north–south at x = 27.5 m; the care bed stands 15 m east of the
/// block, across it.
const QUIET_STREET: &[(f64, f64)] = &[(27.5, -300.0), (27.5, 300.0)];

#[test]
fn a_care_bed_across_a_quiet_street_is_a_short_walk() {
    let dir = tempfile::tempdir().unwrap();
    let block = one_block(dir.path(), &[QUIET_STREET], (35.0, 0.0), &[]);
    // 7.5 m out of the block's east side, across the street: 7.5 m more.
    assert!((number(&block, "basic_care_bed_dist_m") - 15.0).abs() < 0.5);
    let walk = number(&block, "basic_care_bed_walk_m");
    assert!((15.0..=35.0).contains(&walk), "{walk}");
    assert!((walk - 15.0).abs() < 0.5, "{walk}");
    assert_eq!(block["basic_met"], true);
    // From the centroid: a 27.5 m leg to the street, then 7.5 m to the bed.
    let block = one_block(
        dir.path(),
        &[QUIET_STREET],
        (35.0, 0.0),
        &["--measure", "centroid"],
    );
    assert!((number(&block, "basic_care_bed_walk_m") - 35.0).abs() < 0.5);
}

#[test]
fn a_care_bed_across_a_river_without_a_bridge_is_far_on_foot() {
    let dir = tempfile::tempdir().unwrap();
    // A canal between x = 26 and 32 m, a street on each bank, the nearest bridge 1 km north.
    let near_bank: &[(f64, f64)] = &[(25.0, -300.0), (25.0, 1000.0)];
    let far_bank: &[(f64, f64)] = &[(33.0, -300.0), (33.0, 1000.0)];
    let bridge: &[(f64, f64)] = &[(25.0, 1000.0), (33.0, 1000.0)];
    let block = one_block(dir.path(), &[near_bank, far_bank, bridge], (35.0, 0.0), &[]);
    assert!((number(&block, "basic_care_bed_dist_m") - 15.0).abs() < 0.5);
    // 5 + 1,000 + 8 + 1,000 + 2 m: beyond the 200 m the search looks.
    assert!(block["basic_care_bed_walk_m"].is_null(), "{block}");
    assert_eq!(block["basic_met"], false);
    assert_eq!(block["basic_met_straight"], true);
    let reason = block["gap_reason"].as_str().unwrap();
    assert_eq!(
        reason,
        "basic: care_bed 15 m away in a straight line but more than 200 m on foot"
    );
}

#[test]
fn a_facility_inside_the_block_or_on_open_ground_counts_its_straight_distance() {
    let dir = tempfile::tempdir().unwrap();
    // Inside the block, 22.5 m from the street: 0 m.
    let block = one_block(dir.path(), &[QUIET_STREET], (5.0, 5.0), &[]);
    assert_eq!(number(&block, "basic_care_bed_dist_m"), 0.0);
    assert_eq!(number(&block, "basic_care_bed_walk_m"), 0.0);
    // 20 m west of the block, no street between: 20 m, not the 7.5 + 67.5 m by the street.
    let block = one_block(dir.path(), &[QUIET_STREET], (-40.0, 0.0), &[]);
    assert!((number(&block, "basic_care_bed_walk_m") - 20.0).abs() < 0.5);
    // The same bed with a lane between it and the block: on foot by the lane.
    let lane: &[(f64, f64)] = &[(-30.0, -300.0), (-30.0, 300.0)];
    let block = one_block(dir.path(), &[QUIET_STREET, lane], (-40.0, 0.0), &[]);
    // 10 m out of the west side to the lane, 10 m on to the bed.
    assert!((number(&block, "basic_care_bed_walk_m") - 20.0).abs() < 0.5);
    // From the centroid the walk goes to the quiet street: 27.5 m there and 67.5 m back.
    let block = one_block(
        dir.path(),
        &[QUIET_STREET],
        (-40.0, 0.0),
        &["--measure", "centroid"],
    );
    assert!((number(&block, "basic_care_bed_walk_m") - 95.0).abs() < 0.5);
}
