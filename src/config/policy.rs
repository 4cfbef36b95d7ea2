//! The policy: service circles and the requirements that make each one met.
//!
//! Policy is data: the seed's three-level network is the built-in default
//! ([`DEFAULT_POLICY_TOML`]), and local standards are just other policy files.

use super::error::{ConfigError, ConfigFile, ConfigProblem, Issue, Origin, RequirementIssue};
use super::filter::Filter;
use super::reach::{Minutes, Reach};
use crate::algo::floating_catchment::Decay;
use serde::Deserialize;
use std::path::Path;

/// The built-in default policy, as printed by `carecircle policy`.
pub const DEFAULT_POLICY_TOML: &str = include_str!("default_policy.toml");

/// A validated policy: circles in file order, each with its requirements resolved to metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The circles, in the order the policy lists them.
    pub circles: Vec<Circle>,
    /// Referral-chain checks between facility kinds.
    pub referrals: Vec<Referral>,
    /// No gap zone spans more than this across, in metres (`zone_span_m`, default
    /// [`DEFAULT_ZONE_SPAN_M`]): wider clusters of uncovered blocks are split.
    pub zone_span_m: f64,
}

/// The largest span of a gap zone when the policy does not set `zone_span_m`: 1 km, what
/// one district's team can walk and act on.
pub const DEFAULT_ZONE_SPAN_M: f64 = 1000.0;

/// A referral-chain check: every facility of kind `from` (for example a home-care-bed point)
/// should have a facility of kind `to` (a hospice or referral facility) within `within_m` of
/// the point itself, so that a broken chain shows up even where the blocks look covered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// The referring kind.
    pub from: String,
    /// The kind referred to.
    pub to: String,
    /// How far the referral facility may be, in metres (on foot when streets are used).
    pub within_m: f64,
}

/// A service circle: met when all its requirements are met.
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    /// The circle's name; used as the prefix of output fields.
    pub name: String,
    /// What people read for it (any Unicode, such as `15分钟生活圈`); the name when absent.
    pub label: Option<String>,
    /// What must be reachable.
    pub requires: Vec<Requirement>,
}

impl Circle {
    /// What people read for the circle: its label, else its name.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// One requirement of a circle, with its reach in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The facility kind: a layer of the city manifest.
    pub kind: String,
    /// How far the facilities may be, in metres: always `reach.reach_m()`, what every
    /// computation uses.
    pub reach_m: f64,
    /// The reach as the policy wrote it (metres or minutes on foot), for what people read.
    pub reach: Reach,
    /// Only facilities matching this filter count.
    pub filter: Filter,
    /// How many distinct facilities must be within reach.
    pub min_count: usize,
    /// Capacity-based accessibility (2SFCA), when the requirement names a capacity field.
    pub capacity: Option<CapacityRule>,
}

/// Capacity-based accessibility of one requirement: two-step floating catchment area over
/// the requirement's reach.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityRule {
    /// The facility property holding capacity (beds, places, responders per team…).
    pub field: String,
    /// Distance decay within the reach.
    pub decay: Decay,
    /// Blocks with less capacity than this per 1,000 elderly within reach are flagged.
    pub min_per_1000: Option<f64>,
}

