//! Coverage equals a brute-force computation: every block against every facility.

use carecircle::analysis::coverage::{evaluate, Measure};
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::DistanceModels;
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::Requirements;
use carecircle::config::Policy;
use carecircle::dataset::{Blocks, Dataset, FacilityLayer};
use geo::{Centroid, Distance, Euclidean, MultiPolygon, Point, Polygon};
use geo_types::{Coord, LineString};
use serde_json::json;

use carecircle::rng::SplitMix64;

/// Degrees per metre near the test city's latitude (rough; only used to make data).
const DEG_PER_M: f64 = 1.0 / 111_000.0;

fn random_city(seed: u64, blocks: usize, facilities: usize) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let (lon0, lat0) = (121.50, 25.03);
    let span_m = 3_000.0;
    let mut b = Blocks {
        residents: Some(Vec::new()),
        ..Blocks::default()
    };
    for i in 0..blocks {
        let cx = lon0 + rng.uniform(0.0, span_m) * DEG_PER_M;
        let cy = lat0 + rng.uniform(0.0, span_m) * DEG_PER_M;
        let r = rng.uniform(20.0, 150.0) * DEG_PER_M;
        // A random star-shaped polygon (possibly concave), counter-clockwise.
        let n = 3 + (rng.next_u64() % 6) as usize;
        let mut ring: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let a = std::f64::consts::TAU * (k as f64 + rng.uniform(0.0, 0.8)) / n as f64;
                let rr = r * rng.uniform(0.3, 1.0);
                Coord {
                    x: cx + rr * a.cos(),
                    y: cy + rr * a.sin(),
                }
            })
            .collect();
        ring.push(ring[0]);
        let mut polygons = vec![Polygon::new(LineString::new(ring), vec![])];
        if rng.unit() < 0.1 {
            let (dx, dy) = (3.0 * r, 0.0);
            polygons.push(Polygon::new(
                LineString::new(vec![
                    Coord {
                        x: cx + dx,
                        y: cy + dy,
                    },
                    Coord {
                        x: cx + dx + r,
                        y: cy + dy,
                    },
                    Coord {
                        x: cx + dx + r,
                        y: cy + dy + r,
                    },
                    Coord {
                        x: cx + dx,
                        y: cy + dy,
                    },
                ]),
                vec![],
            ));
        }
        b.ids.push(format!("b{i}"));
        b.outlines.push(MultiPolygon(polygons));
        b.elderly.push((rng.next_u64() % 200) as f64);
        b.residents
            .as_mut()
            .unwrap()
            .push((rng.next_u64() % 1000) as f64);
    }
    let mut layers = Vec::new();
    for (kind, count) in [
        ("care_bed", facilities),
        ("hospital", facilities / 4),
        ("hospice", facilities / 10),
        ("canteen", 0),
    ] {
        let mut layer = FacilityLayer {
            kind: kind.into(),
            ..FacilityLayer::default()
        };
        for i in 0..count {
            let tier = ["tertiary", "secondary"][(rng.next_u64() % 2) as usize];
            // Some facilities have several access locations (a MultiPoint).
            let n = if rng.unit() < 0.2 {
                2 + (rng.next_u64() % 2) as usize
            } else {
                1
            };
            let locations: Vec<Coord<f64>> = (0..n)
                .map(|_| Coord {
                    x: lon0 + rng.uniform(-200.0, span_m + 200.0) * DEG_PER_M,
                    y: lat0 + rng.uniform(-200.0, span_m + 200.0) * DEG_PER_M,
                })
                .collect();
            let props = json!({"tier": tier}).as_object().unwrap().clone();
            layer.push(format!("{kind}{i}"), props, &locations);
        }
        layers.push(layer);
    }
    Dataset {
        blocks: b,
        layers,
        ..Dataset::default()
    }
}

const POLICY: &str = r#"
[[circles]]
name = "basic"
requires = [{ kind = "care_bed", within_m = 100 }, { kind = "hospital", within_min = 10, speed_m_per_min = 48, delay_min = 2, min_count = 3 }]
[[circles]]
name = "specialty"
requires = [{ kind = "hospital", within_m = 500, where = { tier = "tertiary" }, min_count = 2 }]
[[circles]]
name = "extended"
requires = [{ kind = "care_bed", within_m = 250, where = { tier = ["tertiary", "secondary"] } }, { kind = "hospice", within_m = 1000 }]
[[circles]]
name = "living"
requires = [{ kind = "canteen", within_m = 1000 }]
"#;

