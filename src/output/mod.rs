//! Everything the report writes: GeoJSON, CSV and summaries, always atomically.

pub mod atomic;
pub mod geojson;
