//! The SQL of a GeoPackage (OGC 12-128r18, version 1.3): the core tables, the three mandatory
//! spatial reference systems, a feature table, the RTree spatial index extension with its
//! triggers, and the `layer_styles` table that QGIS reads default styles from.

use crate::output::layer::{Field, FieldType, GeometryType};

/// `PRAGMA application_id`: "GPKG" in ASCII.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version`: GeoPackage 1.3.0.
pub const USER_VERSION: i32 = 10300;
/// Every feature table's primary key column.
pub const FID: &str = "fid";
/// Every feature table's geometry column.
pub const GEOM: &str = "geom";
/// The spatial reference system of every layer: WGS 84 longitude and latitude.
pub const SRS_ID: i32 = 4326;
/// `last_change` and `update_time` of everything written: fixed, so the same input gives the
/// same bytes (the run time is in `summary.json`'s inputs, not here).
pub const TIMESTAMP: &str = "1970-01-01T00:00:00.000Z";

/// The core tables and the spatial reference systems every GeoPackage has (requirements 10,
/// 11, 13, 21 and 58 of the specification).
pub const CORE: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
INSERT INTO gpkg_spatial_ref_sys VALUES (
  'WGS 84 geodetic', 4326, 'EPSG', 4326,
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'
);
INSERT INTO gpkg_spatial_ref_sys VALUES (
  'Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
  'undefined cartesian coordinate reference system'
);
INSERT INTO gpkg_spatial_ref_sys VALUES (
  'Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
  'undefined geographic coordinate reference system'
);
"#;

/// The table QGIS saves and loads layer styles in, with the columns QGIS gives it; it is
/// registered in `gpkg_contents` as attributes, as QGIS does.
pub const LAYER_STYLES: &str = r#"
CREATE TABLE "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
"#;

/// An SQL identifier in double quotes (inner quotes doubled).
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The geometry type name of `gpkg_geometry_columns` and of the geometry column.
pub fn geometry_type_name(kind: GeometryType) -> &'static str {
    match kind {
        GeometryType::Point => "POINT",
        GeometryType::MultiPoint => "MULTIPOINT",
        GeometryType::LineString => "LINESTRING",
        GeometryType::MultiPolygon => "MULTIPOLYGON",
    }
}

/// A field's column type.
fn column_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Integer => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Text => "TEXT",
        FieldType::Boolean => "BOOLEAN",
    }
}

/// `CREATE TABLE` of a feature table: the feature id, the geometry and the typed fields.
pub fn create_feature_table(table: &str, kind: GeometryType, fields: &[Field]) -> String {
    let mut columns = vec![
        format!("{} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", quoted(FID)),
        format!("{} {}", quoted(GEOM), geometry_type_name(kind)),
    ];
    columns.extend(
        fields
            .iter()
            .map(|f| format!("{} {}", quoted(&f.name), column_type(f.kind))),
    );
    format!(
        "CREATE TABLE {} (\n  {}\n)",
        quoted(table),
        columns.join(",\n  ")
    )
}

/// `INSERT` of one feature: the feature id, the geometry and the fields, as parameters.
pub fn insert_feature(table: &str, fields: &[Field]) -> String {
    let names: Vec<String> = [FID, GEOM]
        .into_iter()
        .chain(fields.iter().map(|f| f.name.as_str()))
        .map(quoted)
        .collect();
    let parameters: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quoted(table),
        names.join(", "),
        parameters.join(", ")
    )
}

/// The name of a table's RTree index.
pub fn rtree_name(table: &str) -> String {
    format!("rtree_{table}_{GEOM}")
}

/// The RTree virtual table of a feature table.
pub fn create_rtree(table: &str) -> String {
    format!(
        "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
        quoted(&rtree_name(table))
    )
}

/// The six triggers that keep a table's RTree index in step with edits (specification
/// annex F.3, GeoPackage 1.3): insert, update1 to update4, delete.
pub fn rtree_triggers(table: &str) -> String {
    let template = r#"
CREATE TRIGGER "<r>_insert" AFTER INSERT ON "<t>"
  WHEN (new."<c>" NOT NULL AND NOT ST_IsEmpty(NEW."<c>"))
BEGIN
  <index>
END;
CREATE TRIGGER "<r>_update1" AFTER UPDATE OF "<c>" ON "<t>"
  WHEN OLD."<i>" = NEW."<i>" AND
       (NEW."<c>" NOTNULL AND NOT ST_IsEmpty(NEW."<c>"))
BEGIN
  <index>
END;
CREATE TRIGGER "<r>_update2" AFTER UPDATE OF "<c>" ON "<t>"
  WHEN OLD."<i>" = NEW."<i>" AND
       (NEW."<c>" ISNULL OR ST_IsEmpty(NEW."<c>"))
BEGIN
  DELETE FROM "<r>" WHERE id = OLD."<i>";
END;
CREATE TRIGGER "<r>_update3" AFTER UPDATE OF "<c>" ON "<t>"
  WHEN OLD."<i>" != NEW."<i>" AND
       (NEW."<c>" NOTNULL AND NOT ST_IsEmpty(NEW."<c>"))
BEGIN
  DELETE FROM "<r>" WHERE id = OLD."<i>";
  <index>
END;
CREATE TRIGGER "<r>_update4" AFTER UPDATE ON "<t>"
  WHEN OLD."<i>" != NEW."<i>" AND
       (NEW."<c>" ISNULL OR ST_IsEmpty(NEW."<c>"))
BEGIN
  DELETE FROM "<r>" WHERE id IN (OLD."<i>", NEW."<i>");
END;
CREATE TRIGGER "<r>_delete" AFTER DELETE ON "<t>"
  WHEN old."<c>" NOT NULL
BEGIN
  DELETE FROM "<r>" WHERE id = OLD."<i>";
END;
"#;
    // Indexes the new geometry's envelope.
    let index = r#"INSERT OR REPLACE INTO "<r>" VALUES (
    NEW."<i>",
    ST_MinX(NEW."<c>"), ST_MaxX(NEW."<c>"),
    ST_MinY(NEW."<c>"), ST_MaxY(NEW."<c>")
  );"#;
    let escape = |name: &str| name.replace('"', "\"\"");
    template
        .replace("<index>", index)
        .replace("<r>", &escape(&rtree_name(table)))
        .replace("<t>", &escape(table))
        .replace("<c>", GEOM)
        .replace("<i>", FID)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_table_sql_quotes_names_and_types_columns() {
        let fields = [
            Field::new("id", FieldType::Text),
            Field::new("a\"b", FieldType::Boolean),
        ];
        let create = create_feature_table("blocks", GeometryType::MultiPolygon, &fields);
        assert!(create.contains(r#""fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"#));
        assert!(create.contains(r#""geom" MULTIPOLYGON"#));
        assert!(create.contains(r#""a""b" BOOLEAN"#));
        assert_eq!(
            insert_feature("blocks", &fields),
            r#"INSERT INTO "blocks" ("fid", "geom", "id", "a""b") VALUES (?1, ?2, ?3, ?4)"#
        );
        let triggers = rtree_triggers("blocks");
        assert_eq!(triggers.matches("CREATE TRIGGER").count(), 6);
        assert!(!triggers.contains('<'), "{triggers}");
    }
}
