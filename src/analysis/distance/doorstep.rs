//! Where a walk from a block starts: the access points by which the block joins the streets
//! (its centroid's snap, its entrances' snaps, or the nearest points of the streets along its
//! outline), and the facilities it reaches without crossing a street or a barrier (the
//! shortcut rule).

use super::straight::FacilityIndex;
use super::Measure;
use crate::algo::barriers::BarrierIndex;
use crate::algo::network::{nearest_on_outline, AccessPoints, OutlineSnapping, Snap, SnapIndex};
use crate::analysis::plane::Plane;
use geo::Coord;
use rayon::prelude::*;

/// Street edges up to this much farther from a block's outline than the nearest one also
/// join the block (`--measure edge` and `area`): the streets on its other sides.
pub const ACCESS_BAND_M: f64 = 30.0;

/// At most this many access points per block (the shortest legs): a block with streets on
/// four sides keeps the two ends of the stretch facing each, and the walking search stays
/// cheap.
pub const MAX_ACCESS_POINTS: usize = 8;

/// Where each block joins the streets: under `--measure centroid` the nearest point of the
/// street nearest its centroid (the leg from the centroid). Otherwise, a block with
/// entrances joins at the nearest street point of each entrance (legs from the entrances,
/// see [`entrance_access`]); any other block at the nearest point of every street edge
/// within [`ACCESS_BAND_M`] of the nearest one, legs from the outline (see
/// [`SnapIndex::snap_outline`]), leaving out legs that cross a barrier. No leg exceeds
/// `max_snap_m`; at most [`MAX_ACCESS_POINTS`] per block, shortest first.
pub fn block_access(
    streets: &SnapIndex,
    plane: &Plane,
    measure: Measure,
    max_snap_m: f64,
    barriers: &BarrierIndex,
) -> AccessPoints {
    match measure {
        Measure::Centroid => {
            AccessPoints::from_snaps(&streets.snap_points(&plane.block_centroids, max_snap_m))
        }
        Measure::Edge | Measure::Area => {
            let snapping = OutlineSnapping {
                max_snap_m,
                band_m: ACCESS_BAND_M,
                max_points: MAX_ACCESS_POINTS,
            };
            let open_leg = |from, to| !barriers.crosses(from, to);
            AccessPoints::from_lists(
                plane
                    .block_outlines
                    .par_iter()
                    .zip(&plane.block_entrances)
                    .map(|(outline, entrances)| match entrances.is_empty() {
                        true => (streets.snap_outline(outline, &snapping, &open_leg), true),
                        false => (entrance_access(streets, entrances, max_snap_m), false),
                    })
                    .collect(),
            )
        }
    }
}

/// A block's access points at its entrances: each entrance snapped to its nearest street
/// edge (within `max_snap_m`), the leg from the entrance; shortest leg first (ties: lower
/// edge, then offset), at most [`MAX_ACCESS_POINTS`]. Each entrance is a point of its own,
/// never the end of a stretch (see [`AccessPoints::stretches`]).
pub fn entrance_access(
    streets: &SnapIndex,
    entrances: &[Coord<f64>],
    max_snap_m: f64,
) -> Vec<Snap> {
    let mut snaps: Vec<Snap> = streets
        .snap_points(entrances, max_snap_m)
        .into_iter()
        .flatten()
        .collect();
    snaps.sort_by(|x, y| {
        x.leg_m
            .total_cmp(&y.leg_m)
            .then(x.edge.cmp(&y.edge))
            .then(x.offset_m.total_cmp(&y.offset_m))
    });
    snaps.dedup_by(|x, y| x.edge == y.edge && x.offset_m == y.offset_m && x.leg_m == y.leg_m);
    snaps.truncate(MAX_ACCESS_POINTS);
    snaps
}

/// The facilities of `index` within `within_m` of block `b` that the block reaches without
/// crossing a street: inside the block, or the straight segment from where the block is left
/// to the facility meets nothing `blocked` reports (a street edge or a barrier). A block is
/// left at its outline's point nearest the facility, or, when it has entrances, at the
/// entrance nearest the facility; the distance is from there (never less than from the
/// outline, so walking is never shorter than the straight line from it). As (facility,
/// distance), nearest first (ties: lower facility), each facility once at its nearest open
/// location, at most `at_most` of them (the nearest; the rest are not tested).
pub fn shortcuts(
    plane: &Plane,
    index: &FacilityIndex,
    b: usize,
    (within_m, at_most): (f64, usize),
    blocked: &(dyn Fn(Coord<f64>, Coord<f64>) -> bool + Sync),
) -> Vec<(u32, f64)> {
    let outline = &plane.block_outlines[b];
    let mut near = index.locations_near_outline(
        outline,
        plane.block_centroids[b],
        plane.block_radius_m[b],
        within_m,
    );
    let entrances = &plane.block_entrances[b];
    if !entrances.is_empty() {
        for (_, location, d) in near.iter_mut().filter(|n| n.2 > 0.0) {
            *d = d.max(nearest_entrance(entrances, *location).1);
        }
        near.retain(|n| n.2 <= within_m);
    }
    near.sort_by(|x, y| x.2.total_cmp(&y.2).then(x.0.cmp(&y.0)));
    let start = |location| match entrances.is_empty() {
        true => nearest_on_outline(outline, location),
        false => nearest_entrance(entrances, location).0,
    };
    let mut found: Vec<(u32, f64)> = Vec::new();
    for (f, location, d) in near {
        if found.len() >= at_most {
            break;
        }
        let open = || d == 0.0 || !blocked(start(location), location);
        if !found.iter().any(|&(g, _)| g == f) && open() {
            found.push((f, d));
        }
    }
    found
}

/// The entrance nearest `p` (the first of equals) and its distance.
fn nearest_entrance(entrances: &[Coord<f64>], p: Coord<f64>) -> (Coord<f64>, f64) {
    entrances
        .iter()
        .map(|&e| (e, (e - p).x.hypot((e - p).y)))
        .fold(
            (p, f64::INFINITY),
            |best, e| if e.1 < best.1 { e } else { best },
        )
}

/// The lowest-numbered barrier that the straight line from block `b`'s outline to its
/// nearest facility of `index` within `within_m` crosses (from the outline's point nearest
/// the facility; ties: lower facility); `None` when no facility is that near, it is inside
/// the block, or the line meets no barrier.
pub fn barrier_between(
    plane: &Plane,
    index: &FacilityIndex,
    barriers: &BarrierIndex,
    b: usize,
    within_m: f64,
) -> Option<u32> {
    if barriers.is_empty() {
        return None;
    }
    let outline = &plane.block_outlines[b];
    let (_, location, d) = index
        .locations_near_outline(
            outline,
            plane.block_centroids[b],
            plane.block_radius_m[b],
            within_m,
        )
        .into_iter()
        .min_by(|x, y| x.2.total_cmp(&y.2).then(x.0.cmp(&y.0)))?;
    if d == 0.0 {
        return None;
    }
    barriers.crossed(nearest_on_outline(outline, location), location)
}
