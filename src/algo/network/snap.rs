//! Snapping points onto the nearest street edge.

use geo_types::Coord;
use rayon::prelude::*;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

use super::graph::StreetGraph;

/// Distances to different edges closer than this (metres) are treated as equal when snapping.
const SNAP_TIE_M: f64 = 1e-6;

/// Radius (metres) of the first, cheap search for the nearest edge.
pub(super) const PROBE_RADIUS_M: f64 = 50.0;

/// Where a point meets the street graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge snapped onto.
    pub edge: u32,
    /// Distance along the edge from its first endpoint ([`Edge::a`](super::Edge::a)) to `point`.
    pub offset_m: f64,
    /// Straight-line access leg from the original point to `point`.
    pub leg_m: f64,
    /// The snap point: the nearest point on the edge.
    pub point: Coord<f64>,
}

/// One edge as a segment in the R-tree.
pub(super) struct EdgeSegment {
    /// Bounding box, kept because bulk loading asks for it in every comparison.
    envelope: AABB<[f64; 2]>,
    pub(super) a: [f64; 2],
    pub(super) b: [f64; 2],
    pub(super) length_m: f64,
    pub(super) edge: u32,
}

/// The nearest point of a segment to a query point.
pub(super) struct Projection {
    /// Fraction along the segment, 0 at `a` and 1 at `b`.
    pub(super) t: f64,
    /// Squared distance from the query point to the nearest point.
    pub(super) distance_2: f64,
}

impl EdgeSegment {
    /// Projects `p` onto the segment, clamped to its ends.
    pub(super) fn project(&self, p: &[f64; 2]) -> Projection {
        let (dx, dy) = (self.b[0] - self.a[0], self.b[1] - self.a[1]);
        let len_2 = dx * dx + dy * dy;
        let raw = ((p[0] - self.a[0]) * dx + (p[1] - self.a[1]) * dy) / len_2;
        let t = if raw.is_finite() {
            raw.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (x, y) = self.at(t);
        Projection {
            t,
            distance_2: (p[0] - x).powi(2) + (p[1] - y).powi(2),
        }
    }

    /// The point at fraction `t` along the segment.
    pub(super) fn at(&self, t: f64) -> (f64, f64) {
        (
            self.a[0] + t * (self.b[0] - self.a[0]),
            self.a[1] + t * (self.b[1] - self.a[1]),
        )
    }
}

impl RTreeObject for EdgeSegment {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for EdgeSegment {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        self.project(point).distance_2
    }
}

/// Outcome of the first, local search for the nearest edge.
enum Probe<'a> {
    /// The nearest edge, settled.
    Found(&'a EdgeSegment),
    /// No edge near the point.
    Empty,
    /// Edges near the point, but the nearest may lie just outside the search box.
    Unsettled,
}

/// An R-tree over the edges of a [`StreetGraph`], for snapping points onto the network.
pub struct SnapIndex {
    pub(super) tree: RTree<EdgeSegment>,
}

impl SnapIndex {
    /// Indexes every edge of the graph.
    pub fn new(graph: &StreetGraph) -> Self {
        let segments = graph
            .edges()
            .enumerate()
            .filter_map(|(id, e)| {
                let (a, b) = (graph.node_coord(e.a)?, graph.node_coord(e.b)?);
                let (a, b) = ([a.x, a.y], [b.x, b.y]);
                Some(EdgeSegment {
                    envelope: AABB::from_corners(a, b),
                    a,
                    b,
                    length_m: e.length_m,
                    edge: id as u32,
                })
            })
            .collect();
        SnapIndex {
            tree: RTree::bulk_load(segments),
        }
    }

