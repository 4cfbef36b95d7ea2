//! GeoJSON reading: the file is split into features, which are parsed in parallel.
//!
//! Each feature keeps its raw properties and is parsed on demand, so a reader only pays for
//! the fields it uses. Feature numbers in problems count from 1 in file order.
//!
//! A GeoPackage (`.gpkg`) is read as the GeoJSON text of one of its feature tables (see
//! [`super::gpkg`]), a Shapefile (`.shp`) as the GeoJSON text of its shapes and attributes
//! (see [`super::shapefile`]).

use super::csv_text::CsvEncoding;
use super::problem::{to_wgs84, FieldProblem, Location, Problem};
use crate::algo::crs::Crs;
use crate::algo::epsg::ToWgs84;
use crate::input_file;
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What a manifest table says about reading one of its files, beyond the features' own
/// settings (ids, fields, filters).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileSettings<'a> {
    /// The feature table of a GeoPackage (`layer`).
    pub layer: Option<&'a str>,
    /// The text encoding of a Shapefile's attributes when it has no `.cpg` (`encoding`).
    pub encoding: Option<CsvEncoding>,
    /// The system the positions are in (`crs`), which a Shapefile's `.prj` must agree with.
    pub crs: Option<Crs>,
}

impl<'a> FileSettings<'a> {
    /// A table's `layer`, `encoding` and `crs` keys.
    pub fn of(layer: &'a Option<String>, encoding: Option<CsvEncoding>, crs: Option<Crs>) -> Self {
        FileSettings {
            layer: layer.as_deref(),
            encoding,
            crs,
        }
    }
}

/// A GeoJSON file held in memory, ready to be split into features.
pub struct GeoJsonFile {
    /// The FeatureCollection's text.
    pub(super) text: String,
    /// Why the positions' system cannot be known from the file (a GeoPackage SRS outside the
    /// EPSG registry): a problem unless the manifest's `crs` names it.
    pub(super) unknown_crs: Option<String>,
    /// Why a feature's geometry did not decode, by feature number (a GeoPackage blob; the
    /// feature's geometry is null in `text`).
    pub(super) bad_geometries: HashMap<usize, String>,
}

#[derive(Deserialize)]
struct Collection<'a> {
    #[serde(rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    features: Option<Vec<&'a RawValue>>,
    /// The 2008 GeoJSON `crs` member (RFC 7946 dropped it; GDAL still writes it).
    #[serde(default)]
    crs: Option<serde_json::Value>,
}

/// One feature with its geometry parsed and its properties kept raw.
pub struct Feature<'a> {
    /// The conversion of the file's positions to WGS 84.
    to_wgs84: &'a ToWgs84,
    /// The feature-level `id` member, if any.
    pub id: Option<&'a RawValue>,
    /// The geometry, or `None` for a null geometry.
    pub geometry: Option<Geometry>,
    /// Why the geometry did not decode, when it did not (a GeoPackage blob).
    bad_geometry: Option<&'a str>,
    /// The raw properties.
    pub properties: BTreeMap<Cow<'a, str>, &'a RawValue>,
}

#[derive(Deserialize)]
struct FeatureIn<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    geometry: Option<GeometryIn<'a>>,
    #[serde(borrow)]
    properties: Option<BTreeMap<Cow<'a, str>, &'a RawValue>>,
}

#[derive(Deserialize)]
struct GeometryIn<'a> {
    #[serde(rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    coordinates: Option<&'a RawValue>,
}

/// The geometries carecircle reads, in lon/lat degrees.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    /// A Point.
    Point(Coord<f64>),
    /// A MultiPoint.
    MultiPoint(Vec<Coord<f64>>),
    /// A LineString.
    LineString(Vec<Coord<f64>>),
    /// A MultiLineString.
    MultiLineString(Vec<Vec<Coord<f64>>>),
    /// A Polygon (rings, exterior first).
    Polygon(Vec<Vec<Coord<f64>>>),
    /// A MultiPolygon.
    MultiPolygon(Vec<Vec<Vec<Coord<f64>>>>),
}

