//! GeoPackage reading: one feature table of a GeoPackage (OGC 12-128) becomes the GeoJSON
//! FeatureCollection text [`GeoJsonFile`] holds, so a `.gpkg` layer goes through the GeoJSON
//! readers, their settings and their problems unchanged.
//!
//! - The table: the file's one feature table (`gpkg_contents.data_type = 'features'`), or the
//!   one the manifest's `layer` key names when there are several.
//! - Features: the table's rows in the order of its primary key (the `fid`), numbered from 1.
//!   The primary key itself is neither a property nor the feature's `id`: a table GDAL made
//!   from GeoJSON keeps the features' ids in a column of their own.
//! - Properties: every other non-geometry column — INTEGER and REAL as numbers (0 and 1 of a
//!   BOOLEAN column as `false` and `true`), TEXT as strings, NULL as null; BLOB cells are
//!   left out.
//! - Geometry: the GeoPackage blob (header, envelope, WKB) decoded with geozero; one that
//!   does not decode is a problem on its feature (field `geometry`), a NULL one a null
//!   geometry.
//! - Coordinate system: the table's SRS (`gpkg_geometry_columns.srs_id`) stands as the
//!   GeoJSON `crs` member when it is an EPSG code carecircle knows; the undefined systems
//!   0 and -1 declare none (WGS 84 unless the manifest's `crs` says otherwise); any other
//!   system is an error unless the manifest's `crs` names it.

use super::feature_text::{geometry_text, FeatureText};
use super::geojson::GeoJsonFile;
use super::problem::Problem;
use crate::algo::crs::Crs;
use crate::input_file;
use crate::output::gpkg::schema::quoted;
use geozero::wkb::GpkgWkb;
use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{Map, Value};
use std::path::Path;

/// Whether `path` is read as a GeoPackage: its extension is `.gpkg` (any case).
pub fn is_geopackage(path: &Path) -> bool {
    input_file::has_extension(path, "gpkg")
}

/// The problem with a `layer` key on a file that is not a GeoPackage: the key would pick
/// nothing, and a layer the manifest thinks it chose is not read.
pub fn layer_on_other_file(path: &Path, layer: &str) -> Problem {
    Problem::file(
        path,
        format!(
            "`layer = {layer:?}` picks a table of a GeoPackage, but this is not a .gpkg file; \
             remove the key, or list only GeoPackages in this `path`"
        ),
    )
}

/// A feature table: its name, its geometry column and the SRS id of its geometries.
struct Table {
    name: String,
    geometry: String,
    srs_id: i64,
}

/// One column of a feature table.
struct Column {
    name: String,
    /// Declared BOOLEAN: 0 and 1 are read as `false` and `true`.
    boolean: bool,
}

/// Reads the feature table `layer` (or the file's only one) of the GeoPackage at `path` as
/// GeoJSON (see the module documentation). A missing or unreadable file, a file that is not
/// a GeoPackage, a missing or ambiguous table is one problem naming the file; so is a path
/// that is not a regular file, refused before it is opened, and a table whose GeoJSON text
/// grows too large to read in the memory available ([`input_file::text_budget`]).
pub fn read(path: &Path, layer: Option<&str>) -> Result<GeoJsonFile, Problem> {
    let problem = |message: String| Problem::file(path, message);
    input_file::check_regular(path).map_err(|e| problem(e.to_string()))?;
    // SQLite says only "unable to open database file"; the system says why.
    std::fs::File::open(path).map_err(|e| problem(format!("cannot read: {e}")))?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = Connection::open_with_flags(path, flags)
        .map_err(|e| problem(format!("not a GeoPackage: {e}")))?;
    let table = feature_table(&db, layer).map_err(problem)?;
    let (crs, unknown_crs) = match declared_crs(&db, &table).map_err(problem)? {
        Ok(crs) => (crs, None),
        Err(why) => (None, Some(why)),
    };
    let mut file = collection(&db, &table, crs).map_err(problem)?;
    file.unknown_crs = unknown_crs;
    Ok(file)
}

/// The feature table to read: `layer`, or the only one. An error lists the tables there are.
fn feature_table(db: &Connection, layer: Option<&str>) -> Result<Table, String> {
    let mut tables = feature_tables(db).map_err(|e| format!("not a GeoPackage: {e}"))?;
    let names = || {
        let names: Vec<String> = tables.iter().map(|t| format!("`{}`", t.name)).collect();
        names.join(", ")
    };
    if tables.is_empty() {
        return Err("the GeoPackage has no feature table".to_string());
    }
    let Some(layer) = layer else {
        if tables.len() > 1 {
            return Err(format!(
                "the GeoPackage has {} feature tables ({}); pick one with `layer = \"…\"` in the manifest",
                tables.len(),
                names()
            ));
        }
        return Ok(tables.remove(0));
    };
    // SQLite table names ignore ASCII case.
    match tables.iter().position(|t| t.name.eq_ignore_ascii_case(layer)) {
        Some(i) => Ok(tables.remove(i)),
        None => Err(format!(
            "the GeoPackage has no feature table `{layer}` (the manifest's `layer`); its feature tables: {}",
            names()
        )),
    }
}

