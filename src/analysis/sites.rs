//! Site suggestions: which few new sites of one kind would newly cover the most elderly
//! people, as a maximal covering location problem solved by [`crate::algo::siting`].
//!
//! Existing facilities stay fixed. The demand is the blocks that fail the chosen requirement
//! and that one more facility within reach would fix (for `min_count > 1`: blocks exactly one
//! facility short), weighted by their elderly. Candidates are a layer of the manifest or a
//! file the planner names (vacant flats, buildings that could be converted), or else the
//! centroids of the demand blocks. Reach is measured by the run's deciding distance model.

use crate::algo::crs::LocalProjection;
use crate::algo::siting::{exact, greedy, Choice, CoverProblem};
use crate::analysis::coverage::Coverage;
use crate::analysis::distance::DistanceModel;
use crate::analysis::pair_ranges::{in_ranges, PAIR_BUDGET};
use crate::analysis::plane::Plane;
use crate::analysis::requirements::RequirementId;
use crate::analysis::study::Study;
use crate::analysis::summary::{SiteSummary, SitesSummary};
use crate::analysis::AnalysisError;
use crate::config::manifest::LayerSource;
use crate::config::Reach;
use crate::dataset::{Blocks, FacilityLayer};
use crate::error::Error;
use crate::format::name_and_id;
use crate::input::facilities::read_layer;
use crate::input::Append;
use crate::memory::fallibly;
use geo::Coord;
use std::ops::Range;
use std::path::PathBuf;

/// Exact optimisation is attempted up to this many search nodes.
pub const EXACT_NODE_LIMIT: u64 = 2_000_000;

/// One candidate site.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its id (a block id when candidates are block centroids).
    pub id: String,
    /// Its name (the block's when candidates are block centroids), when it has one.
    pub name: Option<String>,
    /// Its position in the plane's metres.
    pub position_m: Coord<f64>,
    /// Its position in WGS 84 as read, for candidates read from a layer.
    read_lon_lat: Option<Coord<f64>>,
}

impl Candidate {
    /// The candidate as people name it: `name (id)` when it has a name, else its id.
    pub fn label(&self) -> String {
        name_and_id(self.name.as_deref(), &self.id)
    }

    /// Its position in WGS 84: as read, or unprojected from the plane.
    pub fn lon_lat(&self, projection: &LocalProjection) -> Coord<f64> {
        self.read_lon_lat.unwrap_or_else(|| {
            let (x, y) = projection.unproject(self.position_m.x, self.position_m.y);
            Coord { x, y }
        })
    }
}

/// The suggested sites with their coverage.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The circle whose requirement the sites meet.
    pub circle: String,
    /// The facility kind of the sites.
    pub kind: String,
    /// Candidate sites, indexed by the choices.
    pub candidates: Vec<Candidate>,
    /// Block ids of the demand points, indexed by `Choice::newly_covered`.
    pub demand_ids: Vec<String>,
    /// The blocks (indices) of the demand points, indexed by `Choice::newly_covered`.
    pub demand_blocks: Vec<u32>,
    /// The greedy choices, in order.
    pub choices: Vec<Choice>,
    /// The optimum for the same number of sites, when it was affordable to compute.
    pub optimum: Option<f64>,
    /// Elderly already meeting the requirement.
    pub baseline_elderly: f64,
    /// All elderly.
    pub total_elderly: f64,
    /// Elderly the new sites could reach at most (all demand blocks).
    pub demand_elderly: f64,
    /// Whether reach was measured on foot.
    pub walking: bool,
    /// The requirement's reach.
    pub reach: Reach,
}

impl Suggestion {
    /// The chosen candidates, in order.
    pub fn chosen(&self) -> impl Iterator<Item = &Candidate> {
        self.choices
            .iter()
            .map(|choice| &self.candidates[choice.candidate as usize])
    }

    /// The suggestion's figures for `summary.json` and the report page, positions
    /// unprojected with `projection`; `zone_rank` is the rank of the circle's gap zone
    /// holding each block (see [`crate::analysis::zones::zone_rank_by_block`]).
    pub fn summary(&self, projection: &LocalProjection, zone_rank: &[Option<u32>]) -> SitesSummary {
        SitesSummary {
            circle: self.circle.clone(),
            kind: self.kind.clone(),
            reach_m: self.reach.reach_m(),
            minutes: self.reach.minutes(),
            walking: self.walking,
            elderly_met_before: self.baseline_elderly,
            elderly_total: self.total_elderly,
            sites: self
                .choices
                .iter()
                .zip(self.chosen())
                .enumerate()
                .map(|(i, (choice, candidate))| {
                    let position = candidate.lon_lat(projection);
                    SiteSummary {
                        rank: i + 1,
                        candidate_id: candidate.id.clone(),
                        candidate_name: candidate.name.clone(),
                        lon: position.x,
                        lat: position.y,
                        marginal_elderly: choice.marginal,
                        cumulative_elderly: choice.cumulative,
                        newly_covered_blocks: choice.newly_covered.len(),
                        gap_zones: self.zones_reached(choice, zone_rank),
                    }
                })
                .collect(),
        }
    }

