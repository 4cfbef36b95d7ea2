//! The policy in words, for readers who do not read TOML: one sentence per circle, per
//! capacity rule and per referral check.

use crate::algo::floating_catchment::Decay;
use crate::analysis::coverage::{DistanceMode, Measure};
use crate::config::policy::Referral;
use crate::config::{CapacityRule, Circle, Filter, Policy, Requirement};
use crate::output::format::{metres, thousands};

/// The policy as sentences: each circle, then each capacity rule, then each referral check.
pub fn policy_in_words(policy: &Policy, measure: Measure, distance: DistanceMode) -> Vec<String> {
    let mut sentences: Vec<String> = policy
        .circles
        .iter()
        .map(|c| circle_sentence(c, measure, distance))
        .collect();
    for circle in &policy.circles {
        for r in &circle.requires {
            if let Some(rule) = &r.capacity {
                sentences.push(capacity_sentence(&circle.name, r, rule));
            }
        }
    }
    sentences.extend(
        policy
            .referrals
            .iter()
            .map(|r| referral_sentence(r, distance)),
    );
    sentences
}

/// `Basic circle (96–100 m): at least 1 care bed within 100 m and at least 1 responder within
/// 3 min (96 m), measured from block centroids, in a straight line and on foot.` The circle's
/// reach is in metres; each requirement's as the policy wrote it.
pub fn circle_sentence(circle: &Circle, measure: Measure, distance: DistanceMode) -> String {
    let reaches = circle.requires.iter().map(|r| r.reach_m);
    let (low, high) = reaches.fold((f64::INFINITY, 0.0_f64), |(lo, hi), m| {
        (lo.min(m), hi.max(m))
    });
    let reach = if low < high {
        format!("{}–{}", thousands(low), metres(high))
    } else {
        metres(high)
    };
    let requirements: Vec<String> = circle.requires.iter().map(requirement_words).collect();
    format!(
        "{} circle ({reach}): {}, {}, {}.",
        circle
            .label
            .clone()
            .unwrap_or_else(|| capitalised(&words(&circle.name))),
        join_and(&requirements),
        measure_words(measure),
        distance_words(distance)
    )
}

/// `at least 2 responders whose team is night within 80 m`; a reach in minutes as
/// `within 3 min (96 m)`.
pub fn requirement_words(r: &Requirement) -> String {
    let filter = filter_words(&r.filter)
        .map(|f| format!(" {f}"))
        .unwrap_or_default();
    format!(
        "at least {} {}{filter} within {}",
        r.min_count,
        kind_words(&r.kind, r.min_count),
        r.reach.words()
    )
}

/// `whose tier is tertiary`, `whose category is hospice or home_sickbed_referral and whose
/// beds is 100`; `None` for an empty filter.
pub fn filter_words(filter: &Filter) -> Option<String> {
    let parts: Vec<String> = filter
        .0
        .iter()
        .map(|(name, accepted)| {
            let values: Vec<String> = accepted
                .values()
                .iter()
                .map(|v| v.as_text().into_owned())
                .collect();
            format!("whose {name} is {}", join_with(&values, "or"))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// `Basic care bed capacity (field capacity) within 100 m, counted in full, shared among the
/// elderly within reach (two-step floating catchment): at least 40 per 1,000 elderly.`
pub fn capacity_sentence(circle: &str, r: &Requirement, rule: &CapacityRule) -> String {
    let norm = match rule.min_per_1000 {
        Some(n) => format!("at least {} per 1,000 elderly", decimal(n)),
        None => "measured per 1,000 elderly, with no norm set".to_string(),
    };
    format!(
        "{} circle, {} capacity (field {}) within {}, {}, shared among the elderly within \
         reach (two-step floating catchment): {norm}.",
        capitalised(&words(circle)),
        words(&r.kind),
        rule.field,
        r.reach.words(),
        decay_words(&rule.decay)
    )
}

/// `Referral chain: every care bed should have a hospice within 1,000 m of itself, on foot.`
pub fn referral_sentence(r: &Referral, distance: DistanceMode) -> String {
    format!(
        "Referral chain: every {} should have a {} within {} of itself, {}.",
        words(&r.from),
        words(&r.to),
        metres(r.within_m),
        if distance.walks() {
            "on foot"
        } else {
            "in a straight line"
        }
    )
}

fn decay_words(decay: &Decay) -> String {
    match decay {
        Decay::Binary => "counted in full".to_string(),
        Decay::Steps { bands_m, weights } => {
            let steps: Vec<String> = bands_m
                .iter()
                .zip(weights)
                .map(|(band, weight)| format!("{} up to {}", decimal(*weight), metres(*band)))
                .collect();
            format!("weighted {}", join_with(&steps, "and"))
        }
        Decay::Gaussian => "weighted from 1 at the facility down to 0 at the reach".to_string(),
    }
}

fn measure_words(measure: Measure) -> &'static str {
    match measure {
        Measure::Centroid => "measured from block centroids",
        Measure::Edge => "measured from block outlines",
        Measure::Area => {
            "measured from block centroids, with the share of each block's area within reach"
        }
    }
}

fn distance_words(distance: DistanceMode) -> &'static str {
    match distance {
        DistanceMode::Straight => "in a straight line",
        DistanceMode::Network => "on foot along the streets",
        DistanceMode::Both => "in a straight line and on foot (on foot decides)",
    }
}

/// A snake_case name as words: `care_bed` → `care bed`.
fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// A kind as words, plural when `count` > 1: `care beds`, `hospices`, `pharmacies`.
fn kind_words(kind: &str, count: usize) -> String {
    let singular = words(kind);
    if count == 1 {
        return singular;
    }
    let vowel_before_y = singular
        .strip_suffix('y')
        .and_then(|s| s.chars().last())
        .is_some_and(|c| "aeiou".contains(c));
    match singular.strip_suffix('y') {
        Some(stem) if !vowel_before_y => format!("{stem}ies"),
        _ if ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|end| singular.ends_with(end)) =>
        {
            format!("{singular}es")
        }
        _ => format!("{singular}s"),
    }
}

