//! What a conversion found and wrote: printed after the run and saved as `osm_summary.json`
//! (without timings, so the same extract gives the same bytes).

use super::buildings::BuildingCounts;
use super::facilities::KindCount;
use super::read::ElementCounts;
use super::streets::StreetCounts;
use crate::output::format::thousands;
use serde::Serialize;
use std::fmt::Write;

/// The boundary a conversion was clipped to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundarySummary {
    /// The boundary file's name, or `relation 123`.
    pub source: String,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// How far beyond it facilities and streets were kept, metres.
    pub margin_m: f64,
}

impl BoundarySummary {
    /// The boundary as people name it: `boundary.geojson (Monaco)`, `relation 2220322`.
    pub fn described(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.source),
            None => self.source.clone(),
        }
    }
}

/// The counts of one conversion.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    /// The extract's file name.
    pub source: String,
    /// The city's name (`name` in city.toml): the boundary's, else the extract's file stem.
    pub name: String,
    /// The extract header's replication timestamp (ISO 8601, UTC), if it has one.
    pub replication_timestamp: Option<String>,
    /// The boundary the city was clipped to, if any.
    pub boundary: Option<BoundarySummary>,
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
        if let Some(b) = &self.boundary {
            let _ = writeln!(
                out,
                "boundary: {}; blocks inside it, facilities and streets up to {} m beyond it",
                b.described(),
                thousands(b.margin_m)
            );
        }
        self.describe_buildings(&mut out);
        self.describe_facilities(&mut out);
        let s = &self.streets;
        let _ = writeln!(
            out,
            "streets: {} walkable ways -> {} street features (split at shared nodes: {} ways; truncated at missing nodes: {}; dropped: {}; beyond the margin: {})",
            count(s.walkable_ways),
            count(s.features),
            count(s.split_ways),
            count(s.truncated),
            count(s.dropped),
            count(s.outside_boundary)
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
            "residential blocks written: {} ({} by building type, {} inside {}, {} outside any of {}; {} with building:levels); residents {} and elderly {} (estimates; see city.toml)",
            n(self.blocks),
            n(b.residential_by_type),
            n(b.residential_in_landuse),
            plural(b.landuse_areas, "residential land-use area", "residential land-use areas"),
            n(b.residential_without_landuse),
            plural(b.any_landuse_areas, "land-use area", "land-use areas"),
            n(b.levels_tagged),
            thousands(self.residents),
            thousands(self.elderly)
        );
        let l = &b.left_out;
        let reasons = [
            (l.outside_boundary, "outside the boundary"),
            (l.not_residential_type, "not a residential building type"),
            (
                l.not_residential_tags,
                "tagged as something else (shop, office, school...)",
            ),
            (
                l.not_residential_landuse,
                "untyped where land use does not make them housing",
            ),
            (l.crosses_itself, "with an outline crossing itself"),
            (l.too_small, "smaller than the minimum footprint"),
        ];
        let said: Vec<String> = reasons
            .iter()
            .filter(|(k, _)| *k > 0)
            .map(|(k, why)| format!("{} {why}", n(*k)))
            .collect();
        if !said.is_empty() {
            let _ = writeln!(
                out,
                "left out: {} ({})",
                plural(l.total(), "building", "buildings"),
                said.join(", ")
            );
        }
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
        let outside: usize = self.facilities.iter().map(|k| k.outside_boundary).sum();
        let beyond = if self.boundary.is_some() {
            format!(
                "; {} beyond the margin left out",
                plural(outside, "facility", "facilities")
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "facilities: {}; empty: {}{beyond}",
            list(&found),
            list(&self.empty_kinds)
        );
    }
}

/// A count with thousands separators.
fn count(x: usize) -> String {
    thousands(x as f64)
}

/// A count with thousands separators and the noun, singular for one.
fn plural(x: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(x), if x == 1 { one } else { many })
}
