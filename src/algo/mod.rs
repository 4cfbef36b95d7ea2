//! Pure algorithms, with no knowledge of cities, policies or files: each module takes plain
//! numbers and geometry in metres and could be a crate of its own. Nothing here imports the
//! rest of carecircle.
//!
//! - [`barriers`]: rivers, railways and walls a straight walk may not cross.
//! - [`network`]: the street graph, snapping, bounded multi-source search and catchments.
//! - [`siting`]: maximal covering location (greedy, exact, with capacity).
//! - [`floating_catchment`]: two-step floating catchment area (2SFCA) with distance decay.
//! - [`linkage`]: single-linkage clustering and buffered outlines (gap zones).
//! - [`crs`]: datums (GCJ-02, BD-09) and the local transverse Mercator projection; [`epsg`]:
//!   any EPSG system to WGS 84; [`prj`]: the EPSG system a `.prj` file's WKT ([`wkt`])
//!   describes.
//! - [`extent`]: a study area's centre, robust to stray points, and great-circle distances.
//! - [`sampled_inverse`]: the projection's inverse sampled on a grid, for many points.

pub mod barriers;
pub mod crs;
pub mod epsg;
pub mod extent;
pub mod floating_catchment;
pub mod linkage;
pub mod network;
pub mod prj;
pub mod sampled_inverse;
pub mod siting;
pub mod wkt;