/// For one block and one requirement: (nearest distance, distinct facilities within reach,
/// each facility's distance).
fn brute_force(
    dataset: &Dataset,
    plane: &Plane,
    block: usize,
    requirement: &carecircle::config::Requirement,
    measure: Measure,
) -> (f64, usize, Vec<f64>) {
    let layer_index = dataset
        .layers
        .iter()
        .position(|l| l.kind == requirement.kind)
        .unwrap();
    let layer = &dataset.layers[layer_index];
    let outline = &plane.block_outlines[block];
    let centroid = outline.centroid().unwrap();
    let mut per_facility = vec![f64::INFINITY; layer.len()];
    for (location, &facility) in plane.layer_locations[layer_index]
        .iter()
        .zip(&layer.location_facility)
    {
        let props = &layer.properties[facility as usize];
        if !requirement.filter.matches(|k| {
            props
                .get(k)
                .and_then(carecircle::config::filter::json_as_text)
        }) {
            continue;
        }
        let p = Point(*location);
        let d = match measure {
            Measure::Centroid | Measure::Area => Euclidean.distance(&centroid, &p),
            Measure::Edge => Euclidean.distance(outline, &p),
        };
        let f = &mut per_facility[facility as usize];
        *f = f.min(d);
    }
    let nearest = per_facility.iter().copied().fold(f64::INFINITY, f64::min);
    let within = per_facility
        .iter()
        .filter(|&&d| d <= requirement.reach_m)
        .count();
    (nearest, within, per_facility)
}

/// Checks every block and requirement; returns how many (circle, block) pairs were met and
/// how many were not.
fn check_city(seed: u64, blocks: usize, facilities: usize) -> (usize, usize) {
    check_dataset(
        &random_city(seed, blocks, facilities),
        &Policy::parse(POLICY).unwrap(),
        seed,
    )
}

fn check_dataset(dataset: &Dataset, policy: &Policy, seed: u64) -> (usize, usize) {
    let blocks = dataset.blocks.len();
    let mut outcomes = (0, 0);
    let plane = Plane::new(dataset).unwrap();
    let requirements = Requirements::resolve(policy, dataset, &plane).unwrap();
    for measure in [Measure::Centroid, Measure::Edge] {
        let models = DistanceModels::straight_only(StraightLine::new(&plane, measure));
        let coverage = evaluate(&requirements, &models);
        for (circle, cc) in policy.circles.iter().zip(&coverage.circles) {
            for b in 0..blocks {
                let mut all_met = true;
                for (r, rc) in circle.requires.iter().zip(&cc.requirements) {
                    let (nearest, within, per_facility) =
                        brute_force(dataset, &plane, b, r, measure);
                    let got = rc.straight.nearest_m[b];
                    // The reported nearest facility is one at the nearest distance.
                    match rc.straight.nearest_facility[b] {
                        Some(f) => assert!((per_facility[f as usize] - nearest).abs() < 1e-6),
                        None => assert!(nearest.is_infinite()),
                    }
                    assert!(
                        (got.is_infinite() && nearest.is_infinite()) || (got - nearest).abs() < 1e-6,
                        "seed {seed} {measure:?} block {b} {}: nearest {got} vs brute force {nearest}",
                        r.kind
                    );
                    if r.min_count > 1 {
                        assert_eq!(
                            rc.straight.count_within.as_ref().unwrap()[b] as usize,
                            within,
                            "block {b} {}",
                            r.kind
                        );
                    }
                    let met = within >= r.min_count;
                    assert_eq!(
                        rc.straight.met[b], met,
                        "seed {seed} {measure:?} block {b} {}",
                        r.kind
                    );
                    all_met &= met;
                }
                assert_eq!(cc.met[b], all_met);
                if all_met {
                    outcomes.0 += 1;
                } else {
                    outcomes.1 += 1;
                }
            }
        }
    }
    outcomes
}

#[test]
fn coverage_equals_brute_force_on_random_cities() {
    for seed in 1..=6 {
        let (met, missed) = check_city(seed, 400, 120);
        // The data must exercise both outcomes, or the comparison proves little.
        assert!(
            met > 100 && missed > 100,
            "seed {seed}: {met} met, {missed} missed"
        );
    }
}

#[test]
fn sparse_and_dense_facilities() {
    check_city(99, 300, 3);
    check_city(100, 200, 600);
}

/// The synthetic city, written and read back through the real readers.
#[test]
fn coverage_equals_brute_force_on_synthetic_cities() {
    use carecircle::synth::{write_city, SynthOptions};
    let policy = Policy::parse(
        r#"
[[circles]]
name = "basic"
requires = [{ kind = "care_bed", within_m = 150, min_count = 2 }, { kind = "responder", within_m = 200, where = { kind = "volunteer" } }]
[[circles]]
name = "specialty"
requires = [{ kind = "hospital", within_m = 1500, where = { tier = ["tertiary", "secondary"] } }]
[[circles]]
name = "extended"
requires = [{ kind = "hospice", within_m = 1000, where = { category = "hospice" }, min_count = 2 }]
"#,
    )
    .unwrap();
    for seed in [3, 4] {
        let dir = tempfile::tempdir().unwrap();
        write_city(dir.path(), &SynthOptions { blocks: 1500, seed }).unwrap();
        let manifest = carecircle::config::Manifest::load(&dir.path().join("city.toml")).unwrap();
        let loaded = carecircle::input::load(&manifest, false, false).unwrap();
        let (met, missed) = check_dataset(&loaded.dataset, &policy, seed);
        assert!(
            met > 100 && missed > 100,
            "seed {seed}: {met} met, {missed} missed"
        );
    }
}
