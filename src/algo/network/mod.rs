//! The walking network: street graph, snapping and nearest-facility search.
//!
//! Everything works in a projected plane: coordinates are metres, x east and y north (the
//! caller projects longitude/latitude first).
//!
//! The model:
//! - [`StreetGraph`]: nodes are the vertices of the street lines, merged when closer than a
//!   tolerance ([`DEFAULT_MERGE_TOLERANCE_M`], 1 cm); each pair of consecutive vertices is an
//!   undirected edge weighted by its straight length. Lines that cross without a shared
//!   vertex do **not** connect (bridges, underpasses); zero-length segments are dropped.
//! - [`SnapIndex`]: a point joins the network at the nearest point of the nearest edge
//!   ([`Snap`]). The straight access leg from the point to the edge counts as walking;
//!   points farther than the snapping limit are off-network. An area (a housing block)
//!   joins at several [`AccessPoints`] along its outline ([`SnapIndex::snap_outline`]):
//!   the nearest point of each edge near it, its leg measured from the outline.
//! - [`node_labels`] and [`nearest_facilities`]: a facility starts walking from its snap
//!   point, so it reaches each end of its edge after its leg plus the along-edge offset.
//!   One multi-source Dijkstra labels all nodes with their k nearest distinct facilities
//!   within a cutoff; each query then adds its own leg and along-edge walk, or walks
//!   directly along the edge when it shares it with a facility. Legs count toward the cutoff.
//! - [`catchment`]: the street pieces within a walking reach of one facility (same walking
//!   model), by a bounded Dijkstra that touches only the nodes within reach.

mod adjacency;
mod catchment;
mod cellhash;
mod components;
mod graph;
mod labels;
mod merge;
mod outline;
mod search;
mod snap;

#[cfg(test)]
mod tests;

pub use catchment::{catchment, catchment_with, piece_geometry, CatchmentPiece, CatchmentScratch};
pub use components::Components;
pub use graph::{Edge, StreetGraph, DEFAULT_MERGE_TOLERANCE_M};
pub use labels::NodeLabels;
pub use outline::{nearest_on_outline, AccessList, AccessPoints, OutlineSnapping};
pub use search::{keep_nearest_distinct, nearest_facilities, nearest_facilities_from, node_labels};
pub use snap::{Snap, SnapIndex};
