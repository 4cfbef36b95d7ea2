//! Snapping outlines onto the street graph: an area (a housing block) joins the streets
//! along its whole outline, at the nearest point of each street edge near it, and not only
//! at the street nearest its centre. Also: whether a straight segment crosses a street.

use geo::{BoundingRect, Intersects};
use geo_types::{Coord, Line, LineString, MultiPolygon, Point};
use rstar::{Envelope, RTreeObject, AABB};

use super::snap::{EdgeSegment, Snap, SnapIndex, PROBE_RADIUS_M};

/// Every access point of many areas, stored one after another: area `i`'s are
/// `snaps[start[i]..start[i + 1]]`, nearest (shortest leg) first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccessPoints {
    start: Vec<u32>,
    snaps: Vec<Snap>,
    /// Per entity: its points come from [`SnapIndex::snap_outline`], so two consecutive
    /// ones on one edge with the same leg are the ends of a stretch it faces.
    outline: Vec<bool>,
}

/// One entity's access points, shortest leg first, and whether they come from
/// [`SnapIndex::snap_outline`] (and so may hold stretches, see [`AccessPoints::stretches`]).
pub type AccessList = (Vec<Snap>, bool);

impl AccessPoints {
    /// One access point (or none) per entity, as from [`SnapIndex::snap_points`].
    pub fn from_snaps(snaps: &[Option<Snap>]) -> AccessPoints {
        AccessPoints::from_lists(
            snaps
                .iter()
                .map(|s| (s.iter().copied().collect(), false))
                .collect(),
        )
    }

    /// Gathers per-entity lists.
    pub fn from_lists(lists: Vec<AccessList>) -> AccessPoints {
        let mut start = Vec::with_capacity(lists.len() + 1);
        start.push(0);
        let mut snaps = Vec::with_capacity(lists.iter().map(|l| l.0.len()).sum());
        let mut outline = Vec::with_capacity(lists.len());
        for (list, from_outline) in lists {
            snaps.extend(list);
            start.push(snaps.len() as u32);
            outline.push(from_outline);
        }
        AccessPoints {
            start,
            snaps,
            outline,
        }
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Whether there are no entities.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entity `i`'s access points, shortest leg first (empty when off-network).
    pub fn of(&self, i: usize) -> &[Snap] {
        &self.snaps[self.start[i] as usize..self.start[i + 1] as usize]
    }

    /// Every access point with its entity, in entity order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Snap)> + '_ {
        (0..self.len()).flat_map(move |i| self.of(i).iter().map(move |s| (i as u32, s)))
    }

    /// Entity `i`'s stretches: when its points come from an outline, two consecutive access
    /// points on the same edge with the same leg are the ends of a stretch of the edge that
    /// the entity faces all along (see [`SnapIndex::snap_outline`]); as (edge, start offset,
    /// end offset, leg), in metres. None for points snapped one by one.
    pub fn stretches(&self, i: usize) -> impl Iterator<Item = (u32, f64, f64, f64)> + '_ {
        let pairs = if self.outline[i] { self.of(i) } else { &[] };
        pairs.windows(2).filter_map(|pair| {
            let (a, b) = (&pair[0], &pair[1]);
            (a.edge == b.edge && a.leg_m == b.leg_m && a.offset_m != b.offset_m).then(|| {
                (
                    a.edge,
                    a.offset_m.min(b.offset_m),
                    a.offset_m.max(b.offset_m),
                    a.leg_m,
                )
            })
        })
    }

    /// Every access point, in entity order (entity `i`'s start at `start(i)`).
    pub fn snaps(&self) -> &[Snap] {
        &self.snaps
    }

    /// Where entity `i`'s access points start in [`AccessPoints::snaps`].
    pub fn start(&self, i: usize) -> usize {
        self.start[i] as usize
    }
}

/// Points of an edge this close (metres) to its nearest distance from an outline are
/// nearest too: the edge runs (nearly) parallel to a side there. The stretch's leg is the
/// longest of them, so that no walk is shorter than the straight line.
const STRETCH_TIE_M: f64 = 0.5;

/// An edge this close (metres) to the end of an access leg only touches it there.
const TOUCH_M: f64 = 1e-6;

/// A nearest stretch shorter than this fraction of its edge is one point.
const STRETCH_MIN: f64 = 1e-9;

/// How an outline joins the streets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutlineSnapping {
    /// No access leg is longer than this, in metres.
    pub max_snap_m: f64,
    /// Edges up to this much farther from the outline than the nearest edge also join it.
    pub band_m: f64,
    /// At most this many access points per outline: the shortest legs (ties: lower edge id).
    pub max_points: usize,
}

