//! Shapefile reading: an ESRI Shapefile (a `.shp` with its `.shx`, `.dbf` and, when present,
//! `.prj` and `.cpg` beside it) becomes the GeoJSON FeatureCollection text [`GeoJsonFile`]
//! holds, so a `.shp` layer goes through the GeoJSON readers, their settings and their
//! problems unchanged (as a GeoPackage does, see [`super::gpkg`]).
//!
//! Crates: `shapefile` reads the shapes of the `.shp` through its `.shx` index and, with the
//! `dbase` crate it brings, the `.dbf` table; `encoding_rs` decodes the attributes' text (see
//! [`attributes`]); the `.prj` is recognised against the EPSG registry of
//! `crs-definitions` by [`crate::algo::prj`].
//!
//! - Files: the `.shx` and `.dbf` beside the `.shp` (the same name, the extension in lower
//!   or upper case) must be there: a missing one is one problem naming it. The manifest's
//!   path is the `.shp`; a `.dbf`, `.shx`, `.prj` or `.cpg` path is a problem naming it.
//! - Features: shape and record n of the `.shp` and `.dbf`, in order, numbered from 1
//!   (records marked deleted left out with their shapes); the two files must have as many.
//! - Properties: every field of the `.dbf` (see [`attributes`]), text in the encoding the
//!   `.cpg` names, else the layer's `encoding` key, else UTF-8.
//! - Geometry: see [`shapes`]; a null shape is a null geometry.
//! - Coordinate system: the manifest's `crs` when it names one, which must agree with the
//!   `.prj` (the same system, or one converting alike; GCJ-02 and BD-09 data carry a WGS 84
//!   `.prj`); else the EPSG system the `.prj` describes ([`crate::algo::prj::recognise`]),
//!   stood as the GeoJSON `crs` member; a `.prj` that is not recognised is a problem unless
//!   the manifest names the system. Without a `.prj`, longitude/latitude in WGS 84 (positions
//!   out of range then suggest the `crs` key).

mod attributes;
mod shapes;

use super::csv_text::CsvEncoding;
use super::feature_text::FeatureText;
use super::geojson::GeoJsonFile;
use super::problem::{FieldProblem, Location, Problem};
use crate::algo::crs::Crs;
use crate::algo::prj;
use crate::input_file::{self, has_extension};
use attributes::Table;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Memory needed to hold a `.dbf`, `.prj` or `.cpg` read whole, per byte of the file: the
/// bytes, and their text as the table's records are decoded one at a time.
const READ_WHOLE_MEMORY_FACTOR: u64 = 2;

/// Whether `path` is read as a Shapefile: its extension is `.shp` (any case).
pub fn is_shapefile(path: &Path) -> bool {
    has_extension(path, "shp")
}

/// The problem with a path naming one of a Shapefile's other files (`.dbf`, `.shx`, `.prj`,
/// `.cpg`): the layer's path is its `.shp`.
pub fn part_of_shapefile(path: &Path) -> Option<Problem> {
    let part = ["dbf", "shx", "prj", "cpg"]
        .into_iter()
        .find(|e| has_extension(path, e))?;
    Some(Problem::file(
        path,
        format!(
            "this is a Shapefile's .{part} file; give the Shapefile's .shp as the path ('{}'), and carecircle reads the .shx, .dbf, .prj and .cpg beside it",
            path.with_extension("shp").display()
        ),
    ))
}

/// The file beside `shp` with extension `extension` (lower or upper case), if there is one.
fn sibling(shp: &Path, extension: &str) -> Option<PathBuf> {
    [
        extension.to_ascii_lowercase(),
        extension.to_ascii_uppercase(),
    ]
    .into_iter()
    .map(|e| shp.with_extension(e))
    .find(|p| p.exists())
}

/// The file's name, for messages (its folder is the `.shp`'s).
fn name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A Shapefile's files: its `.shp`, `.shx` and `.dbf`, and its `.prj` and `.cpg` when there.
struct Files {
    shp: PathBuf,
    shx: PathBuf,
    dbf: PathBuf,
    prj: Option<PathBuf>,
    cpg: Option<PathBuf>,
}

impl Files {
    /// The files of the Shapefile `shp`, each checked to be a regular file (and those read
    /// whole to fit in the memory available). A missing `.shx` or `.dbf` is an error naming
    /// it.
    fn find(shp: &Path) -> Result<Files, String> {
        input_file::check_regular(shp).map_err(|e| e.to_string())?;
        std::fs::metadata(shp).map_err(|e| format!("cannot read: {e}"))?;
        let required = |extension: &str, what: &str| {
            sibling(shp, extension).ok_or_else(|| {
                format!(
                    "the Shapefile's {what} {} is missing: a Shapefile is read with the .shx and .dbf files of the same name beside its .shp (copy them with it)",
                    name(&shp.with_extension(extension))
                )
            })
        };
        let files = Files {
            shp: shp.to_path_buf(),
            shx: required("shx", "index")?,
            dbf: required("dbf", "attribute table")?,
            prj: sibling(shp, "prj"),
            cpg: sibling(shp, "cpg"),
        };
        // The .shp and .shx are streamed; the .dbf, .prj and .cpg read whole.
        let refused = |path: &Path, e: input_file::InputFileError| format!("{}: {e}", name(path));
        input_file::check_regular(&files.shx).map_err(|e| refused(&files.shx, e))?;
        for path in [Some(&files.dbf), files.prj.as_ref(), files.cpg.as_ref()]
            .into_iter()
            .flatten()
        {
            input_file::check_in_memory(path, READ_WHOLE_MEMORY_FACTOR)
                .map_err(|e| refused(path, e))?;
        }
        Ok(files)
    }
}

