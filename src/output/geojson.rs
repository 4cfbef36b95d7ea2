//! A fast streaming writer for RFC 7946 GeoJSON FeatureCollections.
//!
//! Features are formatted into byte buffers (so callers can format chunks in parallel and
//! write them in order), with every property in a fixed order and coordinates rounded to
//! 7 decimal places (about 1 cm), which keeps output compact and byte-for-byte reproducible.

use super::layer::{Shape, Value};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use std::io::{self, Write};

/// Decimal places kept for longitude and latitude (1e-7 degrees is about 1 cm).
pub const COORDINATE_DECIMALS: i32 = 7;

/// The opening of a FeatureCollection, before the first feature.
pub fn write_header(out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
}

/// The closing of a FeatureCollection, after the last feature.
pub fn write_footer(out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    out.write_all(b"\n]}\n")
}

/// Appends one feature to `buf`; `first` tells whether it is the collection's first feature
/// (the others are preceded by a comma and a newline).
pub fn push_feature(
    buf: &mut Vec<u8>,
    first: bool,
    properties: &[(&str, Value)],
    geometry: &Geometry<f64>,
) {
    push_feature_with(buf, first, properties, |b| push_geometry(b, geometry));
}

/// Like [`push_feature`], with the geometry object written by `geometry`.
pub fn push_feature_with(
    buf: &mut Vec<u8>,
    first: bool,
    properties: &[(&str, Value)],
    geometry: impl FnOnce(&mut Vec<u8>),
) {
    let members = |b: &mut Vec<u8>| {
        for (i, (name, value)) in properties.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            push_json_string(b, name);
            b.push(b':');
            push_value(b, *value);
        }
    };
    push_feature_parts(buf, first, members, geometry);
}

/// Property names rendered once as JSON (`"name":`), for writing many features with the
/// same properties.
pub struct PreparedKeys(Vec<Vec<u8>>);

impl PreparedKeys {
    /// Renders the names.
    pub fn new<S: AsRef<str>>(names: &[S]) -> PreparedKeys {
        PreparedKeys(
            names
                .iter()
                .map(|n| {
                    let mut key = Vec::new();
                    push_json_string(&mut key, n.as_ref());
                    key.push(b':');
                    key
                })
                .collect(),
        )
    }
}

/// Like [`push_feature_with`], with names prepared once and values in the same order.
pub fn push_feature_prepared(
    buf: &mut Vec<u8>,
    first: bool,
    keys: &PreparedKeys,
    values: &[Value],
    geometry: impl FnOnce(&mut Vec<u8>),
) {
    let members = |b: &mut Vec<u8>| {
        for (i, (key, value)) in keys.0.iter().zip(values).enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(key);
            push_value(b, *value);
        }
    };
    push_feature_parts(buf, first, members, geometry);
}

/// The feature envelope around the properties' members and the geometry object.
fn push_feature_parts(
    buf: &mut Vec<u8>,
    first: bool,
    members: impl FnOnce(&mut Vec<u8>),
    geometry: impl FnOnce(&mut Vec<u8>),
) {
    if !first {
        buf.extend_from_slice(b",\n");
    }
    buf.extend_from_slice(b"{\"type\":\"Feature\",\"properties\":{");
    members(buf);
    buf.extend_from_slice(b"},\"geometry\":");
    geometry(buf);
    buf.push(b'}');
}

/// Appends an areal geometry of a layer written with one geometry type: a Polygon when every
/// outline of the layer has one part (`single_part`), else a MultiPolygon. (QGIS declares a
/// GeoJSON layer by its first feature, and a GeoPackage saved from a layer that mixes the two
/// is not conformant.)
pub fn push_outline(buf: &mut Vec<u8>, outline: &MultiPolygon<f64>, single_part: bool) {
    match (outline.0.as_slice(), single_part) {
        ([single], true) => push_typed(buf, "Polygon", |b| push_polygon(b, single)),
        (parts, _) => push_typed(buf, "MultiPolygon", |b| push_list(b, parts, push_polygon)),
    }
}

/// Whether every one of `outlines` has one part, so that a layer of them is written as
/// Polygons (see [`push_outline`]).
pub fn single_part<'a>(mut outlines: impl Iterator<Item = &'a MultiPolygon<f64>>) -> bool {
    outlines.all(|o| o.0.len() == 1)
}

/// Appends a JSON value.
pub fn push_value(buf: &mut Vec<u8>, value: Value) {
    match value {
        Value::Str(s) => push_json_string(buf, s),
        Value::Num(x) if x.is_finite() => push_number(buf, x),
        Value::Num(_) | Value::Null => buf.extend_from_slice(b"null"),
        Value::Int(i) => {
            let _ = serde_json::to_writer(&mut *buf, &i);
        }
        Value::Bool(b) => buf.extend_from_slice(if b { b"true" } else { b"false" }),
    }
}

