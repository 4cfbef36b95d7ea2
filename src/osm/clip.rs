//! Clipping a city to its boundary: blocks are kept when their centroid lies inside it,
//! facilities and streets when they lie inside it or within a margin of it.
//!
//! A building belongs to the city where it stands; cutting its outline at the border would
//! cut its people too, so the whole building goes to the side of its centroid (as with the
//! residential land-use test). Facilities and streets are kept up to [`DEFAULT_MARGIN_M`]
//! beyond the border: a hospital just across it still serves the residents inside, and a walk
//! from a block inside may leave the city and come back. A walk of length `d` never goes
//! farther than `d` from where it starts, so a margin of the policy's largest reach keeps
//! every facility and street a requirement can reach from a block inside.

use super::facilities::{Facility, KindCount};
use super::streets::{StreetCounts, StreetPiece};
use crate::algo::crs::LocalProjection;
use geo::{BoundingRect, Distance, Euclidean, Intersects};
use geo_types::{Coord, MultiPolygon, Point, Rect};
use rayon::prelude::*;

/// The margin beyond the boundary within which facilities and streets are kept, metres: the
/// generated policy's largest reach (the extended circle's 1 km).
pub const DEFAULT_MARGIN_M: f64 = 1000.0;

/// A boundary ready to clip with: its outline in WGS 84 and in the plane, and the margin.
#[derive(Debug, Clone)]
pub struct Clip {
    /// The boundary, WGS 84; overlapping parts are a union.
    outline: MultiPolygon<f64>,
    /// The boundary in the conversion's plane, metres.
    plane: MultiPolygon<f64>,
    /// The plane bounding box grown by the margin.
    reach: Option<Rect<f64>>,
    /// The margin, metres.
    margin_m: f64,
}

impl Clip {
    /// A clip to `outline` (WGS 84), keeping facilities and streets up to `margin_m` beyond
    /// it, measured in `projection`'s plane.
    pub fn new(outline: MultiPolygon<f64>, projection: &LocalProjection, margin_m: f64) -> Clip {
        let mut plane = outline.clone();
        projection.project_geometry(&mut plane);
        let reach = plane.bounding_rect().map(|r| {
            let grow = Coord {
                x: margin_m,
                y: margin_m,
            };
            Rect::new(r.min() - grow, r.max() + grow)
        });
        Clip {
            outline,
            plane,
            reach,
            margin_m,
        }
    }

    /// Whether a position (WGS 84) lies inside the boundary (or on its edge).
    pub fn contains(&self, position: Coord<f64>) -> bool {
        let p = Point(position);
        self.outline.0.iter().any(|polygon| polygon.intersects(&p))
    }

    /// Whether a position (WGS 84) lies inside the boundary or within the margin of it.
    pub fn near(&self, position: Coord<f64>, projection: &LocalProjection) -> bool {
        let p = Point(projection.project_coord(position));
        if !self.reach.is_some_and(|r| r.intersects(&p)) {
            return false;
        }
        self.plane.0.iter().any(|polygon| {
            polygon.intersects(&p) || Euclidean.distance(&p, polygon) <= self.margin_m
        })
    }

    /// The facilities inside the boundary or within the margin; the others are counted per
    /// kind as `outside_boundary` and no longer as `written`.
    pub fn facilities(
        &self,
        facilities: Vec<Facility>,
        counts: &mut [KindCount],
        projection: &LocalProjection,
    ) -> Vec<Facility> {
        let (kept, outside): (Vec<Facility>, Vec<Facility>) = facilities
            .into_iter()
            .partition(|f| self.near(f.location, projection));
        for f in outside {
            counts[f.kind].written -= 1;
            counts[f.kind].outside_boundary += 1;
        }
        kept
    }

    /// The street pieces with a position inside the boundary or within the margin; the others
    /// are counted as `outside_boundary` and no longer as `features`.
    pub fn streets<'e>(
        &self,
        pieces: Vec<StreetPiece<'e>>,
        counts: &mut StreetCounts,
        projection: &LocalProjection,
    ) -> Vec<StreetPiece<'e>> {
        let kept: Vec<StreetPiece<'e>> = pieces
            .into_par_iter()
            .filter(|piece| piece.line.iter().any(|&c| self.near(c, projection)))
            .collect();
        counts.outside_boundary = counts.features - kept.len();
        counts.features = kept.len();
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn the_default_margin_covers_the_generated_policys_reach() {
        for tertiary in [false, true] {
            let text = crate::osm::city::policy_toml(|_| true, tertiary).text;
            let policy = crate::config::Policy::parse(&text).unwrap();
            assert_eq!(policy.largest_reach_m(), DEFAULT_MARGIN_M);
        }
    }

    #[test]
    fn inside_on_the_edge_and_within_the_margin() {
        let projection = LocalProjection::centred_on(7.42, 43.73).unwrap();
        // A square of 0.01 degrees (about 800 m east-west, 1,110 m north-south) with a hole.
        let square = polygon!(
            exterior: [(x: 7.41, y: 43.72), (x: 7.42, y: 43.72), (x: 7.42, y: 43.73), (x: 7.41, y: 43.73), (x: 7.41, y: 43.72)],
            interiors: [[(x: 7.414, y: 43.724), (x: 7.416, y: 43.724), (x: 7.416, y: 43.726), (x: 7.414, y: 43.726), (x: 7.414, y: 43.724)]],
        );
        let clip = Clip::new(MultiPolygon(vec![square]), &projection, 500.0);
        let at = |x: f64, y: f64| Coord { x, y };
        assert!(clip.contains(at(7.411, 43.721)));
        assert!(clip.contains(at(7.42, 43.725)));
        assert!(!clip.contains(at(7.415, 43.725)), "the hole is outside");
        assert!(!clip.contains(at(7.421, 43.725)));
        // 0.005 degrees of longitude at 43.7° N is about 402 m; 0.007 about 563 m.
        assert!(clip.near(at(7.425, 43.725), &projection));
        assert!(!clip.near(at(7.427, 43.725), &projection));
        assert!(
            clip.near(at(7.415, 43.725), &projection),
            "a hole lies within the margin"
        );
    }
}
