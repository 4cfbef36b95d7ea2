//! `gaps.geojson`: one MultiPolygon feature per gap zone.

use super::atomic::{write_atomically, ProtectedInputs};
use super::geojson::{self, Value};
use crate::zones::RankedZone;
use geo::Geometry;
use std::io::{self, Write};
use std::path::Path;

/// The properties of every gap zone feature, in order.
pub const GAP_FIELDS: [&str; 9] = [
    "circle",
    "rank",
    "blocks",
    "elderly_uncovered",
    "residents_uncovered",
    "failing",
    "nearest_kind",
    "nearest_facility_id",
    "nearest_m",
];

/// Writes every gap zone with its circle, rank, size, uncovered people, failing requirements
/// and nearest existing facility.
pub fn write_gaps_geojson(
    path: &Path,
    protected: &ProtectedInputs,
    zones: &[RankedZone],
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        geojson::write_header(out)?;
        let mut buf = Vec::new();
        for (i, zone) in zones.iter().enumerate() {
            let s = zone.summary();
            fn text(t: &Option<String>) -> Value<'_> {
                t.as_deref().map_or(Value::Null, Value::Str)
            }
            let properties = [
                ("circle", Value::Str(&s.circle)),
                ("rank", Value::Int(s.rank as i64)),
                ("blocks", Value::Int(s.blocks as i64)),
                ("elderly_uncovered", Value::Num(s.elderly_uncovered)),
                (
                    "residents_uncovered",
                    s.residents_uncovered.map_or(Value::Null, Value::Num),
                ),
                ("failing", Value::Str(&s.failing)),
                ("nearest_kind", text(&s.nearest_kind)),
                ("nearest_facility_id", text(&s.nearest_facility_id)),
                ("nearest_m", s.nearest_m.map_or(Value::Null, Value::Num)),
            ];
            debug_assert!(properties.iter().map(|p| p.0).eq(GAP_FIELDS));
            buf.clear();
            geojson::push_feature(
                &mut buf,
                i == 0,
                &properties,
                &Geometry::MultiPolygon(zone.outline.clone()),
            );
            out.write_all(&buf)?;
        }
        geojson::write_footer(out)
    })
}
