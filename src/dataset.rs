//! The loaded city, in columnar form: plain vectors indexed by block or facility number.
//!
//! Geometry here is WGS 84 lon/lat, as read (after any GCJ-02 / BD-09 conversion). The
//! metre-based working copy lives in [`crate::analysis::plane`].

use geo_types::{Coord, LineString, MultiPolygon};
use std::path::PathBuf;

/// Housing blocks: the demand side.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    /// Unique ids, as in the input.
    pub ids: Vec<String>,
    /// Outlines in WGS 84.
    pub outlines: Vec<MultiPolygon<f64>>,
    /// Elderly people per block.
    pub elderly: Vec<f64>,
    /// Residents per block, when the manifest names a field for them.
    pub residents: Option<Vec<f64>>,
}

impl Blocks {
    /// The number of blocks.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// One facility layer: every facility of one kind.
#[derive(Debug, Clone, Default)]
pub struct FacilityLayer {
    /// The kind (the manifest's layer name).
    pub kind: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// Facility ids.
    pub ids: Vec<String>,
    /// Facility properties (CSV cells as strings), for requirement filters.
    pub properties: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Access locations in WGS 84: one per Point / polygon centroid, several for a MultiPoint.
    pub locations: Vec<Coord<f64>>,
    /// The facility each location belongs to.
    pub location_facility: Vec<u32>,
}

impl FacilityLayer {
    /// The number of facilities.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the layer has no facilities.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds a facility with its access locations.
    pub fn push(
        &mut self,
        id: String,
        properties: serde_json::Map<String, serde_json::Value>,
        locations: &[Coord<f64>],
    ) {
        let index = self.ids.len() as u32;
        self.ids.push(id);
        self.properties.push(properties);
        self.locations.extend_from_slice(locations);
        self.location_facility
            .extend(std::iter::repeat_n(index, locations.len()));
    }
}

/// A loaded city: blocks and facility layers by kind (in kind order).
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The housing blocks.
    pub blocks: Blocks,
    /// The facility layers.
    pub layers: Vec<FacilityLayer>,
    /// The street lines in WGS 84 (empty without a street layer).
    pub streets: Vec<LineString<f64>>,
}

impl Dataset {
    /// The layer of a kind.
    pub fn layer(&self, kind: &str) -> Option<&FacilityLayer> {
        self.layers.iter().find(|l| l.kind == kind)
    }
}
