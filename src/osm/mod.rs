//! `carecircle osm`: a ready city folder from an OpenStreetMap PBF extract.
//!
//! [`convert`] reads the extract ([`read`]: two parallel passes with a node store), builds
//! building and land-use polygons from closed ways and multipolygon relations ([`areas`],
//! [`rings`]), keeps the residential buildings as blocks ([`buildings`]) with estimated
//! residents and elderly people ([`population`]), sorts tagged elements into facility kinds
//! ([`facilities`]), extracts the walking network split at shared nodes ([`streets`]), and
//! writes the layers ([`mod@write`]) with a `city.toml` and `policy.toml` ([`city`]) that
//! `carecircle report` runs on. What is extracted, and the population assumptions, come from
//! a [`mapping::Mapping`]. Every list is sorted by OSM type and id before it is written, so the
//! output bytes do not depend on the thread count.

pub mod areas;
pub mod boundary;
pub mod buildings;
pub mod city;
pub mod clip;
pub mod element;
pub mod facilities;
pub mod mapping;
pub mod nodes;
pub mod population;
mod quiet;
pub mod read;
pub mod rings;
pub mod streets;
pub mod summary;
pub mod tags;
#[cfg(test)]
mod testing;
pub mod write;

use crate::algo::crs::{CrsError, LocalProjection};
use crate::output::atomic::{write_atomically, ProtectedInputs};
use crate::output::folder::OutputFolder;
use boundary::{read_boundary_file, relation_boundary, Boundary, BoundaryError, BoundarySource};
use buildings::{Building, BuildingCounts};
use city::{city_toml, policy_toml, CityNotes};
use clip::Clip;
use facilities::{Facility, KindCount};
use mapping::Mapping;
use population::{estimate, Population, Totals};
use read::{read_extract, Extract, ReadError, Wanted};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use streets::{StreetCounts, StreetPiece};
use summary::{BoundarySummary, Conversion};
use tags::{any_matches, TagSource};

/// What to convert and how.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The mapping (the built-in default unless a file was given).
    pub mapping: Mapping,
    /// The mapping file, if any (protected from being overwritten).
    pub mapping_path: Option<PathBuf>,
    /// Known totals replacing the population estimates.
    pub totals: Totals,
    /// The boundary to clip the city to, if any.
    pub boundary: Option<BoundarySource>,
    /// How far beyond the boundary facilities and streets are kept, metres (see [`clip`]).
    pub margin_m: f64,
}

/// Why a conversion failed.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The extract could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The boundary cannot be read or built.
    #[error(transparent)]
    Boundary(#[from] BoundaryError),
    /// The extract has no nodes.
    #[error("{}: the extract has no nodes", .0.display())]
    NoNodes(PathBuf),
    /// The extract's area cannot be projected.
    #[error("{}: {error}", path.display())]
    Projection {
        /// The extract.
        path: PathBuf,
        /// Why (in the message, so not repeated as its source).
        error: CrsError,
    },
    /// An output could not be written.
    #[error("{0}")]
    Output(#[from] std::io::Error),
}

/// The elements the mapping can use: buildings, residential land use, walkable ways and
/// facilities.
impl Wanted for Mapping {
    fn node(&self, tags: &[(&str, &str)]) -> bool {
        tags.tag("building").is_some() || self.facility_kind(tags).is_some()
    }

    fn way(&self, tags: &[(&str, &str)]) -> bool {
        self.relation(tags) || self.streets.walkable(tags)
    }

    fn relation(&self, tags: &[(&str, &str)]) -> bool {
        tags.tag("building").is_some()
            || any_matches(&self.buildings.landuse, tags)
            || any_matches(&self.buildings.any_landuse, tags)
            || self.facility_kind(tags).is_some()
    }
}

/// The mapping's elements, and the boundary relation when the city is clipped to one.
struct Selection<'a> {
    mapping: &'a Mapping,
    boundary_relation: Option<i64>,
}