impl Requirement {
    /// "care_bed", or "hospital (tier = tertiary)" when filtered.
    pub fn describe_kind(&self) -> String {
        if self.filter.is_empty() {
            self.kind.clone()
        } else {
            format!("{} ({})", self.kind, self.filter)
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    circles: Vec<CircleFile>,
    #[serde(default)]
    referrals: Vec<Referral>,
    zone_span_m: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CircleFile {
    name: String,
    label: Option<String>,
    requires: Vec<RequirementFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementFile {
    kind: String,
    within_m: Option<f64>,
    within_min: Option<f64>,
    speed_m_per_min: Option<f64>,
    delay_min: Option<f64>,
    #[serde(default, rename = "where")]
    filter: Filter,
    min_count: Option<usize>,
    capacity: Option<String>,
    decay: Option<Decay>,
    min_per_1000: Option<f64>,
}

impl RequirementFile {
    /// The reach: `within_m` metres, or `within_min` at `speed_m_per_min` less `delay_min`.
    fn reach(&self) -> Result<Reach, RequirementIssue> {
        let reach = match (self.within_m, self.within_min, self.speed_m_per_min) {
            (Some(m), None, None) if self.delay_min.is_none() => Reach::Metres(m),
            (None, Some(within_min), Some(speed_m_per_min)) => {
                let delay_min = self.delay_min.unwrap_or(0.0);
                if !(speed_m_per_min.is_finite()
                    && speed_m_per_min > 0.0
                    && delay_min.is_finite()
                    && delay_min >= 0.0)
                {
                    return Err(RequirementIssue::SpeedOrDelay);
                }
                Reach::Minutes(Minutes {
                    within_min,
                    speed_m_per_min,
                    delay_min,
                })
            }
            (None, Some(_), None) => return Err(RequirementIssue::MinutesWithoutSpeed),
            (None, None, _) => return Err(RequirementIssue::NoReach),
            _ => return Err(RequirementIssue::TwoReaches),
        };
        let reach_m = reach.reach_m();
        if !(reach_m.is_finite() && reach_m > 0.0) {
            return Err(RequirementIssue::NonPositiveReach(reach_m));
        }
        Ok(reach)
    }

    fn resolve(self) -> Result<Requirement, RequirementIssue> {
        let reach = self.reach()?;
        let min_count = self.min_count.unwrap_or(1);
        if min_count == 0 {
            return Err(RequirementIssue::ZeroMinCount);
        }
        let capacity = match (self.capacity, self.decay, self.min_per_1000) {
            (Some(field), decay, min_per_1000) => {
                if min_per_1000.is_some_and(|m| !(m.is_finite() && m >= 0.0)) {
                    return Err(RequirementIssue::NegativeMinPer1000);
                }
                Some(CapacityRule {
                    field,
                    decay: decay.unwrap_or(Decay::Binary),
                    min_per_1000,
                })
            }
            (None, None, None) => None,
            (None, _, _) => return Err(RequirementIssue::CapacityOptionsWithoutField),
        };
        Ok(Requirement {
            kind: self.kind,
            reach_m: reach.reach_m(),
            reach,
            filter: self.filter,
            min_count,
            capacity,
        })
    }
}

impl CircleFile {
    /// The circle with its valid requirements, adding every problem with it to `issues`;
    /// `earlier` are the circles before it.
    fn resolve(self, earlier: &[Circle], issues: &mut Vec<Issue>) -> Circle {
        let name = self.name;
        if let Err(issue) = super::check_name("circle name", &name) {
            issues.push(issue);
        }
        if earlier.iter().any(|c| c.name == name) {
            issues.push(Issue::DuplicateCircle(name.clone()));
        }
        if self.requires.is_empty() {
            issues.push(Issue::NoRequirements(name.clone()));
        }
        let kinds: Vec<String> = self.requires.iter().map(|r| r.kind.clone()).collect();
        let mut requires = Vec::new();
        for (i, requirement) in self.requires.into_iter().enumerate() {
            let kind = &kinds[i];
            match requirement.resolve() {
                Err(issue) => issues.push(Issue::Requirement {
                    circle: name.clone(),
                    number: i + 1,
                    kind: kind.clone(),
                    issue,
                }),
                Ok(_) if kinds[..i].contains(kind) => issues.push(Issue::DuplicateRequirement {
                    circle: name.clone(),
                    kind: kind.clone(),
                }),
                Ok(resolved) => requires.push(resolved),
            }
        }
        Circle {
            name,
            label: self.label.filter(|l| !l.trim().is_empty()),
            requires,
        }
    }
}

impl Policy {
    /// The built-in default policy.
    pub fn default_policy() -> Policy {
        Policy::parse(DEFAULT_POLICY_TOML).expect("the built-in policy is valid")
    }

    /// Reads and validates a policy file; every problem names the file.
    pub fn load(path: &Path) -> Result<Policy, ConfigError> {
        let text = super::read_config(path, ConfigFile::Policy)?;
        Policy::parse(&text).map_err(|e| e.within(&Origin::File(path.to_path_buf())))
    }

    /// Parses and validates policy text. Text that is not a policy's TOML is one problem;
    /// otherwise every invalid circle, requirement and referral is listed.
    pub fn parse(text: &str) -> Result<Policy, ConfigError> {
        let file: PolicyFile = toml::from_str(text).map_err(Issue::from)?;
        let mut issues = Vec::new();
        if file.circles.is_empty() {
            issues.push(Issue::NoCircles);
        }
        let mut circles: Vec<Circle> = Vec::new();
        for circle in file.circles {
            let circle = circle.resolve(&circles, &mut issues);
            circles.push(circle);
        }
        for r in &file.referrals {
            if r.from == r.to {
                issues.push(Issue::SelfReferral(r.from.clone()));
            }
            if !(r.within_m.is_finite() && r.within_m > 0.0) {
                issues.push(Issue::ReferralReach {
                    from: r.from.clone(),
                    to: r.to.clone(),
                });
            }
        }
        let zone_span_m = file.zone_span_m.unwrap_or(DEFAULT_ZONE_SPAN_M);
        if !(zone_span_m.is_finite() && zone_span_m > 0.0) {
            issues.push(Issue::ZoneSpan(zone_span_m));
        }
        ConfigError::check(unlocated(issues))?;
        Ok(Policy {
            circles,
            referrals: file.referrals,
            zone_span_m,
        })
    }

    /// The largest reach of any requirement, in metres.
    pub fn largest_reach_m(&self) -> f64 {
        self.circles
            .iter()
            .flat_map(|c| &c.requires)
            .map(|r| r.reach_m)
            .fold(0.0, f64::max)
    }

    /// Whether a requirement of some circle, or a referral check, reads the layer `kind`.
    pub fn uses_kind(&self, kind: &str) -> bool {
        let required = self.circles.iter().flat_map(|c| &c.requires);
        let referred = self.referrals.iter().flat_map(|r| [&r.from, &r.to]);
        required.map(|r| &r.kind).chain(referred).any(|k| k == kind)
    }

    /// An error naming every kind the policy requires that `has_kind` lacks.
    pub fn check_kinds(&self, has_kind: impl Fn(&str) -> bool) -> Result<(), ConfigError> {
        let mut issues = Vec::new();
        for circle in &self.circles {
            for requirement in &circle.requires {
                if !has_kind(&requirement.kind) {
                    issues.push(Issue::MissingKind {
                        circle: circle.name.clone(),
                        kind: requirement.kind.clone(),
                    });
                }
            }
        }
        for r in &self.referrals {
            for kind in [&r.from, &r.to] {
                if !has_kind(kind) {
                    issues.push(Issue::MissingReferralKind {
                        from: r.from.clone(),
                        to: r.to.clone(),
                        kind: kind.clone(),
                    });
                }
            }
        }
        ConfigError::check(unlocated(issues))
    }
}

/// Problems whose file is not known yet.
fn unlocated(issues: Vec<Issue>) -> Vec<ConfigProblem> {
    issues
        .into_iter()
        .map(|issue| ConfigProblem {
            origin: None,
            issue,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_the_three_level_network() {
        let p = Policy::default_policy();
        let names: Vec<_> = p.circles.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["basic", "specialty", "extended"]);
        assert_eq!(p.circles[0].requires[1].kind, "responder");
        assert_eq!(p.circles[0].requires[0].reach_m, 100.0);
        assert_eq!(p.circles[0].requires[0].reach, Reach::Metres(100.0));
        assert_eq!(
            p.circles[1].requires[0].describe_kind(),
            "hospital (tier = tertiary)"
        );
        assert_eq!(p.circles[2].requires[0].reach_m, 1000.0);
    }

    /// The seed's responder team, at the door within 3 minutes: 1 minute to turn out, then
    /// 2 minutes at an elderly walking pace of 0.8 m/s = 48 m/min, so (3 − 1) × 48 = 96 m.
    #[test]
    fn the_default_responder_team_is_three_minutes_on_foot() {
        let p = Policy::default_policy();
        let responder = &p.circles[0].requires[1];
        let team = Minutes {
            within_min: 3.0,
            speed_m_per_min: 0.8 * 60.0,
            delay_min: 1.0,
        };
        assert_eq!(responder.reach, Reach::Minutes(team));
        assert_eq!(responder.reach_m, 96.0);
        assert_eq!(responder.reach.words(), "3 min (96 m)");
    }

    /// The synthetic city demonstrates the built-in network: its policy differs only by the
    /// capacity rules it adds.
    #[test]
    fn the_synthetic_city_follows_the_built_in_reaches() {
        let synth = Policy::parse(include_str!("../synth/policy.toml")).unwrap();
        let reaches = |p: &Policy| -> Vec<(String, Reach)> {
            p.circles
                .iter()
                .flat_map(|c| &c.requires)
                .map(|r| (r.describe_kind(), r.reach))
                .collect()
        };
        assert_eq!(reaches(&synth), reaches(&Policy::default_policy()));
        assert_eq!(synth.referrals, Policy::default_policy().referrals);
    }

    #[test]
    fn time_based_reach_subtracts_the_delay() {
        let p = Policy::parse(
            "[[circles]]\nname='basic'\nrequires=[{kind='responder', within_min=3, speed_m_per_min=48, delay_min=1, min_count=2}]",
        )
        .unwrap();
        let r = &p.circles[0].requires[0];
        assert_eq!(r.reach_m, 96.0);
        assert_eq!(r.reach.reach_m(), r.reach_m);
        assert_eq!(r.min_count, 2);
        let no_delay = Policy::parse(
            "[[circles]]\nname='living'\nrequires=[{kind='pharmacy', within_min=15, speed_m_per_min=48}]",
        )
        .unwrap();
        let r = &no_delay.circles[0].requires[0];
        assert_eq!(r.reach.words(), "15 min (720 m)");
        assert_eq!(r.reach_m, 720.0);
    }

    #[test]
    fn invalid_policies_are_explained() {
        let cases = [
            ("[[circles]]\nname='a'\nrequires=[{kind='x'}]", "within_m"),
            (
                "[[circles]]\nname='a'\nrequires=[{kind='x', within_min=3}]",
                "speed_m_per_min",
            ),
            (
                "[[circles]]\nname='a'\nrequires=[{kind='x', within_m=100, within_min=3}]",
                "not both",
            ),
            (
                "[[circles]]\nname='a'\nrequires=[{kind='x', within_m=-1}]",
                "positive",
            ),
            (
                "[[circles]]\nname='a'\nrequires=[{kind='x', within_m=1, min_count=0}]",
                "min_count",
            ),
            (
                "[[circles]]\nname='a b'\nrequires=[{kind='x', within_m=1}]",
                "circle name",
            ),
            ("[[circles]]\nname='a'\nrequires=[]", "no requirements"),
            ("circles=[]", "no [[circles]]"),
            (
                "[[circles]]\nname='a'\nrequires=[{kind='x', within_m=1}, {kind='x', within_m=2}]",
                "two requirements",
            ),
            (
                "zone_span_m=0\n[[circles]]\nname='a'\nrequires=[{kind='x', within_m=1}]",
                "zone_span_m must be a positive number of metres",
            ),
            (
                "zone_span_m=-5\n[[circles]]\nname='a'\nrequires=[{kind='x', within_m=1}]",
                "got -5",
            ),
        ];
        for (text, expected) in cases {
            let err = Policy::parse(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn zone_span_defaults_to_a_kilometre_and_can_be_set() {
        assert_eq!(Policy::default_policy().zone_span_m, DEFAULT_ZONE_SPAN_M);
        assert_eq!(DEFAULT_ZONE_SPAN_M, 1000.0);
        let p = Policy::parse(
            "zone_span_m = 600\n[[circles]]\nname='a'\nrequires=[{kind='x', within_m=1}]",
        )
        .unwrap();
        assert_eq!(p.zone_span_m, 600.0);
    }

    #[test]
    fn unknown_kind_is_named() {
        let err = Policy::default_policy()
            .check_kinds(|k| k != "hospice")
            .unwrap_err()
            .to_string();
        assert!(err.contains("hospice") && err.contains("extended"), "{err}");
    }
}