/// Appends a JSON string with the escapes JSON requires.
pub fn push_json_string(buf: &mut Vec<u8>, s: &str) {
    if s.bytes()
        .all(|c| (b' '..0x7f).contains(&c) && c != b'"' && c != b'\\')
    {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        // serde_json's escaping is correct; writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, s);
    }
}

/// Appends a finite number in its shortest round-trip form (integers without a fraction).
fn push_number(buf: &mut Vec<u8>, x: f64) {
    // serde_json's integer and shortest-float formatting; writing to a Vec cannot fail.
    if x == x.trunc() && x.abs() < 1e15 {
        let _ = serde_json::to_writer(&mut *buf, &(x as i64));
    } else {
        let _ = serde_json::to_writer(&mut *buf, &x);
    }
}

/// A position rounded to [`COORDINATE_DECIMALS`], as every output layer writes it.
pub fn rounded(c: Coord<f64>) -> Coord<f64> {
    let scale = 10f64.powi(COORDINATE_DECIMALS);
    Coord {
        x: (c.x * scale).round() / scale,
        y: (c.y * scale).round() / scale,
    }
}

fn push_coord(buf: &mut Vec<u8>, c: Coord<f64>) {
    push_position(buf, rounded(c));
}

/// Appends a position as it is (outputs round theirs first: [`rounded`]).
pub fn push_position(buf: &mut Vec<u8>, c: Coord<f64>) {
    buf.push(b'[');
    push_number(buf, c.x);
    buf.push(b',');
    push_number(buf, c.y);
    buf.push(b']');
}

/// Appends `[item, item, …]`, each item written by `each`.
pub fn push_list<T>(
    buf: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    buf.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        each(buf, item);
    }
    buf.push(b']');
}

fn push_line(buf: &mut Vec<u8>, line: &LineString<f64>) {
    push_list(buf, &line.0, |b, c| push_coord(b, *c));
}

/// Whether `ring` must be reversed to wind counter-clockwise (`counter_clockwise`) or
/// clockwise; a ring without a winding (degenerate) is kept as it is.
pub fn needs_reversal(ring: &LineString<f64>, counter_clockwise: bool) -> bool {
    use geo::algorithm::winding_order::{Winding, WindingOrder};
    ring.winding_order()
        .is_some_and(|w| (w == WindingOrder::CounterClockwise) != counter_clockwise)
}

/// A ring in the required winding: counter-clockwise for exteriors, clockwise for holes.
fn push_ring(buf: &mut Vec<u8>, ring: &LineString<f64>, counter_clockwise: bool) {
    if needs_reversal(ring, counter_clockwise) {
        let reversed: Vec<Coord<f64>> = ring.0.iter().rev().copied().collect();
        push_list(buf, &reversed, |b, c| push_coord(b, *c));
    } else {
        push_line(buf, ring);
    }
}

/// Rings of a polygon; the exterior counter-clockwise and holes clockwise (RFC 7946 §3.1.6).
fn push_polygon(buf: &mut Vec<u8>, polygon: &Polygon<f64>) {
    buf.push(b'[');
    push_ring(buf, polygon.exterior(), true);
    for hole in polygon.interiors() {
        buf.push(b',');
        push_ring(buf, hole, false);
    }
    buf.push(b']');
}

/// Appends a geometry object of type `kind` with the coordinates `coordinates` writes.
pub fn push_typed(buf: &mut Vec<u8>, kind: &str, coordinates: impl FnOnce(&mut Vec<u8>)) {
    buf.extend_from_slice(b"{\"type\":\"");
    buf.extend_from_slice(kind.as_bytes());
    buf.extend_from_slice(b"\",\"coordinates\":");
    coordinates(buf);
    buf.push(b'}');
}

/// Appends a layer feature's geometry object.
pub fn push_shape(buf: &mut Vec<u8>, shape: Shape) {
    match shape {
        Shape::Point(c) => push_typed(buf, "Point", |b| push_coord(b, c)),
        Shape::MultiPoint(cs) => push_typed(buf, "MultiPoint", |b| {
            push_list(b, cs, |b, c| push_coord(b, *c))
        }),
        Shape::LineString(line) => push_typed(buf, "LineString", |b| push_line(b, line)),
        Shape::MultiPolygon(mp) => {
            push_typed(buf, "MultiPolygon", |b| push_list(b, &mp.0, push_polygon))
        }
        Shape::Outline(outline) => push_outline(buf, outline, true),
    }
}