impl Geometry {
    /// The GeoJSON type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "Point",
            Geometry::MultiPoint(_) => "MultiPoint",
            Geometry::LineString(_) => "LineString",
            Geometry::MultiLineString(_) => "MultiLineString",
            Geometry::Polygon(_) => "Polygon",
            Geometry::MultiPolygon(_) => "MultiPolygon",
        }
    }

    fn coords_mut(&mut self) -> Box<dyn Iterator<Item = &mut Coord<f64>> + '_> {
        match self {
            Geometry::Point(c) => Box::new(std::iter::once(c)),
            Geometry::MultiPoint(cs) | Geometry::LineString(cs) => Box::new(cs.iter_mut()),
            Geometry::MultiLineString(ls) | Geometry::Polygon(ls) => {
                Box::new(ls.iter_mut().flatten())
            }
            Geometry::MultiPolygon(ps) => Box::new(ps.iter_mut().flatten().flatten()),
        }
    }

    /// Converts every position to WGS 84 longitude/latitude, checking each (see
    /// [`to_wgs84`]).
    pub fn validate_and_convert(&mut self, to: &ToWgs84) -> Result<(), FieldProblem> {
        for c in self.coords_mut() {
            let (lon, lat) = to_wgs84(to, c.x, c.y)?;
            *c = Coord { x: lon, y: lat };
        }
        Ok(())
    }

    /// The areal part as a MultiPolygon, or a problem for other types and degenerate rings.
    pub fn into_multi_polygon(self) -> Result<MultiPolygon<f64>, FieldProblem> {
        let polygons = match self {
            Geometry::Polygon(rings) => vec![rings],
            Geometry::MultiPolygon(polygons) => polygons,
            other => {
                return Err(FieldProblem::new(
                    "geometry",
                    format!(
                        "expected a Polygon or MultiPolygon, found a {}",
                        other.type_name()
                    ),
                ))
            }
        };
        if polygons.is_empty() {
            return Err(FieldProblem::new("geometry", "the MultiPolygon is empty"));
        }
        let polygons = polygons
            .into_iter()
            .map(polygon_from_rings)
            .collect::<Result<_, _>>()?;
        Ok(MultiPolygon(polygons))
    }
}

fn polygon_from_rings(rings: Vec<Vec<Coord<f64>>>) -> Result<Polygon<f64>, FieldProblem> {
    let mut rings = rings.into_iter().map(LineString::new);
    let exterior = rings
        .next()
        .ok_or_else(|| FieldProblem::new("geometry", "a polygon has no rings"))?;
    let polygon = Polygon::new(exterior, rings.collect());
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        // Polygon::new closes open rings; a closed ring needs 4 positions.
        if ring.0.len() < 4 {
            return Err(FieldProblem::new(
                "geometry",
                format!(
                    "a polygon ring has {} positions; at least 4 are needed",
                    ring.0.len()
                ),
            ));
        }
    }
    Ok(polygon)
}

/// A position: two or more numbers, of which the first two are used.
struct Position(Coord<f64>);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PositionVisitor;
        impl<'de> Visitor<'de> for PositionVisitor {
            type Value = Position;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position [longitude, latitude]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let x: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Position(Coord { x, y }))
            }
        }
        deserializer.deserialize_seq(PositionVisitor)
    }
}

fn coords(ps: Vec<Position>) -> Vec<Coord<f64>> {
    ps.into_iter().map(|p| p.0).collect()
}

