//! One description of each output layer: its name, geometry type and typed fields, and per
//! feature its WGS 84 geometry and values. Both writers read it — GeoJSON
//! ([`super::features::write_layer_geojson`]) and GeoPackage ([`super::gpkg`]) — so a layer's
//! field list and value logic are written once.

use super::style::StyleError;
use geo_types::{Coord, LineString, MultiPolygon};
use std::io;
use std::path::{Path, PathBuf};

/// One property value of a layer's field. Keep a property one type in every feature (null is fine): QGIS reads
/// a field whose type changes between features as an unusable JSON field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A JSON string.
    Str(&'a str),
    /// A JSON number; non-finite numbers are written as null.
    Num(f64),
    /// A JSON integer.
    Int(i64),
    /// A JSON boolean.
    Bool(bool),
    /// JSON null.
    Null,
}

/// How the report and the site suggestion write their layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// GeoJSON: a `.geojson` file per layer, its QGIS style (`.qml`) beside it.
    #[default]
    Geojson,
    /// GeoPackage: one `.gpkg` file holding the layers, each with a spatial index and its QGIS
    /// style as its default.
    Gpkg,
}

impl OutputFormat {
    /// The files `layers` are written to in `dir`: each layer's GeoJSON and style file, or the
    /// one GeoPackage named `package`.
    pub fn layer_files(self, dir: &Path, package: &str, layers: &[StyledLayer]) -> Vec<PathBuf> {
        match self {
            OutputFormat::Geojson => layers.iter().flat_map(|l| l.geojson_files(dir)).collect(),
            OutputFormat::Gpkg => vec![dir.join(package)],
        }
    }
}

/// The type of a field: every feature's value is of this type or null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Whole numbers ([`Value::Int`]).
    Integer,
    /// Numbers ([`Value::Num`]; non-finite ones are written as null).
    Real,
    /// Text ([`Value::Str`]).
    Text,
    /// `true` or `false` ([`Value::Bool`]).
    Boolean,
}

impl FieldType {
    /// Whether `value` may stand in a field of this type.
    pub fn admits(self, value: Value) -> bool {
        matches!(
            (self, value),
            (_, Value::Null)
                | (FieldType::Integer, Value::Int(_))
                | (FieldType::Real, Value::Num(_))
                | (FieldType::Text, Value::Str(_))
                | (FieldType::Boolean, Value::Bool(_))
        )
    }
}

/// A named, typed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field name (snake_case).
    pub name: String,
    /// Its type.
    pub kind: FieldType,
}

impl Field {
    /// A field.
    pub fn new(name: impl Into<String>, kind: FieldType) -> Field {
        Field {
            name: name.into(),
            kind,
        }
    }

    /// Fields from `(name, type)` pairs.
    pub fn list(fields: &[(&str, FieldType)]) -> Vec<Field> {
        fields
            .iter()
            .map(|&(name, kind)| Field::new(name, kind))
            .collect()
    }
}

impl AsRef<str> for Field {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

/// The geometry type of every feature of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    /// One position.
    Point,
    /// Several positions of one feature.
    MultiPoint,
    /// A line.
    LineString,
    /// One or more polygons, with holes.
    MultiPolygon,
}

/// One feature's geometry, in WGS 84 longitude and latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape<'a> {
    /// A position ([`GeometryType::Point`]).
    Point(Coord<f64>),
    /// Positions ([`GeometryType::MultiPoint`]).
    MultiPoint(&'a [Coord<f64>]),
    /// A line ([`GeometryType::LineString`]).
    LineString(&'a LineString<f64>),
    /// Polygons ([`GeometryType::MultiPolygon`]), a MultiPolygon in every format.
    MultiPolygon(&'a MultiPolygon<f64>),
    /// A block outline of a layer whose outlines all have one part, as the input blocks
    /// usually have ([`GeometryType::MultiPolygon`]): in GeoJSON a Polygon, in a GeoPackage a
    /// MultiPolygon. A layer with any multi-part outline gives every one as a MultiPolygon.
    Outline(&'a MultiPolygon<f64>),
}

/// What a layer is: its name, geometry type and fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The layer name: the GeoJSON file stem and the GeoPackage table.
    pub name: &'static str,
    /// The geometry type of every feature.
    pub geometry_type: GeometryType,
    /// The fields, in order.
    pub fields: Vec<Field>,
}

/// An output layer: a [`Schema`] and features, each with a geometry and one value per field
/// (of the field's type, or null). Implementations are shared between threads, which read
/// features in any order.
pub trait Layer: Sync {
    /// The layer's name, geometry type and fields.
    fn schema(&self) -> &Schema;
    /// The number of features.
    fn len(&self) -> usize;
    /// Feature `k`'s geometry.
    fn geometry(&self, k: usize) -> Shape<'_>;
    /// Appends feature `k`'s values to `row`, one per field, in field order.
    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>);

    /// Whether the layer has no features.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The layer name.
    fn name(&self) -> &str {
        self.schema().name
    }
    /// The fields, in order.
    fn fields(&self) -> &[Field] {
        &self.schema().fields
    }
}

/// A layer with its QGIS style (`.qml` text).
pub struct StyledLayer<'a> {
    /// The layer.
    pub layer: &'a dyn Layer,
    /// Its style document.
    pub style: String,
}

impl<'a> StyledLayer<'a> {
    /// `layer` with the style `style` makes for its fields; an error names the style.
    pub fn new(
        layer: &'a dyn Layer,
        style: impl FnOnce(&[Field]) -> Result<String, StyleError>,
    ) -> io::Result<StyledLayer<'a>> {
        let style = style(layer.fields()).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the style of {}: {e}", layer.name()),
            )
        })?;
        Ok(StyledLayer { layer, style })
    }

    /// The layer's GeoJSON file and style file in `dir`.
    pub fn geojson_files(&self, dir: &Path) -> [PathBuf; 2] {
        let name = self.layer.name();
        [
            dir.join(format!("{name}.geojson")),
            dir.join(format!("{name}.qml")),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_admit_their_values_and_null() {
        assert!(FieldType::Integer.admits(Value::Int(3)));
        assert!(FieldType::Real.admits(Value::Num(f64::NAN)));
        assert!(FieldType::Text.admits(Value::Null));
        assert!(!FieldType::Integer.admits(Value::Num(3.0)));
        assert!(!FieldType::Boolean.admits(Value::Str("true")));
    }
}
