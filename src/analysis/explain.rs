//! Why a block is outside a circle, in words a planner can act on.

use crate::analysis::coverage::{Coverage, Distances, RequirementCoverage};
use crate::analysis::distance::walking::WalkNetwork;
use crate::analysis::requirements::Requirements;
use crate::config::Policy;
use crate::format::thousands;
use std::fmt::Write;

/// Writes gap reasons; the per-requirement wording is prepared once for all blocks.
pub struct GapExplainer<'a> {
    policy: &'a Policy,
    coverage: &'a Coverage,
    walk: Option<&'a WalkNetwork<'a>>,
    /// Per circle, per requirement: the kind as described (`hospital (tier = tertiary)`) and
    /// the reach as written (`1,000 m`, `3 min (96 m)`).
    wording: Vec<Vec<(String, String)>>,
    /// The resolved requirements and what each barrier is called, to say which barrier lies
    /// between a block and a facility near in a straight line but far on foot.
    barriers: Option<(&'a Requirements<'a>, &'a [Option<String>])>,
}

impl<'a> GapExplainer<'a> {
    /// An explainer for a policy's coverage; `walk` is the street network when walking
    /// distances were computed.
    pub fn new(
        policy: &'a Policy,
        coverage: &'a Coverage,
        walk: Option<&'a WalkNetwork<'a>>,
    ) -> GapExplainer<'a> {
        let wording = policy
            .circles
            .iter()
            .map(|c| {
                c.requires
                    .iter()
                    .map(|r| (r.describe_kind(), r.reach.words()))
                    .collect()
            })
            .collect();
        GapExplainer {
            policy,
            coverage,
            walk,
            wording,
            barriers: None,
        }
    }

    /// Also says which barrier lies between a block and a facility within reach in a
    /// straight line but not on foot (`(the river lies between)`): `requirements` are the
    /// coverage's, `names` what each barrier of the walking network is called (`None`:
    /// `a barrier`).
    pub fn with_barriers(
        mut self,
        requirements: &'a Requirements<'a>,
        names: &'a [Option<String>],
    ) -> GapExplainer<'a> {
        self.barriers = Some((requirements, names));
        self
    }

    /// `the river lies between`, when a barrier lies on the straight line from block `b`'s
    /// outline to its nearest facility of circle `c`'s requirement `r` within reach.
    fn barrier_between(
        &self,
        network: &WalkNetwork,
        c: usize,
        r: usize,
        b: usize,
    ) -> Option<String> {
        let (requirements, names) = self.barriers?;
        let resolved = requirements.of_circle(c).get(r)?;
        let barrier = network.barrier_between(&resolved.index, b, resolved.requirement.reach_m)?;
        Some(
            match names.get(barrier as usize).and_then(Option::as_deref) {
                Some(name) => format!("the {name} lies between"),
                None => "a barrier lies between".to_string(),
            },
        )
    }

    /// Why block `b` is outside each circle it misses: `basic: no care_bed within 100 m,
    /// nearest 340 m; extended: hospice 620 m away in a straight line but 1,480 m on foot`.
    /// `None` when every circle is met.
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
                if rc.decisive().met[b] {
                    continue;
                }
                if !first {
                    out.push_str(" and ");
                }
                first = false;
                let (kind, reach) = &self.wording[c][r];
                let gap = Gap {
                    kind,
                    reach,
                    min_count: requirement.min_count,
                    rc,
                    b,
                };
                match (self.walk, &rc.walk) {
                    _ if rc.facilities == 0 => {
                        let _ = write!(out, "no {kind} in the data");
                    }
                    (Some(network), Some(walk)) => {
                        let between = rc.straight.met[b]
                            .then(|| self.barrier_between(network, c, r, b))
                            .flatten();
                        gap.walking(&mut out, network, walk, between.as_deref());
                    }
                    _ => gap.straight(&mut out),
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// One unmet requirement of one block.
struct Gap<'a> {
    kind: &'a str,
    reach: &'a str,
    min_count: usize,
    rc: &'a RequirementCoverage,
    b: usize,
}

