//! Area-weighted coverage (`--measure area`): the share of each block's area that lies within
//! reach of the facilities, straight-line, which weights the block's elderly.
//!
//! Large demand polygons (a whole village or estate) are often only partly inside a circle;
//! counting the covered share of their area beside the centroid figure shows how much the
//! choice matters. A requirement's covered region is the block ∩ the union of discs of its
//! reach around the matching facilities; a circle's is the intersection of its requirements'.
//! Requirements with `min_count > 1` count the whole block or nothing, by the centroid.

use crate::analysis::coverage::Coverage;
use crate::analysis::distance::straight::FacilityIndex;
use crate::analysis::plane::Plane;
use crate::analysis::requirements::{Requirements, ResolvedRequirement};
use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;

/// Disc polygons stay within this distance (metres) of the true circle.
pub const DISC_TOLERANCE_M: f64 = 0.01;

/// A polygon with its vertices on the circle, dense enough that its edges stay within
/// [`DISC_TOLERANCE_M`] of the circle.
pub fn disc(centre: Coord<f64>, radius_m: f64) -> Polygon<f64> {
    let step = 2.0 * (1.0 - DISC_TOLERANCE_M / radius_m).clamp(-1.0, 1.0).acos();
    let vertices = ((std::f64::consts::TAU / step).ceil() as usize).clamp(16, 4096);
    let ring: Vec<Coord<f64>> = (0..=vertices)
        .map(|i| {
            let a = std::f64::consts::TAU * (i % vertices) as f64 / vertices as f64;
            Coord {
                x: centre.x + radius_m * a.cos(),
                y: centre.y + radius_m * a.sin(),
            }
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

/// The part of one block covered by a requirement or circle.
#[derive(Debug, Clone)]
enum Region {
    Empty,
    Whole,
    Part(MultiPolygon<f64>),
}

impl Region {
    fn intersect(self, other: Region) -> Region {
        match (self, other) {
            (Region::Empty, _) | (_, Region::Empty) => Region::Empty,
            (Region::Whole, r) | (r, Region::Whole) => r,
            (Region::Part(a), Region::Part(b)) => Region::Part(a.intersection(&b)),
        }
    }

    fn share(&self, block_area_m2: f64) -> f64 {
        match self {
            Region::Empty => 0.0,
            Region::Whole => 1.0,
            Region::Part(p) if block_area_m2 > 0.0 => {
                (p.unsigned_area() / block_area_m2).clamp(0.0, 1.0)
            }
            Region::Part(_) => 0.0,
        }
    }
}

/// The region of `outline` within `reach_m` of any location in `index`; every point of the
/// outline lies within `radius_m` of `centre`.
fn covered(
    outline: &MultiPolygon<f64>,
    centre: Coord<f64>,
    radius_m: f64,
    index: &FacilityIndex,
    reach_m: f64,
) -> Region {
    let locations = index.locations_within(centre, reach_m + radius_m);
    if locations.is_empty() {
        return Region::Empty;
    }
    let vertices = || outline.0.iter().flat_map(|p| p.exterior().0.iter());
    let contains_block =
        |l: &Coord<f64>| vertices().all(|v| (v.x - l.x).hypot(v.y - l.y) <= reach_m);
    if locations.iter().any(contains_block) {
        return Region::Whole;
    }
    let discs: Vec<Polygon<f64>> = locations.iter().map(|&l| disc(l, reach_m)).collect();
    let reach = geo::unary_union(&discs);
    Region::Part(outline.intersection(&reach))
}

/// Area shares of one circle, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleShares {
    /// Share of each block's area meeting every requirement of the circle.
    pub share: Vec<f64>,
    /// Per requirement, share of each block's area within its reach.
    pub requirements: Vec<Vec<f64>>,
}

/// The covered region of block `b` for one requirement: by its centroid (whole or nothing)
/// when the requirement counts several facilities, else its discs of reach.
fn requirement_region(
    resolved: &ResolvedRequirement,
    plane: &Plane,
    coverage: &Coverage,
    b: usize,
) -> Region {
    let requirement = resolved.requirement;
    if requirement.min_count > 1 {
        return if coverage[resolved.id].straight.met[b] {
            Region::Whole
        } else {
            Region::Empty
        };
    }
    let (outline, centre, radius) = (
        &plane.block_outlines[b],
        plane.block_centroids[b],
        plane.block_radius_m[b],
    );
    covered(
        outline,
        centre,
        radius,
        &resolved.index,
        requirement.reach_m,
    )
}

/// The area shares of every circle and requirement, in policy order.
pub fn area_shares(
    requirements: &Requirements,
    plane: &Plane,
    coverage: &Coverage,
) -> Vec<CircleShares> {
    let circles = requirements.circles();
    // Per block: per circle, (circle share, requirement shares).
    let per_block: Vec<Vec<(f64, Vec<f64>)>> = (0..plane.block_outlines.len())
        .into_par_iter()
        .map(|b| {
            let block_area = plane.block_outlines[b].unsigned_area();
            (0..circles)
                .map(|c| {
                    let regions: Vec<Region> = requirements
                        .of_circle(c)
                        .iter()
                        .map(|resolved| requirement_region(resolved, plane, coverage, b))
                        .collect();
                    let shares = regions.iter().map(|r| r.share(block_area)).collect();
                    let circle_region = regions.into_iter().fold(Region::Whole, Region::intersect);
                    (circle_region.share(block_area), shares)
                })
                .collect()
        })
        .collect();
    (0..circles)
        .map(|c| CircleShares {
            share: per_block.iter().map(|circles| circles[c].0).collect(),
            requirements: (0..requirements.of_circle(c).len())
                .map(|r| per_block.iter().map(|circles| circles[c].1[r]).collect())
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (x0, y0),
                (x0 + side, y0),
                (x0 + side, y0 + side),
                (x0, y0 + side),
                (x0, y0),
            ]),
            vec![],
        )])
    }

    fn share_of(outline: &MultiPolygon<f64>, facilities: &[Coord<f64>], reach_m: f64) -> f64 {
        use crate::dataset::FacilityLayer;
        let mut layer = FacilityLayer::default();
        for (i, f) in facilities.iter().enumerate() {
            layer.push(i.to_string(), Default::default(), &[*f]);
        }
        let index = FacilityIndex::new(&layer, &layer.locations, &vec![true; facilities.len()]);
        let centre = Coord { x: 50.0, y: 50.0 };
        let radius = 50.0 * 2f64.sqrt();
        covered(outline, centre, radius, &index, reach_m).share(outline.unsigned_area())
    }

    #[test]
    fn shares_match_hand_computed_areas() {
        let block = square(0.0, 0.0, 100.0);
        // A disc centred on a corner: a quarter of it lies inside, π r² / 4 of 100².
        let got = share_of(&block, &[Coord { x: 0.0, y: 0.0 }], 80.0);
        assert!((got - PI * 6400.0 / 4.0 / 10_000.0).abs() < 1e-4, "{got}");
        // A disc centred on the middle of a side: half of it inside.
        let got = share_of(&block, &[Coord { x: 50.0, y: 0.0 }], 40.0);
        assert!((got - PI * 1600.0 / 2.0 / 10_000.0).abs() < 1e-4, "{got}");
        // A large disc whose edge passes through the middle of the square, bulging: the
        // square's part left of x = 50 − r + √(r² − (y − 50)²), integrated over y:
        // 100 (50 − r) + 50 √(r² − 50²) + r² asin(50 / r), a little under half.
        let r: f64 = 1000.0;
        let expected =
            (100.0 * (50.0 - r) + 50.0 * (r * r - 2500.0).sqrt() + r * r * (50.0 / r).asin())
                / 10_000.0;
        let got = share_of(
            &block,
            &[Coord {
                x: 50.0 - r,
                y: 50.0,
            }],
            r,
        );
        assert!(
            (got - expected).abs() < 1e-4 && expected < 0.4999,
            "{got} vs {expected}"
        );
        // Whole, nothing, and two overlapping quarter discs at opposite corners of one side
        // (their union inside is two quarter discs minus their lens).
        assert_eq!(share_of(&block, &[Coord { x: 50.0, y: 50.0 }], 80.0), 1.0);
        assert_eq!(share_of(&block, &[Coord { x: 500.0, y: 50.0 }], 80.0), 0.0);
        let got = share_of(
            &block,
            &[Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }],
            60.0,
        );
        // Lens of two circles of radius 60 with centres 100 apart, half of it inside:
        // 2 r² acos(d / 2r) − (d / 2) √(4r² − d²), halved.
        let lens =
            2.0 * 3600.0 * (100.0f64 / 120.0).acos() - 50.0 * (4.0 * 3600.0 - 10_000.0f64).sqrt();
        let expected = (2.0 * PI * 3600.0 / 4.0 - lens / 2.0) / 10_000.0;
        assert!((got - expected).abs() < 1e-4, "{got} vs {expected}");
    }

    #[test]
    fn disc_edges_stay_close_to_the_circle() {
        for r in [1.0, 100.0, 10_000.0] {
            let d = disc(Coord { x: 0.0, y: 0.0 }, r);
            let n = d.exterior().0.len() - 1;
            let sagitta = r * (1.0 - (PI / n as f64).cos());
            assert!(
                sagitta <= DISC_TOLERANCE_M * 1.0001 || n == 4096,
                "r {r}: {n} vertices, {sagitta}"
            );
            // Inside the circle, missing at most a band of the tolerance's width.
            let missing = PI * r * r - d.unsigned_area();
            assert!(
                missing >= 0.0 && missing <= 2.0 * PI * r * DISC_TOLERANCE_M,
                "r {r}: {missing}"
            );
        }
    }
}