/// Every feature table with its geometry column, by name.
fn feature_tables(db: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut statement = db.prepare(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
         WHERE c.data_type = 'features' ORDER BY c.table_name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(Table {
            name: row.get(0)?,
            geometry: row.get(1)?,
            srs_id: row.get(2)?,
        })
    })?;
    rows.collect()
}

/// The system the table declares: `Ok(Some)` for an EPSG code carecircle knows, `Ok(None)`
/// for the undefined systems 0 and -1, `Err` saying why any other cannot be used (unless the
/// manifest names the system). The outer error is a file that cannot be queried.
fn declared_crs(db: &Connection, table: &Table) -> Result<Result<Option<Crs>, String>, String> {
    if matches!(table.srs_id, 0 | -1) {
        return Ok(Ok(None));
    }
    let srs: Option<(String, i64)> = db
        .query_row(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [table.srs_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(|e| format!("not a GeoPackage: {e}"))?;
    let advice = "if it is a system with an EPSG code, name it with `crs = \"EPSG:…\"` on the layer in the manifest";
    let system = match srs {
        Some((organization, code)) if organization.eq_ignore_ascii_case("EPSG") => {
            return Ok(format!("EPSG:{code}")
                .parse::<Crs>()
                .map(Some)
                .map_err(|e| {
                    format!(
                        "the table `{}` is in EPSG:{code}: {e}; {advice}",
                        table.name
                    )
                }));
        }
        Some((organization, code)) => format!("{organization}:{code}"),
        None => "undefined in gpkg_spatial_ref_sys".to_string(),
    };
    Ok(Err(format!(
        "the table `{}` is in spatial reference system {} ({system}), which is not in the EPSG registry; {advice}",
        table.name, table.srs_id
    )))
}

/// The table's columns in order, and its integer primary key if it has one.
fn columns(db: &Connection, table: &str) -> rusqlite::Result<(Vec<Column>, Option<String>)> {
    let sql = format!("PRAGMA table_info({})", quoted(table));
    let mut statement = db.prepare(&sql)?;
    let mut key = None;
    let mut columns = Vec::new();
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let (name, kind, pk): (String, String, i64) = (row.get(1)?, row.get(2)?, row.get(5)?);
        if pk == 1 && kind.eq_ignore_ascii_case("INTEGER") {
            key = Some(name.clone());
        }
        let boolean = kind.eq_ignore_ascii_case("BOOLEAN");
        columns.push(Column { name, boolean });
    }
    Ok((columns, key))
}

/// The table as GeoJSON (see the module documentation), refused once its text grows past
/// the memory available.
fn collection(db: &Connection, table: &Table, crs: Option<Crs>) -> Result<GeoJsonFile, String> {
    let sql_error = |e: rusqlite::Error| format!("cannot read table `{}`: {e}", table.name);
    let (columns, key) = columns(db, &table.name).map_err(sql_error)?;
    let properties: Vec<(usize, &Column)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| Some(&c.name) != key.as_ref() && c.name != table.geometry)
        .collect();
    let order = key.map(|k| format!(" ORDER BY {}", quoted(&k)));
    let names: Vec<String> = columns.iter().map(|c| quoted(&c.name)).collect();
    let sql = format!(
        "SELECT {} FROM {}{}",
        names.join(", "),
        quoted(&table.name),
        order.unwrap_or_default()
    );
    let geometry = columns.iter().position(|c| c.name == table.geometry);
    let mut text = FeatureText::new(crs);
    let mut statement = db.prepare(&sql).map_err(sql_error)?;
    let mut rows = statement.query([]).map_err(sql_error)?;
    while let Some(row) = rows.next().map_err(sql_error)? {
        let cell = geometry
            .map(|i| row.get_ref(i))
            .transpose()
            .map_err(sql_error)?;
        let mut map = Map::new();
        for &(i, column) in &properties {
            if let Some(value) = property(row.get_ref(i).map_err(sql_error)?, column.boolean) {
                map.insert(column.name.clone(), value);
            }
        }
        let geometry = cell.and_then(geometry_json);
        let geometry = geometry
            .as_ref()
            .map(|g| g.as_deref().map_err(String::as_str));
        text.push(geometry, &Value::Object(map).to_string())
            .map_err(|e| format!("the table `{}`: {e}", table.name))?;
    }
    Ok(text.finish())
}