impl SnapIndex {
    /// Snaps an outline onto every edge within `snapping.band_m` of the nearest one (and
    /// within `snapping.max_snap_m`), at the point of each edge nearest the outline, its leg
    /// measured from the outline (0 when the edge touches or enters it). An edge running
    /// parallel to a side is nearest along a stretch: it gets a snap at each end of the
    /// stretch. Only access legs (from the outline to the street) that `open_leg` allows
    /// are kept, for example those crossing no barrier. Shortest leg first, then by edge id
    /// and offset; empty when no edge is near enough.
    ///
    /// # Examples
    ///
    /// A 40 m square block between two streets, 10 m west and 20 m east of it:
    ///
    /// ```
    /// use carecircle::algo::network::{OutlineSnapping, SnapIndex, StreetGraph};
    /// use geo_types::{line_string, polygon, MultiPolygon};
    ///
    /// let west = line_string![(x: -10.0, y: -100.0), (x: -10.0, y: 100.0)];
    /// let east = line_string![(x: 60.0, y: -100.0), (x: 60.0, y: 100.0)];
    /// let graph = StreetGraph::new(&[west, east], 0.01);
    /// let block = MultiPolygon(vec![polygon![
    ///     (x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 40.0), (x: 0.0, y: 40.0)
    /// ]]);
    /// let snapping = OutlineSnapping { max_snap_m: 500.0, band_m: 30.0, max_points: 6 };
    /// let access = SnapIndex::new(&graph).snap_outline(&block, &snapping, &|_, _| true);
    /// // Each street is nearest along the whole side: a snap at each end of it.
    /// let found: Vec<(f64, f64)> = access.iter().map(|s| (s.leg_m, s.point.y)).collect();
    /// assert_eq!(found, [(10.0, 0.0), (10.0, 40.0), (20.0, 0.0), (20.0, 40.0)]);
    /// ```
    pub fn snap_outline(
        &self,
        outline: &MultiPolygon<f64>,
        snapping: &OutlineSnapping,
        open_leg: &dyn Fn(Coord<f64>, Coord<f64>) -> bool,
    ) -> Vec<Snap> {
        let Some(rect) = outline.bounding_rect() else {
            return Vec::new();
        };
        let max_snap_m = snapping.max_snap_m;
        let mut radius = PROBE_RADIUS_M.min(max_snap_m);
        while radius.is_finite() && radius >= 0.0 {
            let found = self.edges_near(outline, rect, radius);
            let within = found.iter().map(|f| f.0).filter(|&d| d <= radius);
            if let Some(nearest) = within.min_by(f64::total_cmp) {
                let limit = (nearest + snapping.band_m).min(max_snap_m);
                if limit <= radius {
                    return self.best_snaps(outline, found, limit, snapping.max_points, open_leg);
                }
                radius = limit;
            } else if radius >= max_snap_m {
                break;
            } else {
                radius = (radius * 4.0).min(max_snap_m);
            }
        }
        Vec::new()
    }

    /// Every edge whose box comes within `radius` of the outline's box, as (distance,
    /// fraction along the edge of a nearest point, edge): one or two (the ends of a nearest
    /// stretch) per edge. Every edge within `radius` of the outline is among them.
    fn edges_near(
        &self,
        outline: &MultiPolygon<f64>,
        rect: geo_types::Rect<f64>,
        radius: f64,
    ) -> Vec<(f64, f64, &EdgeSegment)> {
        let query = AABB::from_corners(
            [rect.min().x - radius, rect.min().y - radius],
            [rect.max().x + radius, rect.max().y + radius],
        );
        self.tree
            .locate_in_envelope_intersecting(&query)
            .filter(|segment| box_distance_2(&segment.envelope(), &rect) <= radius * radius)
            .flat_map(|segment| {
                let (stretch, distance) = nearest_to_outline(segment, outline, &rect);
                let ends = if stretch[1] > stretch[0] { 2 } else { 1 };
                (0..ends).map(move |end| (distance, stretch[end], segment))
            })
            .collect()
    }