/// `text` with its first letter in upper case: `basic` → `Basic` (Chinese text unchanged).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c` (with `or` or `and`).
fn join_with(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

fn join_and(items: &[String]) -> String {
    join_with(items, "and")
}

/// A number as short as it can be: `40`, `0.68`.
fn decimal(x: f64) -> String {
    format!("{x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(policy: &Policy, measure: Measure, distance: DistanceMode) -> Vec<String> {
        policy_in_words(policy, measure, distance)
    }

    #[test]
    fn the_default_policy_in_words() {
        let policy = Policy::default_policy();
        assert_eq!(
            sentences(&policy, Measure::Centroid, DistanceMode::Both),
            [
                "Basic circle (96–100 m): at least 1 care bed within 100 m and at least 1 \
                 responder within 3 min (96 m), measured from block centroids, in a straight line \
                 and on foot (on foot decides).",
                "Specialty circle (500 m): at least 1 hospital whose tier is tertiary within \
                 500 m, measured from block centroids, in a straight line and on foot (on foot \
                 decides).",
                "Extended circle (1,000 m): at least 1 hospice within 1,000 m, measured from \
                 block centroids, in a straight line and on foot (on foot decides).",
                "Referral chain: every care bed should have a hospice within 1,000 m of itself, \
                 on foot.",
            ]
        );
        let straight = sentences(&policy, Measure::Edge, DistanceMode::Straight);
        assert!(
            straight[2]
                .ends_with("within 1,000 m, measured from block outlines, in a straight line."),
            "{}",
            straight[2]
        );
        assert!(straight[3].ends_with("of itself, in a straight line."));
    }

    #[test]
    fn filters_counts_capacity_and_time_based_reach_in_words() {
        let policy = Policy::parse(
            r#"
[[circles]]
name = "living_15min"
requires = [
  { kind = "responder", within_min = 3, speed_m_per_min = 48, delay_min = 1, min_count = 2,
    where = { team = ["night", "24h"], level = 2 } },
  { kind = "pharmacy", within_m = 800, min_count = 3 },
  { kind = "care_bed", within_m = 300, capacity = "beds", min_per_1000 = 40,
    decay = { method = "steps", bands_m = [100, 200, 300], weights = [1.0, 0.68, 0.22] } },
]
[[circles]]
name = "specialty"
requires = [{ kind = "hospital", within_m = 500, capacity = "beds", decay = { method = "gaussian" } }]
[[referrals]]
from = "care_bed"
to = "hospice"
within_m = 1500
"#,
        )
        .unwrap();
        let s = sentences(&policy, Measure::Area, DistanceMode::Network);
        assert_eq!(
            s[0],
            "Living 15min circle (96–800 m): at least 2 responders whose level is 2 and whose \
             team is night or 24h within 3 min (96 m), at least 3 pharmacies within 800 m and at least 1 \
             care bed within 300 m, measured from block centroids, with the share of each \
             block's area within reach, on foot along the streets."
        );
        assert_eq!(
            s[2],
            "Living 15min circle, care bed capacity (field beds) within 300 m, weighted 1 up to \
             100 m, 0.68 up to 200 m and 0.22 up to 300 m, shared among the elderly within reach \
             (two-step floating catchment): at least 40 per 1,000 elderly."
        );
        assert_eq!(
            s[3],
            "Specialty circle, hospital capacity (field beds) within 500 m, weighted from 1 at \
             the facility down to 0 at the reach, shared among the elderly within reach \
             (two-step floating catchment): measured per 1,000 elderly, with no norm set."
        );
        assert_eq!(
            s[4],
            "Referral chain: every care bed should have a hospice within 1,500 m of itself, on foot."
        );
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn plurals() {
        assert_eq!(kind_words("care_bed", 2), "care beds");
        assert_eq!(kind_words("pharmacy", 2), "pharmacies");
        assert_eq!(kind_words("day", 3), "days");
        assert_eq!(kind_words("church", 2), "churches");
        assert_eq!(kind_words("hospice", 1), "hospice");
    }
}
