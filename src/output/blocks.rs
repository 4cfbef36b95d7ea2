//! `blocks.geojson` (outlines with the block table) and `coverage.csv` (the table alone),
//! written in one pass so each row is computed once; or `coverage.csv` alone when the blocks
//! go into a GeoPackage.

use super::atomic::{write_atomically, ProtectedInputs};
use super::chunks::{write_chunked, FEATURE_SEPARATOR};
use super::csv_file::CsvTarget;
use super::features::push_layer_feature;
use super::geojson::{self, PreparedKeys};
use super::layer::Layer;
use super::layer::Value;
use crate::format::spreadsheet_safe;
use std::io::{self, Write};
use std::path::Path;

/// Writes every feature of `layer` (the block table) with its geometry to `geojson_path` when
/// given, and its values alone to `csv` (booleans as `true`/`false`, null as an empty cell).
pub fn write_block_outputs(
    geojson_path: Option<&Path>,
    csv: CsvTarget,
    protected: &ProtectedInputs,
    layer: &dyn Layer,
) -> io::Result<()> {
    let keys = PreparedKeys::new(layer.fields());
    let write_rows = |geojson_out: &mut dyn Write, csv_out: &mut dyn Write| {
        geojson::write_header(geojson_out)?;
        let header: Vec<Value> = layer.fields().iter().map(|f| Value::Str(&f.name)).collect();
        csv.start(csv_out)?;
        let mut line = Vec::new();
        push_csv_row(&mut line, &header);
        csv_out.write_all(&line)?;
        write_chunked(
            [geojson_out, csv_out],
            [FEATURE_SEPARATOR, b""],
            layer.len(),
            |range, [features, rows]| {
                let mut row = Vec::new();
                for k in range {
                    if geojson_path.is_some() {
                        push_layer_feature(features, &keys, layer, k, &mut row);
                    } else {
                        row.clear();
                        layer.values(k, &mut row);
                    }
                    push_csv_row(rows, &row);
                }
            },
        )?;
        geojson::write_footer(geojson_out)
    };
    write_atomically(csv.path, protected, |csv_out| match geojson_path {
        Some(path) => write_atomically(path, protected, |geojson_out| {
            write_rows(geojson_out, csv_out)
        }),
        None => write_rows(&mut io::sink(), csv_out),
    })
}

/// Appends one CSV record (RFC 4180: fields with commas, quotes or line breaks are quoted).
fn push_csv_row(buf: &mut Vec<u8>, row: &[Value]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let safe;
        let value = match value {
            Value::Str(s) => {
                safe = spreadsheet_safe(s);
                &Value::Str(&safe)
            }
            other => other,
        };
        match value {
            Value::Str(s) if s.contains([',', '"', '\n', '\r']) => {
                buf.push(b'"');
                buf.extend_from_slice(s.replace('"', "\"\"").as_bytes());
                buf.push(b'"');
            }
            Value::Str(s) => buf.extend_from_slice(s.as_bytes()),
            Value::Null => {}
            Value::Num(x) if !x.is_finite() => {}
            other => geojson::push_value(buf, *other),
        }
    }
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_round_trip_through_a_csv_reader() {
        let mut buf = Vec::new();
        let row = [
            Value::Str("a,b"),
            Value::Str("say \"hi\""),
            Value::Num(2.5),
            Value::Bool(false),
            Value::Null,
            Value::Num(f64::INFINITY),
        ];
        push_csv_row(&mut buf, &row);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(buf.as_slice());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(
            record.iter().collect::<Vec<_>>(),
            ["a,b", "say \"hi\"", "2.5", "false", "", ""]
        );
    }
}
