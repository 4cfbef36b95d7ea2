//! What a conversion found and wrote: printed after the run and saved as `osm_summary.json`
//! (without timings, so the same extract gives the same bytes).

use super::buildings::BuildingCounts;
use super::facilities::KindCount;
use super::read::ElementCounts;
use super::streets::StreetCounts;
use crate::output::format::thousands;
use serde::Serialize;
use std::fmt::Write;

/// The counts of one conversion.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    /// The extract's file name.
    pub source: String,
    /// Elements in the extract.
    pub elements: ElementCounts,
    /// Buildings and how they were sorted out.
    pub buildings: BuildingCounts,
    /// Residential buildings written to `blocks.geojson`.
    pub blocks: usize,
    /// Residents over all blocks (estimated or the given total).
    pub residents: f64,
    /// Elderly people over all blocks (estimated or the given total).
    pub elderly: f64,
    /// Facilities per kind, in mapping order.
    pub facilities: Vec<KindCount>,
    /// Kinds with no facility in the extract (those the policy names are written empty).
    pub empty_kinds: Vec<String>,
    /// Facility layers written, as named in `city.toml`.
    pub layers: Vec<String>,
    /// The walking network.
    pub streets: StreetCounts,
    /// Ways of the whole extract referencing nodes it lacks.
    pub ways_missing_nodes: usize,
    /// Of those, the ways the conversion used (buildings, land use, facilities, streets and
    /// relation members); they were truncated (streets) or dropped (polygons).
    pub used_ways_missing_nodes: usize,
    /// Things the planner should know.
    pub warnings: Vec<String>,
    /// Seconds spent reading the extract.
    #[serde(skip)]
    pub read_seconds: f64,
    /// Seconds for the whole conversion.
    #[serde(skip)]
    pub seconds: f64,
}

impl Conversion {
    /// The summary as pretty JSON.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the summary serialises");
        text.push('\n');
        text
    }

    /// The summary for people, one topic a line.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let e = &self.elements;
        let _ = writeln!(
            out,
            "read {}: {} nodes, {} ways, {} relations ({:.2} s)",
            self.source,
            count(e.nodes),
            count(e.ways),
            count(e.relations),
            self.read_seconds
        );
        self.describe_buildings(&mut out);
        self.describe_facilities(&mut out);
        let s = &self.streets;
        let _ = writeln!(
            out,
            "streets: {} walkable ways -> {} street features (split at shared nodes: {} ways; truncated at missing nodes: {}; dropped: {})",
            count(s.walkable_ways),
            count(s.features),
            count(s.split_ways),
            count(s.truncated),
            count(s.dropped)
        );
        let _ = writeln!(
            out,
            "ways with missing nodes: {} in the extract, {} of them used (streets truncated, polygons dropped)",
            count(self.ways_missing_nodes),
            count(self.used_ways_missing_nodes)
        );
        out
    }

    /// The lines on buildings, multipolygon buildings and the blocks written.
    fn describe_buildings(&self, out: &mut String) {
        let b = &self.buildings;
        let n = count;
        let _ = writeln!(
            out,
            "buildings: {} ({} ways, {} multipolygon relations; {} building nodes have no outline); {} outlines built, {} left out (not closed {}, missing nodes {})",
            n(b.areas.ways + b.areas.relations),
            n(b.areas.ways),
            n(b.areas.relations),
            n(b.nodes),
            n(b.areas.built),
            n(b.areas.unclosed + b.areas.missing_nodes),
            n(b.areas.unclosed),
            n(b.areas.missing_nodes)
        );
        let _ = writeln!(
            out,
            "multipolygon buildings: {} built, {} with holes, {} incomplete (clipped members or open rings)",
            n(b.areas.relations_built),
            n(b.areas.relations_with_holes),
            n(b.areas.relations_incomplete)
        );
        let _ = writeln!(
            out,
            "residential blocks written: {} ({} by building type, {} inside {} residential land-use areas; {} with building:levels); residents {} and elderly {} (estimates; see city.toml)",
            n(self.blocks),
            n(b.residential_by_type),
            n(b.residential_in_landuse),
            n(b.landuse_areas),
            n(b.levels_tagged),
            thousands(self.residents),
            thousands(self.elderly)
        );
    }

    /// The line on the facility kinds found and left empty.
    fn describe_facilities(&self, out: &mut String) {
        let found: Vec<String> = self
            .facilities
            .iter()
            .filter(|k| k.written > 0)
            .map(|k| format!("{} {}", k.kind, count(k.written)))
            .collect();
        let list = |items: &[String]| {
            if items.is_empty() {
                "none".to_string()
            } else {
                items.join(", ")
            }
        };
        let _ = writeln!(
            out,
            "facilities: {}; empty: {}",
            list(&found),
            list(&self.empty_kinds)
        );
    }
}

/// A count with thousands separators.
fn count(x: usize) -> String {
    thousands(x as f64)
}
