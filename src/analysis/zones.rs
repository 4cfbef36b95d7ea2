//! Gap zones: where the blocks outside each circle cluster, ranked by uncovered elderly, with
//! the requirements they fail and the nearest existing facility.

use crate::algo::linkage::gap_zones;
use crate::analysis::coverage::{CircleCoverage, Coverage};
use crate::analysis::plane::Plane;
use crate::config::{Circle, Policy};
use crate::dataset::Dataset;
use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Serialize;

/// Zone outlines are buffered outward by this much so that they read on a map.
pub const ZONE_BUFFER_M: f64 = 20.0;

/// One gap zone of one circle.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedZone {
    /// The circle the zone's blocks are outside of.
    pub circle: String,
    /// 1 for the zone with the most uncovered elderly in its circle.
    pub rank: usize,
    /// Blocks in the zone.
    pub blocks: usize,
    /// Elderly people in the zone.
    pub elderly: f64,
    /// Residents in the zone, when known.
    pub residents: Option<f64>,
    /// Each failing requirement's kind with the number of the zone's blocks failing it, most
    /// failed first.
    pub failing: Vec<(String, usize)>,
    /// The most failed requirement's nearest facility to the zone: kind, id, metres (walking
    /// when computed).
    pub nearest: Option<(String, String, f64)>,
    /// The zone outline in the plane's metres.
    pub outline: MultiPolygon<f64>,
}

/// A gap zone's figures, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneSummary {
    /// The circle.
    pub circle: String,
    /// Rank within the circle by uncovered elderly.
    pub rank: usize,
    /// Blocks in the zone.
    pub blocks: usize,
    /// Elderly people in the zone.
    pub elderly_uncovered: f64,
    /// Residents in the zone, when known.
    pub residents_uncovered: Option<f64>,
    /// The failing requirements, most failed first: `care_bed (12 blocks), …`.
    pub failing: String,
    /// The most failed requirement's kind.
    pub nearest_kind: Option<String>,
    /// Its nearest facility to the zone.
    pub nearest_facility_id: Option<String>,
    /// That facility's distance from the nearest block of the zone, in metres.
    pub nearest_m: Option<f64>,
}

impl RankedZone {
    /// The zone's figures without its outline.
    pub fn summary(&self) -> ZoneSummary {
        ZoneSummary {
            circle: self.circle.clone(),
            rank: self.rank,
            blocks: self.blocks,
            elderly_uncovered: self.elderly,
            residents_uncovered: self.residents,
            failing: self.failing_text(),
            nearest_kind: self.nearest.as_ref().map(|n| n.0.clone()),
            nearest_facility_id: self.nearest.as_ref().map(|n| n.1.clone()),
            nearest_m: self.nearest.as_ref().map(|n| (n.2 * 10.0).round() / 10.0),
        }
    }

    /// `care_bed (12 blocks), responder (3 blocks)`.
    pub fn failing_text(&self) -> String {
        let parts: Vec<String> = self
            .failing
            .iter()
            .map(|(kind, n)| {
                let plural = if *n == 1 { "" } else { "s" };
                format!(
                    "{kind} ({} block{plural})",
                    crate::format::thousands(*n as f64)
                )
            })
            .collect();
        parts.join(", ")
    }
}

/// A failing requirement's kind with its failing blocks, and the nearest facility.
type FailingAndNearest = (Vec<(String, usize)>, Option<(String, String, f64)>);

/// The requirements of `circle` a zone's `members` fail (kind, blocks failing), most failed
/// first, and the most failed requirement's nearest facility to the zone.
fn failing_and_nearest(
    circle: &Circle,
    cc: &CircleCoverage,
    dataset: &Dataset,
    members: &[u32],
) -> FailingAndNearest {
    let mut failing: Vec<(usize, String, usize)> = circle
        .requires
        .iter()
        .zip(&cc.requirements)
        .enumerate()
        .map(|(i, (r, rc))| {
            let met = &rc.decisive().met;
            (
                i,
                r.kind.clone(),
                members.iter().filter(|&&b| !met[b as usize]).count(),
            )
        })
        .filter(|(_, _, n)| *n > 0)
        .collect();
    failing.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let nearest = failing.first().and_then(|&(i, ref kind, _)| {
        let distances = cc.requirements[i].decisive();
        let layer = dataset.layer(kind)?;
        members
            .iter()
            .filter_map(|&b| {
                let f = distances.nearest_facility[b as usize]?;
                Some((distances.nearest_m[b as usize], f))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(d, f)| (kind.clone(), layer.ids[f as usize].clone(), d))
    });
    let failing = failing.into_iter().map(|(_, k, n)| (k, n)).collect();
    (failing, nearest)
}

/// The gap zones of every circle: blocks outside the circle whose centroids lie within the
/// circle's smallest reach of each other (transitively) form one zone. Zones are ranked by
/// uncovered elderly within their circle (ties: first block), circles in policy order.
pub fn ranked_gap_zones(
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    coverage: &Coverage,
) -> Vec<RankedZone> {
    let blocks = &dataset.blocks;
    let mut zones = Vec::new();
    for (circle, cc) in policy.circles.iter().zip(&coverage.circles) {
        let outside: Vec<u32> = (0..blocks.len() as u32)
            .filter(|&b| !cc.met[b as usize])
            .collect();
        let link_m = circle
            .requires
            .iter()
            .map(|r| r.reach_m)
            .fold(f64::INFINITY, f64::min);
        let clusters = gap_zones(
            &plane.block_centroids,
            &plane.block_outlines,
            &outside,
            link_m,
            ZONE_BUFFER_M,
        );
        let mut circle_zones: Vec<(f64, u32, RankedZone)> = clusters
            .into_par_iter()
            .map(|cluster| {
                let members = &cluster.blocks;
                let elderly: f64 = members.iter().map(|&b| blocks.elderly[b as usize]).sum();
                let residents = blocks
                    .residents
                    .as_ref()
                    .map(|r| members.iter().map(|&b| r[b as usize]).sum());
                let (failing, nearest) = failing_and_nearest(circle, cc, dataset, members);
                let zone = RankedZone {
                    circle: circle.name.clone(),
                    rank: 0,
                    blocks: members.len(),
                    elderly,
                    residents,
                    failing,
                    nearest,
                    outline: cluster.outline,
                };
                (elderly, members[0], zone)
            })
            .collect();
        circle_zones.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (rank, (_, _, mut zone)) in circle_zones.into_iter().enumerate() {
            zone.rank = rank + 1;
            zones.push(zone);
        }
    }
    zones
}
