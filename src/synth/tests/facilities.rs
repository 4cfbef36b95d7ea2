//! Facility layers: presence of every kind and partial coverage.

use super::*;

#[test]
fn facility_layers_are_populated_with_distractors() {
    let city = city();
    assert!(!city.care_beds.is_empty() && !city.responders.is_empty());
    assert!(city
        .care_beds
        .iter()
        .all(|b| (2..=20).contains(&b.capacity)));
    let tiers: HashSet<HospitalTier> = city.hospitals.iter().map(|h| h.tier).collect();
    assert_eq!(tiers.len(), 3);
    let categories: HashSet<ExtendedCategory> =
        city.extended_care.iter().map(|e| e.category).collect();
    assert_eq!(
        categories.len(),
        3,
        "hospices, referral centres and pharmacies"
    );
    let kinds: HashSet<ResponderKind> = city.responders.iter().map(|r| r.kind).collect();
    assert_eq!(kinds.len(), 2);
    for facility in &city.extended_care {
        let area = facility.footprint.unsigned_area();
        assert!(area > 0.0 && facility.footprint.exterior().is_closed());
    }
}

#[test]
fn care_bed_coverage_is_partial() {
    let city = city();
    let (mut covered, mut uncovered) = (0, 0);
    for block in &city.blocks {
        let centroid = block.geometry.centroid().unwrap();
        let near = city
            .care_beds
            .iter()
            .any(|bed| Haversine.distance(centroid, bed.position) <= 100.0);
        if near {
            covered += 1
        } else {
            uncovered += 1
        }
    }
    let n = city.blocks.len();
    assert!(
        covered > n / 20 && uncovered > n / 20,
        "{covered} covered, {uncovered} not"
    );
}
