//! Where a walk from a block starts: the access points by which the block joins the streets
//! (its centroid's snap, or the nearest points of the streets along its outline), and the
//! facilities it reaches without crossing a street (the shortcut rule).

use super::straight::FacilityIndex;
use super::Measure;
use crate::algo::barriers::BarrierIndex;
use crate::algo::network::{nearest_on_outline, AccessPoints, OutlineSnapping, SnapIndex};
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
/// street nearest its centroid (the leg from the centroid); otherwise the nearest point of
/// every street edge within [`ACCESS_BAND_M`] of the nearest one, legs from the outline (see
/// [`SnapIndex::snap_outline`]), leaving out legs that cross a barrier. No leg exceeds
/// `max_snap_m`.
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
                    .map(|outline| streets.snap_outline_where(outline, &snapping, &open_leg))
                    .collect(),
            )
        }
    }
}

/// The facilities of `index` within `within_m` of block `b`'s outline that the block reaches
/// without crossing a street: inside the block, or the straight segment from the outline's
/// point nearest the facility to the facility meets nothing `blocked` reports (a street
/// edge or a barrier). As (facility, distance from the outline), nearest first (ties: lower facility),
/// each facility once at its nearest open location, at most `at_most` of them (the
/// nearest; the rest are not tested).
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
    near.sort_by(|x, y| x.2.total_cmp(&y.2).then(x.0.cmp(&y.0)));
    let mut found: Vec<(u32, f64)> = Vec::new();
    for (f, location, d) in near {
        if found.len() >= at_most {
            break;
        }
        let open = || d == 0.0 || !blocked(nearest_on_outline(outline, location), location);
        if !found.iter().any(|&(g, _)| g == f) && open() {
            found.push((f, d));
        }
    }
    found
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
