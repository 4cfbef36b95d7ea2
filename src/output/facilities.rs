//! `facilities.csv`: the load on every facility counted by a capacity requirement.

use super::atomic::{write_atomically, ProtectedInputs};
use crate::capacity::CapacityResult;
use crate::config::Policy;
use crate::dataset::Dataset;
use std::io;
use std::path::Path;

/// Writes one row per (capacity requirement, facility): circle, kind, facility id, capacity,
/// weighted elderly within reach and load (elderly per unit of capacity; empty for capacity 0).
pub fn write_facilities_csv(
    path: &Path,
    protected: &ProtectedInputs,
    policy: &Policy,
    dataset: &Dataset,
    results: &[CapacityResult],
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "circle",
            "kind",
            "facility_id",
            "capacity",
            "elderly_within_reach",
            "load",
        ])?;
        for result in results {
            let circle = &policy.circles[result.circle];
            let kind = &circle.requires[result.requirement].kind;
            let Some(layer) = dataset.layer(kind) else {
                continue;
            };
            for (i, &f) in result.facilities.iter().enumerate() {
                w.write_record([
                    circle.name.as_str(),
                    kind,
                    &layer.ids[f as usize],
                    &result.capacity[i].to_string(),
                    &format!("{:.1}", result.demand[i]),
                    &result.load[i]
                        .map(|l| format!("{l:.3}"))
                        .unwrap_or_default(),
                ])?;
            }
        }
        w.flush()
    })
}
