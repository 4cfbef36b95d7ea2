//! Referral-chain checks: does every home-care-bed point (or other `from` facility) have a
//! hospice or referral facility (`to`) within reach of the point itself?

use crate::analysis::distance::{DistanceModel, DistanceModels};
use crate::analysis::AnalysisError;
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
    /// The `from` facilities' names, where they have one.
    pub names: Vec<Option<String>>,
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

/// Runs every referral check of the policy, by straight line and (when walked) on foot.
pub fn check_referrals(
    policy: &Policy,
    dataset: &Dataset,
    models: &DistanceModels,
) -> Result<Vec<ReferralResult>, AnalysisError> {
    let layer_index = |kind: &str| {
        dataset
            .layers
            .iter()
            .position(|l| l.kind == kind)
            .ok_or_else(|| AnalysisError::NoLayer {
                kinds: vec![kind.to_string()],
            })
    };
    policy
        .referrals
        .iter()
        .enumerate()
        .map(|(i, referral)| {
            let (from, to) = (layer_index(&referral.from)?, layer_index(&referral.to)?);
            let from_layer = &dataset.layers[from];
            let nearest = |model: &dyn DistanceModel| {
                let by_location =
                    model.nearest_between_layers(dataset, from, to, referral.within_m);
                per_facility(
                    from_layer
                        .location_facility
                        .iter()
                        .copied()
                        .zip(by_location),
                    from_layer.len(),
                )
            };
            let straight_m = nearest(models.straight());
            let walk_m = models.walk().map(|w| nearest(w));
            let decisive = walk_m.as_ref().unwrap_or(&straight_m);
            let met = decisive.iter().map(|&d| d <= referral.within_m).collect();
            Ok(ReferralResult {
                referral: i,
                ids: from_layer.ids.clone(),
                names: (0..from_layer.len())
                    .map(|f| from_layer.name(f).map(str::to_string))
                    .collect(),
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
