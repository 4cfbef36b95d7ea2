//! The city's boundary: from a GeoJSON file (a Polygon or MultiPolygon in WGS 84, or a
//! Feature or FeatureCollection of them, whose union is the boundary) or from an
//! administrative boundary relation of the extract itself (its outer and inner member ways
//! joined into rings).

use super::areas::relation_shape;
use super::read::Extract;
use super::tags::TagSource;
use crate::input_file::{check_in_memory, InputFileError, GEOJSON_MEMORY_FACTOR};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A boundary: its outline in WGS 84 and its name, if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// The outline; overlapping parts are a union.
    pub outline: MultiPolygon<f64>,
    /// The `name` property of the file's first feature that has one, or the relation's `name`.
    pub name: Option<String>,
    /// Where it came from: the file name, or `relation 123`.
    pub source: String,
}

/// Where the boundary comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum BoundarySource {
    /// A GeoJSON file.
    File(PathBuf),
    /// A boundary relation of the extract, by OSM id.
    Relation(i64),
}

/// Why a boundary cannot be used; every message names the file (and feature and field) or
/// the relation.
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    /// The path is not a regular file, or too large to read whole.
    #[error("{}: the boundary {refused}", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// Why it was refused.
        refused: InputFileError,
    },
    /// The file cannot be read.
    #[error("{}: cannot read the boundary: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{}: the boundary is not GeoJSON: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// A feature or geometry is not a usable polygon.
    #[error("{}: {place}`{field}`: {why}", path.display())]
    Geometry {
        /// The file.
        path: PathBuf,
        /// `feature 3: ` or nothing for a bare geometry.
        place: String,
        /// The field at fault, such as `geometry.coordinates[0][2]`.
        field: String,
        /// What is wrong.
        why: String,
    },
    /// The file holds no polygon.
    #[error("{}: the boundary holds no Polygon or MultiPolygon", .0.display())]
    Empty(PathBuf),
    /// The relation is not in the extract.
    #[error("boundary relation {id}: not in the extract {}", extract.display())]
    RelationMissing {
        /// The relation id.
        id: i64,
        /// The extract.
        extract: PathBuf,
    },
    /// The relation's member ways do not close into rings.
    #[error("boundary relation {id}{name}: its outer and inner ways do not close into rings (member ways or nodes missing from the extract {}, or a gap between ways); cut the extract with the whole boundary, or give --boundary FILE.geojson", extract.display())]
    RelationOpen {
        /// The relation id.
        id: i64,
        /// ` (Monaco)` or nothing.
        name: String,
        /// The extract.
        extract: PathBuf,
    },
}

/// Reads a boundary GeoJSON file: every Polygon and MultiPolygon of it, as one outline.
pub fn read_boundary_file(path: &Path) -> Result<Boundary, BoundaryError> {
    let path_buf = || path.to_path_buf();
    check_in_memory(path, GEOJSON_MEMORY_FACTOR).map_err(|refused| BoundaryError::NotAFile {
        path: path_buf(),
        refused,
    })?;
    let text = std::fs::read_to_string(path).map_err(|source| BoundaryError::Read {
        path: path_buf(),
        source,
    })?;
    let json: Value = serde_json::from_str(&text).map_err(|source| BoundaryError::Json {
        path: path_buf(),
        source,
    })?;
    let fail = |place: String, field: String, why: String| BoundaryError::Geometry {
        path: path_buf(),
        place,
        field,
        why,
    };
    let mut polygons = Vec::new();
    let mut name = None;
    match json.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            let features = json
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| fail(String::new(), "features".into(), "must be a list".into()))?;
            for (i, feature) in features.iter().enumerate() {
                let place = format!("feature {}: ", i + 1);
                read_feature(feature, &mut polygons, &mut name)
                    .map_err(|(field, why)| fail(place, field, why))?;
            }
        }
        Some("Feature") => read_feature(&json, &mut polygons, &mut name)
            .map_err(|(field, why)| fail("feature 1: ".into(), field, why))?,
        _ => read_geometry(&json, "", &mut polygons)
            .map_err(|(field, why)| fail(String::new(), field, why))?,
    }
    if polygons.is_empty() {
        return Err(BoundaryError::Empty(path_buf()));
    }
    Ok(Boundary {
        outline: MultiPolygon(polygons),
        name,
        source: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    })
}

/// A field at fault and what is wrong with it.
type Fault = (String, String);

/// Adds a feature's polygons, and takes its `name` when none was found before.
fn read_feature(
    feature: &Value,
    polygons: &mut Vec<Polygon<f64>>,
    name: &mut Option<String>,
) -> Result<(), Fault> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(("type".into(), "must be \"Feature\"".into()));
    }
    let geometry = feature
        .get("geometry")
        .filter(|g| !g.is_null())
        .ok_or_else(|| ("geometry".to_string(), "missing".to_string()))?;
    read_geometry(geometry, "geometry.", polygons)?;
    if name.is_none() {
        *name = feature
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    Ok(())
}

