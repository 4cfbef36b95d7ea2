//! Everything the report writes: GeoJSON with QGIS styles, CSV and summaries, the map and the
//! HTML report, always atomically.

pub mod atomic;
pub mod block_table;
pub mod blocks;
pub mod chunks;
pub mod facilities;
pub mod features;
pub mod format;
pub mod gaps;
pub mod geojson;
pub mod html;
pub mod map;
pub mod network;
pub mod referrals;
pub mod service_areas;
pub mod sites;
pub mod style;
pub mod summary;