/// Reads the Shapefile whose `.shp` is at `path` as GeoJSON (see the module documentation),
/// its attribute text in `encoding` when it has no `.cpg`, its positions in `crs` when the
/// manifest names a system. A missing or unreadable file, a `.prj` that is not recognised or
/// contradicts `crs`, attribute text that does not decode, shapes and records that do not
/// pair up are one problem naming the `.shp` (and the file at fault in the message); so is a
/// table whose GeoJSON text grows too large to read in the memory available.
pub fn read(
    path: &Path,
    encoding: Option<CsvEncoding>,
    crs: Option<Crs>,
) -> Result<GeoJsonFile, Problem> {
    let problem = |message: String| Problem::file(path, message);
    let files = Files::find(path).map_err(problem)?;
    let crs = positions_crs(files.prj.as_deref(), crs).map_err(problem)?;
    let encoding = attributes::text_encoding(files.cpg.as_deref(), encoding).map_err(problem)?;
    let bytes = std::fs::read(&files.dbf)
        .map_err(|e| problem(format!("cannot read {}: {e}", name(&files.dbf))))?;
    let table = Table::new(bytes, encoding).map_err(|e| {
        problem(format!(
            "its attribute table {}: {}",
            name(&files.dbf),
            e.message
        ))
    })?;
    features(&files, table, crs)
}

/// The system of the positions: the manifest's `stated` one, which must agree with the
/// `.prj`'s when there is one; else the one the `.prj` describes; else none (WGS 84).
fn positions_crs(prj: Option<&Path>, stated: Option<Crs>) -> Result<Option<Crs>, String> {
    let Some(prj) = prj else {
        return Ok(stated);
    };
    let recognised = std::fs::read(prj)
        .map_err(|e| format!("cannot read: {e}"))
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()))
        .and_then(|text| prj::recognise(&text).map_err(|e| e.to_string()));
    match (recognised, stated) {
        (Ok(system), None) => Ok(Some(system.crs())),
        (Ok(system), Some(stated)) if system.agrees(stated) => Ok(Some(stated)),
        (Ok(system), Some(stated)) => Err(format!(
            "its .prj file {} says the positions are in {system} but the manifest says crs = \"{stated}\"; correct or remove one of them",
            name(prj)
        )),
        (Err(_), Some(stated)) => Ok(Some(stated)),
        (Err(why), None) => Err(format!(
            "its .prj file {} names no coordinate system carecircle recognises ({why}); if the system has an EPSG code, name it with `crs = \"EPSG:…\"` on the layer in the manifest",
            name(prj)
        )),
    }
}

/// JSON text written into bytes.
fn json_text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("JSON written by serde_json is UTF-8")
}