fn parse_geometry(g: GeometryIn) -> Result<Geometry, FieldProblem> {
    let raw = g.coordinates.ok_or_else(|| {
        FieldProblem::new("geometry", format!("the {} has no coordinates", g.kind))
    })?;
    let text = raw.get();
    let bad = |e: serde_json::Error| {
        FieldProblem::new("geometry", format!("bad {} coordinates: {e}", g.kind))
    };
    Ok(match g.kind.as_ref() {
        "Point" => Geometry::Point(serde_json::from_str::<Position>(text).map_err(bad)?.0),
        "MultiPoint" => Geometry::MultiPoint(coords(serde_json::from_str(text).map_err(bad)?)),
        "LineString" => Geometry::LineString(coords(serde_json::from_str(text).map_err(bad)?)),
        "MultiLineString" => Geometry::MultiLineString(
            serde_json::from_str::<Vec<Vec<Position>>>(text)
                .map_err(bad)?
                .into_iter()
                .map(coords)
                .collect(),
        ),
        "Polygon" => Geometry::Polygon(
            serde_json::from_str::<Vec<Vec<Position>>>(text)
                .map_err(bad)?
                .into_iter()
                .map(coords)
                .collect(),
        ),
        "MultiPolygon" => Geometry::MultiPolygon(
            serde_json::from_str::<Vec<Vec<Vec<Position>>>>(text)
                .map_err(bad)?
                .into_iter()
                .map(|p| p.into_iter().map(coords).collect())
                .collect(),
        ),
        other => {
            return Err(FieldProblem::new(
                "geometry",
                format!("unsupported geometry type `{other}`"),
            ))
        }
    })
}

impl GeoJsonFile {
    /// Reads a whole file; a missing or unreadable file is a problem naming it, and so is a
    /// path that is not a regular file or a file too large to read in the memory available
    /// ([`input_file::check_in_memory`]), refused before it is opened. A `.gpkg` file is
    /// read as its feature table `settings.layer` (or its only one, see
    /// [`super::gpkg::read`]); `layer` on any other file is a problem. A `.shp` file is read
    /// with its `.shx`, `.dbf`, `.prj` and `.cpg` (see [`super::shapefile::read`]).
    pub fn read(path: &Path, settings: FileSettings) -> Result<GeoJsonFile, Problem> {
        if super::gpkg::is_geopackage(path) {
            return super::gpkg::read(path, settings.layer);
        }
        if let Some(layer) = settings.layer {
            return Err(super::gpkg::layer_on_other_file(path, layer));
        }
        if super::shapefile::is_shapefile(path) {
            return super::shapefile::read(path, settings.encoding, settings.crs);
        }
        if let Some(problem) = unsupported_format(path) {
            return Err(problem);
        }
        input_file::check_in_memory(path, input_file::GEOJSON_MEMORY_FACTOR)
            .map_err(|e| Problem::file(path, e.to_string()))?;
        let mut text = std::fs::read_to_string(path)
            .map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
        // A byte-order mark (as Windows tools write) is not JSON.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        Ok(GeoJsonFile {
            text,
            unknown_crs: None,
            bad_geometries: HashMap::new(),
        })
    }

    /// Parses every feature in parallel and hands each (numbered from 1) to `convert`,
    /// returning the results in file order. Positions are in `crs` (the manifest's `crs`
    /// key), else in the system the file's `crs` member names, else WGS 84; features give
    /// their geometry converted to WGS 84 ([`Feature::take_geometry`]). Malformed JSON, a
    /// non-FeatureCollection, an unknown `crs` member or one that contradicts `crs` is a
    /// problem with the whole file.
    pub fn map_features<T: Send>(
        &self,
        path: &Path,
        crs: Option<Crs>,
        convert: impl Fn(usize, Feature) -> Result<T, Problem> + Sync,
    ) -> Result<Vec<Result<T, Problem>>, Problem> {
        let collection: Collection = serde_json::from_str(&self.text)
            .map_err(|e| Problem::file(path, format!("not valid GeoJSON: {e}")))?;
        if collection.kind != "FeatureCollection" {
            return Err(Problem::file(
                path,
                format!(
                    "expected a GeoJSON FeatureCollection, found a `{}`",
                    collection.kind
                ),
            ));
        }
        if let (None, Some(why)) = (crs, &self.unknown_crs) {
            return Err(Problem::file(path, why.clone()));
        }
        let crs = file_crs(crs, collection.crs.as_ref()).map_err(|e| Problem::file(path, e))?;
        let to_wgs84 = ToWgs84::new(crs).map_err(|e| Problem::file(path, e.to_string()))?;
        let features = collection
            .features
            .ok_or_else(|| Problem::file(path, "the FeatureCollection has no `features` member"))?;
        Ok(features
            .par_iter()
            .enumerate()
            .map(|(i, raw)| {
                let number = i + 1;
                let bad_geometry = self.bad_geometries.get(&number).map(String::as_str);
                let feature = parse_feature(raw, &to_wgs84, bad_geometry)
                    .map_err(|e| e.locate(path, Location::Feature(number)))?;
                convert(number, feature)
            })
            .collect())
    }
}