/// A geometry cell as GeoJSON geometry text (`None` for NULL), or why it does not decode.
fn geometry_json(cell: ValueRef) -> Option<Result<String, String>> {
    match cell {
        ValueRef::Null => None,
        ValueRef::Blob(blob) => Some(blob_json(blob)),
        other => Some(Err(format!(
            "the geometry column holds {}, not a GeoPackage geometry blob",
            other.data_type()
        ))),
    }
}

/// A GeoPackage geometry blob as GeoJSON geometry text, or why it does not decode.
fn blob_json(blob: &[u8]) -> Result<String, String> {
    let shape = GpkgWkb(blob)
        .to_geo()
        .map_err(|e| format!("the GeoPackage geometry does not decode: {e}"))?;
    geometry_text(&shape)
}

/// A cell as a property value; `None` for a BLOB (left out).
fn property(cell: ValueRef, boolean: bool) -> Option<Value> {
    Some(match cell {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) if boolean && (i == 0 || i == 1) => Value::Bool(i == 1),
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(bytes) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::geojson::Geometry;

    /// A GeoPackage point blob: the header without envelope (little-endian, SRS 0), then WKB.
    fn point_blob(x: f64, y: f64) -> Vec<u8> {
        let mut blob = b"GP\x00\x01".to_vec();
        blob.extend(0i32.to_le_bytes());
        blob.extend([1, 1, 0, 0, 0]);
        blob.extend(x.to_le_bytes());
        blob.extend(y.to_le_bytes());
        blob
    }

    /// A minimal GeoPackage at `path`: table `points` in SRS `srs_id`, two rows stored out of
    /// fid order.
    fn package(path: &Path, srs_id: i64) {
        let db = Connection::open(path).unwrap();
        db.execute_batch(
            "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
               organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
             INSERT INTO gpkg_spatial_ref_sys VALUES ('undefined', 0, 'NONE', 0, 'undefined');
             INSERT INTO gpkg_spatial_ref_sys VALUES ('Mercator', 3857, 'epsg', 3857, '');
             CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
             CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
               geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
             INSERT INTO gpkg_contents VALUES ('points', 'features');
             INSERT INTO gpkg_contents VALUES ('notes', 'attributes');
             CREATE TABLE points (fid INTEGER PRIMARY KEY, geom POINT, open BOOLEAN,
               beds INTEGER, share REAL, name TEXT, photo BLOB);",
        )
        .unwrap();
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('points', 'geom', 'POINT', ?1, 0, 0)",
            [srs_id],
        )
        .unwrap();
        let insert = "INSERT INTO points VALUES (?1, ?2, ?3, ?4, ?5, ?6, x'00')";
        let row = (2, point_blob(3.0, 4.0), 1, 7, 0.5, "b");
        db.execute(insert, row).unwrap();
        let row = (1, point_blob(1.0, 2.0), 0, None::<i64>, 1.5, "a");
        db.execute(insert, row).unwrap();
    }

    #[test]
    fn rows_become_features_in_fid_order_with_typed_properties() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.GPKG");
        package(&path, 0);
        assert!(is_geopackage(&path));
        let file = read(&path, None).unwrap();
        // SRS 0 declares no system: WGS 84.
        assert!(!file.text.contains("\"crs\""), "{}", file.text);
        let features = file
            .map_features(&path, None, |_, mut f| {
                let properties = serde_json::to_string(&f.properties_json()).unwrap();
                Ok((f.take_geometry().unwrap(), properties))
            })
            .unwrap();
        let features: Vec<_> = features.into_iter().map(Result::unwrap).collect();
        assert_eq!(features[0].0, Geometry::Point((1.0, 2.0).into()));
        assert_eq!(
            features[0].1,
            r#"{"beds":null,"name":"a","open":false,"share":1.5}"#
        );
        assert_eq!(features[1].0, Geometry::Point((3.0, 4.0).into()));
        assert_eq!(
            features[1].1,
            r#"{"beds":7,"name":"b","open":true,"share":0.5}"#
        );
    }

    #[test]
    fn an_epsg_srs_is_the_crs_member_and_a_layer_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.gpkg");
        package(&path, 3857);
        let file = read(&path, Some("POINTS")).unwrap();
        assert!(
            file.text.contains("\"name\":\"EPSG:3857\""),
            "{}",
            file.text
        );
        let err = read(&path, Some("notes")).err().unwrap();
        assert!(
            err.message.contains("no feature table `notes`") && err.message.contains("`points`"),
            "{err}"
        );
    }
}
