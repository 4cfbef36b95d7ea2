//! Policy evaluation, straight-line: for every block and requirement, the nearest matching
//! facility's distance, how many are within reach, and whether the requirement is met.
//!
//! One R-tree per requirement (its kind, filtered) holds the facilities' access locations;
//! blocks are evaluated in parallel, and results are plain vectors indexed by block, so they
//! do not depend on the thread count.

use crate::config::{Policy, Requirement};
use crate::dataset::{Dataset, FacilityLayer};
use crate::plane::Plane;
use geo::{Coord, Distance, Euclidean, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// Where a block's distances are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Measure {
    /// From the block's centroid.
    #[default]
    Centroid,
    /// From the block's outline: 0 when the facility is inside the block.
    Edge,
}

/// One requirement's results, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementCoverage {
    /// Facilities of the kind that pass the requirement's filter.
    pub facilities: usize,
    /// Distance to the nearest such facility in metres; infinite when there is none.
    pub nearest_m: Vec<f64>,
    /// Distinct facilities within reach; computed only when `min_count > 1`.
    pub count_within: Option<Vec<u32>>,
    /// Whether the requirement is met.
    pub met: Vec<bool>,
}

/// One circle's results, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleCoverage {
    /// Whether every requirement of the circle is met.
    pub met: Vec<bool>,
    /// Per requirement, in policy order.
    pub requirements: Vec<RequirementCoverage>,
}

/// The results of every circle, in policy order.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Per circle.
    pub circles: Vec<CircleCoverage>,
}

type Location = GeomWithData<[f64; 2], u32>;

/// The access locations of one layer's facilities that pass a requirement's filter, indexed.
pub struct FacilityIndex {
    tree: RTree<Location>,
    facilities: usize,
}

impl FacilityIndex {
    /// Indexes the locations (projected, from `locations`) of the layer's facilities that pass
    /// the requirement's filter.
    pub fn new(
        layer: &FacilityLayer,
        locations: &[Coord<f64>],
        requirement: &Requirement,
    ) -> FacilityIndex {
        let keep: Vec<bool> = layer
            .properties
            .iter()
            .map(|p| {
                requirement
                    .filter
                    .matches(|name| p.get(name).and_then(crate::config::filter::json_as_text))
            })
            .collect();
        let points: Vec<Location> = locations
            .iter()
            .zip(&layer.location_facility)
            .filter(|(_, &f)| keep[f as usize])
            .map(|(c, &f)| GeomWithData::new([c.x, c.y], f))
            .collect();
        FacilityIndex {
            tree: RTree::bulk_load(points),
            facilities: keep.iter().filter(|&&k| k).count(),
        }
    }

    /// Distance from a point to the nearest facility; infinite when there is none.
    pub fn nearest_from_point(&self, p: Coord<f64>) -> f64 {
        self.tree
            .nearest_neighbor(&[p.x, p.y])
            .map_or(f64::INFINITY, |l| {
                (l.geom()[0] - p.x).hypot(l.geom()[1] - p.y)
            })
    }

    /// Distance from an outline (0 inside) to the nearest facility; every point of the
    /// outline lies within `radius_m` of `centre`.
    pub fn nearest_from_outline(
        &self,
        outline: &MultiPolygon<f64>,
        centre: Coord<f64>,
        radius_m: f64,
    ) -> f64 {
        let mut best = f64::INFINITY;
        for (location, d2) in self
            .tree
            .nearest_neighbor_iter_with_distance_2(&[centre.x, centre.y])
        {
            // The outline is at least (centre distance − radius) away from this and every
            // later candidate.
            if d2.sqrt() - radius_m > best {
                break;
            }
            best = best.min(outline_distance(outline, location.geom()));
        }
        best
    }

    /// Distinct facilities with a location within `reach_m` of the point.
    pub fn count_from_point(&self, p: Coord<f64>, reach_m: f64) -> u32 {
        distinct(
            self.tree
                .locate_within_distance([p.x, p.y], reach_m * reach_m)
                .map(|l| l.data),
        )
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

fn outline_distance(outline: &MultiPolygon<f64>, location: &[f64; 2]) -> f64 {
    Euclidean.distance(outline, &Point::new(location[0], location[1]))
}

fn distinct(facilities: impl Iterator<Item = u32>) -> u32 {
    let mut ids: Vec<u32> = facilities.collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len() as u32
}

/// Evaluates one requirement for every block.
pub fn evaluate_requirement(
    requirement: &Requirement,
    index: &FacilityIndex,
    plane: &Plane,
    measure: Measure,
) -> RequirementCoverage {
    let blocks = plane.block_centroids.len();
    let want_count = requirement.min_count > 1;
    let per_block: Vec<(f64, u32)> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let centre = plane.block_centroids[b];
            let (outline, radius) = (&plane.block_outlines[b], plane.block_radius_m[b]);
            let nearest = match measure {
                Measure::Centroid => index.nearest_from_point(centre),
                Measure::Edge => index.nearest_from_outline(outline, centre, radius),
            };
            let count = match (want_count, measure) {
                (false, _) => u32::from(nearest <= requirement.reach_m),
                (true, Measure::Centroid) => index.count_from_point(centre, requirement.reach_m),
                (true, Measure::Edge) => {
                    index.count_from_outline(outline, centre, radius, requirement.reach_m)
                }
            };
            (nearest, count)
        })
        .collect();
    let met = per_block
        .iter()
        .map(|&(_, c)| c as usize >= requirement.min_count)
        .collect();
    RequirementCoverage {
        facilities: index.facilities,
        nearest_m: per_block.iter().map(|&(d, _)| d).collect(),
        count_within: want_count.then(|| per_block.iter().map(|&(_, c)| c).collect()),
        met,
    }
}

/// Evaluates every circle of the policy; an error names a required kind the dataset lacks.
pub fn evaluate(
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    measure: Measure,
) -> Result<Coverage, String> {
    policy.check_kinds(|kind| dataset.layer(kind).is_some())?;
    let circles = policy
        .circles
        .iter()
        .map(|circle| {
            let requirements: Vec<RequirementCoverage> = circle
                .requires
                .iter()
                .map(|requirement| {
                    let layer = dataset
                        .layers
                        .iter()
                        .position(|l| l.kind == requirement.kind)
                        .unwrap_or_default();
                    let index = FacilityIndex::new(
                        &dataset.layers[layer],
                        &plane.layer_locations[layer],
                        requirement,
                    );
                    evaluate_requirement(requirement, &index, plane, measure)
                })
                .collect();
            let blocks = plane.block_centroids.len();
            let met = (0..blocks)
                .map(|b| requirements.iter().all(|r| r.met[b]))
                .collect();
            CircleCoverage { met, requirements }
        })
        .collect();
    Ok(Coverage { circles })
}
