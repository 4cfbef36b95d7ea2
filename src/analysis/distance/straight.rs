//! Straight-line distances in the plane: the R-tree of a requirement's facility locations
//! ([`FacilityIndex`], built once per requirement) and the straight-line [`DistanceModel`].
//!
//! Blocks are evaluated in parallel, and results are plain vectors indexed by block, so they
//! do not depend on the thread count.

use super::{DistanceModel, Distances, Measure};
use crate::algo::floating_catchment::Pair;
use crate::analysis::plane::Plane;
use crate::analysis::requirements::ResolvedRequirement;
use crate::dataset::{Dataset, FacilityLayer};
use geo::{Coord, Distance, Euclidean, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::borrow::Cow;
use std::ops::Range;

type Location = GeomWithData<[f64; 2], u32>;

/// The access locations of one layer's facilities that pass a requirement's filter, indexed.
#[derive(Clone)]
pub struct FacilityIndex {
    tree: RTree<Location>,
}

impl FacilityIndex {
    /// Indexes points in the plane, each its own facility (its index in `points`).
    pub fn from_points(points: &[Coord<f64>]) -> FacilityIndex {
        let locations = points
            .iter()
            .enumerate()
            .map(|(i, c)| GeomWithData::new([c.x, c.y], i as u32))
            .collect();
        FacilityIndex {
            tree: RTree::bulk_load(locations),
        }
    }

    /// Indexes the locations (projected, from `locations`) of the layer's facilities marked
    /// in `keep`.
    pub fn new(layer: &FacilityLayer, locations: &[Coord<f64>], keep: &[bool]) -> FacilityIndex {
        let points: Vec<Location> = locations
            .iter()
            .zip(&layer.location_facility)
            .filter(|(_, &f)| keep[f as usize])
            .map(|(c, &f)| GeomWithData::new([c.x, c.y], f))
            .collect();
        FacilityIndex {
            tree: RTree::bulk_load(points),
        }
    }

    /// The requirement's index restricted to its facilities in `facilities` (the
    /// requirement's own index when the range holds them all).
    pub fn of_range<'r>(
        resolved: &'r ResolvedRequirement,
        plane: &Plane,
        facilities: Range<u32>,
    ) -> Cow<'r, FacilityIndex> {
        if facilities.start == 0 && facilities.end as usize >= resolved.layer.len() {
            return Cow::Borrowed(&resolved.index);
        }
        let keep: Vec<bool> = (0..resolved.layer.len() as u32)
            .map(|f| facilities.contains(&f) && resolved.keep[f as usize])
            .collect();
        Cow::Owned(FacilityIndex::new(
            resolved.layer,
            &plane.layer_locations[resolved.layer_index],
            &keep,
        ))
    }

    /// The nearest facility to a point and its distance; `None` when there is none.
    pub fn nearest_from_point(&self, p: Coord<f64>) -> Option<(u32, f64)> {
        self.tree
            .nearest_neighbor(&[p.x, p.y])
            .map(|l| (l.data, (l.geom()[0] - p.x).hypot(l.geom()[1] - p.y)))
    }

    /// The nearest facility to an outline and its distance (0 inside); every point of the
    /// outline lies within `radius_m` of `centre`. `None` when there is no facility.
    pub fn nearest_from_outline(
        &self,
        outline: &MultiPolygon<f64>,
        centre: Coord<f64>,
        radius_m: f64,
    ) -> Option<(u32, f64)> {
        self.kth_from_outline(outline, centre, radius_m, 1)
    }

    /// The `k`-th nearest distinct facility to a point and its distance (ties by facility
    /// index); `None` when there are fewer than `k`.
    pub fn kth_from_point(&self, p: Coord<f64>, k: usize) -> Option<(u32, f64)> {
        let by_distance = self.tree.nearest_neighbor_iter_with_distance_2(&[p.x, p.y]);
        kth_nearest(k, by_distance, 0.0, |l| {
            (l.geom()[0] - p.x).hypot(l.geom()[1] - p.y)
        })
    }

    /// The `k`-th nearest distinct facility to an outline (every point of which lies within
    /// `radius_m` of `centre`) and its distance, 0 inside (ties by facility index); `None`
    /// when there are fewer than `k`.
    pub fn kth_from_outline(
        &self,
        outline: &MultiPolygon<f64>,
        centre: Coord<f64>,
        radius_m: f64,
        k: usize,
    ) -> Option<(u32, f64)> {
        let by_centre = self
            .tree
            .nearest_neighbor_iter_with_distance_2(&[centre.x, centre.y]);
        kth_nearest(k, by_centre, radius_m, |l| {
            outline_distance(outline, l.geom())
        })
    }

    /// Every location (of any facility) within `distance_m` of the point.
    pub fn locations_within(&self, p: Coord<f64>, distance_m: f64) -> Vec<Coord<f64>> {
        self.tree
            .locate_within_distance([p.x, p.y], distance_m * distance_m)
            .map(|l| Coord {
                x: l.geom()[0],
                y: l.geom()[1],
            })
            .collect()
    }

    /// Every facility with a location within `reach_m` of the point, with its nearest
    /// location's distance, by facility index.
    pub fn within_from_point(&self, p: Coord<f64>, reach_m: f64) -> Vec<(u32, f64)> {
        let mut found: Vec<(u32, f64)> = self
            .tree
            .locate_within_distance([p.x, p.y], reach_m * reach_m)
            .map(|l| (l.data, (l.geom()[0] - p.x).hypot(l.geom()[1] - p.y)))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        found.dedup_by_key(|(f, _)| *f);
        found
    }

    /// Distinct facilities with a location within `reach_m` of the point.
    pub fn count_from_point(&self, p: Coord<f64>, reach_m: f64) -> u32 {
        distinct(
            self.tree
                .locate_within_distance([p.x, p.y], reach_m * reach_m)
                .map(|l| l.data),
        )
    }

    /// Every location within `reach_m` of the outline (every point of which lies within
    /// `radius_m` of `centre`), as (facility, location, distance from the outline; 0 inside).
    pub fn locations_near_outline(
        &self,
        outline: &MultiPolygon<f64>,
        centre: Coord<f64>,
        radius_m: f64,
        reach_m: f64,
    ) -> Vec<(u32, Coord<f64>, f64)> {
        let search = reach_m + radius_m;
        self.tree
            .locate_within_distance([centre.x, centre.y], search * search)
            .map(|l| {
                let location = Coord {
                    x: l.geom()[0],
                    y: l.geom()[1],
                };
                (l.data, location, outline_distance(outline, l.geom()))
            })
            .filter(|&(_, _, d)| d <= reach_m)
            .collect()
    }

    /// Distinct facilities with a location within `reach_m` of the outline.
    pub fn count_from_outline(
        &self,
        outline: &MultiPolygon<f64>,
        centre: Coord<f64>,
        radius_m: f64,
        reach_m: f64,
    ) -> u32 {
        let search = reach_m + radius_m;
        distinct(
            self.tree
                .locate_within_distance([centre.x, centre.y], search * search)
                .filter(|l| outline_distance(outline, l.geom()) <= reach_m)
                .map(|l| l.data),
        )
    }
}

