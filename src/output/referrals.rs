//! `referrals.csv`: the referral-chain check of every `from` facility.

use super::atomic::ProtectedInputs;
use super::csv_file::{write_csv, CsvTarget};
use crate::analysis::referral::ReferralResult;
use crate::config::Policy;
use crate::format::spreadsheet_safe;
use std::io;

/// Writes one row per checked facility: from kind, facility id and name, to kind, reach, straight-line
/// and walking distance to the nearest referral facility (empty when none / not computed),
/// and whether one is within reach.
pub fn write_referrals_csv(
    csv: CsvTarget,
    protected: &ProtectedInputs,
    policy: &Policy,
    results: &[ReferralResult],
) -> io::Result<()> {
    write_csv(csv, protected, |w| {
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
        Ok(())
    })
}
