//! A Shapefile's shapes (`.shp` records, read by the `shapefile` crate) as GeoJSON
//! geometries: Point, MultiPoint, PolyLine and Polygon with their Z and M variants (the Z
//! and M values dropped), a null shape as a null geometry.
//!
//! A PolyLine of one part is a LineString, of several a MultiLineString. A Polygon's rings
//! are outer rings (clockwise in a Shapefile) and holes (counter-clockwise) in any order:
//! each hole goes into the smallest outer ring around its first vertex (a hole inside none
//! stands as a polygon of its own, and a shape whose rings all turn counter-clockwise is
//! read as outer rings), and the rings are turned as GeoJSON (RFC 7946) has them, outer
//! rings counter-clockwise. One polygon is a Polygon, several a MultiPolygon.
//!
//! The text is written directly (a block layer has hundreds of thousands of shapes) with the
//! GeoJSON writer's pieces (`output::geojson`), positions unrounded: numbers in the shortest
//! text that reads back as the same number, `null` for one that is not finite (a problem on
//! its feature when the GeoJSON is read).

use crate::output::geojson::{push_list, push_position as position, push_typed};
use geo::orient::{Direction, Orient};
use geo::{Area, Intersects};
use geo_types::{Coord, LineString, Polygon};
use shapefile::record::traits::HasXY;
use shapefile::{PolygonRing, Shape};

/// Writes `shape` as GeoJSON geometry text into `out` (emptied first): `Ok(false)`, nothing
/// written, for a null shape; why it cannot be read for a MultiPatch.
pub(super) fn write_geometry(shape: &Shape, out: &mut Vec<u8>) -> Result<bool, String> {
    out.clear();
    match shape {
        Shape::NullShape => return Ok(false),
        Shape::Point(p) => point(out, p),
        Shape::PointM(p) => point(out, p),
        Shape::PointZ(p) => point(out, p),
        Shape::Multipoint(m) => push_typed(out, "MultiPoint", |out| positions(out, m.points())),
        Shape::MultipointM(m) => push_typed(out, "MultiPoint", |out| positions(out, m.points())),
        Shape::MultipointZ(m) => push_typed(out, "MultiPoint", |out| positions(out, m.points())),
        Shape::Polyline(l) => lines(out, l.parts()),
        Shape::PolylineM(l) => lines(out, l.parts()),
        Shape::PolylineZ(l) => lines(out, l.parts()),
        Shape::Polygon(p) => polygons(out, p.rings()),
        Shape::PolygonM(p) => polygons(out, p.rings()),
        Shape::PolygonZ(p) => polygons(out, p.rings()),
        Shape::Multipatch(_) => {
            return Err(
                "a MultiPatch (3D surfaces) shape; carecircle reads points, lines and polygons"
                    .to_string(),
            )
        }
    }
    Ok(true)
}

fn coord(p: &impl HasXY) -> Coord<f64> {
    Coord { x: p.x(), y: p.y() }
}

fn positions<P: HasXY>(out: &mut Vec<u8>, points: &[P]) {
    push_list(out, points, |out, p| position(out, coord(p)));
}

fn point(out: &mut Vec<u8>, p: &impl HasXY) {
    push_typed(out, "Point", |out| position(out, coord(p)));
}

fn lines<P: HasXY>(out: &mut Vec<u8>, parts: &[Vec<P>]) {
    match parts {
        [one] => push_typed(out, "LineString", |out| positions(out, one)),
        parts => push_typed(out, "MultiLineString", |out| {
            push_list(out, parts, |out, part| positions(out, part))
        }),
    }
}

fn polygon_rings(out: &mut Vec<u8>, polygon: &Polygon<f64>) {
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    push_list(out, rings, |out, ring| {
        push_list(out, ring.coords(), |out, c| position(out, *c))
    });
}

fn polygons<P: HasXY>(out: &mut Vec<u8>, rings: &[PolygonRing<P>]) {
    // Most blocks are one outer ring, clockwise in the file: reversed, it is GeoJSON's.
    if let [PolygonRing::Outer(ring)] = rings {
        return push_typed(out, "Polygon", |out| {
            push_list(out, [ring], |out, ring| {
                push_list(out, ring.iter().rev(), |out, p| position(out, coord(p)))
            })
        });
    }
    let rings = rings
        .iter()
        .map(|ring| {
            let outer = matches!(ring, PolygonRing::Outer(_));
            (outer, LineString(ring.points().iter().map(coord).collect()))
        })
        .collect();
    match group_rings(rings).as_slice() {
        [one] => push_typed(out, "Polygon", |out| polygon_rings(out, one)),
        polygons => push_typed(out, "MultiPolygon", |out| {
            push_list(out, polygons, polygon_rings)
        }),
    }
}

