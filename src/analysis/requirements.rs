//! The policy's requirements resolved once per run: for every circle × requirement, its
//! facility layer, which facilities pass its filter, their capacities when it has a capacity
//! rule, and the straight-line index of their locations. Every analysis looks its results up
//! by the requirement's [`RequirementId`].

use crate::analysis::distance::straight::FacilityIndex;
use crate::analysis::plane::Plane;
use crate::analysis::AnalysisError;
use crate::analysis::CapacityProblem;
use crate::config::filter::values_present;
use crate::config::{Circle, Policy, Requirement};
use crate::dataset::{Dataset, FacilityLayer, MAX_COUNT};
use crate::error::Error;
use std::ops::Index;
use std::path::Path;

/// One requirement of one circle: a dense index over the policy's requirements, circle by
/// circle in policy order, with the circle's and requirement's own indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequirementId {
    dense: usize,
    circle: usize,
    index: usize,
}

impl RequirementId {
    /// The position among all requirements of the policy (policy order).
    pub fn dense(self) -> usize {
        self.dense
    }

    /// The circle's index in the policy.
    pub fn circle(self) -> usize {
        self.circle
    }

    /// The requirement's index in its circle.
    pub fn index(self) -> usize {
        self.index
    }
}

/// A requirement with everything the analyses need about its facilities.
pub struct ResolvedRequirement<'a> {
    /// Its handle.
    pub id: RequirementId,
    /// Its circle.
    pub circle: &'a Circle,
    /// The requirement.
    pub requirement: &'a Requirement,
    /// The index of its kind's layer in the dataset.
    pub layer_index: usize,
    /// That layer.
    pub layer: &'a FacilityLayer,
    /// Per facility of the layer: whether it passes the requirement's filter.
    pub keep: Vec<bool>,
    /// How many facilities pass the filter.
    pub facilities: usize,
    /// Per facility of the layer, its capacity (0 for those the filter drops), when the
    /// requirement has a capacity rule.
    pub capacity: Option<Vec<f64>>,
    /// The straight-line index of the kept facilities' locations, in the plane.
    pub index: FacilityIndex,
}

/// Every requirement of a policy, resolved against a dataset.
pub struct Requirements<'a> {
    all: Vec<ResolvedRequirement<'a>>,
    /// Per circle, where its requirements start in `all` (one more entry: the end).
    circle_start: Vec<usize>,
}

impl ResolvedRequirement<'_> {
    /// Whether `other` has the same distances, counts and met flags as this one: the same
    /// layer and kept facilities, reach and `min_count` (the circle, capacity and wording
    /// may differ).
    pub fn measures_like(&self, other: &ResolvedRequirement) -> bool {
        self.layer_index == other.layer_index
            && self.requirement.reach_m == other.requirement.reach_m
            && self.requirement.min_count == other.requirement.min_count
            && self.keep == other.keep
    }
}

impl<'a> Requirements<'a> {
    /// Resolves every requirement of `policy` against `dataset`, indexing facility locations
    /// in `plane`. An error lists every kind without a layer, or else every capacity value
    /// that is not a number ≥ 0 (naming file, facility and field).
    pub fn resolve(
        policy: &'a Policy,
        dataset: &'a Dataset,
        plane: &Plane,
    ) -> Result<Requirements<'a>, Error> {
        check_layers(policy, dataset)?;
        let mut all = Vec::new();
        let mut circle_start = vec![0];
        let mut problems = Vec::new();
        for (c, circle) in policy.circles.iter().enumerate() {
            for (r, requirement) in circle.requires.iter().enumerate() {
                let id = RequirementId {
                    dense: all.len(),
                    circle: c,
                    index: r,
                };
                all.push(resolve_one(
                    id,
                    circle,
                    requirement,
                    dataset,
                    plane,
                    &mut problems,
                ));
            }
            circle_start.push(all.len());
        }
        if !problems.is_empty() {
            return Err(AnalysisError::BadCapacities { problems }.into());
        }
        Ok(Requirements { all, circle_start })
    }

    /// Every requirement, in policy order.
    pub fn iter(&self) -> std::slice::Iter<'_, ResolvedRequirement<'a>> {
        self.all.iter()
    }

    /// The requirements of circle `c`, in policy order.
    pub fn of_circle(&self, c: usize) -> &[ResolvedRequirement<'a>] {
        &self.all[self.circle_start[c]..self.circle_start[c + 1]]
    }

    /// How many circles the policy has.
    pub fn circles(&self) -> usize {
        self.circle_start.len() - 1
    }

    /// How many requirements the policy has.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// Whether the policy has no requirement.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The requirement on `kind` of the circle named `circle`.
    pub fn find(
        &self,
        policy: &Policy,
        circle: &str,
        kind: &str,
    ) -> Result<RequirementId, AnalysisError> {
        let c = circle_index(policy, circle)?;
        let found = self.of_circle(c);
        found
            .iter()
            .find(|r| r.requirement.kind == kind)
            .map(|r| r.id)
            .ok_or_else(|| AnalysisError::UnknownRequirement {
                circle: circle.to_string(),
                kind: kind.to_string(),
                kinds: found.iter().map(|r| r.requirement.kind.clone()).collect(),
            })
    }
}

