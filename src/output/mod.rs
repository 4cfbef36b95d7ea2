//! Everything the report writes: layers as GeoJSON with QGIS styles or as one GeoPackage, CSV
//! and summaries, the map and the HTML report, always atomically.

pub mod atomic;
pub mod block_table;
pub mod blocks;
pub mod changes;
pub mod chunks;
pub mod coverage_table;
pub mod csv_file;
pub mod facilities;
pub mod features;
pub mod folder;
pub use crate::format;
pub mod gaps;
pub mod geojson;
pub mod gpkg;
pub mod html;
pub mod layer;
pub mod lock;
pub mod map;
pub mod markers;
pub mod network;
pub mod record;
pub mod referrals;
pub mod service_areas;
pub mod sites;
pub mod staging;
pub mod style;
pub mod summary;
pub mod text_table;
