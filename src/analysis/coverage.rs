//! Policy evaluation, straight-line: for every block and requirement, the nearest matching
//! facility's distance, how many are within reach, and whether the requirement is met.
//!
//! One R-tree per requirement (its kind, filtered) holds the facilities' access locations;
//! blocks are evaluated in parallel, and results are plain vectors indexed by block, so they
//! do not depend on the thread count.

use crate::analysis::plane::Plane;
use crate::analysis::walking::WalkNetwork;
use crate::config::{Policy, Requirement};
use crate::dataset::{Dataset, FacilityLayer};
use geo::{Coord, Distance, Euclidean, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// Where a block's distances are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// From the block's centroid.
    #[default]
    Centroid,
    /// From the block's outline: 0 when the facility is inside the block.
    Edge,
    /// From the centroid, and also the share of each block's area within reach, which
    /// weights its elderly in the area-weighted figures (see [`crate::analysis::area`]).
    Area,
}

/// Distances of one kind (straight-line or walking) for one requirement, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct Distances {
    /// Distance to the nearest matching facility in metres; infinite when there is none
    /// (or, walking, none within the search limit).
    pub nearest_m: Vec<f64>,
    /// The nearest facility (index in its layer), when there is one.
    pub nearest_facility: Vec<Option<u32>>,
    /// Distinct facilities within reach; computed only when `min_count > 1`.
    pub count_within: Option<Vec<u32>>,
    /// Whether the requirement is met by these distances.
    pub met: Vec<bool>,
}

/// Which distances a report computes and shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistanceMode {
    /// Straight-line distances only.
    Straight,
    /// Walking distances over the street network decide; straight-line figures are not shown.
    Network,
    /// Walking distances decide; straight-line figures are shown beside them.
    Both,
}

impl DistanceMode {
    /// Whether walking distances are computed.
    pub fn walks(self) -> bool {
        self != DistanceMode::Straight
    }

    /// Whether straight-line figures are shown.
    pub fn shows_straight(self) -> bool {
        self != DistanceMode::Network
    }
}

/// One requirement's results.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementCoverage {
    /// Facilities of the kind that pass the requirement's filter.
    pub facilities: usize,
    /// Straight-line distances (always computed).
    pub straight: Distances,
    /// Walking distances, when a street network is used.
    pub walk: Option<Distances>,
}

impl RequirementCoverage {
    /// The distances that decide whether the requirement is met: walking when computed,
    /// straight-line otherwise.
    pub fn decisive(&self) -> &Distances {
        self.walk.as_ref().unwrap_or(&self.straight)
    }
}

/// One circle's results, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleCoverage {
    /// Whether every requirement of the circle is met (by walking distance when computed).
    pub met: Vec<bool>,
    /// Whether every requirement is met by straight-line distance.
    pub met_straight: Vec<bool>,
    /// Per requirement, in policy order.
    pub requirements: Vec<RequirementCoverage>,
}

impl CircleCoverage {
    /// A circle's results from its requirements'.
    pub fn from_requirements(requirements: Vec<RequirementCoverage>) -> CircleCoverage {
        let blocks = requirements.first().map_or(0, |r| r.straight.met.len());
        let all = |met: &dyn Fn(&RequirementCoverage) -> &Vec<bool>| -> Vec<bool> {
            (0..blocks)
                .map(|b| requirements.iter().all(|r| met(r)[b]))
                .collect()
        };
        CircleCoverage {
            met: all(&|r| &r.decisive().met),
            met_straight: all(&|r| &r.straight.met),
            requirements,
        }
    }
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
}

/// Which facilities of a layer pass a requirement's filter, by facility index.
pub fn matching_facilities(layer: &FacilityLayer, requirement: &Requirement) -> Vec<bool> {
    layer
        .properties
        .iter()
        .map(|p| {
            requirement
                .filter
                .matches(|name| p.get(name).and_then(crate::config::filter::json_as_text))
        })
        .collect()
}

impl FacilityIndex {
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
        let mut best: Option<(u32, f64)> = None;
        for (location, d2) in self
            .tree
            .nearest_neighbor_iter_with_distance_2(&[centre.x, centre.y])
        {
            // The outline is at least (centre distance − radius) away from this and every
            // later candidate.
            let best_m = best.map_or(f64::INFINITY, |(_, d)| d);
            if d2.sqrt() - radius_m > best_m {
                break;
            }
            let d = outline_distance(outline, location.geom());
            // Ties go to the lower facility index, whatever the R-tree's order.
            if d < best_m || (d == best_m && best.is_some_and(|(f, _)| location.data < f)) {
                best = Some((location.data, d));
            }
        }
        best
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

/// Straight-line distances of one requirement for every block.
pub fn evaluate_requirement(
    requirement: &Requirement,
    index: &FacilityIndex,
    plane: &Plane,
    measure: Measure,
) -> Distances {
    let blocks = plane.block_centroids.len();
    let want_count = requirement.min_count > 1;
    let per_block: Vec<(Option<(u32, f64)>, u32)> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let centre = plane.block_centroids[b];
            let (outline, radius) = (&plane.block_outlines[b], plane.block_radius_m[b]);
            let nearest = match measure {
                Measure::Centroid | Measure::Area => index.nearest_from_point(centre),
                Measure::Edge => index.nearest_from_outline(outline, centre, radius),
            };
            let nearest_m = nearest.map_or(f64::INFINITY, |(_, d)| d);
            let count = match (want_count, measure) {
                (false, _) => u32::from(nearest_m <= requirement.reach_m),
                (true, Measure::Centroid | Measure::Area) => {
                    index.count_from_point(centre, requirement.reach_m)
                }
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
    Distances {
        nearest_m: per_block
            .iter()
            .map(|&(n, _)| n.map_or(f64::INFINITY, |(_, d)| d))
            .collect(),
        nearest_facility: per_block.iter().map(|&(n, _)| n.map(|(f, _)| f)).collect(),
        count_within: want_count.then(|| per_block.iter().map(|&(_, c)| c).collect()),
        met,
    }
}

/// Evaluates every circle of the policy by straight-line distance and, when `walk` is given,
/// by walking distance too (which then decides whether requirements are met). An error names
/// a required kind the dataset lacks.
pub fn evaluate(
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    measure: Measure,
    walk: Option<&WalkNetwork>,
) -> Result<Coverage, String> {
    policy
        .check_kinds(|kind| dataset.layer(kind).is_some())
        .map_err(|e| e.to_string())?;
    let mut circles = Vec::with_capacity(policy.circles.len());
    for circle in &policy.circles {
        let mut requirements = Vec::with_capacity(circle.requires.len());
        for requirement in &circle.requires {
            let layer = dataset
                .layers
                .iter()
                .position(|l| l.kind == requirement.kind)
                .ok_or_else(|| format!("no layer for kind `{}`", requirement.kind))?;
            let keep = matching_facilities(&dataset.layers[layer], requirement);
            let index =
                FacilityIndex::new(&dataset.layers[layer], &plane.layer_locations[layer], &keep);
            requirements.push(RequirementCoverage {
                facilities: keep.iter().filter(|&&k| k).count(),
                straight: evaluate_requirement(requirement, &index, plane, measure),
                walk: walk.map(|w| w.distances(requirement, dataset, layer, &keep)),
            });
        }
        circles.push(CircleCoverage::from_requirements(requirements));
    }
    Ok(Coverage { circles })
}
