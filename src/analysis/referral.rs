//! Referral-chain checks: does every home-care-bed point (or other `from` facility) have a
//! hospice or referral facility (`to`) within reach of the point itself?

use crate::algo::network::{nearest_facilities, Snap};
use crate::analysis::coverage::FacilityIndex;
use crate::analysis::plane::Plane;
use crate::analysis::walking::{WalkNetwork, SEARCH_FACTOR};
use crate::config::Policy;
use crate::dataset::Dataset;
use serde::Serialize;

/// The result of one referral check, per `from` facility.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralResult {
    /// The referral's index in the policy.
    pub referral: usize,
    /// The `from` facilities' ids.
    pub ids: Vec<String>,
    /// Straight-line distance to the nearest `to` facility (infinite when there is none).
    pub straight_m: Vec<f64>,
    /// Walking distance to the nearest `to` facility, when streets are used (infinite when
    /// none is reachable within twice the reach).
    pub walk_m: Option<Vec<f64>>,
    /// Whether a `to` facility is within reach (on foot when streets are used).
    pub met: Vec<bool>,
}

/// A referral check's totals, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferralSummary {
    /// The referring kind.
    pub from: String,
    /// The kind referred to.
    pub to: String,
    /// The reach in metres.
    pub within_m: f64,
    /// `from` facilities checked.
    pub points: usize,
    /// Those without a `to` facility within reach: broken referral chains.
    pub points_without_referral: usize,
}

/// Smallest value per facility over its locations.
fn per_facility(values: impl Iterator<Item = (u32, f64)>, facilities: usize) -> Vec<f64> {
    let mut best = vec![f64::INFINITY; facilities];
    for (f, v) in values {
        best[f as usize] = best[f as usize].min(v);
    }
    best
}

/// Runs every referral check of the policy.
pub fn check_referrals(
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    walk: Option<&WalkNetwork>,
) -> Result<Vec<ReferralResult>, String> {
    let layer_index = |kind: &str| {
        dataset
            .layers
            .iter()
            .position(|l| l.kind == kind)
            .ok_or_else(|| format!("no layer for kind `{kind}`"))
    };
    policy
        .referrals
        .iter()
        .enumerate()
        .map(|(i, referral)| {
            let (from, to) = (layer_index(&referral.from)?, layer_index(&referral.to)?);
            let (from_layer, to_layer) = (&dataset.layers[from], &dataset.layers[to]);
            let index = FacilityIndex::new(
                to_layer,
                &plane.layer_locations[to],
                &vec![true; to_layer.len()],
            );
            let straight_m = per_facility(
                plane.layer_locations[from]
                    .iter()
                    .zip(&from_layer.location_facility)
                    .map(|(c, &f)| {
                        (
                            f,
                            index
                                .nearest_from_point(*c)
                                .map_or(f64::INFINITY, |(_, d)| d),
                        )
                    }),
                from_layer.len(),
            );
            let walk_m = walk.map(|network| {
                let sources: Vec<(u32, Snap)> = network.layer_snaps[to]
                    .iter()
                    .zip(&to_layer.location_facility)
                    .filter_map(|(s, &f)| Some((f, (*s)?)))
                    .collect();
                let cutoff = SEARCH_FACTOR * referral.within_m;
                let found = nearest_facilities(
                    &network.graph,
                    &sources,
                    &network.layer_snaps[from],
                    cutoff,
                    1,
                );
                per_facility(
                    found
                        .iter()
                        .zip(&from_layer.location_facility)
                        .map(|(near, &f)| (f, near.first().map_or(f64::INFINITY, |&(_, d)| d))),
                    from_layer.len(),
                )
            });
            let decisive = walk_m.as_ref().unwrap_or(&straight_m);
            let met = decisive.iter().map(|&d| d <= referral.within_m).collect();
            Ok(ReferralResult {
                referral: i,
                ids: from_layer.ids.clone(),
                straight_m,
                walk_m,
                met,
            })
        })
        .collect()
}

impl ReferralResult {
    /// Totals for the summary.
    pub fn summary(&self, policy: &Policy) -> ReferralSummary {
        let referral = &policy.referrals[self.referral];
        ReferralSummary {
            from: referral.from.clone(),
            to: referral.to.clone(),
            within_m: referral.within_m,
            points: self.met.len(),
            points_without_referral: self.met.iter().filter(|&&m| !m).count(),
        }
    }
}
