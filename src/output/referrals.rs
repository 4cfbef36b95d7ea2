//! `referrals.csv`: the referral-chain check of every `from` facility.

use super::atomic::{write_atomically, ProtectedInputs};
use crate::analysis::referral::ReferralResult;
use crate::config::Policy;
use crate::format::spreadsheet_safe;
use std::io;
use std::path::Path;

/// Writes one row per checked facility: from kind, facility id and name, to kind, reach, straight-line
/// and walking distance to the nearest referral facility (empty when none / not computed),
/// and whether one is within reach.
pub fn write_referrals_csv(
    path: &Path,
    protected: &ProtectedInputs,
    policy: &Policy,
    results: &[ReferralResult],
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "from",
            "facility_id",
            "facility_name",
            "to",
            "within_m",
            "straight_m",
            "walk_m",
            "referral_within_reach",
        ])?;
        let metres = |d: f64| {
            if d.is_finite() {
                format!("{d:.1}")
            } else {
                String::new()
            }
        };
        for result in results {
            let referral = &policy.referrals[result.referral];
            for (i, id) in result.ids.iter().enumerate() {
                w.write_record([
                    referral.from.as_str(),
                    &spreadsheet_safe(id),
                    &spreadsheet_safe(result.names[i].as_deref().unwrap_or_default()),
                    &referral.to,
                    &referral.within_m.to_string(),
                    &metres(result.straight_m[i]),
                    &result
                        .walk_m
                        .as_ref()
                        .map_or(String::new(), |w| metres(w[i])),
                    &result.met[i].to_string(),
                ])?;
            }
        }
        w.flush()
    })
}