/// The shapes and records of `files` as GeoJSON features with `crs` as the `crs` member.
fn features(files: &Files, mut table: Table, crs: Option<Crs>) -> Result<GeoJsonFile, Problem> {
    let problem = |message: String| Problem::file(&files.shp, message);
    let open = |path: &Path| {
        File::open(path)
            .map(BufReader::new)
            .map_err(|e| problem(format!("cannot read {}: {e}", name(path))))
    };
    let mut reader = shapefile::ShapeReader::with_shx(open(&files.shp)?, open(&files.shx)?)
        .map_err(|e| problem(format!("not a Shapefile: {e}")))?;
    let shapes = reader
        .shape_count()
        .map_err(|e| problem(format!("not a Shapefile: {e}")))?;
    if shapes != table.len() {
        return Err(problem(format!(
            "the Shapefile has {shapes} shapes (its .shx says) but {} records in {}; they must pair up",
            table.len(),
            name(&files.dbf)
        )));
    }
    let mut text = FeatureText::new(crs);
    let (mut number, mut geometry, mut properties) = (0, Vec::new(), Vec::new());
    for (i, shape) in reader.iter_shapes().enumerate() {
        let shape = shape.map_err(|e| problem(format!("shape {} does not read: {e}", i + 1)))?;
        let located = |e: FieldProblem| e.locate(&files.shp, Location::Feature(number + 1));
        if !table.record(i, &mut properties).map_err(located)? {
            continue;
        }
        number += 1;
        let written = shapes::write_geometry(&shape, &mut geometry);
        let geometry = match &written {
            Ok(true) => Some(Ok(json_text(&geometry))),
            Ok(false) => None,
            Err(why) => Some(Err(why.as_str())),
        };
        text.push(geometry, json_text(&properties))
            .map_err(problem)?;
    }
    Ok(text.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shapefile::dbase::{self, FieldValue, TableWriterBuilder};

    /// A point Shapefile `points.shp` in `dir` with three points and a field of each common
    /// type; no .prj, no .cpg.
    fn points(dir: &Path) -> PathBuf {
        let path = dir.join("points.shp");
        let field = |name: &str| dbase::FieldName::try_from(name).unwrap();
        let table = TableWriterBuilder::new()
            .add_character_field(field("name"), 20)
            .add_numeric_field(field("beds"), 10, 0)
            .add_numeric_field(field("share"), 10, 2)
            .add_logical_field(field("open"))
            .add_date_field(field("opened"));
        let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
        for (i, name) in ["a", "b", ""].into_iter().enumerate() {
            let mut record = dbase::Record::default();
            let text = (!name.is_empty()).then(|| name.to_string());
            record.insert("name".into(), FieldValue::Character(text));
            record.insert("beds".into(), FieldValue::Numeric(Some(7.0 + i as f64)));
            record.insert("share".into(), FieldValue::Numeric(Some(0.25)));
            record.insert("open".into(), FieldValue::Logical(Some(i == 0)));
            let date = dbase::Date::new(31, 1, 2024).unwrap();
            record.insert("opened".into(), FieldValue::Date(Some(date)));
            let point = shapefile::Point::new(121.5 + i as f64 / 100.0, 25.0);
            writer.write_shape_and_record(&point, &record).unwrap();
        }
        drop(writer);
        path
    }

    /// The features of the Shapefile at `path` as (geometry, properties) JSON text.
    fn features(path: &Path) -> Result<Vec<(String, String)>, Problem> {
        let file = read(path, None, None)?;
        let rows = file
            .map_features(path, None, |_, mut f| {
                let properties = serde_json::to_string(&f.properties_json()).unwrap();
                let geometry = f.take_geometry().map(|g| format!("{g:?}"));
                Ok((geometry.unwrap_or_else(|e| e.message), properties))
            })
            .unwrap();
        Ok(rows.into_iter().map(Result::unwrap).collect())
    }

    #[test]
    fn records_become_typed_properties_and_deleted_ones_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = points(dir.path());
        assert!(is_shapefile(&path.with_extension("SHP")));
        let rows = features(&path).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, "Point(COORD(121.5 25.0))");
        assert_eq!(
            rows[0].1,
            r#"{"beds":7,"name":"a","open":true,"opened":"2024-01-31","share":0.25}"#
        );
        assert!(rows[2].1.contains(r#""name":null"#), "{rows:?}");
        // Record 2 marked deleted: its feature is left out with its shape.
        let dbf = path.with_extension("dbf");
        let mut bytes = fs_bytes(&dbf);
        let first = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        let length = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
        bytes[first + length] = b'*';
        std::fs::write(&dbf, &bytes).unwrap();
        let rows = features(&path).unwrap();
        let names: Vec<_> = rows.iter().map(|r| r.1.contains("\"a\"")).collect();
        assert_eq!(names, [true, false]);
        // A table with another number of records than the shapes: an error.
        bytes[4] = 4;
        std::fs::write(&dbf, &bytes).unwrap();
        let error = features(&path).unwrap_err();
        assert!(
            error
                .message
                .contains("3 shapes (its .shx says) but 4 records in points.dbf"),
            "{error}"
        );
    }

    fn fs_bytes(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap()
    }

    #[test]
    fn siblings_are_found_in_either_case_and_other_parts_point_at_the_shp() {
        let dir = tempfile::tempdir().unwrap();
        let path = points(dir.path());
        std::fs::rename(path.with_extension("dbf"), path.with_extension("DBF")).unwrap();
        assert_eq!(features(&path).unwrap().len(), 3);
        let problem = part_of_shapefile(&path.with_extension("shx")).unwrap();
        assert!(problem.message.contains("points.shp')"), "{problem}");
        assert!(part_of_shapefile(&path).is_none());
    }

    #[test]
    fn the_manifest_system_must_agree_with_the_prj() {
        let dir = tempfile::tempdir().unwrap();
        let prj = dir.path().join("x.prj");
        std::fs::write(&prj, r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#).unwrap();
        assert_eq!(positions_crs(Some(&prj), None), Ok(Some(Crs::Wgs84)));
        // GCJ-02 data carry a WGS 84 .prj: the manifest's datum is the one to convert.
        assert_eq!(
            positions_crs(Some(&prj), Some(Crs::Gcj02)),
            Ok(Some(Crs::Gcj02))
        );
        let error = positions_crs(Some(&prj), Some(Crs::Epsg(3857))).unwrap_err();
        assert!(
            error.contains("EPSG:4326 (WGS 84)") && error.contains("EPSG:3857"),
            "{error}"
        );
        assert_eq!(
            positions_crs(None, Some(Crs::Epsg(3857))),
            Ok(Some(Crs::Epsg(3857)))
        );
        std::fs::write(&prj, [0xff, 0xfe]).unwrap();
        let error = positions_crs(Some(&prj), None).unwrap_err();
        assert!(
            error.contains("x.prj names no coordinate system") && error.contains("not UTF-8"),
            "{error}"
        );
    }
}