    /// The ranks of the gap zones holding the blocks `choice` newly covers, ascending.
    fn zones_reached(&self, choice: &Choice, zone_rank: &[Option<u32>]) -> Vec<u32> {
        let mut ranks: Vec<u32> = choice
            .newly_covered
            .iter()
            .filter_map(|&d| *zone_rank.get(self.demand_blocks[d as usize] as usize)?)
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        ranks
    }
}

/// Which sites to suggest for one requirement of an analysed city.
#[derive(Debug, Clone, Copy)]
pub struct SiteRequest<'a> {
    /// The requirement.
    pub requirement: RequirementId,
    /// A manifest layer kind or a GeoJSON/CSV file of candidate sites; the centroids of the
    /// demand blocks when absent.
    pub candidates: Option<&'a str>,
    /// How many sites to choose.
    pub count: usize,
    /// Most elderly one new site may count.
    pub capacity: Option<f64>,
    /// Whether to also search for the exact optimum (up to [`EXACT_NODE_LIMIT`] nodes).
    pub exact: bool,
}

/// Candidates from a layer: one per facility, a MultiPoint by its first point; `projected`
/// holds the layer's locations in the plane.
fn from_layer(layer: &FacilityLayer, projected: &[Coord<f64>]) -> Vec<Candidate> {
    let mut seen = vec![false; layer.len()];
    layer
        .locations
        .iter()
        .zip(projected)
        .zip(&layer.location_facility)
        .filter(|(_, &f)| !std::mem::replace(&mut seen[f as usize], true))
        .map(|((lon_lat, at), &f)| Candidate {
            id: layer.ids[f as usize].clone(),
            name: layer.name(f as usize).map(str::to_string),
            position_m: *at,
            read_lon_lat: Some(*lon_lat),
        })
        .collect()
}

/// The candidates: a layer of the dataset, a file, or (when `None`) the demand blocks'
/// centroids.
fn candidates(
    source: Option<&str>,
    study: &Study,
    demand: &[u32],
) -> Result<Vec<Candidate>, Error> {
    let (dataset, plane) = (study.dataset, study.plane);
    let Some(source) = source else {
        return Ok(demand
            .iter()
            .map(|&b| Candidate {
                id: dataset.blocks.ids[b as usize].clone(),
                name: dataset.blocks.name(b as usize).map(str::to_string),
                position_m: plane.block_centroids[b as usize],
                read_lon_lat: None,
            })
            .collect());
    };
    if let Some(l) = dataset.layers.iter().position(|l| l.kind == source) {
        return Ok(from_layer(&dataset.layers[l], &plane.layer_locations[l]));
    }
    let layer = read_candidates(source)?;
    Ok(from_layer(&layer, &project_all(plane, &layer.locations)))
}

/// Reads a GeoJSON, GeoPackage (its only feature table), Shapefile or CSV file of candidate
/// sites.
fn read_candidates(source: &str) -> Result<FacilityLayer, Error> {
    let path = PathBuf::from(source);
    if !path.is_file() {
        return Err(AnalysisError::UnknownCandidates {
            name: source.to_string(),
        }
        .into());
    }
    let layer_source = LayerSource {
        path: path.into(),
        layer: None,
        id: None,
        name: None,
        label: None,
        lon: None,
        lat: None,
        encoding: None,
        delimiter: None,
        crs: Default::default(),
        filter: Default::default(),
        duplicates: Default::default(),
        added: Default::default(),
    };
    let mut layer = FacilityLayer::default();
    for read in read_layer("candidate", &layer_source, None) {
        let read = read.map_err(|p| Error::Input(vec![p]))?;
        if !read.problems.is_empty() {
            return Err(Error::Input(read.problems));
        }
        layer.append(read.value);
    }
    Ok(layer)
}

fn project_all(plane: &Plane, points: &[Coord<f64>]) -> Vec<Coord<f64>> {
    points
        .iter()
        .map(|c| {
            let (x, y) = plane.projection.project(c.x, c.y);
            Coord { x, y }
        })
        .collect()
}