    /// The snaps of the candidates within `limit`, shortest leg first (ties: lower edge id,
    /// then offset), at most `max_points`, leaving out those whose access leg (from the
    /// outline's nearest point to the snap point) crosses another edge: a block does not
    /// join a street beyond another one. An edge crossing a leg lies within the leg's length
    /// (at most `limit`) of the outline, so it is among `found`: no further search.
    fn best_snaps(
        &self,
        outline: &MultiPolygon<f64>,
        mut found: Vec<(f64, f64, &EdgeSegment)>,
        limit: f64,
        max_points: usize,
        open_leg: &dyn Fn(Coord<f64>, Coord<f64>) -> bool,
    ) -> Vec<Snap> {
        let near: Vec<&EdgeSegment> = found.iter().map(|f| f.2).collect();
        found.retain(|f| f.0 <= limit);
        found.sort_by(|x, y| {
            x.0.total_cmp(&y.0)
                .then(x.2.edge.cmp(&y.2.edge))
                .then(x.1.total_cmp(&y.1))
        });
        let open = |&(leg_m, t, segment): &(f64, f64, &EdgeSegment)| {
            let (x, y) = segment.at(t);
            let to = Coord { x, y };
            let from = nearest_on_outline(outline, to);
            leg_m == 0.0 || (!crosses_other(&near, from, to, segment.edge) && open_leg(from, to))
        };
        found
            .into_iter()
            .filter(open)
            .take(max_points)
            .map(|(leg_m, t, segment)| {
                let (x, y) = segment.at(t);
                Snap {
                    edge: segment.edge,
                    offset_m: t * segment.length_m,
                    leg_m,
                    point: Coord { x, y },
                }
            })
            .collect()
    }

    /// Whether the straight segment from `from` to `to` meets any street edge (crossing,
    /// touching or running along it).
    ///
    /// A long segment is searched piece by piece from `from`, each piece's box widened by
    /// [`PIECE_MARGIN_M`]: in a city the first street usually lies in the first piece, so
    /// the search stops there instead of visiting every edge in the whole segment's box.
    /// Every edge meeting the segment meets it inside some piece's box, so the answer is
    /// the same as one search over the whole box.
    pub fn crosses(&self, from: Coord<f64>, to: Coord<f64>) -> bool {
        let line = Line::new(from, to);
        let pieces = ((to - from).x.hypot((to - from).y) / PIECE_M)
            .ceil()
            .max(1.0);
        let at = |i: f64| from + (to - from) * (i / pieces);
        (0..pieces as usize).any(|i| {
            let (a, b) = (at(i as f64), at(i as f64 + 1.0));
            let query = AABB::from_corners(
                [a.x.min(b.x) - PIECE_MARGIN_M, a.y.min(b.y) - PIECE_MARGIN_M],
                [a.x.max(b.x) + PIECE_MARGIN_M, a.y.max(b.y) + PIECE_MARGIN_M],
            );
            self.tree
                .locate_in_envelope_intersecting(&query)
                .any(|s| line.intersects(&Line::new(coord(s.a), coord(s.b))))
        })
    }
}

/// Length (metres) of the pieces [`SnapIndex::crosses`] searches one after another.
const PIECE_M: f64 = 40.0;

/// How much (metres) each piece's search box is widened, so that rounding where two pieces
/// meet cannot hide an edge crossing there.
const PIECE_MARGIN_M: f64 = 1e-6;

/// Whether the segment `from`–`to` (`to` on edge `own`) meets another of the `near` edges
/// anywhere but at `to` (edges sharing the node `to` lies on do not count).
fn crosses_other(near: &[&EdgeSegment], from: Coord<f64>, to: Coord<f64>, own: u32) -> bool {
    let line = Line::new(from, to);
    let leg_box = AABB::from_corners([from.x, from.y], [to.x, to.y]);
    near.iter().any(|s| {
        s.edge != own
            && s.envelope().intersects(&leg_box)
            && line.intersects(&Line::new(coord(s.a), coord(s.b)))
            && point_to_segment([to.x, to.y], s.a, s.b) > TOUCH_M
    })
}

fn coord(p: [f64; 2]) -> Coord<f64> {
    Coord { x: p[0], y: p[1] }
}

/// The point of the outline's rings (exterior and holes) nearest `p`; `p` itself for an
/// empty outline.
///
/// ```
/// use carecircle::algo::network::nearest_on_outline;
/// use geo_types::{coord, polygon, MultiPolygon};
///
/// let block = MultiPolygon(vec![polygon![
///     (x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 40.0), (x: 0.0, y: 40.0)
/// ]]);
/// assert_eq!(nearest_on_outline(&block, coord! { x: 55.0, y: 10.0 }), coord! { x: 40.0, y: 10.0 });
/// ```
pub fn nearest_on_outline(outline: &MultiPolygon<f64>, p: Coord<f64>) -> Coord<f64> {
    let mut best = (f64::INFINITY, p);
    for line in rings(outline).flat_map(|ring| ring.lines()) {
        let d = line.delta();
        let t = ((p - line.start).x * d.x + (p - line.start).y * d.y) / (d.x * d.x + d.y * d.y);
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let q = line.start + d * t;
        let distance_2 = (p - q).x.powi(2) + (p - q).y.powi(2);
        if distance_2 < best.0 {
            best = (distance_2, q);
        }
    }
    best.1
}

