//! GeoPackage output (OGC GeoPackage 1.3): every layer of a run in one SQLite file that QGIS
//! opens as it is — a feature table per layer with typed columns, its RTree spatial index
//! (with the triggers that keep it valid when the layer is edited) and its QGIS style as the
//! layer's default in `layer_styles`.
//!
//! The file is written into a temporary file beside the target (no journal, no syncing: it is
//! renamed into place only when complete) in one transaction. Geometry blobs are encoded in
//! parallel chunks and inserted in feature order, and nothing depends on the clock, so the
//! same layers give the same bytes whatever the number of threads.

mod geometry;
mod rtree;
pub(crate) mod schema;

use super::atomic::{write_atomically_at, ProtectedInputs};
use super::chunks::for_each_chunk;
use super::layer::Value;
use super::layer::{Layer, StyledLayer};
use geometry::{push_blob, Envelope};
use rusqlite::types::Null;
use rusqlite::{params, Connection, Statement};
use schema::*;
use std::io;
use std::ops::Range;
use std::path::Path;

/// Writes `layers` into one GeoPackage at `target`, atomically and never over a protected
/// input, each layer with its style as the default QGIS style.
pub fn write_geopackage(
    target: &Path,
    protected: &ProtectedInputs,
    layers: &[StyledLayer],
) -> io::Result<()> {
    write_atomically_at(target, protected, |temp| {
        let db = Connection::open(temp).map_err(sql)?;
        fill(&db, layers)?;
        db.close().map_err(|(_, e)| sql(e))
    })
}

fn sql(e: rusqlite::Error) -> io::Error {
    io::Error::other(format!("SQLite: {e}"))
}

/// Creates everything in an empty database.
fn fill(db: &Connection, layers: &[StyledLayer]) -> io::Result<()> {
    // Pages of 16 KiB rather than 4 KiB: a block row is several hundred bytes; a million-block
    // package is written a sixth faster and comes out a tenth smaller.
    db.pragma_update(None, "page_size", 16_384).map_err(sql)?;
    db.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(sql)?;
    db.pragma_update(None, "user_version", USER_VERSION)
        .map_err(sql)?;
    // A temporary file renamed into place only when complete needs no rollback journal.
    db.pragma_update(None, "journal_mode", "OFF").map_err(sql)?;
    db.pragma_update(None, "synchronous", "OFF").map_err(sql)?;
    db.pragma_update(None, "cache_size", -262_144)
        .map_err(sql)?;
    db.execute_batch("BEGIN").map_err(sql)?;
    db.execute_batch(CORE).map_err(sql)?;
    for styled in layers {
        write_layer(db, styled.layer)?;
    }
    write_styles(db, layers).map_err(sql)?;
    // Last: the triggers call functions (ST_IsEmpty, ST_MinX …) that GDAL and QGIS provide.
    for styled in layers {
        db.execute_batch(&rtree_triggers(styled.layer.name()))
            .map_err(sql)?;
    }
    db.execute_batch("COMMIT").map_err(sql)
}

/// A chunk of features ready to insert: geometry blobs, envelopes and values.
struct Encoded<'s> {
    /// The first feature's index.
    start: usize,
    /// The blobs, one after another.
    blobs: Vec<u8>,
    /// Where each feature's blob ends in `blobs`.
    ends: Vec<usize>,
    /// Each feature's envelope; `None` for a null geometry.
    envelopes: Vec<Option<Envelope>>,
    /// Each feature's values, field after field.
    values: Vec<Value<'s>>,
}

fn encode<'s>(layer: &'s dyn Layer, range: Range<usize>) -> io::Result<Encoded<'s>> {
    let mut chunk = Encoded {
        start: range.start,
        blobs: Vec::with_capacity(range.len() * 128),
        ends: Vec::with_capacity(range.len()),
        envelopes: Vec::with_capacity(range.len()),
        values: Vec::with_capacity(range.len() * layer.fields().len()),
    };
    for k in range {
        let envelope =
            push_blob(&mut chunk.blobs, layer.geometry(k), SRS_ID).map_err(io::Error::other)?;
        chunk.ends.push(chunk.blobs.len());
        chunk.envelopes.push(envelope);
        layer.values(k, &mut chunk.values);
    }
    Ok(chunk)
}