impl Wanted for Selection<'_> {
    fn node(&self, tags: &[(&str, &str)]) -> bool {
        self.mapping.node(tags)
    }

    fn way(&self, tags: &[(&str, &str)]) -> bool {
        self.mapping.way(tags)
    }

    fn relation(&self, tags: &[(&str, &str)]) -> bool {
        self.mapping.relation(tags)
    }

    fn relation_by_id(&self, id: i64) -> bool {
        self.boundary_relation == Some(id)
    }
}

/// Converts the extract at `input` into a city folder `out_dir`: `blocks.geojson`, one
/// `<kind>.geojson` per facility kind found or named by the policy, `streets.geojson`,
/// `policy.toml`, `city.toml` and `osm_summary.json`; clipped to the boundary of `options`
/// when it has one.
pub fn convert(
    input: &Path,
    out_dir: &Path,
    options: &ConvertOptions,
) -> Result<Conversion, ConvertError> {
    let started = Instant::now();
    let mapping = &options.mapping;
    let (extract, projection, boundary) = read_with_boundary(input, options)?;
    let read_time = started.elapsed();
    let clip = boundary
        .as_ref()
        .map(|b| Clip::new(b.outline.clone(), &projection, options.margin_m));
    let parts = CityParts::new(&extract, &projection, options, clip.as_ref());

    let tertiary = mapping.has_tier("hospital", "tertiary");
    let policy = policy_toml(|kind| parts.found(kind), tertiary);
    let layers = layer_kinds(&parts.kind_counts, &policy.kinds);
    let empty_kinds = empty_kinds(&parts.kind_counts, &policy.kinds);
    let source = input.file_name().map_or_else(
        || input.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let replication = extract.replication_timestamp.map(city::utc_timestamp);
    let name = boundary
        .as_ref()
        .and_then(|b| b.name.clone())
        .unwrap_or_else(|| city::extract_stem(&source).to_string());
    let boundary_summary = boundary.as_ref().map(|b| BoundarySummary {
        source: b.source.clone(),
        name: b.name.clone(),
        margin_m: options.margin_m,
    });
    let notes = CityNotes {
        name: &name,
        source: &source,
        replication: replication.as_deref(),
        boundary: boundary_summary.as_ref(),
        residents_method: &parts.people.residents_method,
        elderly_method: &parts.people.elderly_method,
        empty_kinds: &empty_kinds,
    };
    let city = city_toml(&notes, &layers);
    let conversion = Conversion {
        name: name.clone(),
        replication_timestamp: replication.clone(),
        boundary: boundary_summary.clone(),
        empty_kinds,
        layers: layers.clone(),
        read_seconds: read_time.as_secs_f64(),
        ..parts.summary(source, &extract)
    };
    let city_folder = CityFolder {
        parts: &parts,
        layers: &layers,
        texts: [
            ("osm_summary.json", &conversion.to_json()),
            ("policy.toml", &policy.text),
            ("city.toml", &city),
        ],
    };
    write_city(input, out_dir, options, &city_folder)?;
    Ok(Conversion {
        seconds: started.elapsed().as_secs_f64(),
        ..conversion
    })
}

/// Reads the extract and its projection, and the boundary of `options` if any: a boundary
/// file before the extract (so a bad one fails at once), a boundary relation from it.
fn read_with_boundary(
    input: &Path,
    options: &ConvertOptions,
) -> Result<(Extract, LocalProjection, Option<Boundary>), ConvertError> {
    let (file_boundary, boundary_relation) = match &options.boundary {
        Some(BoundarySource::File(path)) => (Some(read_boundary_file(path)?), None),
        Some(BoundarySource::Relation(id)) => (None, Some(*id)),
        None => (None, None),
    };
    let (extract, projection) = read_projected(input, &options.mapping, boundary_relation)?;
    let boundary = match boundary_relation {
        Some(id) => Some(relation_boundary(&extract, id, input)?),
        None => file_boundary,
    };
    Ok((extract, projection, boundary))
}

/// What the mapping makes of an extract: the residential blocks with their estimated people,
/// the facilities and the walkable street pieces, each with its counts.
struct CityParts<'e> {
    blocks: Vec<Building>,
    building_counts: BuildingCounts,
    people: Population,
    facilities: Vec<Facility>,
    kind_counts: Vec<KindCount>,
    streets: Vec<StreetPiece<'e>>,
    street_counts: StreetCounts,
}