/// Per candidate site, the demand blocks (by position in `demand`, which is sorted) within
/// `reach_m` of it by `model`, sorted. The block–site pairs are taken about `pair_budget` at
/// a time ([`in_ranges`]; [`PAIR_BUDGET`] in a run, the result does not depend on it) and
/// the lists allocated fallibly: an error names `stage` and what to lower.
pub fn cover_lists(
    model: &dyn DistanceModel,
    sites: &[Coord<f64>],
    demand: &[u32],
    reach_m: f64,
    pair_budget: usize,
    stage: &str,
) -> Result<Vec<Vec<u32>>, AnalysisError> {
    let out_of_memory = |what, bytes| AnalysisError::OutOfMemory {
        stage: stage.to_string(),
        what,
        bytes,
        lower: "the number of candidate sites or the requirement's reach",
    };
    let mut covers: Vec<Vec<u32>> = Vec::new();
    fallibly(|| covers.try_reserve_exact(sites.len()))
        .map_err(|_| out_of_memory("the candidate list", sites.len() * size_of::<Vec<u32>>()))?;
    let pairs_of = |range: Range<u32>| {
        let mut pairs = model.pairs_from_points(
            &sites[range.start as usize..range.end as usize],
            demand,
            reach_m,
        );
        pairs.iter_mut().for_each(|p| p.facility += range.start);
        pairs
    };
    in_ranges(
        sites.len(),
        demand.len(),
        pair_budget,
        pairs_of,
        |range, pairs| {
            let mut lists = vec![Vec::new(); range.len()];
            let mut counts = vec![0usize; range.len()];
            for pair in &pairs {
                counts[(pair.facility - range.start) as usize] += 1;
            }
            for (list, &count) in lists.iter_mut().zip(&counts) {
                fallibly(|| list.try_reserve_exact(count)).map_err(|_| {
                    out_of_memory("the blocks each site covers", count * size_of::<u32>())
                })?;
            }
            // The pairs come by block, and positions in `demand` grow with the block: each
            // list is filled in order.
            for pair in &pairs {
                if let Ok(at) = demand.binary_search(&pair.block) {
                    lists[(pair.facility - range.start) as usize].push(at as u32);
                }
            }
            covers.extend(lists);
            Ok(())
        },
        |bytes| out_of_memory("the block–site pairs within reach", bytes),
    )?;
    Ok(covers)
}

/// Elderly in the blocks where `met` holds.
fn met_elderly(blocks: &Blocks, met: &[bool]) -> f64 {
    (0..blocks.len())
        .filter(|&b| met[b])
        .map(|b| blocks.elderly[b])
        .sum()
}

/// Suggests sites for one requirement of a city whose coverage is evaluated.
pub fn suggest_sites(
    study: &Study,
    coverage: &Coverage,
    request: &SiteRequest,
) -> Result<Suggestion, Error> {
    let resolved = &study.requirements[request.requirement];
    let requirement = resolved.requirement;
    let decisive = coverage[request.requirement].decisive();
    let blocks = &study.dataset.blocks;
    // Blocks that one more facility within reach would make meet the requirement. A block
    // that meets it may count more facilities than `min_count`, so `met` is checked first.
    let demand: Vec<u32> = (0..blocks.len() as u32)
        .filter(|&b| {
            let b = b as usize;
            let within = decisive.count_within.as_ref().map_or(0, |n| n[b] as usize);
            !decisive.met[b] && within + 1 == requirement.min_count
        })
        .collect();
    let candidates = candidates(request.candidates, study, &demand)?;
    let sites: Vec<Coord<f64>> = candidates.iter().map(|c| c.position_m).collect();
    let covers = cover_lists(
        study.models.decisive(),
        &sites,
        &demand,
        requirement.reach_m,
        PAIR_BUDGET,
        &format!(
            "suggesting {} sites for circle `{}`",
            requirement.kind, resolved.circle.name
        ),
    )?;
    let problem = CoverProblem {
        weights: demand.iter().map(|&b| blocks.elderly[b as usize]).collect(),
        covers,
        capacity: request.capacity,
    };
    let choices = greedy(&problem, request.count);
    let optimum = request
        .exact
        .then(|| exact(&problem, request.count, EXACT_NODE_LIMIT))
        .flatten()
        .map(|best| best.last().map_or(0.0, |c| c.cumulative));
    Ok(Suggestion {
        circle: resolved.circle.name.clone(),
        kind: requirement.kind.clone(),
        demand_elderly: problem.weights.iter().sum(),
        demand_ids: demand
            .iter()
            .map(|&b| blocks.ids[b as usize].clone())
            .collect(),
        demand_blocks: demand,
        candidates,
        choices,
        optimum,
        baseline_elderly: met_elderly(blocks, &decisive.met),
        total_elderly: blocks.elderly.iter().sum(),
        walking: study.models.walk().is_some(),
        reach: requirement.reach,
    })
}