/// Binds a value: text, a real (non-finite ones as null), an integer, a boolean as 0 or 1.
fn bind(statement: &mut Statement, index: usize, value: Value) -> rusqlite::Result<()> {
    match value {
        Value::Str(s) => statement.raw_bind_parameter(index, s),
        Value::Num(x) if x.is_finite() => statement.raw_bind_parameter(index, x),
        Value::Num(_) | Value::Null => statement.raw_bind_parameter(index, Null),
        Value::Int(i) => statement.raw_bind_parameter(index, i),
        Value::Bool(b) => statement.raw_bind_parameter(index, i64::from(b)),
    }
}

/// The feature table of `layer`, its contents and geometry column rows, and its RTree index.
fn write_layer(db: &Connection, layer: &dyn Layer) -> io::Result<()> {
    let (name, fields) = (layer.name(), layer.fields());
    db.execute_batch(&create_feature_table(
        name,
        layer.schema().geometry_type,
        fields,
    ))
    .map_err(sql)?;
    let mut insert = db.prepare(&insert_feature(name, fields)).map_err(sql)?;
    // Every non-null geometry's feature id and envelope, for the index and the extent.
    let mut index: Vec<(i64, Envelope)> = Vec::with_capacity(layer.len());
    for_each_chunk(
        layer.len(),
        |range| encode(layer, range),
        |chunk| {
            let chunk = chunk?;
            let mut blob_start = 0;
            for (i, (&end, envelope)) in chunk.ends.iter().zip(&chunk.envelopes).enumerate() {
                let fid = (chunk.start + i) as i64 + 1;
                insert.raw_bind_parameter(1, fid).map_err(sql)?;
                match envelope {
                    Some(envelope) => {
                        let blob = &chunk.blobs[blob_start..end];
                        insert.raw_bind_parameter(2, blob).map_err(sql)?;
                        index.push((fid, *envelope));
                    }
                    None => insert.raw_bind_parameter(2, Null).map_err(sql)?,
                }
                blob_start = end;
                let values = &chunk.values[i * fields.len()..(i + 1) * fields.len()];
                for (f, (&value, field)) in values.iter().zip(fields).enumerate() {
                    debug_assert!(field.kind.admits(value), "{name}.{}", field.name);
                    bind(&mut insert, f + 3, value).map_err(sql)?;
                }
                insert.raw_execute().map_err(sql)?;
            }
            Ok(())
        },
    )?;
    drop(insert);
    register_layer(db, layer, &index).map_err(sql)
}

/// The `gpkg_contents` row (with the layer's extent), the `gpkg_geometry_columns` row, and
/// the RTree index loaded with the envelopes.
fn register_layer(
    db: &Connection,
    layer: &dyn Layer,
    index: &[(i64, Envelope)],
) -> rusqlite::Result<()> {
    let name = layer.name();
    let extent = index.iter().map(|(_, e)| *e).reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].max(b[1]),
            a[2].min(b[2]),
            a[3].max(b[3]),
        ]
    });
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
         min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            name,
            TIMESTAMP,
            extent.map(|e| e[0]),
            extent.map(|e| e[2]),
            extent.map(|e| e[1]),
            extent.map(|e| e[3]),
            SRS_ID
        ],
    )?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
        params![
            name,
            GEOM,
            geometry_type_name(layer.schema().geometry_type),
            SRS_ID
        ],
    )?;
    db.execute_batch(&create_rtree(name))?;
    rtree::bulk_load(db, &rtree_name(name), index)?;
    db.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index', \
         'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![name, GEOM],
    )?;
    Ok(())
}

/// The `layer_styles` table with each layer's style as its default, registered as attributes.
fn write_styles(db: &Connection, layers: &[StyledLayer]) -> rusqlite::Result<()> {
    db.execute_batch(LAYER_STYLES)?;
    let mut insert = db.prepare(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
         f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, \
         ui, update_time) VALUES ('', '', ?1, ?2, ?1, ?3, NULL, 1, ?4, '', NULL, ?5)",
    )?;
    for styled in layers {
        insert.execute(params![
            styled.layer.name(),
            GEOM,
            styled.style,
            "written by carecircle",
            TIMESTAMP
        ])?;
    }
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) \
         VALUES ('layer_styles', 'attributes', 'layer_styles', '', ?1)",
        params![TIMESTAMP],
    )?;
    Ok(())
}