/// Adds a Polygon's or MultiPolygon's polygons; `prefix` names the geometry in faults.
fn read_geometry(
    geometry: &Value,
    prefix: &str,
    polygons: &mut Vec<Polygon<f64>>,
) -> Result<(), Fault> {
    let field = |rest: &str| format!("{prefix}{rest}");
    let coordinates = geometry.get("coordinates");
    match geometry.get("type").and_then(Value::as_str) {
        Some("Polygon") => {
            polygons.push(polygon(coordinates, &field("coordinates"))?);
            Ok(())
        }
        Some("MultiPolygon") => {
            let parts = coordinates.and_then(Value::as_array).ok_or_else(|| {
                (
                    field("coordinates"),
                    "must be a list of polygons".to_string(),
                )
            })?;
            for (i, part) in parts.iter().enumerate() {
                polygons.push(polygon(Some(part), &field(&format!("coordinates[{i}]")))?);
            }
            Ok(())
        }
        Some(other) => Err((
            field("type"),
            format!("a boundary is a Polygon or MultiPolygon, not a {other}"),
        )),
        None => Err((field("type"), "missing".into())),
    }
}

/// A polygon from its rings' coordinates: closed rings of at least four longitude–latitude
/// positions in WGS 84.
fn polygon(rings: Option<&Value>, field: &str) -> Result<Polygon<f64>, Fault> {
    let rings = rings
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            (
                field.to_string(),
                "must be a non-empty list of rings".to_string(),
            )
        })?;
    let mut lines = Vec::with_capacity(rings.len());
    for (i, ring) in rings.iter().enumerate() {
        let here = format!("{field}[{i}]");
        let positions = ring
            .as_array()
            .ok_or_else(|| (here.clone(), "must be a list of positions".to_string()))?;
        let coords = positions
            .iter()
            .enumerate()
            .map(|(j, p)| {
                position(p).ok_or_else(|| {
                    (
                        format!("{here}[{j}]"),
                        "must be [longitude, latitude] in degrees (WGS 84)".to_string(),
                    )
                })
            })
            .collect::<Result<Vec<Coord<f64>>, Fault>>()?;
        if coords.len() < 4 || coords.first() != coords.last() {
            return Err((
                here,
                "a ring needs at least 4 positions, the last equal to the first".into(),
            ));
        }
        lines.push(LineString::new(coords));
    }
    let exterior = lines.remove(0);
    Ok(Polygon::new(exterior, lines))
}

/// A `[longitude, latitude]` position within WGS 84's range.
fn position(value: &Value) -> Option<Coord<f64>> {
    let numbers = value.as_array()?;
    let (x, y) = (numbers.first()?.as_f64()?, numbers.get(1)?.as_f64()?);
    ((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)).then_some(Coord { x, y })
}

/// The boundary relation `id` of the extract: its outer and inner ways joined into rings,
/// every member and node present and every ring closed.
pub fn relation_boundary(
    extract: &Extract,
    id: i64,
    extract_path: &Path,
) -> Result<Boundary, BoundaryError> {
    let i = extract
        .relations
        .binary_search_by_key(&id, |r| r.id)
        .map_err(|_| BoundaryError::RelationMissing {
            id,
            extract: extract_path.to_path_buf(),
        })?;
    let relation = &extract.relations[i];
    let name = relation.tags.tag("name").map(str::to_string);
    match relation_shape(extract, relation) {
        Ok(shape) if shape.complete => Ok(Boundary {
            outline: shape.outline,
            name,
            source: format!("relation {id}"),
        }),
        _ => Err(BoundaryError::RelationOpen {
            id,
            name: name.map(|n| format!(" ({n})")).unwrap_or_default(),
            extract: extract_path.to_path_buf(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.geojson");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    const SQUARE: &str = "[[[7.41,43.72],[7.42,43.72],[7.42,43.73],[7.41,43.72]]]";

    #[test]
    fn a_feature_collection_is_the_union_of_its_polygons() {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
              {{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":{SQUARE}}}}},
              {{"type":"Feature","properties":{{"name":"Monaco"}},"geometry":{{"type":"MultiPolygon","coordinates":[{SQUARE},{SQUARE}]}}}}]}}"#
        );
        let (_dir, path) = write(&text);
        let b = read_boundary_file(&path).unwrap();
        assert_eq!(b.outline.0.len(), 3);
        assert_eq!(b.name.as_deref(), Some("Monaco"));
        assert_eq!(b.source, "city.geojson");
    }

    #[test]
    fn bad_boundaries_name_the_file_feature_and_field() {
        let cases = [
            ("{", "not GeoJSON".to_string()),
            (
                r#"{"type":"Point","coordinates":[7,43]}"#,
                "`type`: a boundary is a Polygon or MultiPolygon, not a Point".to_string(),
            ),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[7.41,43.72],[7.42,43.72],[7.42,43.73],[7.41,43.72]]]}},{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[7.41,43.72],[7.42,"north"],[7.42,43.73],[7.41,43.72]]]}}]}"#,
                "feature 2: `geometry.coordinates[0][1]`: must be [longitude, latitude]"
                    .to_string(),
            ),
            (
                r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[7.41,43.72],[7.42,43.72],[7.42,43.73]]]}}"#,
                "feature 1: `geometry.coordinates[0]`: a ring needs at least 4 positions"
                    .to_string(),
            ),
            (
                r#"{"type":"FeatureCollection","features":[]}"#,
                "holds no Polygon".to_string(),
            ),
            (
                r#"{"type":"Feature","geometry":null}"#,
                "feature 1: `geometry`: missing".to_string(),
            ),
        ];
        for (text, expected) in cases {
            let (_dir, path) = write(text);
            let err = read_boundary_file(&path).unwrap_err().to_string();
            assert!(
                err.contains("city.geojson") && err.contains(&expected),
                "{err}"
            );
        }
    }
}
