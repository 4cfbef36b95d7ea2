//! Why a block is outside a circle, in words a planner can act on.

use crate::config::{Policy, Requirement};
use crate::coverage::{Coverage, RequirementCoverage};
use crate::output::format::metres;

/// Why one requirement fails for block `b`, or `None` when it is met.
pub fn requirement_gap(
    requirement: &Requirement,
    coverage: &RequirementCoverage,
    b: usize,
) -> Option<String> {
    if coverage.met[b] {
        return None;
    }
    let kind = requirement.describe_kind();
    let reach = metres(requirement.reach_m);
    if coverage.facilities == 0 {
        return Some(format!("no {kind} in the data"));
    }
    let nearest = metres(coverage.nearest_m[b]);
    Some(match &coverage.count_within {
        Some(counts) if counts[b] > 0 => format!(
            "only {} {kind} within {reach} (needs {}), nearest {nearest}",
            counts[b], requirement.min_count
        ),
        Some(_) => format!(
            "no {kind} within {reach} (needs {}), nearest {nearest}",
            requirement.min_count
        ),
        None => format!("no {kind} within {reach}, nearest {nearest}"),
    })
}

/// Why block `b` is outside each circle it misses: `basic: no care_bed within 100 m,
/// nearest 340 m; extended: …`. `None` when every circle is met.
pub fn gap_reason(policy: &Policy, coverage: &Coverage, b: usize) -> Option<String> {
    let parts: Vec<String> = policy
        .circles
        .iter()
        .zip(&coverage.circles)
        .filter(|(_, c)| !c.met[b])
        .map(|(circle, c)| {
            let reasons: Vec<String> = circle
                .requires
                .iter()
                .zip(&c.requirements)
                .filter_map(|(r, rc)| requirement_gap(r, rc, b))
                .collect();
            format!("{}: {}", circle.name, reasons.join(" and "))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::CircleCoverage;

    fn requirement_coverage(
        nearest: f64,
        count: Option<u32>,
        met: bool,
        facilities: usize,
    ) -> RequirementCoverage {
        RequirementCoverage {
            facilities,
            nearest_m: vec![nearest],
            count_within: count.map(|c| vec![c]),
            met: vec![met],
        }
    }

    #[test]
    fn reasons_read_well() {
        let policy = Policy::parse(
            "[[circles]]\nname='basic'\nrequires=[{kind='care_bed', within_m=100}, {kind='responder', within_m=100, min_count=2}]\n\
             [[circles]]\nname='extended'\nrequires=[{kind='hospice', within_m=1000, where={category='hospice'}}]",
        )
        .unwrap();
        let coverage = Coverage {
            circles: vec![
                CircleCoverage {
                    met: vec![false],
                    requirements: vec![
                        requirement_coverage(340.4, None, false, 3),
                        requirement_coverage(50.0, Some(1), false, 3),
                    ],
                },
                CircleCoverage {
                    met: vec![false],
                    requirements: vec![requirement_coverage(f64::INFINITY, None, false, 0)],
                },
            ],
        };
        assert_eq!(
            gap_reason(&policy, &coverage, 0).unwrap(),
            "basic: no care_bed within 100 m, nearest 340 m and only 1 responder within 100 m (needs 2), nearest 50 m; \
             extended: no hospice (category = hospice) in the data"
        );
    }
}
