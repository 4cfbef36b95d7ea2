//! A whole GeoJSON FeatureCollection file, written atomically with features formatted in
//! parallel chunks and written in order.

use super::atomic::{write_atomically, ProtectedInputs};
use super::chunks::{write_chunked, FEATURE_SEPARATOR};
use super::geojson::{write_footer, write_header};
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