impl<'e> CityParts<'e> {
    /// Sorts the extract's elements into blocks, facilities and streets by the mapping of
    /// `options`, estimating the blocks' people (with its known totals); with a `clip`, only
    /// the blocks inside the boundary and the facilities and streets near it.
    fn new(
        extract: &'e Extract,
        projection: &LocalProjection,
        options: &ConvertOptions,
        clip: Option<&Clip>,
    ) -> Self {
        let mapping = &options.mapping;
        let (blocks, building_counts) =
            buildings::residential_buildings(extract, mapping, projection, clip);
        let floor_areas: Vec<f64> = blocks.iter().map(|b| b.floor_area_m2).collect();
        let people = estimate(&floor_areas, &mapping.population, options.totals);
        let (mut facilities, mut kind_counts) =
            facilities::facilities(extract, mapping, projection);
        let (mut streets, mut street_counts) = streets::walkable_streets(extract, &mapping.streets);
        if let Some(clip) = clip {
            facilities = clip.facilities(facilities, &mut kind_counts, projection);
            streets = clip.streets(streets, &mut street_counts, projection);
        }
        CityParts {
            blocks,
            building_counts,
            people,
            facilities,
            kind_counts,
            streets,
            street_counts,
        }
    }

    /// Whether a facility of `kind` was found.
    fn found(&self, kind: &str) -> bool {
        self.kind_counts
            .iter()
            .any(|k| k.kind == kind && k.written > 0)
    }

    /// The conversion's summary as far as the extract and these parts tell: no layers, no
    /// empty kinds and no times yet.
    fn summary(&self, source: String, extract: &Extract) -> Conversion {
        Conversion {
            source,
            name: String::new(),
            replication_timestamp: None,
            boundary: None,
            elements: extract.counts,
            buildings: self.building_counts,
            blocks: self.blocks.len(),
            residents: self.people.residents.iter().sum(),
            elderly: self.people.elderly.iter().sum(),
            facilities: self.kind_counts.clone(),
            empty_kinds: Vec::new(),
            layers: Vec::new(),
            streets: self.street_counts,
            ways_missing_nodes: extract.ways_missing_nodes,
            used_ways_missing_nodes: used_ways_missing_nodes(extract),
            warnings: warnings(self.blocks.len(), &self.people),
            read_seconds: 0.0,
            seconds: 0.0,
        }
    }
}

/// Reads the extract at `input` with what `mapping` can use (and the relation
/// `boundary_relation`, whatever its type), and a projection for its area: the reading half
/// of [`convert`] (the fuzz targets run it on hostile extracts).
pub fn read_projected(
    input: &Path,
    mapping: &Mapping,
    boundary_relation: Option<i64>,
) -> Result<(Extract, LocalProjection), ConvertError> {
    let selection = Selection {
        mapping,
        boundary_relation,
    };
    let extract = read_extract(input, &selection)?;
    let (min_lon, min_lat, max_lon, max_lat) = extract
        .nodes
        .bounds()
        .ok_or_else(|| ConvertError::NoNodes(input.to_path_buf()))?;
    let projection =
        LocalProjection::for_bounds(min_lon, min_lat, max_lon, max_lat).map_err(|error| {
            ConvertError::Projection {
                path: input.to_path_buf(),
                error,
            }
        })?;
    Ok((extract, projection))
}

/// The facility layers to write: the kinds found, then the policy's kinds not found.
fn layer_kinds(kind_counts: &[KindCount], policy_kinds: &[&str]) -> Vec<String> {
    let mut layers: Vec<String> = kind_counts
        .iter()
        .filter(|k| k.written > 0)
        .map(|k| k.kind.clone())
        .collect();
    for kind in policy_kinds {
        if !layers.iter().any(|l| l == kind) {
            layers.push(kind.to_string());
        }
    }
    layers
}

