//! The loaded city, in columnar form: plain vectors indexed by block or facility number.
//!
//! Geometry here is WGS 84 lon/lat, as read (after any GCJ-02 / BD-09 conversion). The
//! metre-based working copy lives in [`crate::analysis::plane`].

use crate::algo::extent::robust_centre;
use geo::BoundingRect;
use geo_types::{Coord, Geometry, LineString, MultiPolygon};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The largest count one block or facility may hold (people, beds, places): more people than
/// live in any city. A larger value is a typo or another unit, and is refused where it is
/// read, naming the feature and field, so that no total can overflow or lose its units.
pub const MAX_COUNT: f64 = 100_000_000.0;

/// The centre of an outline's bounding box; `None` without a vertex.
pub fn box_centre(outline: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    outline.bounding_rect().map(|r| r.center())
}

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
    /// Input properties carried into the outputs (the blocks' names, or the manifest's
    /// `keep`).
    pub kept: Vec<KeptColumn>,
    /// The kept property naming the blocks, when they have names.
    pub name_field: Option<String>,
}

/// One input property of every block, carried into the outputs as it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptColumn {
    /// The property's name.
    pub field: String,
    /// Per block: text, a number, or null (a missing or other value). A column that mixes
    /// text and numbers holds them all as text.
    pub values: Vec<serde_json::Value>,
}

impl KeptColumn {
    /// The column of `field` from its values as read, made text or numbers throughout.
    pub fn new(field: String, values: Vec<serde_json::Value>) -> KeptColumn {
        use serde_json::Value;
        let is_text = values.iter().any(Value::is_string);
        let values = values
            .into_iter()
            .map(|value| match value {
                Value::String(_) => value,
                Value::Number(n) if is_text => Value::String(n.to_string()),
                Value::Number(_) => value,
                Value::Bool(b) if is_text => Value::String(b.to_string()),
                _ => Value::Null,
            })
            .collect();
        KeptColumn { field, values }
    }

    /// Whether the column holds text (else numbers or nulls).
    pub fn is_text(&self) -> bool {
        self.values.iter().any(serde_json::Value::is_string)
    }
}

impl Blocks {
    /// The blocks' centre, robust to strays (see [`robust_centre`]): of the centres of their
    /// bounding boxes. `None` without a block with a finite vertex.
    pub fn centre(&self) -> Option<Coord<f64>> {
        let points: Vec<Coord<f64>> = self.outlines.iter().filter_map(box_centre).collect();
        robust_centre(&points)
    }

    /// The number of blocks.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The names more than one block has: such a block is told apart by its id too.
    pub fn shared_names(&self) -> HashSet<&str> {
        let mut seen = HashSet::new();
        (0..self.len())
            .filter_map(|b| self.name(b))
            .filter(|name| !seen.insert(*name))
            .collect()
    }

    /// Block `block`'s name: its name property, when it is text that is not blank.
    pub fn name(&self, block: usize) -> Option<&str> {
        let field = self.name_field.as_deref()?;
        let column = self.kept.iter().find(|c| c.field == field)?;
        let name = column.values[block].as_str()?.trim();
        (!name.is_empty()).then_some(name)
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
    /// The files it was read from, in order, each with the index of its first facility.
    pub files: Vec<(usize, PathBuf)>,
    /// Facility ids.
    pub ids: Vec<String>,
    /// Facility properties (CSV cells as strings), for requirement filters.
    pub properties: Vec<serde_json::Map<String, serde_json::Value>>,
    /// The property holding a facility's name, when the layer has one.
    pub name_field: Option<String>,
    /// What people read for the kind (the manifest's `label`), when it has one.
    pub label: Option<String>,
    /// Access locations in WGS 84: one per Point / polygon centroid, several for a MultiPoint.
    pub locations: Vec<Coord<f64>>,
    /// The facility each location belongs to.
    pub location_facility: Vec<u32>,
}

impl FacilityLayer {
    /// What people read for the kind: its label, else the kind.
    pub fn display_kind(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.kind)
    }

    /// The number of facilities.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the layer has no facilities.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Facility `facility`'s name: its name property, when it is text that is not blank.
    pub fn name(&self, facility: usize) -> Option<&str> {
        let field = self.name_field.as_deref()?;
        let name = self.properties[facility].get(field)?.as_str()?.trim();
        (!name.is_empty()).then_some(name)
    }

    /// Facility `facility` as people name it: `name (id)` when it has a name, else its id.
    pub fn label(&self, facility: usize) -> String {
        crate::format::name_and_id(self.name(facility), &self.ids[facility])
    }

    /// The file facility `facility` was read from; `None` for a layer built in memory.
    pub fn file_of(&self, facility: usize) -> Option<&Path> {
        let after = self.files.partition_point(|(first, _)| *first <= facility);
        let file = self.files.get(after.checked_sub(1)?)?;
        Some(file.1.as_path())
    }

    /// The files it was read from, separated by commas.
    pub fn files_display(&self) -> String {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|f| f.1.display().to_string())
            .collect();
        files.join(", ")
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

/// Barriers a straight walk off the streets cannot cross (rivers, railways, walls).
#[derive(Debug, Clone, Default)]
pub struct Barriers {
    /// Each barrier's lines (LineString / MultiLineString) or areas (MultiPolygon), WGS 84.
    pub shapes: Vec<Geometry<f64>>,
    /// What gap reasons call each barrier: its name, else its kind; `None` for neither.
    pub names: Vec<Option<String>>,
}

/// Building entrances: where blocks with entrances join the streets.
#[derive(Debug, Clone, Default)]
pub struct Entrances {
    /// The block (index in [`Blocks`]) of each entrance.
    pub block: Vec<u32>,
    /// Each entrance's location in WGS 84.
    pub locations: Vec<Coord<f64>>,
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
    /// Barriers (none without a barrier layer).
    pub barriers: Barriers,
    /// Building entrances (none without an entrance layer).
    pub entrances: Entrances,
}

impl Dataset {
    /// The layer of a kind.
    pub fn layer(&self, kind: &str) -> Option<&FacilityLayer> {
        self.layers.iter().find(|l| l.kind == kind)
    }
}