/// The `k`-th nearest distinct facility among locations coming nearest first by a
/// distance that is within `slack_m` of the `distance` that counts (ties: lower facility).
fn kth_nearest<'t>(
    k: usize,
    by_centre: impl Iterator<Item = (&'t Location, f64)>,
    slack_m: f64,
    distance: impl Fn(&Location) -> f64,
) -> Option<(u32, f64)> {
    if k == 0 {
        return None;
    }
    // The k nearest distinct facilities so far, nearest first.
    let mut found: Vec<(u32, f64)> = Vec::with_capacity(k + 1);
    for (location, d2) in by_centre {
        // This and every later location are at least this far.
        let kth_m = found.get(k - 1).map_or(f64::INFINITY, |f| f.1);
        if d2.sqrt() - slack_m > kth_m {
            break;
        }
        found.push((location.data, distance(location)));
        crate::algo::network::keep_nearest_distinct(&mut found, k);
    }
    found.get(k - 1).copied()
}

fn outline_distance(outline: &MultiPolygon<f64>, location: &[f64; 2]) -> f64 {
    Euclidean.distance(outline, &Point::new(location[0], location[1]))
}

fn distinct(facilities: impl Iterator<Item = u32>) -> u32 {
    let mut ids: Vec<u32> = facilities.collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len() as u32
}

/// Every (block, facility) pair within `reach_m` of the block centroids of `blocks`, by
/// straight line, each with the facility's nearest location; sorted by block, then facility.
fn straight_pairs(index: &FacilityIndex, plane: &Plane, blocks: &[u32], reach_m: f64) -> Vec<Pair> {
    blocks
        .par_iter()
        .flat_map_iter(|&b| {
            index
                .within_from_point(plane.block_centroids[b as usize], reach_m)
                .into_iter()
                .map(move |(facility, distance_m)| Pair {
                    block: b,
                    facility,
                    distance_m,
                })
        })
        .collect()
}

