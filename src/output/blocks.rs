//! `blocks.geojson` (outlines with the block table) and `coverage.csv` (the table alone).

use super::atomic::{write_atomically, ProtectedInputs};
use super::block_table::BlockTable;
use super::chunks::write_chunked;
use super::geojson::{self, Value};
use crate::dataset::Blocks;
use std::io::{self, Write};
use std::path::Path;

/// Writes every block's WGS 84 outline with its table row.
pub fn write_blocks_geojson(
    path: &Path,
    protected: &ProtectedInputs,
    table: &BlockTable,
    blocks: &Blocks,
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        geojson::write_header(out)?;
        write_chunked(out, blocks.len(), |range, buf| {
            for b in range {
                table.with_row(b, |row| {
                    let properties: Vec<(&str, Value)> = table
                        .columns()
                        .iter()
                        .map(String::as_str)
                        .zip(row.iter().copied())
                        .collect();
                    geojson::push_feature_with(buf, b == 0, &properties, |buf| {
                        geojson::push_outline(buf, &blocks.outlines[b])
                    });
                });
            }
        })?;
        geojson::write_footer(out)
    })
}

/// Writes the block table as CSV (booleans as `true`/`false`, null as an empty cell).
pub fn write_coverage_csv(
    path: &Path,
    protected: &ProtectedInputs,
    table: &BlockTable,
    blocks: &Blocks,
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut header = csv::Writer::from_writer(Vec::new());
        header.write_record(table.columns())?;
        out.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
        write_chunked(out, blocks.len(), |range, buf| {
            let mut writer = csv::Writer::from_writer(std::mem::take(buf));
            for b in range {
                table.with_row(b, |row| {
                    // Writing to a Vec cannot fail.
                    let _ = writer.write_record(row.iter().map(|v| csv_cell(*v)));
                });
            }
            *buf = writer.into_inner().unwrap_or_default();
        })
    })
}

fn csv_cell(value: Value) -> String {
    let mut buf = Vec::new();
    match value {
        Value::Str(s) => return s.to_string(),
        Value::Null => return String::new(),
        other => geojson::push_value(&mut buf, other),
    }
    String::from_utf8(buf).unwrap_or_default()
}