impl<'a> Index<RequirementId> for Requirements<'a> {
    type Output = ResolvedRequirement<'a>;

    fn index(&self, id: RequirementId) -> &ResolvedRequirement<'a> {
        &self.all[id.dense]
    }
}

/// The index of the circle named `name` in the policy.
pub fn circle_index(policy: &Policy, name: &str) -> Result<usize, AnalysisError> {
    policy
        .circles
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| AnalysisError::UnknownCircle {
            name: name.to_string(),
            circles: policy.circles.iter().map(|c| c.name.clone()).collect(),
        })
}

/// An error naming every kind the policy needs (requirements and referrals) that the
/// dataset has no layer for.
fn check_layers(policy: &Policy, dataset: &Dataset) -> Result<(), AnalysisError> {
    let needed = policy
        .circles
        .iter()
        .flat_map(|c| c.requires.iter().map(|r| &r.kind))
        .chain(policy.referrals.iter().flat_map(|r| [&r.from, &r.to]));
    let mut kinds: Vec<String> = Vec::new();
    for kind in needed {
        if dataset.layer(kind).is_none() && !kinds.contains(kind) {
            kinds.push(kind.clone());
        }
    }
    if kinds.is_empty() {
        Ok(())
    } else {
        Err(AnalysisError::NoLayer { kinds })
    }
}

fn resolve_one<'a>(
    id: RequirementId,
    circle: &'a Circle,
    requirement: &'a Requirement,
    dataset: &'a Dataset,
    plane: &Plane,
    problems: &mut Vec<CapacityProblem>,
) -> ResolvedRequirement<'a> {
    let layer_index = dataset
        .layers
        .iter()
        .position(|l| l.kind == requirement.kind)
        .expect("layers were checked");
    let layer = &dataset.layers[layer_index];
    let keep = matching_facilities(layer, requirement);
    let capacity = requirement
        .capacity
        .as_ref()
        .map(|rule| capacities(layer, &keep, &rule.field, problems));
    ResolvedRequirement {
        id,
        circle,
        requirement,
        layer_index,
        layer,
        facilities: keep.iter().filter(|&&k| k).count(),
        index: FacilityIndex::new(layer, &plane.layer_locations[layer_index], &keep),
        keep,
        capacity,
    }
}

/// A warning for every requirement of `policy` whose `where` keeps none of its layer's
/// facilities (a typo such as `tier = "teritary"` would give 0 % with no other sign), naming
/// the circle, the kind, the filter and, per field, the values the layer has.
pub fn unmatched_filters(policy: &Policy, dataset: &Dataset) -> Vec<String> {
    let mut warnings = Vec::new();
    for circle in &policy.circles {
        for requirement in circle.requires.iter().filter(|r| !r.filter.is_empty()) {
            let Some(layer) = dataset.layer(&requirement.kind).filter(|l| !l.is_empty()) else {
                continue;
            };
            if matching_facilities(layer, requirement).contains(&true) {
                continue;
            }
            let present: Vec<String> = requirement
                .filter
                .0
                .keys()
                .map(|field| {
                    let values = values_present(layer.properties.iter(), field);
                    format!("`{field}` has {values}")
                })
                .collect();
            warnings.push(format!(
                "circle `{}`, requirement `{}`: `where` ({}) keeps none of the {} facilities of {}; {}",
                circle.name,
                requirement.kind,
                requirement.filter,
                layer.len(),
                layer.files_display(),
                present.join("; ")
            ));
        }
    }
    warnings
}

/// Which facilities of a layer pass a requirement's filter, by facility index.
pub fn matching_facilities(layer: &FacilityLayer, requirement: &Requirement) -> Vec<bool> {
    layer
        .properties
        .iter()
        .map(|p| {
            requirement
                .filter
                .matches(|name| p.get(name).and_then(crate::config::filter::json_as_text))
        })
        .collect()
}

/// The capacities of the kept facilities (0 for the others), adding a problem for every
/// kept facility whose `field` is not a number ≥ 0 (unless the same one is already listed).
fn capacities(
    layer: &FacilityLayer,
    keep: &[bool],
    field: &str,
    problems: &mut Vec<CapacityProblem>,
) -> Vec<f64> {
    let mut capacity = vec![0.0; layer.len()];
    for (f, _) in keep.iter().enumerate().filter(|(_, &k)| k) {
        match capacity_of(layer, f, field) {
            Ok(c) => capacity[f] = c,
            Err(problem) if !problems.contains(&problem) => problems.push(problem),
            Err(_) => {}
        }
    }
    capacity
}

/// A facility's capacity: its `field` property as a number from 0 to [`MAX_COUNT`].
fn capacity_of(
    layer: &FacilityLayer,
    facility: usize,
    field: &str,
) -> Result<f64, CapacityProblem> {
    let value = layer.properties[facility].get(field);
    let number = match value {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    number
        .filter(|c| c.is_finite() && (0.0..=MAX_COUNT).contains(c))
        .ok_or_else(|| CapacityProblem {
            file: layer
                .file_of(facility)
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            facility: layer.label(facility),
            field: field.to_string(),
            found: value.map_or("nothing".to_string(), |v| {
                crate::format::excerpt(&v.to_string()).into_owned()
            }),
        })
}