    /// Snaps one point onto the nearest edge (ties within 1 µm: lowest edge id); `None` when
    /// the point is not finite, the graph has no edges, or the access leg exceeds `max_snap_m`.
    pub fn snap(&self, point: Coord<f64>, max_snap_m: f64) -> Option<Snap> {
        if !(point.x.is_finite() && point.y.is_finite()) {
            return None;
        }
        let p = [point.x, point.y];
        let probe = max_snap_m.min(PROBE_RADIUS_M);
        let chosen = match self.nearest_near(&p, probe) {
            Probe::Found(segment) => segment,
            Probe::Empty if probe >= max_snap_m => return None,
            _ => self.nearest_anywhere(&p)?,
        };
        let projection = chosen.project(&p);
        let leg_m = projection.distance_2.sqrt();
        if max_snap_m.is_nan() || leg_m > max_snap_m {
            return None;
        }
        let (x, y) = chosen.at(projection.t);
        Some(Snap {
            edge: chosen.edge,
            offset_m: projection.t * chosen.length_m,
            leg_m,
            point: Coord { x, y },
        })
    }

    /// The nearest edge among those whose box comes within `radius` of `p`, when that
    /// settles the answer (the nearest and all its ties lie within `radius`).
    fn nearest_near(&self, p: &[f64; 2], radius: f64) -> Probe<'_> {
        let query = AABB::from_corners(
            [p[0] - radius, p[1] - radius],
            [p[0] + radius, p[1] + radius],
        );
        let candidates: Vec<(f64, &EdgeSegment)> = self
            .tree
            .locate_in_envelope_intersecting(&query)
            .map(|s| (s.project(p).distance_2.sqrt(), s))
            .collect();
        let Some(nearest) = candidates.iter().map(|c| c.0).min_by(f64::total_cmp) else {
            return Probe::Empty;
        };
        let tie = nearest + SNAP_TIE_M;
        if tie > radius {
            return Probe::Unsettled;
        }
        candidates
            .into_iter()
            .filter(|c| c.0 <= tie)
            .map(|c| c.1)
            .min_by_key(|s| s.edge)
            .map_or(Probe::Unsettled, Probe::Found)
    }

    /// The nearest edge anywhere (ties: lowest id), by the R-tree's nearest-neighbour search.
    fn nearest_anywhere(&self, p: &[f64; 2]) -> Option<&EdgeSegment> {
        let nearest = self.tree.nearest_neighbor(p)?;
        let tie = nearest.distance_2(p).sqrt() + SNAP_TIE_M;
        self.tree
            .locate_within_distance(*p, tie * tie)
            .min_by_key(|s| s.edge)
            .or(Some(nearest))
    }

    /// Snaps many points in parallel; results are in input order and independent of the
    /// number of threads.
    ///
    /// Points are processed in Morton (Z-curve) order so that neighbouring queries walk the
    /// same parts of the R-tree while they are still in cache.
    pub fn snap_points(&self, points: &[Coord<f64>], max_snap_m: f64) -> Vec<Option<Snap>> {
        let order = morton_order(points);
        let snapped: Vec<Option<Snap>> = order
            .par_iter()
            .map(|&i| self.snap(points[i as usize], max_snap_m))
            .collect();
        let mut result = vec![None; points.len()];
        for (&i, snap) in order.iter().zip(snapped) {
            result[i as usize] = snap;
        }
        result
    }
}

/// Point indices sorted along a Z-order curve over the points' bounding box (ties and
/// non-finite points: by index).
pub(super) fn morton_order(points: &[Coord<f64>]) -> Vec<u32> {
    let finite = || points.iter().filter(|p| p.x.is_finite() && p.y.is_finite());
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in finite() {
        lo = [lo[0].min(p.x), lo[1].min(p.y)];
        hi = [hi[0].max(p.x), hi[1].max(p.y)];
    }
    // Quantise each axis to 16 bits; a NaN scale (empty or degenerate box) maps to 0.
    let cell = |v: f64, axis: usize| {
        let scale = f64::from(u16::MAX) / (hi[axis] - lo[axis]);
        ((v - lo[axis]) * scale) as u16
    };
    let mut keyed: Vec<(u32, u32)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (interleave(cell(p.x, 0), cell(p.y, 1)), i as u32))
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Interleaves the bits of `x` (even positions) and `y` (odd positions).
fn interleave(x: u16, y: u16) -> u32 {
    let spread = |v: u16| {
        let mut v = u32::from(v);
        v = (v | (v << 8)) & 0x00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    };
    spread(x) | (spread(y) << 1)
}
