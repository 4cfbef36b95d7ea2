//! Barriers a walker cannot cross off the streets: rivers, railways, walls, expressways, as
//! lines or areas in metres. [`BarrierIndex`] answers whether a straight segment crosses or
//! touches one, with one R-tree query over the barriers' segments (plus, for areas, one
//! bounded ray query to tell whether the segment lies wholly inside one).

use geo::{BoundingRect, Intersects};
use geo_types::{Coord, Geometry, Line, LineString};
use rstar::primitives::{GeomWithData, Line as TreeLine, Rectangle};
use rstar::{RTree, AABB};

/// One barrier segment: its feature, and whether it is part of an area's ring.
type Segment = GeomWithData<TreeLine<[f64; 2]>, (u32, bool)>;

/// The bounding box of one area barrier feature.
type AreaBox = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Barrier features indexed once: every segment of every line and ring in one R-tree, and
/// the bounding box of every area feature.
pub struct BarrierIndex {
    segments: RTree<Segment>,
    areas: RTree<AreaBox>,
}

impl BarrierIndex {
    /// Indexes barrier features: lines (LineString, MultiLineString, Line) and areas
    /// (Polygon, MultiPolygon, Rect, Triangle); points and collections are ignored. A
    /// feature's number is its index in `features`.
    pub fn new(features: &[Geometry<f64>]) -> BarrierIndex {
        let mut segments = Vec::new();
        let mut areas = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            let i = i as u32;
            let (lines, is_area): (Vec<LineString<f64>>, bool) = match feature {
                Geometry::Line(l) => (vec![LineString::new(vec![l.start, l.end])], false),
                Geometry::LineString(l) => (vec![l.clone()], false),
                Geometry::MultiLineString(m) => (m.0.clone(), false),
                Geometry::Polygon(p) => (rings(std::slice::from_ref(p)), true),
                Geometry::MultiPolygon(m) => (rings(&m.0), true),
                Geometry::Rect(r) => (rings(&[r.to_polygon()]), true),
                Geometry::Triangle(t) => (rings(&[t.to_polygon()]), true),
                _ => (Vec::new(), false),
            };
            for line in &lines {
                segments.extend(line.lines().map(|s| {
                    GeomWithData::new(TreeLine::new(point(s.start), point(s.end)), (i, is_area))
                }));
            }
            if let (true, Some(rect)) = (is_area, feature.bounding_rect()) {
                areas.push(GeomWithData::new(
                    Rectangle::from_corners(point(rect.min()), point(rect.max())),
                    i,
                ));
            }
        }
        BarrierIndex {
            segments: RTree::bulk_load(segments),
            areas: RTree::bulk_load(areas),
        }
    }

    /// Whether there are no barriers.
    pub fn is_empty(&self) -> bool {
        self.segments.size() == 0
    }

    /// Whether the straight segment `from`–`to` crosses or touches a barrier, or lies inside
    /// an area barrier.
    ///
    /// # Examples
    ///
    /// A river 10 m wide between x = 20 and 30 m, and a wall along y = 50 m:
    ///
    /// ```
    /// use carecircle::algo::barriers::BarrierIndex;
    /// use geo_types::{coord, line_string, polygon, Geometry};
    ///
    /// let river = polygon![(x: 20.0, y: -100.0), (x: 30.0, y: -100.0), (x: 30.0, y: 100.0), (x: 20.0, y: 100.0)];
    /// let wall = line_string![(x: -100.0, y: 50.0), (x: 0.0, y: 50.0)];
    /// let index = BarrierIndex::new(&[Geometry::Polygon(river), Geometry::LineString(wall)]);
    /// assert!(index.crosses(coord! { x: 15.0, y: 0.0 }, coord! { x: 35.0, y: 0.0 }));
    /// assert!(!index.crosses(coord! { x: 0.0, y: 0.0 }, coord! { x: 15.0, y: 0.0 }));
    /// // Inside the river, on a boat: that is in the barrier too.
    /// assert!(index.crosses(coord! { x: 22.0, y: 0.0 }, coord! { x: 28.0, y: 0.0 }));
    /// assert_eq!(index.crossed(coord! { x: -10.0, y: 0.0 }, coord! { x: -10.0, y: 60.0 }), Some(1));
    /// ```
    pub fn crosses(&self, from: Coord<f64>, to: Coord<f64>) -> bool {
        let walk = Line::new(from, to);
        self.segments
            .locate_in_envelope_intersecting(&envelope(from, to))
            .any(|s| meets(&walk, s))
            || self.inside_area(from).is_some()
    }

    /// The lowest-numbered barrier feature the segment `from`–`to` crosses, touches or lies
    /// inside; `None` when it meets none.
    pub fn crossed(&self, from: Coord<f64>, to: Coord<f64>) -> Option<u32> {
        let walk = Line::new(from, to);
        let on_the_way = self
            .segments
            .locate_in_envelope_intersecting(&envelope(from, to))
            .filter(|s| meets(&walk, s))
            .map(|s| s.data.0)
            .min();
        match (on_the_way, self.inside_area(from)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The lowest-numbered area feature whose inside holds `p` (even-odd over its rings,
    /// counted along a ray east to the edge of its box).
    fn inside_area(&self, p: Coord<f64>) -> Option<u32> {
        self.areas
            .locate_all_at_point(&[p.x, p.y])
            .filter(|area| {
                let east = area.geom().upper()[0];
                let ray = AABB::from_corners([p.x, p.y], [east, p.y]);
                let crossings = self
                    .segments
                    .locate_in_envelope_intersecting(&ray)
                    .filter(|s| s.data == (area.data, true))
                    .filter(|s| ray_crosses(p, s.geom().from, s.geom().to))
                    .count();
                crossings % 2 == 1
            })
            .map(|area| area.data)
            .min()
    }
}

/// Whether the barrier segment meets the walk (crossing, touching or running along it).
fn meets(walk: &Line<f64>, segment: &Segment) -> bool {
    let s = segment.geom();
    walk.intersects(&Line::new(coord(s.from), coord(s.to)))
}

/// Whether the ray from `p` due east crosses segment a–b (half-open in y, so that a vertex
/// on the ray counts once).
fn ray_crosses(p: Coord<f64>, a: [f64; 2], b: [f64; 2]) -> bool {
    if (a[1] > p.y) == (b[1] > p.y) {
        return false;
    }
    let x = a[0] + (p.y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
    x > p.x
}

fn rings(polygons: &[geo_types::Polygon<f64>]) -> Vec<LineString<f64>> {
    polygons
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .cloned()
        .collect()
}

fn envelope(from: Coord<f64>, to: Coord<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners(point(from), point(to))
}

fn point(c: Coord<f64>) -> [f64; 2] {
    [c.x, c.y]
}

fn coord(p: [f64; 2]) -> Coord<f64> {
    Coord { x: p[0], y: p[1] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{coord, line_string, polygon, MultiPolygon};

    /// Brute force: the segment meets a line or ring segment, or its start is inside a
    /// polygon (geo's own predicate).
    fn brute(features: &[Geometry<f64>], from: Coord<f64>, to: Coord<f64>) -> Option<u32> {
        let walk = Line::new(from, to);
        features
            .iter()
            .position(|f| f.intersects(&walk))
            .map(|i| i as u32)
    }

    #[test]
    fn agrees_with_geo_on_a_grid_of_segments() {
        let ring = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 30.0), (x: 0.0, y: 30.0)],
            interiors: [[(x: 10.0, y: 10.0), (x: 30.0, y: 10.0), (x: 30.0, y: 20.0), (x: 10.0, y: 20.0)]],
        ];
        let features = vec![
            Geometry::MultiPolygon(MultiPolygon(vec![ring])),
            Geometry::LineString(line_string![(x: -20.0, y: 45.0), (x: 60.0, y: 35.0)]),
            Geometry::Polygon(polygon![(x: 50.0, y: -10.0), (x: 70.0, y: 0.0), (x: 55.0, y: 20.0)]),
        ];
        let index = BarrierIndex::new(&features);
        let mut met = 0;
        for i in 0..17 {
            for j in 0..13 {
                for (dx, dy) in [(3.0, 1.0), (0.5, 0.0), (-7.0, 9.0), (0.0, 0.0)] {
                    let from = coord! { x: -10.0 + 5.0 * i as f64, y: -10.0 + 5.0 * j as f64 };
                    let to = coord! { x: from.x + dx, y: from.y + dy };
                    let expected = brute(&features, from, to);
                    assert_eq!(index.crossed(from, to), expected, "{from:?}–{to:?}");
                    assert_eq!(index.crosses(from, to), expected.is_some());
                    met += usize::from(expected.is_some());
                }
            }
        }
        assert!(met > 100 && met < 17 * 13 * 4 - 100, "{met}");
    }
}