impl Gap<'_> {
    fn count(counts: Option<&Vec<u32>>, b: usize) -> u32 {
        counts.map_or(0, |c| c[b])
    }

    /// `no care_bed within 100 m, nearest 340 m`, or with `min_count > 1`
    /// `only 1 hospital within 500 m (needs 2), nearest 120 m`.
    fn straight(&self, out: &mut String) {
        let Gap {
            kind,
            reach,
            min_count,
            rc,
            b,
        } = *self;
        let nearest = thousands(rc.straight.nearest_m[b]);
        let _ = match rc.straight.count_within.as_ref().map(|counts| counts[b]) {
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

    /// Like [`Gap::straight`], on foot, saying when the gap exists only on foot and what
    /// lies `between` when known: `hospice 620 m away in a straight line but 1,480 m on foot
    /// (the river lies between)`.
    fn walking(
        &self,
        out: &mut String,
        network: &WalkNetwork,
        walk: &Distances,
        between: Option<&str>,
    ) {
        let Gap {
            kind,
            reach,
            min_count,
            rc,
            b,
        } = *self;
        if network.block_leg_m(b).is_none() {
            let _ = write!(
                out,
                "no {kind} reachable on foot: no street within {} m of the block",
                thousands(network.max_snap_m())
            );
            return;
        }
        let straight = thousands(rc.straight.nearest_m[b]);
        let mut on_foot = if walk.nearest_m[b].is_finite() {
            format!("{} m on foot", thousands(walk.nearest_m[b]))
        } else {
            format!("more than {} m on foot", thousands(network.search_m()))
        };
        if let Some(between) = between {
            let _ = write!(on_foot, " ({between})");
        }
        let _ = match (min_count > 1, rc.straight.met[b]) {
            (false, true) => write!(
                out,
                "{kind} {straight} m away in a straight line but {on_foot}"
            ),
            (false, false) => write!(
                out,
                "no {kind} within {reach}, nearest {straight} m in a straight line, {on_foot}"
            ),
            (true, straight_met) => {
                let on_foot_count = Self::count(walk.count_within.as_ref(), b);
                let in_line = Self::count(rc.straight.count_within.as_ref(), b);
                let only = if straight_met { " but" } else { "," };
                write!(
                    out,
                    "{in_line} {kind} within {reach} in a straight line{only} {on_foot_count} on foot (needs {min_count}), nearest {on_foot}"
                )
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::coverage::CircleCoverage;

    fn requirement_coverage(
        nearest: f64,
        count: Option<u32>,
        met: bool,
        facilities: usize,
    ) -> RequirementCoverage {
        RequirementCoverage {
            facilities,
            straight: Distances {
                nearest_m: vec![nearest],
                nearest_facility: vec![None],
                count_within: count.map(|c| vec![c]),
                kth_nearest: None,
                met: vec![met],
            },
            walk: None,
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
                CircleCoverage::from_requirements(vec![
                    requirement_coverage(340.4, None, false, 3),
                    requirement_coverage(50.0, Some(1), false, 3),
                ]),
                CircleCoverage::from_requirements(vec![requirement_coverage(
                    f64::INFINITY,
                    None,
                    false,
                    0,
                )]),
            ],
        };
        assert_eq!(
            GapExplainer::new(&policy, &coverage, None).gap_reason(0).unwrap(),
            "basic: no care_bed within 100 m, nearest 340 m and only 1 responder within 100 m (needs 2), nearest 50 m; \
             extended: no hospice (category = hospice) in the data"
        );
    }

    /// A requirement written in minutes is explained in minutes, its metres beside them; one
    /// written in metres keeps its metres.
    #[test]
    fn a_reach_in_minutes_is_explained_in_minutes() {
        let policy = Policy::parse(
            "[[circles]]\nname='basic'\nrequires=[{kind='care_bed', within_m=100}, \
             {kind='responder', within_min=3, speed_m_per_min=48, delay_min=1}]",
        )
        .unwrap();
        let coverage = Coverage {
            circles: vec![CircleCoverage::from_requirements(vec![
                requirement_coverage(140.0, None, false, 3),
                requirement_coverage(120.4, None, false, 3),
            ])],
        };
        assert_eq!(
            GapExplainer::new(&policy, &coverage, None)
                .gap_reason(0)
                .unwrap(),
            "basic: no care_bed within 100 m, nearest 140 m and no responder within 3 min (96 m), \
             nearest 120 m"
        );
    }
}