/// Straight-line distances in a plane, from block centroids or outlines.
pub struct StraightLine<'a> {
    plane: &'a Plane,
    measure: Measure,
}

impl<'a> StraightLine<'a> {
    /// Distances in `plane`, measured from where `measure` says.
    pub fn new(plane: &'a Plane, measure: Measure) -> StraightLine<'a> {
        StraightLine { plane, measure }
    }

    /// The `k`-th nearest facility of `index` to block `b` (`k` > 1).
    fn kth(&self, index: &FacilityIndex, b: usize, k: usize) -> Option<(u32, f64)> {
        let plane = self.plane;
        let centre = plane.block_centroids[b];
        match self.measure {
            Measure::Centroid | Measure::Area => index.kth_from_point(centre, k),
            Measure::Edge => {
                index.kth_from_outline(&plane.block_outlines[b], centre, plane.block_radius_m[b], k)
            }
        }
    }

    /// The nearest facility of `index` to block `b` and how many are within `reach_m`
    /// (counted only when `count` is set, else 1 when the nearest is within reach).
    fn block(
        &self,
        index: &FacilityIndex,
        b: usize,
        reach_m: f64,
        count: bool,
    ) -> (Option<(u32, f64)>, u32) {
        let plane = self.plane;
        let centre = plane.block_centroids[b];
        let (outline, radius) = (&plane.block_outlines[b], plane.block_radius_m[b]);
        let nearest = match self.measure {
            Measure::Centroid | Measure::Area => index.nearest_from_point(centre),
            Measure::Edge => index.nearest_from_outline(outline, centre, radius),
        };
        let nearest_m = nearest.map_or(f64::INFINITY, |(_, d)| d);
        let within = match (count, self.measure) {
            (false, _) => u32::from(nearest_m <= reach_m),
            (true, Measure::Centroid | Measure::Area) => index.count_from_point(centre, reach_m),
            (true, Measure::Edge) => index.count_from_outline(outline, centre, radius, reach_m),
        };
        (nearest, within)
    }
}

impl DistanceModel for StraightLine<'_> {
    fn distances(&self, resolved: &ResolvedRequirement) -> Distances {
        let requirement = resolved.requirement;
        let want_count = requirement.min_count > 1;
        let per_block: Vec<(Option<(u32, f64)>, u32)> = (0..self.plane.block_centroids.len())
            .into_par_iter()
            .map(|b| self.block(&resolved.index, b, requirement.reach_m, want_count))
            .collect();
        Distances {
            nearest_m: per_block
                .iter()
                .map(|&(n, _)| n.map_or(f64::INFINITY, |(_, d)| d))
                .collect(),
            nearest_facility: per_block.iter().map(|&(n, _)| n.map(|(f, _)| f)).collect(),
            met: per_block
                .iter()
                .map(|&(_, c)| c as usize >= requirement.min_count)
                .collect(),
            count_within: want_count.then(|| per_block.iter().map(|&(_, c)| c).collect()),
            kth_nearest: want_count.then(|| {
                (0..per_block.len())
                    .into_par_iter()
                    .map(|b| self.kth(&resolved.index, b, requirement.min_count))
                    .collect()
            }),
        }
    }

    fn pairs_within(&self, resolved: &ResolvedRequirement, facilities: Range<u32>) -> Vec<Pair> {
        let blocks: Vec<u32> = (0..self.plane.block_centroids.len() as u32).collect();
        straight_pairs(
            FacilityIndex::of_range(resolved, self.plane, facilities).as_ref(),
            self.plane,
            &blocks,
            resolved.requirement.reach_m,
        )
    }

    fn pairs_from_points(&self, points: &[Coord<f64>], blocks: &[u32], reach_m: f64) -> Vec<Pair> {
        straight_pairs(
            &FacilityIndex::from_points(points),
            self.plane,
            blocks,
            reach_m,
        )
    }

    fn nearest_between_layers(
        &self,
        dataset: &Dataset,
        from: usize,
        to: usize,
        _within_m: f64,
    ) -> Vec<f64> {
        let to_layer = &dataset.layers[to];
        let index = FacilityIndex::new(
            to_layer,
            &self.plane.layer_locations[to],
            &vec![true; to_layer.len()],
        );
        self.plane.layer_locations[from]
            .iter()
            .map(|c| {
                index
                    .nearest_from_point(*c)
                    .map_or(f64::INFINITY, |(_, d)| d)
            })
            .collect()
    }
}