/// Every ring (exterior and holes) of an outline.
fn rings(outline: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    outline
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// The stretch of the edge nearest the outline (within [`STRETCH_TIE_M`] of the nearest
/// distance), as the fractions along the edge of its two ends (equal for a single nearest
/// point), and its leg: the longest distance on it; 0 when the edge touches or enters the
/// outline (a single point then).
fn nearest_to_outline(
    segment: &EdgeSegment,
    outline: &MultiPolygon<f64>,
    rect: &geo_types::Rect<f64>,
) -> ([f64; 2], f64) {
    let in_rect = |p: [f64; 2]| {
        (rect.min().x..=rect.max().x).contains(&p[0])
            && (rect.min().y..=rect.max().y).contains(&p[1])
    };
    for (t, end) in [(0.0, segment.a), (1.0, segment.b)] {
        if in_rect(end) && outline.intersects(&Point::from(coord(end))) {
            return ([t, t], 0.0);
        }
    }
    // Squared distances: a square root only for the two that are kept.
    let offers = |line: geo_types::Line<f64>| {
        let (p, q) = ([line.start.x, line.start.y], [line.end.x, line.end.y]);
        let projection = segment.project(&p);
        [
            (projection.t, projection.distance_2),
            (0.0, point_to_segment_2(segment.a, p, q)),
            (1.0, point_to_segment_2(segment.b, p, q)),
        ]
    };
    let lines = || rings(outline).flat_map(|ring| ring.lines());
    // The nearest distance and the first offer at it, unless the edge crosses the outline.
    let (mut nearest_2, mut first_t) = (f64::INFINITY, 0.0);
    for line in lines() {
        let (p, q) = ([line.start.x, line.start.y], [line.end.x, line.end.y]);
        if let Some(t) = crossing(segment.a, segment.b, p, q) {
            return ([t, t], 0.0);
        }
        for (t, d_2) in offers(line) {
            if d_2 < nearest_2 {
                (nearest_2, first_t) = (d_2, t);
            }
        }
    }
    let distance = nearest_2.sqrt();
    let tie_2 = (distance + STRETCH_TIE_M).powi(2);
    let nearest = lines().flat_map(offers).filter(|o| o.1 <= tie_2);
    let (lo, hi, leg_2) = nearest.fold(
        (f64::INFINITY, f64::NEG_INFINITY, nearest_2),
        |(lo, hi, leg_2), o| (lo.min(o.0), hi.max(o.0), leg_2.max(o.1)),
    );
    if hi - lo > STRETCH_MIN {
        ([lo, hi], leg_2.sqrt())
    } else {
        ([first_t, first_t], distance)
    }
}

/// The squared distance between two boxes (0 when they meet): no point of one is nearer
/// than that to any point of the other.
fn box_distance_2(envelope: &AABB<[f64; 2]>, rect: &geo_types::Rect<f64>) -> f64 {
    let (lower, upper) = (envelope.lower(), envelope.upper());
    let dx = (rect.min().x - upper[0])
        .max(lower[0] - rect.max().x)
        .max(0.0);
    let dy = (rect.min().y - upper[1])
        .max(lower[1] - rect.max().y)
        .max(0.0);
    dx * dx + dy * dy
}

/// Where segment a–b crosses segment p–q, as the fraction along a–b; `None` when they do not
/// cross or are parallel.
fn crossing(a: [f64; 2], b: [f64; 2], p: [f64; 2], q: [f64; 2]) -> Option<f64> {
    let cross = |u: [f64; 2], v: [f64; 2]| u[0] * v[1] - u[1] * v[0];
    let (r, s, ap) = (
        [b[0] - a[0], b[1] - a[1]],
        [q[0] - p[0], q[1] - p[1]],
        [p[0] - a[0], p[1] - a[1]],
    );
    let denominator = cross(r, s);
    if denominator == 0.0 {
        return None;
    }
    let (t, u) = (cross(ap, s) / denominator, cross(ap, r) / denominator);
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

/// The distance from point `x` to segment p–q.
fn point_to_segment(x: [f64; 2], p: [f64; 2], q: [f64; 2]) -> f64 {
    point_to_segment_2(x, p, q).sqrt()
}

/// The squared distance from point `x` to segment p–q.
fn point_to_segment_2(x: [f64; 2], p: [f64; 2], q: [f64; 2]) -> f64 {
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    let len_2 = dx * dx + dy * dy;
    let raw = ((x[0] - p[0]) * dx + (x[1] - p[1]) * dy) / len_2;
    let t = if raw.is_finite() {
        raw.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (x[0] - p[0] - t * dx).powi(2) + (x[1] - p[1] - t * dy).powi(2)
}
