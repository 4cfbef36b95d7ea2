//! Why a block is outside a circle, in words a planner can act on.

use crate::config::Policy;
use crate::coverage::{Coverage, RequirementCoverage};
use crate::output::format::thousands;
use std::fmt::Write;

/// Writes gap reasons; the per-requirement wording is prepared once for all blocks.
pub struct GapExplainer<'a> {
    policy: &'a Policy,
    coverage: &'a Coverage,
    /// Per circle, per requirement: the kind as described (`hospital (tier = tertiary)`) and
    /// the reach as written (`1,000 m`).
    wording: Vec<Vec<(String, String)>>,
}

impl<'a> GapExplainer<'a> {
    /// An explainer for a policy's coverage.
    pub fn new(policy: &'a Policy, coverage: &'a Coverage) -> GapExplainer<'a> {
        let wording = policy
            .circles
            .iter()
            .map(|c| {
                c.requires
                    .iter()
                    .map(|r| (r.describe_kind(), format!("{} m", thousands(r.reach_m))))
                    .collect()
            })
            .collect();
        GapExplainer {
            policy,
            coverage,
            wording,
        }
    }

    /// Why block `b` is outside each circle it misses: `basic: no care_bed within 100 m,
    /// nearest 340 m; extended: …`. `None` when every circle is met.
    pub fn gap_reason(&self, b: usize) -> Option<String> {
        let mut out = String::new();
        for (c, (circle, cc)) in self
            .policy
            .circles
            .iter()
            .zip(&self.coverage.circles)
            .enumerate()
        {
            if cc.met[b] {
                continue;
            }
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(&circle.name);
            out.push_str(": ");
            let mut first = true;
            for (r, (requirement, rc)) in circle.requires.iter().zip(&cc.requirements).enumerate() {
                if rc.met[b] {
                    continue;
                }
                if !first {
                    out.push_str(" and ");
                }
                first = false;
                let (kind, reach) = &self.wording[c][r];
                requirement_gap(&mut out, kind, reach, requirement.min_count, rc, b);
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// Appends why an unmet requirement fails for block `b`.
fn requirement_gap(
    out: &mut String,
    kind: &str,
    reach: &str,
    min_count: usize,
    rc: &RequirementCoverage,
    b: usize,
) {
    if rc.facilities == 0 {
        let _ = write!(out, "no {kind} in the data");
        return;
    }
    let nearest = thousands(rc.nearest_m[b]);
    let _ = match rc.count_within.as_ref().map(|counts| counts[b]) {
        Some(count) if count > 0 => {
            write!(
                out,
                "only {count} {kind} within {reach} (needs {min_count}), nearest {nearest} m"
            )
        }
        Some(_) => write!(
            out,
            "no {kind} within {reach} (needs {min_count}), nearest {nearest} m"
        ),
        None => write!(out, "no {kind} within {reach}, nearest {nearest} m"),
    };
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
            GapExplainer::new(&policy, &coverage).gap_reason(0).unwrap(),
            "basic: no care_bed within 100 m, nearest 340 m and only 1 responder within 100 m (needs 2), nearest 50 m; \
             extended: no hospice (category = hospice) in the data"
        );
    }
}
