//! Capacity and accessibility: for each requirement that names a capacity field, the two-step
//! floating catchment area (2SFCA) over the requirement's reach — capacity per 1,000 elderly
//! for every block, the load on every facility, and the blocks below the policy's norm.
//!
//! Distances are those of the run's deciding model: walking when the street network is used,
//! straight-line otherwise.

use crate::algo::floating_catchment::{per_thousand, TwoStep};
use crate::analysis::distance::DistanceModels;
use crate::analysis::pair_ranges::in_ranges;
#[cfg(doc)]
use crate::analysis::pair_ranges::PAIR_BUDGET;
use crate::analysis::requirements::{RequirementId, Requirements, ResolvedRequirement};
use crate::analysis::AnalysisError;
use crate::config::CapacityRule;
use crate::dataset::Dataset;

/// The accessibility results of one requirement with a capacity field.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityResult {
    /// The requirement.
    pub requirement: RequirementId,
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

/// The capacity results of every requirement that names a capacity field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Capacity {
    /// Per requirement (dense index), its result when it has a capacity rule.
    by_requirement: Vec<Option<CapacityResult>>,
}

impl Capacity {
    /// The result of requirement `id`, when it has a capacity rule.
    pub fn get(&self, id: RequirementId) -> Option<&CapacityResult> {
        self.by_requirement.get(id.dense())?.as_ref()
    }

    /// Every result, in policy order.
    pub fn iter(&self) -> impl Iterator<Item = &CapacityResult> {
        self.by_requirement.iter().flatten()
    }

    /// Whether no requirement has a capacity rule.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// The 2SFCA of one requirement, its pairs taken `budget` at a time ([`in_ranges`]).
fn evaluate_one(
    resolved: &ResolvedRequirement,
    rule: &CapacityRule,
    capacity: &[f64],
    dataset: &Dataset,
    models: &DistanceModels,
    budget: usize,
) -> Result<CapacityResult, AnalysisError> {
    let requirement = resolved.requirement;
    let elderly = &dataset.blocks.elderly;
    let error = |source| AnalysisError::Capacity {
        circle: resolved.circle.name.clone(),
        kind: requirement.kind.clone(),
        source,
    };
    let out_of_memory = |bytes| AnalysisError::OutOfMemory {
        stage: format!(
            "capacity of `{}` in circle `{}`",
            requirement.kind, resolved.circle.name
        ),
        what: "the block–facility pairs within reach",
        bytes,
        lower: "the requirement's reach",
    };
    let mut streamed =
        TwoStep::new(elderly, capacity, requirement.reach_m, &rule.decay).map_err(error)?;
    in_ranges(
        capacity.len(),
        elderly.len(),
        budget,
        |facilities| models.decisive().pairs_within(resolved, facilities),
        |facilities, pairs| streamed.add(facilities, &pairs).map_err(error),
        out_of_memory,
    )?;
    let result = streamed.finish();
    let per_1000: Vec<f64> = result
        .block_score
        .iter()
        .map(|&s| per_thousand(s))
        .collect();
    let counted: Vec<u32> = (0..resolved.layer.len() as u32)
        .filter(|&f| resolved.keep[f as usize])
        .collect();
    let pick = |values: &[f64]| counted.iter().map(|&f| values[f as usize]).collect();
    Ok(CapacityResult {
        requirement: resolved.id,
        below_norm: rule
            .min_per_1000
            .map(|norm| per_1000.iter().map(|&v: &f64| v < norm).collect()),
        per_1000,
        demand: pick(&result.facility_demand),
        load: counted
            .iter()
            .map(|&f| result.facility_load[f as usize])
            .collect(),
        capacity: pick(capacity),
        facilities: counted,
    })
}

/// Accessibility for every requirement that names a capacity field, holding at most about
/// `pair_budget` block–facility pairs at a time ([`PAIR_BUDGET`] in a run; the results do
/// not depend on it).
pub fn evaluate_capacity(
    requirements: &Requirements,
    dataset: &Dataset,
    models: &DistanceModels,
    pair_budget: usize,
) -> Result<Capacity, AnalysisError> {
    let by_requirement = requirements
        .iter()
        .map(|resolved| {
            let (Some(rule), Some(capacity)) = (&resolved.requirement.capacity, &resolved.capacity)
            else {
                return Ok(None);
            };
            evaluate_one(resolved, rule, capacity, dataset, models, pair_budget).map(Some)
        })
        .collect::<Result<_, _>>()?;
    Ok(Capacity { by_requirement })
}
