//! `sites.geojson` (the suggested sites, ranked) and `sites.csv` (the coverage curve).

use super::atomic::{write_atomically, ProtectedInputs};
use super::geojson::{self, Value};
use crate::site::Suggestion;
use geo::{Geometry, Point};
use std::io::{self, Write};
use std::path::Path;

/// The properties of every suggested site feature, in order.
pub const SITE_FIELDS: [&str; 6] = [
    "rank",
    "candidate_id",
    "marginal_elderly",
    "cumulative_elderly",
    "newly_covered_blocks",
    "newly_covered_ids",
];

/// Writes one Point feature per suggested site: rank, candidate id, the elderly it newly
/// covers (marginal), the running total, and the blocks it newly covers.
pub fn write_sites_geojson(
    path: &Path,
    protected: &ProtectedInputs,
    suggestion: &Suggestion,
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        geojson::write_header(out)?;
        let mut buf = Vec::new();
        for (rank, choice) in suggestion.choices.iter().enumerate() {
            let candidate = &suggestion.candidates[choice.candidate as usize];
            let ids: Vec<&str> = choice
                .newly_covered
                .iter()
                .map(|&d| suggestion.demand_ids[d as usize].as_str())
                .collect();
            let ids = ids.join(",");
            let properties = [
                ("rank", Value::Int(rank as i64 + 1)),
                ("candidate_id", Value::Str(&candidate.id)),
                ("marginal_elderly", Value::Num(choice.marginal)),
                ("cumulative_elderly", Value::Num(choice.cumulative)),
                (
                    "newly_covered_blocks",
                    Value::Int(choice.newly_covered.len() as i64),
                ),
                ("newly_covered_ids", Value::Str(&ids)),
            ];
            debug_assert!(properties.iter().map(|p| p.0).eq(SITE_FIELDS));
            buf.clear();
            geojson::push_feature(
                &mut buf,
                rank == 0,
                &properties,
                &Geometry::Point(Point(candidate.position)),
            );
            out.write_all(&buf)?;
        }
        geojson::write_footer(out)
    })
}

/// Writes the coverage curve: for 0, 1, 2 … new sites, the elderly meeting the requirement
/// and their share of all elderly, with the site added at each step.
pub fn write_sites_csv(
    path: &Path,
    protected: &ProtectedInputs,
    suggestion: &Suggestion,
    curve: &[(usize, f64, f64)],
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "sites",
            "candidate_id",
            "marginal_elderly",
            "elderly_covered",
            "share",
        ])?;
        for &(sites, covered, share) in curve {
            let choice = sites.checked_sub(1).map(|i| &suggestion.choices[i]);
            w.write_record([
                sites.to_string(),
                choice.map_or(String::new(), |c| {
                    suggestion.candidates[c.candidate as usize].id.clone()
                }),
                choice.map_or(String::new(), |c| c.marginal.to_string()),
                covered.to_string(),
                format!("{share:.6}"),
            ])?;
        }
        w.flush()
    })
}
