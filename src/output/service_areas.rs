//! The `service_areas` layer: for every requirement and every facility, the street segments
//! within the requirement's reach on foot, split at the reach, so QGIS can draw each care
//! point's walkable catchment. The pieces are found by the analysis
//! ([`crate::analysis::service_areas`]); this layer only unprojects them.

use super::format::round_to;
use super::layer::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::algo::crs::LocalProjection;
use crate::analysis::requirements::Requirements;
use crate::analysis::service_areas::ServiceAreaPiece;
use geo::{LineString, MapCoords};
use rayon::prelude::*;

/// One LineString feature per street piece within reach of a facility, with the circle,
/// kind, facility id, reach and walking distance at both ends, in a fixed order
/// (requirement, facility, edge).
pub struct ServiceAreaLayer<'a> {
    requirements: &'a Requirements<'a>,
    pieces: &'a [ServiceAreaPiece],
    /// Each piece's line in WGS 84.
    lines: Vec<LineString<f64>>,
    schema: Schema,
}

impl<'a> ServiceAreaLayer<'a> {
    /// The layer of the analysis's service-area pieces, unprojected with `projection`.
    pub fn new(
        requirements: &'a Requirements<'a>,
        pieces: &'a [ServiceAreaPiece],
        projection: &LocalProjection,
    ) -> ServiceAreaLayer<'a> {
        use FieldType::{Real, Text};
        let lines = pieces
            .par_iter()
            .map(|piece| {
                piece.line.map_coords(|c| {
                    let (lon, lat) = projection.unproject(c.x, c.y);
                    geo::Coord { x: lon, y: lat }
                })
            })
            .collect();
        ServiceAreaLayer {
            requirements,
            pieces,
            lines,
            schema: Schema {
                name: "service_areas",
                geometry_type: GeometryType::LineString,
                fields: Field::list(&[
                    ("circle", Text),
                    ("kind", Text),
                    ("facility_id", Text),
                    ("within_m", Real),
                    ("from_dist_m", Real),
                    ("to_dist_m", Real),
                ]),
            },
        }
    }
}

impl Layer for ServiceAreaLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.pieces.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        Shape::LineString(&self.lines[k])
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let piece = &self.pieces[k];
        let resolved = &self.requirements[piece.requirement];
        row.extend([
            Value::Str(&resolved.circle.name),
            Value::Str(&resolved.requirement.kind),
            Value::Str(&resolved.layer.ids[piece.facility as usize]),
            Value::Num(resolved.requirement.reach_m),
            Value::Num(round_to(piece.from_dist_m, 1)),
            Value::Num(round_to(piece.to_dist_m, 1)),
        ]);
    }
}
