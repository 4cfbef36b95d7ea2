//! Writing the converted layers as GeoJSON (WGS 84) through the project's writer, each file
//! atomically, with the OSM type and id of every feature.

use super::buildings::Building;
use super::facilities::Facility;
use super::population::Population;
use super::streets::StreetPiece;
use crate::output::atomic::ProtectedInputs;
use crate::output::features::write_features;
use crate::output::geojson::{push_feature, push_feature_with, push_outline, single_part};
use crate::output::layer::Value;
use geo_types::{Geometry, LineString, Point};
use std::io;
use std::path::Path;

/// Areas in m² are written to 0.01 m².
fn round_area(m2: f64) -> f64 {
    (m2 * 100.0).round() / 100.0
}

/// `blocks.geojson`: the residential buildings with their estimated people; `id` is `w123` or
/// `r45`, and `estimated` is always true (OSM has no population figures).
pub fn write_blocks(
    target: &Path,
    protected: &ProtectedInputs,
    buildings: &[Building],
    population: &Population,
) -> io::Result<()> {
    let single_part = single_part(buildings.iter().map(|b| &b.outline));
    write_features(target, protected, buildings.len(), |k, buf| {
        let b = &buildings[k];
        let id = b.element.to_string();
        let properties = [
            ("id", Value::Str(&id)),
            ("osm_type", Value::Str(b.element.kind.name())),
            ("osm_id", Value::Int(b.element.id)),
            ("building", Value::Str(&b.building)),
            ("levels", Value::Num(b.levels)),
            ("levels_tagged", Value::Bool(b.levels_tagged)),
            ("footprint_m2", Value::Num(round_area(b.footprint_m2))),
            ("floor_area_m2", Value::Num(round_area(b.floor_area_m2))),
            ("residents", Value::Num(population.residents[k])),
            ("elderly", Value::Num(population.elderly[k])),
            ("estimated", Value::Bool(true)),
        ];
        push_feature_with(buf, buf.is_empty(), &properties, |b2| {
            push_outline(b2, &b.outline, single_part)
        });
    })
}

/// `<kind>.geojson`: one kind's facilities as points.
pub fn write_facilities(
    target: &Path,
    protected: &ProtectedInputs,
    kind: &str,
    facilities: &[&Facility],
) -> io::Result<()> {
    write_features(target, protected, facilities.len(), |k, buf| {
        let f = facilities[k];
        let id = f.element.to_string();
        let properties = [
            ("id", Value::Str(&id)),
            ("osm_type", Value::Str(f.element.kind.name())),
            ("osm_id", Value::Int(f.element.id)),
            ("kind", Value::Str(kind)),
            ("name", f.name.as_deref().map_or(Value::Null, Value::Str)),
            ("tier", Value::Str(&f.tier)),
            (
                "area_m2",
                f.area_m2.map_or(Value::Null, |a| Value::Num(round_area(a))),
            ),
        ];
        let point = Geometry::Point(Point(f.location));
        push_feature(buf, buf.is_empty(), &properties, &point);
    })
}

/// `streets.geojson`: the walkable pieces; `steps` marks stairs (for step-free policies).
pub fn write_streets(
    target: &Path,
    protected: &ProtectedInputs,
    pieces: &[StreetPiece],
) -> io::Result<()> {
    write_features(target, protected, pieces.len(), |k, buf| {
        let s = &pieces[k];
        let properties = [
            ("osm_type", Value::Str("way")),
            ("osm_id", Value::Int(s.way)),
            ("highway", Value::Str(s.highway)),
            ("steps", Value::Bool(s.highway == "steps")),
            ("name", s.name.map_or(Value::Null, Value::Str)),
        ];
        let line = Geometry::LineString(LineString::new(s.line.clone()));
        push_feature(buf, buf.is_empty(), &properties, &line);
    })
}
