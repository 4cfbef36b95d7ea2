//! Service areas: for every requirement and every facility it keeps, the street pieces
//! within the requirement's reach on foot (its walkable catchment), in the plane's metres.

use crate::algo::network::CatchmentScratch;
use crate::analysis::distance::walking::WalkNetwork;
use crate::analysis::requirements::{RequirementId, Requirements};
use geo::LineString;
use rayon::prelude::*;

/// One street piece within reach of a facility.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAreaPiece {
    /// The requirement.
    pub requirement: RequirementId,
    /// The facility (index in the requirement's layer).
    pub facility: u32,
    /// The piece's line in the plane's metres.
    pub line: LineString<f64>,
    /// Walking distance at its start, in metres.
    pub from_dist_m: f64,
    /// Walking distance at its end, in metres.
    pub to_dist_m: f64,
}

/// Every facility's catchment on foot, computed in parallel, in a fixed order
/// (requirement, facility, edge).
pub fn service_areas(requirements: &Requirements, network: &WalkNetwork) -> Vec<ServiceAreaPiece> {
    let tasks: Vec<(RequirementId, f64, u32, Vec<_>)> = requirements
        .iter()
        .flat_map(|resolved| {
            network
                .entrances(resolved)
                .into_iter()
                .map(|(facility, snaps)| {
                    (resolved.id, resolved.requirement.reach_m, facility, snaps)
                })
        })
        .collect();
    tasks
        .par_iter()
        .map_init(
            CatchmentScratch::new,
            |scratch, (requirement, reach_m, facility, snaps)| {
                network
                    .catchment(snaps, *reach_m, scratch)
                    .into_iter()
                    .map(|(line, from_dist_m, to_dist_m)| ServiceAreaPiece {
                        requirement: *requirement,
                        facility: *facility,
                        line,
                        from_dist_m,
                        to_dist_m,
                    })
                    .collect::<Vec<_>>()
            },
        )
        .flatten_iter()
        .collect()
}
