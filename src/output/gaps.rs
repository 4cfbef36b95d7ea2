//! The `gaps` layer: one MultiPolygon feature per gap zone.

use super::layer::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::algo::crs::LocalProjection;
use crate::algo::sampled_inverse::SampledInverse;
use crate::analysis::zones::{RankedZone, ZoneSummary};
use geo::{BoundingRect, MapCoords, MultiPolygon};
use rayon::prelude::*;

/// Every gap zone with its circle, rank, size and span, uncovered people, failing
/// requirements and the nearest existing facility (`nearest_rank`: 2 for the 2nd nearest,
/// for a requirement asking for two), also in words.
pub struct GapLayer<'a> {
    zones: &'a [RankedZone],
    /// Each zone's outline in WGS 84.
    outlines: Vec<MultiPolygon<f64>>,
    summaries: Vec<ZoneSummary>,
    /// Each zone's nearest facility in words (`2nd nearest pharmacy P7 at 1,240 m`).
    nearest: Vec<Option<String>>,
    schema: Schema,
}

impl<'a> GapLayer<'a> {
    /// The layer of the ranked gap zones, their outlines unprojected with `projection`
    /// (sampled and interpolated, to the millimetre: see [`SampledInverse`]).
    pub fn new(zones: &'a [RankedZone], projection: &LocalProjection) -> GapLayer<'a> {
        use FieldType::{Integer, Real, Text};
        let summaries: Vec<ZoneSummary> = zones.iter().map(RankedZone::summary).collect();
        let nearest = summaries.iter().map(ZoneSummary::nearest_words).collect();
        let bounds = zones
            .iter()
            .filter_map(|z| z.outline.bounding_rect())
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            });
        let inverse = SampledInverse::over(projection, bounds);
        GapLayer {
            zones,
            outlines: zones
                .par_iter()
                .map(|z| {
                    z.outline.map_coords(|c| {
                        let (x, y) = inverse.unproject(c.x, c.y);
                        geo::Coord { x, y }
                    })
                })
                .collect(),
            summaries,
            nearest,
            schema: Schema {
                name: "gaps",
                geometry_type: GeometryType::MultiPolygon,
                fields: Field::list(&[
                    ("circle", Text),
                    ("rank", Integer),
                    ("blocks", Integer),
                    ("places", Text),
                    ("span_m", Real),
                    ("elderly_uncovered", Real),
                    ("residents_uncovered", Real),
                    ("failing", Text),
                    ("nearest_kind", Text),
                    ("nearest_facility_id", Text),
                    ("nearest_facility_name", Text),
                    ("nearest_rank", Integer),
                    ("nearest_m", Real),
                    ("nearest_searched_m", Real),
                    ("nearest", Text),
                ]),
            },
        }
    }
}

impl Layer for GapLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.zones.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        Shape::MultiPolygon(&self.outlines[k])
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let s = &self.summaries[k];
        let text = |t: &'s Option<String>| t.as_deref().map_or(Value::Null, Value::Str);
        let number = |x: Option<f64>| x.map_or(Value::Null, Value::Num);
        row.extend([
            Value::Str(&s.circle),
            Value::Int(s.rank as i64),
            Value::Int(s.blocks as i64),
            text(&s.places),
            Value::Num(s.span_m),
            Value::Num(s.elderly_uncovered),
            number(s.residents_uncovered),
            Value::Str(&s.failing),
            text(&s.nearest_kind),
            text(&s.nearest_facility_id),
            text(&s.nearest_facility_name),
            s.nearest_rank.map_or(Value::Null, |k| Value::Int(k as i64)),
            number(s.nearest_m),
            number(s.nearest_searched_m),
            text(&self.nearest[k]),
        ]);
    }
}