/// Polygons from rings marked outer or not (see the module documentation), turned as
/// GeoJSON has them.
fn group_rings(rings: Vec<(bool, LineString<f64>)>) -> Vec<Polygon<f64>> {
    let all_holes = rings.iter().all(|(outer, _)| !outer);
    let (outers, holes): (Vec<_>, Vec<_>) = rings
        .into_iter()
        .partition(|(outer, _)| *outer || all_holes);
    let mut shells: Vec<Polygon<f64>> = outers
        .into_iter()
        .map(|(_, ring)| Polygon::new(ring, Vec::new()))
        .collect();
    let mut areas: Vec<f64> = shells.iter().map(|s| s.unsigned_area()).collect();
    let mut interiors: Vec<Vec<LineString<f64>>> = vec![Vec::new(); shells.len()];
    for (_, hole) in holes {
        let first = hole.0.first().copied();
        let home = first.and_then(|c| {
            (0..shells.len())
                .filter(|&i| shells[i].intersects(&c))
                .min_by(|&a, &b| areas[a].total_cmp(&areas[b]))
        });
        match home {
            Some(i) => interiors[i].push(hole),
            None => {
                let shell = Polygon::new(hole, Vec::new());
                areas.push(shell.unsigned_area());
                shells.push(shell);
                interiors.push(Vec::new());
            }
        }
    }
    shells
        .into_iter()
        .zip(interiors)
        .map(|(shell, holes)| {
            let (exterior, _) = shell.into_inner();
            Polygon::new(exterior, holes).orient(Direction::Default)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shapefile::Point as ShpPoint;

    fn ring(points: &[(f64, f64)]) -> Vec<ShpPoint> {
        points.iter().map(|&(x, y)| ShpPoint::new(x, y)).collect()
    }

    /// A square from (x, y) of side `side`, clockwise (a Shapefile's outer ring) or not.
    fn square(x: f64, y: f64, side: f64, clockwise: bool) -> Vec<ShpPoint> {
        let mut corners = vec![
            (x, y),
            (x + side, y),
            (x + side, y + side),
            (x, y + side),
            (x, y),
        ];
        if clockwise {
            corners.reverse();
        }
        ring(&corners)
    }

    fn json(shape: Shape) -> serde_json::Value {
        let mut text = Vec::new();
        assert!(write_geometry(&shape, &mut text).unwrap());
        serde_json::from_slice(&text).unwrap()
    }

    #[test]
    fn holes_go_into_the_outer_ring_around_them_whatever_the_order() {
        // Two outer squares; the hole of the first written after the second.
        let polygon = shapefile::Polygon::with_rings(vec![
            PolygonRing::Outer(square(0.0, 0.0, 10.0, true)),
            PolygonRing::Outer(square(20.0, 0.0, 10.0, true)),
            PolygonRing::Inner(square(2.0, 2.0, 2.0, false)),
        ]);
        let value = json(Shape::Polygon(polygon));
        assert_eq!(value["type"], "MultiPolygon");
        let polygons = value["coordinates"].as_array().unwrap();
        assert_eq!(polygons[0].as_array().unwrap().len(), 2, "{value}");
        assert_eq!(polygons[1].as_array().unwrap().len(), 1, "{value}");
        // GeoJSON's winding: the outer ring counter-clockwise, starting east along y = 0.
        let outer = &polygons[0][0];
        assert!(
            outer[1][0].as_f64().unwrap() > outer[0][0].as_f64().unwrap(),
            "{outer}"
        );
    }

    #[test]
    fn a_lone_hole_and_rings_wound_the_other_way_are_polygons() {
        let lone = shapefile::Polygon::with_rings(vec![
            PolygonRing::Outer(square(0.0, 0.0, 10.0, true)),
            PolygonRing::Inner(square(50.0, 50.0, 2.0, false)),
        ]);
        assert_eq!(json(Shape::Polygon(lone))["type"], "MultiPolygon");
        let reversed =
            shapefile::Polygon::with_rings(vec![PolygonRing::Inner(square(0.0, 0.0, 10.0, false))]);
        let value = json(Shape::Polygon(reversed));
        assert_eq!(value["type"], "Polygon");
        assert_eq!(value["coordinates"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn points_lines_and_their_z_variants_drop_z() {
        let z = shapefile::PointZ::new(1.5, 2.0, 30.0, 0.0);
        assert_eq!(
            json(Shape::PointZ(z)),
            serde_json::json!({"type": "Point", "coordinates": [1.5, 2]})
        );
        let one = shapefile::Polyline::new(ring(&[(0.0, 0.0), (1.0, 1.0)]));
        assert_eq!(json(Shape::Polyline(one))["type"], "LineString");
        let two = shapefile::Polyline::with_parts(vec![
            ring(&[(0.0, 0.0), (1.0, 1.0)]),
            ring(&[(2.0, 2.0), (3.0, 3.0)]),
        ]);
        assert_eq!(json(Shape::Polyline(two))["type"], "MultiLineString");
        let points = shapefile::Multipoint::new(ring(&[(0.0, 0.0), (1.0, 1.0)]));
        assert_eq!(json(Shape::Multipoint(points))["type"], "MultiPoint");
        assert!(!write_geometry(&Shape::NullShape, &mut Vec::new()).unwrap());
        let nan = shapefile::Point::new(f64::NAN, 1.0);
        assert_eq!(
            json(Shape::Point(nan)),
            serde_json::json!({"type": "Point", "coordinates": [null, 1]})
        );
    }
}