/// Appends a geometry object. Geometry collections, rectangles and triangles are written as
/// their GeoJSON equivalents.
pub fn push_geometry(buf: &mut Vec<u8>, geometry: &Geometry<f64>) {
    match geometry {
        Geometry::Point(p) => push_typed(buf, "Point", |b| push_coord(b, p.0)),
        Geometry::MultiPoint(mp) => push_typed(buf, "MultiPoint", |b| {
            push_list(b, &mp.0, |b, p| push_coord(b, p.0))
        }),
        Geometry::Line(l) => push_typed(buf, "LineString", |b| {
            push_list(b, &[l.start, l.end], |b, c| push_coord(b, *c))
        }),
        Geometry::LineString(ls) => push_typed(buf, "LineString", |b| push_line(b, ls)),
        Geometry::MultiLineString(mls) => {
            push_typed(buf, "MultiLineString", |b| push_list(b, &mls.0, push_line))
        }
        Geometry::Polygon(p) => push_typed(buf, "Polygon", |b| push_polygon(b, p)),
        Geometry::MultiPolygon(mp) => {
            push_typed(buf, "MultiPolygon", |b| push_list(b, &mp.0, push_polygon))
        }
        Geometry::Rect(r) => push_geometry(buf, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => push_geometry(buf, &Geometry::Polygon(t.to_polygon())),
        Geometry::GeometryCollection(gc) => {
            buf.extend_from_slice(b"{\"type\":\"GeometryCollection\",\"geometries\":");
            push_list(buf, &gc.0, push_geometry);
            buf.push(b'}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon};

    type TestFeature<'a> = (Vec<(&'a str, Value<'a>)>, Geometry<f64>);

    #[test]
    fn outlines_of_a_layer_share_one_geometry_type() {
        let square = |x: f64| polygon![(x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x, y: 1.0)];
        let one = MultiPolygon::new(vec![square(0.0)]);
        let two = MultiPolygon::new(vec![square(0.0), square(5.0)]);
        let layer = [one.clone(), two.clone()];
        assert!(!single_part(layer.iter()));
        assert!(single_part([&one].into_iter()));
        let written = |outline: &MultiPolygon<f64>, single: bool| {
            let mut buf = Vec::new();
            push_outline(&mut buf, outline, single);
            let json: serde_json::Value = serde_json::from_slice(&buf).unwrap();
            json["type"].as_str().unwrap().to_string()
        };
        assert_eq!(written(&one, true), "Polygon");
        assert_eq!(written(&one, false), "MultiPolygon");
        assert_eq!(written(&two, false), "MultiPolygon");
    }

    fn collection(features: &[TestFeature]) -> String {
        let mut out = Vec::new();
        write_header(&mut out).unwrap();
        for (i, (props, geom)) in features.iter().enumerate() {
            push_feature(&mut out, i == 0, props, geom);
        }
        write_footer(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_parses_as_geojson_with_typed_properties() {
        let text = collection(&[
            (
                vec![
                    ("id", Value::Str("a\"b")),
                    ("n", Value::Num(2.5)),
                    ("k", Value::Int(3)),
                    ("ok", Value::Bool(true)),
                    ("none", Value::Null),
                    ("nan", Value::Num(f64::NAN)),
                ],
                Geometry::Point(point!(x: 121.123456789, y: 25.0)),
            ),
            (
                vec![("id", Value::Str("b"))],
                // clockwise exterior: must come out counter-clockwise
                Geometry::Polygon(
                    polygon![(x: 0., y: 0.), (x: 0., y: 1.), (x: 1., y: 1.), (x: 1., y: 0.)],
                ),
            ),
        ]);
        let parsed: geojson::FeatureCollection = text
            .parse::<geojson::GeoJson>()
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(parsed.features.len(), 2);
        let p = parsed.features[0].properties.as_ref().unwrap();
        assert_eq!(p["id"], "a\"b");
        assert_eq!(p["n"], 2.5);
        assert_eq!(p["k"], 3);
        assert_eq!(p["ok"], true);
        assert!(p["none"].is_null() && p["nan"].is_null());
        let point: geo_types::Point<f64> = parsed.features[0]
            .geometry
            .clone()
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(point.x(), 121.1234568);
        let poly: geo_types::Polygon<f64> = parsed.features[1]
            .geometry
            .clone()
            .unwrap()
            .try_into()
            .unwrap();
        use geo::algorithm::winding_order::Winding;
        assert!(poly.exterior().is_ccw());
    }
}
