//! Walking from the doorstep: where a block joins the street network and when a facility
//! counts its straight-line distance.

use carecircle::analysis::coverage::{evaluate, Measure};
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::{DistanceMode, DistanceModel, DistanceModels};
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::Requirements;
use carecircle::config::Manifest;
use carecircle::input;
use carecircle::synth::{write_city, SynthOptions};

/// Per requirement of the synthetic city's policy (300 blocks, seed 5): blocks with a walking
/// distance, their sum in millimetres, blocks meeting it, (block, facility) pairs within
/// reach and their sum in millimetres.
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
            let pairs = walking.pairs_within(resolved.next().unwrap());
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