/// The kinds without a facility: the mapping's kinds found empty, then the policy's kinds
/// the mapping does not have.
fn empty_kinds(kind_counts: &[KindCount], policy_kinds: &[&str]) -> Vec<String> {
    kind_counts
        .iter()
        .filter(|k| k.written == 0)
        .map(|k| k.kind.clone())
        .chain(
            policy_kinds
                .iter()
                .filter(|k| !kind_counts.iter().any(|c| c.kind == **k))
                .map(|k| k.to_string()),
        )
        .collect()
}

/// The kept ways that refer to a node the extract lacks.
fn used_ways_missing_nodes(extract: &Extract) -> usize {
    extract
        .ways
        .iter()
        .filter(|w| w.refs.iter().any(|&r| !extract.nodes.contains(r)))
        .count()
}

/// Everything a city folder holds, ready to write.
struct CityFolder<'a> {
    /// The blocks, facilities and streets.
    parts: &'a CityParts<'a>,
    /// The facility layers, by kind.
    layers: &'a [String],
    /// The text files, by name.
    texts: [(&'a str, &'a str); 3],
}

/// Writes the city folder `out_dir`, after checking that no file would overwrite the
/// extract or the mapping file, so a refused run writes nothing.
fn write_city(
    input: &Path,
    out_dir: &Path,
    options: &ConvertOptions,
    city: &CityFolder,
) -> Result<(), ConvertError> {
    let boundary_file = match &options.boundary {
        Some(BoundarySource::File(path)) => Some(path.as_path()),
        _ => None,
    };
    let inputs = std::iter::once(input)
        .chain(options.mapping_path.as_deref())
        .chain(boundary_file);
    let mut folder = OutputFolder::create(out_dir, inputs, "osm")?;
    for name in [
        "blocks.geojson",
        "streets.geojson",
        "policy.toml",
        "city.toml",
        "osm_summary.json",
    ] {
        folder.plan(name);
    }
    for kind in city.layers {
        folder.plan(&format!("{kind}.geojson"));
    }
    folder.check()?;
    let protected = folder.protected();
    let file = |name: &str| folder.path(name);
    let parts = city.parts;
    write::write_blocks(
        &file("blocks.geojson"),
        protected,
        &parts.blocks,
        &parts.people,
    )?;
    write_facility_layers(&options.mapping, city, protected, &file)?;
    write::write_streets(&file("streets.geojson"), protected, &parts.streets)?;
    for (name, text) in city.texts {
        write_atomically(&file(name), protected, |out| out.write_all(text.as_bytes()))?;
    }
    folder.commit()?;
    Ok(())
}

/// Writes one `<kind>.geojson` per layer: the mapping's kinds with their facilities, then
/// the policy's other kinds empty.
fn write_facility_layers(
    mapping: &Mapping,
    city: &CityFolder,
    protected: &ProtectedInputs,
    file: &dyn Fn(&str) -> PathBuf,
) -> std::io::Result<()> {
    for (i, kind) in mapping.facilities.iter().enumerate() {
        if city.layers.contains(&kind.kind) {
            let of_kind: Vec<&Facility> = city
                .parts
                .facilities
                .iter()
                .filter(|f| f.kind == i)
                .collect();
            write::write_facilities(
                &file(&format!("{}.geojson", kind.kind)),
                protected,
                &kind.kind,
                &of_kind,
            )?;
        }
    }
    for kind in city
        .layers
        .iter()
        .filter(|k| !mapping.facilities.iter().any(|f| &f.kind == *k))
    {
        write::write_facilities(&file(&format!("{kind}.geojson")), protected, kind, &[])?;
    }
    Ok(())
}

/// Things the planner should know about the estimates.
fn warnings(blocks: usize, people: &population::Population) -> Vec<String> {
    let mut warnings = Vec::new();
    if blocks == 0 {
        warnings.push(
            "no residential building found: blocks.geojson is empty and `report` needs blocks; widen [buildings] residential in the mapping".to_string(),
        );
    }
    let over = people
        .residents
        .iter()
        .zip(&people.elderly)
        .filter(|(r, e)| e > r)
        .count();
    if over > 0 {
        warnings.push(format!(
            "{over} block(s) have more elderly people than residents: the elderly total is larger than the residents estimate; give --residents-total too"
        ));
    }
    warnings
}
