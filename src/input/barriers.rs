//! Reading the barrier layer: GeoJSON lines (railways, walls, expressways) and polygons
//! (rivers, lakes), each with an optional name for gap reasons.

use super::geojson::{Feature, FileSettings, GeoJsonFile, Geometry};
use super::problem::{FieldProblem, Location, Problem};
use super::Read;
use crate::config::manifest::BarriersSource;
use crate::dataset::Barriers;
use geo_types::{Geometry as Shape, LineString, MultiLineString};
use std::borrow::Cow;
use std::path::Path;

/// Reads the barrier layer's file at `path` in WGS 84. Features the layer's filter rejects are left out
/// without validation; a Point, or a line with fewer than 2 positions, is a problem.
pub fn read_barriers(source: &BarriersSource, path: &Path) -> Result<Read<Barriers>, Problem> {
    let file = GeoJsonFile::read(
        path,
        FileSettings::of(&source.layer, source.encoding, source.crs),
    )?;
    let rows = file.map_features(path, source.crs, |number, feature| {
        barrier(source, feature).map_err(|e| e.locate(path, Location::Feature(number)))
    })?;
    let features = rows.len();
    let mut barriers = Barriers::default();
    let mut problems = Vec::new();
    for row in rows {
        match row {
            Ok(Some((shape, name))) => {
                barriers.shapes.push(shape);
                barriers.names.push(name);
            }
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    Ok(Read {
        value: barriers,
        features,
        problems,
        warnings: Vec::new(),
    })
}

/// A barrier's shape and name.
type Named = (Shape<f64>, Option<String>);

/// One barrier feature: its shape and what gap reasons call it; `None` when filtered out.
fn barrier(source: &BarriersSource, mut feature: Feature) -> Result<Option<Named>, FieldProblem> {
    if !source
        .filter
        .matches(|name| feature.text(name).map(|t| Cow::Owned(t.into_owned())))
    {
        return Ok(None);
    }
    let name = [&source.name, &source.kind]
        .into_iter()
        .find_map(|key| feature.text(key).filter(|t| !t.trim().is_empty()))
        .map(|t| t.trim().to_string());
    let shape = match feature.take_geometry()? {
        Geometry::LineString(line) => lines(vec![line])?,
        Geometry::MultiLineString(lines_in) => lines(lines_in)?,
        g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => {
            Shape::MultiPolygon(g.into_multi_polygon()?)
        }
        other => {
            return Err(FieldProblem::new(
                "geometry",
                format!(
                    "expected a LineString, MultiLineString, Polygon or MultiPolygon, found a {}",
                    other.type_name()
                ),
            ))
        }
    };
    Ok(Some((shape, name)))
}

fn lines(lines: Vec<Vec<geo_types::Coord<f64>>>) -> Result<Shape<f64>, FieldProblem> {
    if let Some(short) = lines.iter().find(|l| l.len() < 2) {
        return Err(FieldProblem::new(
            "geometry",
            format!(
                "a line has {} position(s); at least 2 are needed",
                short.len()
            ),
        ));
    }
    Ok(Shape::MultiLineString(MultiLineString(
        lines.into_iter().map(LineString::new).collect(),
    )))
}
