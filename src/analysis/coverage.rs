//! Policy evaluation: for every block and requirement, the nearest matching facility's
//! distance, how many are within reach, and whether the requirement is met, by straight line
//! and (when walked) on foot.

pub use crate::analysis::distance::{DistanceMode, Distances, Measure};
use crate::analysis::distance::{DistanceModel, DistanceModels};
use crate::analysis::requirements::{RequirementId, Requirements, ResolvedRequirement};
use std::ops::Index;

/// One requirement's results.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementCoverage {
    /// Facilities of the kind that pass the requirement's filter.
    pub facilities: usize,
    /// Straight-line distances (always computed).
    pub straight: Distances,
    /// Walking distances, when a street network is used.
    pub walk: Option<Distances>,
}

impl RequirementCoverage {
    /// The distances that decide whether the requirement is met: walking when computed,
    /// straight-line otherwise.
    pub fn decisive(&self) -> &Distances {
        self.walk.as_ref().unwrap_or(&self.straight)
    }
}

/// One circle's results, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleCoverage {
    /// Whether every requirement of the circle is met (by walking distance when computed).
    pub met: Vec<bool>,
    /// Whether every requirement is met by straight-line distance.
    pub met_straight: Vec<bool>,
    /// Per requirement, in policy order.
    pub requirements: Vec<RequirementCoverage>,
}

impl CircleCoverage {
    /// A circle's results from its requirements'.
    pub fn from_requirements(requirements: Vec<RequirementCoverage>) -> CircleCoverage {
        let blocks = requirements.first().map_or(0, |r| r.straight.met.len());
        let all = |met: &dyn Fn(&RequirementCoverage) -> &Vec<bool>| -> Vec<bool> {
            (0..blocks)
                .map(|b| requirements.iter().all(|r| met(r)[b]))
                .collect()
        };
        CircleCoverage {
            met: all(&|r| &r.decisive().met),
            met_straight: all(&|r| &r.straight.met),
            requirements,
        }
    }
}

/// The results of every circle, in policy order.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Per circle.
    pub circles: Vec<CircleCoverage>,
}

impl Index<RequirementId> for Coverage {
    type Output = RequirementCoverage;

    fn index(&self, id: RequirementId) -> &RequirementCoverage {
        &self.circles[id.circle()].requirements[id.index()]
    }
}

/// Evaluates every requirement by straight-line distance and, when the models walk, by
/// walking distance too (which then decides whether requirements are met).
///
/// Requirements that measure the same thing (see [`ResolvedRequirement::measures_like`]; a
/// kind checked by several circles, for example) are computed once and their results
/// copied.
pub fn evaluate(requirements: &Requirements, models: &DistanceModels) -> Coverage {
    let mut done: Vec<(&ResolvedRequirement, RequirementCoverage)> = Vec::new();
    for resolved in requirements.iter() {
        let earlier = done.iter().find(|(r, _)| r.measures_like(resolved));
        let coverage = match earlier {
            Some((_, coverage)) => coverage.clone(),
            None => {
                let straight = models.straight().distances(resolved);
                RequirementCoverage {
                    facilities: resolved.facilities,
                    walk: models
                        .walk()
                        .map(|w| w.distances_beside(resolved, Some(&straight))),
                    straight,
                }
            }
        };
        done.push((resolved, coverage));
    }
    let mut results = done.into_iter().map(|(_, coverage)| coverage);
    let circles = (0..requirements.circles())
        .map(|c| {
            let of_circle = results.by_ref().take(requirements.of_circle(c).len());
            CircleCoverage::from_requirements(of_circle.collect())
        })
        .collect();
    Coverage { circles }
}
