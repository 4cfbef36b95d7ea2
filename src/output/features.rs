//! A whole GeoJSON FeatureCollection file, written atomically with features formatted in
//! parallel chunks and written in order; and the GeoJSON (with its QGIS style) of an output
//! [`Layer`].

use super::atomic::{write_atomically, ProtectedInputs};
use super::chunks::{write_chunked, FEATURE_SEPARATOR};
use super::geojson::PreparedKeys;
use super::geojson::{push_feature_prepared, push_shape, write_footer, write_header};
use super::layer::Value;
use super::layer::{Layer, StyledLayer};
use super::style::write_style;
use std::io;
use std::path::Path;

/// Writes a FeatureCollection of `count` features into `target` atomically; `format(k, buf)`
/// appends feature `k` to its chunk's buffer (the first feature of a buffer without a
/// separator, so `buf.is_empty()` tells whether it is first). Chunk boundaries do not depend
/// on the thread count, and neither do the bytes.
pub fn write_features(
    target: &Path,
    protected: &ProtectedInputs,
    count: usize,
    format: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> io::Result<()> {
    write_atomically(target, protected, |out| {
        write_header(out)?;
        write_chunked([&mut *out], [FEATURE_SEPARATOR], count, |range, [buf]| {
            for k in range {
                format(k, buf);
            }
        })?;
        write_footer(out)
    })
}

/// Appends feature `k` of `layer` to a chunk's buffer (see [`write_features`]), with `keys`
/// prepared from the layer's fields; its values are left in `row`.
pub fn push_layer_feature<'s>(
    buf: &mut Vec<u8>,
    keys: &PreparedKeys,
    layer: &'s dyn Layer,
    k: usize,
    row: &mut Vec<Value<'s>>,
) {
    row.clear();
    layer.values(k, row);
    debug_assert_eq!(row.len(), layer.fields().len(), "{}", layer.name());
    let first = buf.is_empty();
    push_feature_prepared(buf, first, keys, row, |b| push_shape(b, layer.geometry(k)));
}

/// Writes `layer` as a GeoJSON FeatureCollection into `target`, atomically.
pub fn write_layer_geojson(
    target: &Path,
    protected: &ProtectedInputs,
    layer: &dyn Layer,
) -> io::Result<()> {
    let keys = PreparedKeys::new(layer.fields());
    write_features(target, protected, layer.len(), |k, buf| {
        push_layer_feature(buf, &keys, layer, k, &mut Vec::new())
    })
}

/// Writes each layer as `<name>.geojson` with its style beside it as `<name>.qml`, in `dir`.
pub fn write_geojson_layers(
    dir: &Path,
    protected: &ProtectedInputs,
    layers: &[StyledLayer],
) -> io::Result<()> {
    for styled in layers {
        let [geojson, qml] = styled.geojson_files(dir);
        write_layer_geojson(&geojson, protected, styled.layer)?;
        write_style(&qml, protected, &styled.style)?;
    }
    Ok(())
}
