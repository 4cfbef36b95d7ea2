//! Reading the street network from GeoJSON LineString / MultiLineString features.

use super::geojson::{FileSettings, GeoJsonFile, Geometry};
use super::problem::{FieldProblem, Location, Problem};
use super::Read;
use crate::config::manifest::StreetsSource;
use geo_types::LineString;
use std::borrow::Cow;
use std::path::Path;

/// Reads the streets layer's file at `path` as WGS 84 lines (a MultiLineString gives several lines). Features
/// the layer's filter rejects are left out without validation.
pub fn read_streets(
    source: &StreetsSource,
    path: &Path,
) -> Result<Read<Vec<LineString<f64>>>, Problem> {
    let file = GeoJsonFile::read(
        path,
        FileSettings::of(&source.layer, source.encoding, source.crs),
    )?;
    let rows = file.map_features(path, source.crs, |number, mut feature| {
        let located = |e: FieldProblem| e.locate(path, Location::Feature(number));
        if !source
            .filter
            .matches(|name| feature.text(name).map(|t| Cow::Owned(t.into_owned())))
        {
            return Ok(Vec::new());
        }
        let lines = match feature.take_geometry().map_err(located)? {
            Geometry::LineString(line) => vec![line],
            Geometry::MultiLineString(lines) => lines,
            other => {
                return Err(located(FieldProblem::new(
                    "geometry",
                    format!(
                        "expected a LineString or MultiLineString, found a {}",
                        other.type_name()
                    ),
                )))
            }
        };
        if let Some(short) = lines.iter().find(|l| l.len() < 2) {
            return Err(located(FieldProblem::new(
                "geometry",
                format!(
                    "a line has {} position(s); at least 2 are needed",
                    short.len()
                ),
            )));
        }
        Ok(lines.into_iter().map(LineString::new).collect())
    })?;
    let features = rows.len();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for row in rows {
        match row {
            Ok(ls) => lines.extend(ls),
            Err(p) => problems.push(p),
        }
    }
    Ok(Read {
        value: lines,
        features,
        problems,
        warnings: Vec::new(),
    })
}
