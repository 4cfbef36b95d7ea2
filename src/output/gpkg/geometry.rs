//! GeoPackage geometry blobs (specification clause 2.1.3): the `GP` header with the SRS id
//! and the envelope, then the geometry as little-endian WKB, written by geozero's GeoPackage
//! WKB dialect from the layer's shapes without copying them.
//!
//! Coordinates are rounded and polygon rings wound exactly as in the GeoJSON output (7
//! decimals; exteriors counter-clockwise, holes clockwise), so both formats hold the same
//! geometry; areal shapes are always MultiPolygons.

use crate::output::geojson::{needs_reversal, rounded};
use crate::output::layer::Shape;
use geo_types::{Coord, LineString};
use geozero::bounds::BoundsProcessor;
use geozero::error::Result;
use geozero::wkb::{WkbDialect, WkbWriter};
use geozero::{CoordDimensions, GeomProcessor, GeozeroGeometry};

/// An envelope: min x, max x, min y, max y (the order of the GeoPackage header and of the
/// RTree index).
pub type Envelope = [f64; 4];

/// A shape as geozero reads it: rounded coordinates, wound rings, MultiPolygons.
struct Normalised<'a>(Shape<'a>);

fn xy<P: GeomProcessor>(processor: &mut P, c: Coord<f64>, idx: usize) -> Result<()> {
    let c = rounded(c);
    processor.xy(c.x, c.y, idx)
}

fn line<P: GeomProcessor>(processor: &mut P, coords: &[Coord<f64>], reverse: bool) -> Result<()> {
    let n = coords.len();
    for i in 0..n {
        xy(processor, coords[if reverse { n - 1 - i } else { i }], i)?;
    }
    Ok(())
}

fn ring<P: GeomProcessor>(
    processor: &mut P,
    ring: &LineString<f64>,
    counter_clockwise: bool,
    idx: usize,
) -> Result<()> {
    processor.linestring_begin(false, ring.0.len(), idx)?;
    line(processor, &ring.0, needs_reversal(ring, counter_clockwise))?;
    processor.linestring_end(false, idx)
}

impl GeozeroGeometry for Normalised<'_> {
    fn process_geom<P: GeomProcessor>(&self, processor: &mut P) -> Result<()> {
        match self.0 {
            Shape::Point(c) => {
                processor.point_begin(0)?;
                xy(processor, c, 0)?;
                processor.point_end(0)
            }
            Shape::MultiPoint(points) => {
                processor.multipoint_begin(points.len(), 0)?;
                line(processor, points, false)?;
                processor.multipoint_end(0)
            }
            Shape::LineString(l) => {
                processor.linestring_begin(true, l.0.len(), 0)?;
                line(processor, &l.0, false)?;
                processor.linestring_end(true, 0)
            }
            Shape::MultiPolygon(parts) | Shape::Outline(parts) => {
                processor.multipolygon_begin(parts.0.len(), 0)?;
                for (i, polygon) in parts.0.iter().enumerate() {
                    processor.polygon_begin(false, 1 + polygon.interiors().len(), i)?;
                    ring(processor, polygon.exterior(), true, 0)?;
                    for (h, hole) in polygon.interiors().iter().enumerate() {
                        ring(processor, hole, false, h + 1)?;
                    }
                    processor.polygon_end(false, i)?;
                }
                processor.multipolygon_end(0)
            }
        }
    }
}

/// Appends `shape`'s GeoPackage blob (SRS `srs_id`) to `out` and returns its envelope, or
/// appends nothing and returns `None` for a shape without coordinates (written as a null
/// geometry). Points carry no envelope in their header, as the specification allows.
pub fn push_blob(out: &mut Vec<u8>, shape: Shape, srs_id: i32) -> Result<Option<Envelope>> {
    let shape = Normalised(shape);
    let mut bounds = BoundsProcessor::new();
    shape.process_geom(&mut bounds)?;
    let Some(b) = bounds.bounds() else {
        return Ok(None);
    };
    let envelope = [b.min_x(), b.max_x(), b.min_y(), b.max_y()];
    let header_envelope = match shape.0 {
        Shape::Point(_) => Vec::new(),
        _ => envelope.to_vec(),
    };
    let mut writer = WkbWriter::with_opts(
        &mut *out,
        WkbDialect::Geopackage,
        CoordDimensions::xy(),
        Some(srs_id),
        header_envelope,
    );
    shape.process_geom(&mut writer)?;
    Ok(Some(envelope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, MultiPolygon};

    fn f64_at(blob: &[u8], at: usize) -> f64 {
        f64::from_le_bytes(blob[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn a_point_has_the_header_without_envelope_then_wkb() {
        let mut blob = Vec::new();
        let envelope = push_blob(
            &mut blob,
            Shape::Point(Coord {
                x: 121.123456789,
                y: 25.0,
            }),
            4326,
        )
        .unwrap();
        assert_eq!(
            &blob[..4],
            b"GP\x00\x01",
            "magic, version, little-endian, no envelope"
        );
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
        assert_eq!(blob[8], 1, "little-endian WKB");
        assert_eq!(
            u32::from_le_bytes(blob[9..13].try_into().unwrap()),
            1,
            "Point"
        );
        assert_eq!(f64_at(&blob, 13), 121.1234568);
        assert_eq!(blob.len(), 29);
        assert_eq!(envelope, Some([121.1234568, 121.1234568, 25.0, 25.0]));
    }

    #[test]
    fn an_outline_is_a_wound_multipolygon_with_its_envelope() {
        // A clockwise exterior: written counter-clockwise.
        let outline = MultiPolygon(vec![polygon![
            (x: 0., y: 0.),
            (x: 0., y: 2.),
            (x: 1., y: 2.),
            (x: 1., y: 0.)
        ]]);
        let mut blob = Vec::new();
        let envelope = push_blob(&mut blob, Shape::Outline(&outline), 4326).unwrap();
        assert_eq!(
            blob[3], 0b11,
            "little-endian, [minx, maxx, miny, maxy] envelope"
        );
        let header: Vec<f64> = (0..4).map(|i| f64_at(&blob, 8 + 8 * i)).collect();
        assert_eq!(header, [0.0, 1.0, 0.0, 2.0]);
        assert_eq!(envelope, Some([0.0, 1.0, 0.0, 2.0]));
        let wkb = &blob[40..];
        assert_eq!(
            u32::from_le_bytes(wkb[1..5].try_into().unwrap()),
            6,
            "MultiPolygon"
        );
        // Second vertex of the exterior ring: (1, 0) once counter-clockwise.
        let second = 5 + 4 + 9 + 4 + 16;
        assert_eq!((f64_at(wkb, second), f64_at(wkb, second + 8)), (1.0, 0.0));
    }
}