/// Extensions of GIS and spreadsheet formats carecircle does not read, with the `ogr2ogr`
/// driver that converts them.
const UNSUPPORTED: [(&str, &str); 7] = [
    ("kml", "KML"),
    ("kmz", "KML"),
    ("gml", "GML"),
    ("tab", "MapInfo"),
    ("mif", "MapInfo"),
    ("xlsx", "Excel"),
    ("xls", "Excel"),
];

/// A problem for a file in a format carecircle does not read (by its extension), naming the
/// formats it reads and the command converting the file; or for one of a Shapefile's other
/// files, naming its `.shp`.
fn unsupported_format(path: &Path) -> Option<Problem> {
    if let Some(problem) = super::shapefile::part_of_shapefile(path) {
        return Some(problem);
    }
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    let (_, format) = UNSUPPORTED.iter().find(|(e, _)| *e == extension)?;
    let converted = path.with_extension("geojson");
    let how = match extension.as_str() {
        "xlsx" | "xls" => "save the sheet as CSV (UTF-8) in the spreadsheet".to_string(),
        _ => format!(
            "convert it with `ogr2ogr -f GeoJSON -t_srs EPSG:4326 '{}' '{}'`",
            converted.display(),
            path.display()
        ),
    };
    Some(Problem::file(
        path,
        format!(
            "{format} files are not read (carecircle reads GeoJSON, GeoPackage, Shapefile and CSV): {how}"
        ),
    ))
}

/// The system a file's positions are in: `stated` in the manifest, else the one the
/// `crs` member (`{"type": "name", "properties": {"name": …}}`) names, else WGS 84. A
/// member naming no system (`{}`, a link) is left aside like an absent one.
fn file_crs(stated: Option<Crs>, member: Option<&serde_json::Value>) -> Result<Crs, String> {
    let declared = member
        .and_then(|m| m.pointer("/properties/name"))
        .and_then(|n| n.as_str())
        .map(|name| {
            name.parse::<Crs>()
                .map_err(|e| format!("the `crs` member: {e}"))
        })
        .transpose()?;
    match (stated, declared) {
        (Some(stated), Some(declared)) if stated != declared => Err(format!(
            "the file's `crs` member says its positions are in {declared} but the manifest says crs = \"{stated}\"; correct or remove one of them"
        )),
        (Some(crs), _) | (None, Some(crs)) => Ok(crs),
        (None, None) => Ok(Crs::Wgs84),
    }
}

fn parse_feature<'a>(
    raw: &'a RawValue,
    to_wgs84: &'a ToWgs84,
    bad_geometry: Option<&'a str>,
) -> Result<Feature<'a>, FieldProblem> {
    // serde would read a JSON array as the struct's fields in order.
    if !raw.get().trim_start().starts_with('{') {
        let found = match raw.get().trim_start().chars().next() {
            Some('[') => "an array",
            Some('"') => "a string",
            Some('n') => "null",
            _ => "a number or boolean",
        };
        return Err(FieldProblem {
            field: None,
            message: format!("not a GeoJSON Feature: {found}, not an object"),
        });
    }
    let f: FeatureIn = serde_json::from_str(raw.get()).map_err(|e| FieldProblem {
        field: None,
        message: format!("not a valid GeoJSON feature: {e}"),
    })?;
    let geometry = f.geometry.map(parse_geometry).transpose()?;
    Ok(Feature {
        to_wgs84,
        id: f.id,
        geometry,
        bad_geometry,
        properties: f.properties.unwrap_or_default(),
    })
}

