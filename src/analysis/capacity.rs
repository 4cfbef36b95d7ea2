//! Capacity and accessibility: for each requirement that names a capacity field, the two-step
//! floating catchment area (2SFCA) over the requirement's reach — capacity per 1,000 elderly
//! for every block, the load on every facility, and the blocks below the policy's norm.
//!
//! Distances are walking distances when the street network is used, straight-line otherwise.

use crate::algo::floating_catchment::{per_thousand, two_step, Pair};
use crate::analysis::coverage::{matching_facilities, FacilityIndex};
use crate::analysis::plane::Plane;
use crate::analysis::walking::WalkNetwork;
use crate::config::{CapacityRule, Policy, Requirement};
use crate::dataset::{Dataset, FacilityLayer};
use rayon::prelude::*;

/// The accessibility results of one requirement with a capacity field.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityResult {
    /// The circle's index in the policy.
    pub circle: usize,
    /// The requirement's index in its circle.
    pub requirement: usize,
    /// Per block: capacity within reach per 1,000 elderly (the 2SFCA score × 1,000).
    pub per_1000: Vec<f64>,
    /// Per block: below the policy's `min_per_1000`, when it sets one.
    pub below_norm: Option<Vec<bool>>,
    /// The facilities counted (those passing the requirement's filter), by layer index.
    pub facilities: Vec<u32>,
    /// Their capacities.
    pub capacity: Vec<f64>,
    /// Their weighted elderly within reach.
    pub demand: Vec<f64>,
    /// Their load: weighted elderly within reach per unit of capacity (`None` for capacity 0).
    pub load: Vec<Option<f64>>,
}

/// A facility's capacity: its `field` property as a number ≥ 0.
fn capacity_of(layer: &FacilityLayer, facility: usize, field: &str) -> Result<f64, String> {
    let value = layer.properties[facility].get(field);
    let number = match value {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    number
        .filter(|c| c.is_finite() && *c >= 0.0)
        .ok_or_else(|| {
            format!(
                "{}, facility `{}`, field `{field}`: the capacity must be a number ≥ 0 (found {})",
                layer.path.display(),
                layer.ids[facility],
                value.map_or("nothing".to_string(), |v| v.to_string())
            )
        })
}

/// Block–facility pairs within reach, straight-line from block centroids.
fn straight_pairs(index: &FacilityIndex, plane: &Plane, reach_m: f64) -> Vec<Pair> {
    plane
        .block_centroids
        .par_iter()
        .enumerate()
        .flat_map_iter(|(b, &c)| {
            index
                .within_from_point(c, reach_m)
                .into_iter()
                .map(move |(facility, distance_m)| Pair {
                    block: b as u32,
                    facility,
                    distance_m,
                })
        })
        .collect()
}

fn evaluate_one(
    (circle, index): (usize, usize),
    requirement: &Requirement,
    rule: &CapacityRule,
    dataset: &Dataset,
    plane: &Plane,
    walk: Option<&WalkNetwork>,
) -> Result<CapacityResult, String> {
    let layer_index = dataset
        .layers
        .iter()
        .position(|l| l.kind == requirement.kind)
        .ok_or_else(|| format!("no layer for kind `{}`", requirement.kind))?;
    let layer = &dataset.layers[layer_index];
    let keep = matching_facilities(layer, requirement);
    let mut capacity = vec![0.0; layer.len()];
    for (f, _) in keep.iter().enumerate().filter(|(_, &k)| k) {
        capacity[f] = capacity_of(layer, f, &rule.field)?;
    }
    let pairs = match walk {
        Some(network) => network.pairs_within(dataset, layer_index, &keep, requirement.reach_m),
        None => {
            let index = FacilityIndex::new(layer, &plane.layer_locations[layer_index], &keep);
            straight_pairs(&index, plane, requirement.reach_m)
        }
    };
    let result = two_step(
        &dataset.blocks.elderly,
        &capacity,
        &pairs,
        requirement.reach_m,
        &rule.decay,
    )
    .map_err(|e| e.to_string())?;
    let per_1000: Vec<f64> = result
        .block_score
        .iter()
        .map(|&s| per_thousand(s))
        .collect();
    let counted: Vec<u32> = (0..layer.len() as u32)
        .filter(|&f| keep[f as usize])
        .collect();
    let demand = counted
        .iter()
        .map(|&f| result.facility_demand[f as usize])
        .collect();
    let load = counted
        .iter()
        .map(|&f| result.facility_load[f as usize])
        .collect();
    let capacity = counted.iter().map(|&f| capacity[f as usize]).collect();
    let below_norm = rule
        .min_per_1000
        .map(|norm| per_1000.iter().map(|&v: &f64| v < norm).collect());
    Ok(CapacityResult {
        circle,
        requirement: index,
        per_1000,
        below_norm,
        facilities: counted,
        capacity,
        demand,
        load,
    })
}

/// Accessibility for every requirement of the policy that names a capacity field.
pub fn evaluate_capacity(
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    walk: Option<&WalkNetwork>,
) -> Result<Vec<CapacityResult>, String> {
    let mut results = Vec::new();
    for (c, circle) in policy.circles.iter().enumerate() {
        for (r, requirement) in circle.requires.iter().enumerate() {
            let Some(rule) = &requirement.capacity else {
                continue;
            };
            let result =
                evaluate_one((c, r), requirement, rule, dataset, plane, walk).map_err(|e| {
                    format!(
                        "circle `{}`, requirement `{}`: {e}",
                        circle.name, requirement.kind
                    )
                })?;
            results.push(result);
        }
    }
    Ok(results)
}