impl Feature<'_> {
    /// A property as text (strings as they are, numbers and booleans formatted); `None` when
    /// absent or null.
    pub fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        let raw = self.properties.get(name)?;
        let value: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
        match value {
            serde_json::Value::String(s) => Some(Cow::Owned(s)),
            other => super::super::config::filter::json_as_text(&other)
                .map(|t| Cow::Owned(t.into_owned())),
        }
    }

    /// A property as it is (null when absent or not valid JSON).
    pub fn value(&self, name: &str) -> serde_json::Value {
        self.properties
            .get(name)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(serde_json::Value::Null)
    }

    /// A property parsed as a number: a JSON number, or a string holding one.
    pub fn number(&self, name: &str) -> Result<f64, FieldProblem> {
        let raw = self
            .properties
            .get(name)
            .ok_or_else(|| FieldProblem::new(name, format!("missing; {}", self.fields())))?
            .get();
        let value = match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(serde_json::Value::Number(n)) => n.as_f64(),
            Ok(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            Ok(serde_json::Value::Null) => {
                return Err(FieldProblem::new(name, "is null; a number is needed"))
            }
            _ => None,
        };
        match value {
            Some(v) if v.is_finite() => Ok(v),
            _ => Err(FieldProblem::new(
                name,
                format!("not a number (found {})", crate::format::excerpt(raw)),
            )),
        }
    }

    /// The id: the named property, or when `property` is `None` the feature's `id` member
    /// and then an `id` property. Strings and integers are accepted.
    pub fn id(&self, property: Option<&str>) -> Option<String> {
        let raw = match property {
            Some(name) => self.properties.get(name).copied(),
            None => self.id.or_else(|| self.properties.get("id").copied()),
        }?;
        match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The feature's property names, for a problem naming a missing one: "the properties
    /// are: a, b, c" (the first 30).
    pub fn fields(&self) -> String {
        const SHOWN: usize = 30;
        if self.properties.is_empty() {
            return "the feature has no properties".to_string();
        }
        let mut names: Vec<&str> = self
            .properties
            .keys()
            .map(|k| k.as_ref())
            .take(SHOWN)
            .collect();
        if self.properties.len() > SHOWN {
            names.push("…");
        }
        format!("the properties are: {}", names.join(", "))
    }

    /// All properties as a JSON object.
    pub fn properties_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.properties
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), serde_json::from_str(v.get()).ok()?)))
            .collect()
    }

    /// The geometry converted to WGS 84 longitude/latitude (see
    /// [`Geometry::validate_and_convert`]), or a problem when it is null, did not decode or
    /// a position does not convert.
    pub fn take_geometry(&mut self) -> Result<Geometry, FieldProblem> {
        if let Some(why) = self.bad_geometry {
            return Err(FieldProblem::new("geometry", why));
        }
        let mut geometry = self
            .geometry
            .take()
            .ok_or_else(|| FieldProblem::new("geometry", "the geometry is null"))?;
        geometry.validate_and_convert(self.to_wgs84)?;
        Ok(geometry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Result<Geometry, Problem>>, Problem> {
        let file = GeoJsonFile {
            text: text.to_string(),
            unknown_crs: None,
            bad_geometries: HashMap::new(),
        };
        let path = Path::new("t.geojson");
        file.map_features(path, None, |n, mut f| {
            f.take_geometry()
                .map_err(|e| e.locate(path, Location::Feature(n)))
        })
    }

    #[test]
    fn reads_every_geometry_type_and_ignores_altitude() {
        let text = r#"{"type":"FeatureCollection","crs":{},"features":[
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2,30]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}
        ]}"#;
        let names: Vec<_> = parse(text)
            .unwrap()
            .into_iter()
            .map(|g| g.unwrap().type_name())
            .collect();
        assert_eq!(
            names,
            [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon"
            ]
        );
    }

    #[test]
    fn problems_name_the_feature() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":["a",2]}},
          {"type":"Feature","properties":{},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"Circle","coordinates":[1,2]}}
        ]}"#;
        let results = parse(text).unwrap();
        assert!(results[0].is_ok());
        for (i, r) in results.iter().enumerate().skip(1) {
            let p = r.as_ref().unwrap_err();
            assert_eq!(p.location, Location::Feature(i + 1));
            assert_eq!(p.field.as_deref(), Some("geometry"));
        }
    }

    #[test]
    fn malformed_json_and_wrong_type_are_file_problems() {
        let p = parse("{\"type\":\"FeatureCollection\",\"features\":[").unwrap_err();
        assert!(
            p.message.contains("not valid GeoJSON") && p.message.contains("line"),
            "{p}"
        );
        let p = parse(r#"{"type":"Feature","geometry":null}"#).unwrap_err();
        assert!(p.message.contains("FeatureCollection"), "{p}");
    }

    #[test]
    fn unsupported_formats_name_the_conversion() {
        let read = |path: &str| GeoJsonFile::read(Path::new(path), FileSettings::default());
        let p = read("/data/村/blocks.KML").err().unwrap();
        assert!(p.message.starts_with("KML files are not read"), "{p}");
        assert!(
            p.message.contains("GeoJSON, GeoPackage, Shapefile and CSV"),
            "{p}"
        );
        assert!(p.message.contains("ogr2ogr -f GeoJSON -t_srs EPSG:4326 '/data/村/blocks.geojson' '/data/村/blocks.KML'"), "{p}");
        let p = read("beds.xlsx").err().unwrap();
        assert!(p.message.contains("save the sheet as CSV"), "{p}");
        // A Shapefile's attribute table points at its .shp.
        let p = read("/data/村/blocks.DBF").err().unwrap();
        assert!(p.message.contains("'/data/村/blocks.shp'"), "{p}");
        // Other names are read as GeoJSON (here: missing).
        let p = read("/nonexistent/blocks.json").err().unwrap();
        assert!(p.message.starts_with("cannot read"), "{p}");
    }

    #[test]
    fn the_crs_member_is_honoured_unless_the_manifest_says_otherwise() {
        let member = |name: &str| serde_json::json!({"type": "name", "properties": {"name": name}});
        let mercator = member("urn:ogc:def:crs:EPSG::3857");
        assert_eq!(file_crs(None, None), Ok(Crs::Wgs84));
        assert_eq!(file_crs(None, Some(&serde_json::json!({}))), Ok(Crs::Wgs84));
        assert_eq!(file_crs(None, Some(&mercator)), Ok(Crs::Epsg(3857)));
        assert_eq!(
            file_crs(Some(Crs::Epsg(3857)), Some(&mercator)),
            Ok(Crs::Epsg(3857))
        );
        assert_eq!(file_crs(Some(Crs::Gcj02), None), Ok(Crs::Gcj02));
        let crs84 = member("urn:ogc:def:crs:OGC:1.3:CRS84");
        assert_eq!(file_crs(Some(Crs::Wgs84), Some(&crs84)), Ok(Crs::Wgs84));
        let conflict = file_crs(Some(Crs::Wgs84), Some(&mercator)).unwrap_err();
        assert!(
            conflict.contains("EPSG:3857") && conflict.contains("wgs84"),
            "{conflict}"
        );
        let unknown = file_crs(None, Some(&member("EPSG:99999"))).unwrap_err();
        assert!(
            unknown.contains("`crs` member") && unknown.contains("99999"),
            "{unknown}"
        );
    }

    #[test]
    fn polygon_rings_need_four_positions() {
        let g = Geometry::Polygon(vec![vec![Coord { x: 0., y: 0. }, Coord { x: 1., y: 0. }]]);
        assert!(g.into_multi_polygon().is_err());
        let g = Geometry::Point(Coord { x: 0., y: 0. });
        assert!(g
            .into_multi_polygon()
            .unwrap_err()
            .message
            .contains("Point"));
    }
}
