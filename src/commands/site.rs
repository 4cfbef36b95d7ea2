//! Site suggestions (`carecircle site`): which few new sites of one kind would newly cover the
//! most elderly people, as a maximal covering location problem solved by [`crate::algo::siting`].
//!
//! Existing facilities stay fixed. The demand is the blocks that fail the chosen requirement
//! and that one more facility within reach would fix (for `min_count > 1`: blocks exactly one
//! facility short), weighted by their elderly. Candidates are a layer of the manifest or a
//! file the planner names (vacant flats, buildings that could be converted), or else the
//! centroids of the demand blocks. Reach is measured on foot when the city has streets.

use crate::algo::floating_catchment::Pair;
use crate::algo::siting::{coverage_curve, exact, greedy, Choice, CoverProblem};
use crate::analysis::coverage::{evaluate, Coverage, DistanceMode, Measure};
use crate::analysis::plane::Plane;
use crate::analysis::summary::{SiteSummary, SitesSummary};
use crate::analysis::walking::WalkNetwork;
use crate::commands::report::{distance_mode, load_city_from, City, ReportError};
use crate::config::manifest::LayerSource;
use crate::dataset::FacilityLayer;
use crate::input::facilities::read_layer;
use crate::output::atomic::{create_output_dir, ProtectedInputs};
use crate::output::features::write_geojson_layers;
use crate::output::gpkg::write_geopackage;
use crate::output::layer::{OutputFormat, StyledLayer};
use crate::output::sites::{write_sites_csv, SiteLayer};
use crate::output::style::sites_style;
use geo::Coord;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::path::{Path, PathBuf};

/// Exact optimisation is attempted up to this many search nodes.
pub const EXACT_NODE_LIMIT: u64 = 2_000_000;

/// What `carecircle site` is asked.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The circle whose requirement new sites should meet.
    pub circle: String,
    /// The facility kind to add.
    pub kind: String,
    /// How many sites to choose.
    pub count: usize,
    /// A manifest layer kind or a GeoJSON/CSV file of candidate sites; the centroids of the
    /// uncovered blocks when absent.
    pub candidates: Option<String>,
    /// Most elderly one new site may count.
    pub capacity: Option<f64>,
    /// Straight-line or walking reach (default: walking when the manifest has streets).
    pub distance: Option<DistanceMode>,
}

/// One candidate site.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its id (a block id when candidates are block centroids).
    pub id: String,
    /// Its position in WGS 84.
    pub position: Coord<f64>,
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
    /// The reach in metres.
    pub reach_m: f64,
}

/// A `carecircle site` run: the suggestion and the files it read.
#[derive(Debug, Clone)]
pub struct SiteRun {
    /// The suggested sites.
    pub suggestion: Suggestion,
    /// The city's input files (manifest, policy, layers, candidates), which outputs must not
    /// overwrite.
    pub inputs: Vec<PathBuf>,
}

impl Suggestion {
    /// The suggestion's figures for `summary.json` and the report page.
    pub fn summary(&self) -> SitesSummary {
        SitesSummary {
            circle: self.circle.clone(),
            kind: self.kind.clone(),
            reach_m: self.reach_m,
            walking: self.walking,
            elderly_met_before: self.baseline_elderly,
            elderly_total: self.total_elderly,
            sites: self
                .choices
                .iter()
                .enumerate()
                .map(|(i, choice)| {
                    let candidate = &self.candidates[choice.candidate as usize];
                    SiteSummary {
                        rank: i + 1,
                        candidate_id: candidate.id.clone(),
                        lon: candidate.position.x,
                        lat: candidate.position.y,
                        marginal_elderly: choice.marginal,
                        cumulative_elderly: choice.cumulative,
                        newly_covered_blocks: choice.newly_covered.len(),
                    }
                })
                .collect(),
        }
    }
}

fn config(message: String) -> ReportError {
    ReportError::Config(message)
}

/// The candidates: a manifest layer, a file, or (when `None`) the demand blocks' centroids.
fn candidates(
    source: Option<&str>,
    city: &City,
    demand: &[u32],
    plane: &Plane,
) -> Result<Vec<Candidate>, ReportError> {
    let from_layer = |layer: &FacilityLayer| -> Vec<Candidate> {
        // A MultiPoint candidate is represented by its first point.
        let mut seen = vec![false; layer.len()];
        layer
            .locations
            .iter()
            .zip(&layer.location_facility)
            .filter(|(_, &f)| !std::mem::replace(&mut seen[f as usize], true))
            .map(|(c, &f)| Candidate {
                id: layer.ids[f as usize].clone(),
                position: *c,
            })
            .collect()
    };
    let Some(source) = source else {
        let blocks = &city.loaded.dataset.blocks;
        return Ok(demand
            .iter()
            .map(|&b| {
                let c = plane.block_centroids[b as usize];
                let (lon, lat) = plane.projection.unproject(c.x, c.y);
                Candidate {
                    id: blocks.ids[b as usize].clone(),
                    position: Coord { x: lon, y: lat },
                }
            })
            .collect());
    };
    if let Some(layer) = city.loaded.dataset.layer(source) {
        return Ok(from_layer(layer));
    }
    let layer_source = LayerSource {
        path: PathBuf::from(source),
        id: None,
        lon: None,
        lat: None,
        crs: Default::default(),
        filter: Default::default(),
    };
    if !layer_source.path.is_file() {
        return Err(config(format!(
            "--candidates {source}: neither a layer of the city manifest nor a file"
        )));
    }
    let read = read_layer("candidate", &layer_source).map_err(|p| ReportError::Input(vec![p]))?;
    if !read.problems.is_empty() {
        return Err(ReportError::Input(read.problems));
    }
    Ok(from_layer(&read.value))
}

/// Straight-line (block, candidate) pairs within reach.
fn straight_pairs(plane: &Plane, demand: &[u32], sites: &[Coord<f64>], reach_m: f64) -> Vec<Pair> {
    let tree = RTree::bulk_load(
        demand
            .iter()
            .map(|&b| {
                let c = plane.block_centroids[b as usize];
                GeomWithData::new([c.x, c.y], b)
            })
            .collect(),
    );
    let mut pairs: Vec<Pair> = sites
        .iter()
        .enumerate()
        .flat_map(|(s, p)| {
            tree.locate_within_distance([p.x, p.y], reach_m * reach_m)
                .map(move |l| Pair {
                    block: l.data,
                    facility: s as u32,
                    distance_m: (l.geom()[0] - p.x).hypot(l.geom()[1] - p.y),
                })
        })
        .collect();
    pairs.sort_by_key(|p| (p.block, p.facility));
    pairs
}

/// A city with its coverage evaluated: what suggesting sites starts from.
pub struct EvaluatedCity<'a> {
    /// The city.
    pub city: &'a City,
    /// Its plane.
    pub plane: &'a Plane,
    /// Its street network, when reach is measured on foot.
    pub walk: Option<&'a WalkNetwork>,
    /// The policy's coverage.
    pub coverage: &'a Coverage,
}

/// Which sites to suggest for one requirement of an evaluated city.
#[derive(Debug, Clone, Copy)]
pub struct SiteRequest<'a> {
    /// The circle's index in the policy.
    pub circle: usize,
    /// The requirement's index in the circle.
    pub requirement: usize,
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

/// Suggests `options.count` new sites for the city in `manifest_path`.
pub fn suggest_sites(manifest_path: &Path, options: &SiteOptions) -> Result<SiteRun, ReportError> {
    let manifest =
        crate::config::Manifest::load(manifest_path).map_err(|e| config(e.to_string()))?;
    let mode = distance_mode(&manifest, options.distance).map_err(config)?;
    let city = load_city_from(manifest, manifest_path, false, mode.walks())?;
    let (circle, requirement) = find_requirement(&city.policy, &options.circle, &options.kind)?;
    let plane = Plane::new(&city.loaded.dataset).map_err(config)?;
    let walk = WalkNetwork::for_city(&city.manifest, &city.policy, &plane, mode);
    let coverage = evaluate(
        &city.policy,
        &city.loaded.dataset,
        &plane,
        Measure::Centroid,
        walk.as_ref(),
    )
    .map_err(config)?;
    let evaluated = EvaluatedCity {
        city: &city,
        plane: &plane,
        walk: walk.as_ref(),
        coverage: &coverage,
    };
    let request = SiteRequest {
        circle,
        requirement,
        candidates: options.candidates.as_deref(),
        count: options.count,
        capacity: options.capacity,
        exact: true,
    };
    let suggestion = suggest_for(&evaluated, &request)?;
    let inputs = city
        .manifest
        .input_files()
        .into_iter()
        .chain([manifest_path])
        .chain(
            options
                .candidates
                .as_deref()
                .map(Path::new)
                .filter(|p| p.is_file()),
        )
        .map(Path::to_path_buf)
        .collect();
    Ok(SiteRun { suggestion, inputs })
}

/// Suggests sites for one requirement of an evaluated city.
pub fn suggest_for(
    evaluated: &EvaluatedCity,
    request: &SiteRequest,
) -> Result<Suggestion, ReportError> {
    let EvaluatedCity {
        city,
        plane,
        walk,
        coverage,
    } = *evaluated;
    let circle = &city.policy.circles[request.circle];
    let requirement = &circle.requires[request.requirement];
    let decisive = coverage.circles[request.circle].requirements[request.requirement].decisive();
    let blocks = &city.loaded.dataset.blocks;
    // Blocks that one more facility within reach would make meet the requirement. A block
    // that meets it may count more facilities than `min_count`, so `met` is checked first.
    let demand: Vec<u32> = (0..blocks.len() as u32)
        .filter(|&b| {
            let b = b as usize;
            let within = decisive.count_within.as_ref().map_or(0, |n| n[b] as usize);
            !decisive.met[b] && within + 1 == requirement.min_count
        })
        .collect();
    let candidates = candidates(request.candidates, city, &demand, plane)?;
    let sites: Vec<Coord<f64>> = candidates
        .iter()
        .map(|c| {
            let (x, y) = plane.projection.project(c.position.x, c.position.y);
            Coord { x, y }
        })
        .collect();
    let pairs = match walk {
        Some(network) => {
            let snaps = network.index.snap_points(&sites, network.max_snap_m);
            let sources: Vec<(u32, Vec<_>)> = snaps
                .into_iter()
                .enumerate()
                .filter_map(|(s, snap)| Some((s as u32, vec![snap?])))
                .collect();
            network.blocks_within(&sources, requirement.reach_m)
        }
        None => straight_pairs(plane, &demand, &sites, requirement.reach_m),
    };
    let mut position = vec![u32::MAX; blocks.len()];
    for (i, &b) in demand.iter().enumerate() {
        position[b as usize] = i as u32;
    }
    let mut covers: Vec<Vec<u32>> = vec![Vec::new(); candidates.len()];
    for pair in pairs
        .iter()
        .filter(|p| position[p.block as usize] != u32::MAX)
    {
        covers[pair.facility as usize].push(position[pair.block as usize]);
    }
    for cover in &mut covers {
        cover.sort_unstable();
    }
    let weights: Vec<f64> = demand.iter().map(|&b| blocks.elderly[b as usize]).collect();
    let problem = CoverProblem {
        weights,
        covers,
        capacity: request.capacity,
    };
    let choices = greedy(&problem, request.count);
    let optimum = request
        .exact
        .then(|| exact(&problem, request.count, EXACT_NODE_LIMIT))
        .flatten()
        .map(|best| best.last().map_or(0.0, |c| c.cumulative));
    let met_elderly: f64 = (0..blocks.len())
        .filter(|&b| decisive.met[b])
        .map(|b| blocks.elderly[b])
        .sum();
    Ok(Suggestion {
        circle: circle.name.clone(),
        kind: requirement.kind.clone(),
        demand_elderly: problem.weights.iter().sum(),
        demand_ids: demand
            .iter()
            .map(|&b| blocks.ids[b as usize].clone())
            .collect(),
        candidates,
        choices,
        optimum,
        baseline_elderly: met_elderly,
        total_elderly: blocks.elderly.iter().sum(),
        walking: walk.is_some(),
        reach_m: requirement.reach_m,
    })
}

/// The circle's and requirement's indices in the policy.
fn find_requirement(
    policy: &crate::config::Policy,
    circle: &str,
    kind: &str,
) -> Result<(usize, usize), ReportError> {
    let (c, found) = policy
        .circles
        .iter()
        .enumerate()
        .find(|(_, x)| x.name == circle)
        .ok_or_else(|| {
            let names: Vec<&str> = policy.circles.iter().map(|x| x.name.as_str()).collect();
            config(format!(
                "the policy has no circle `{circle}`; its circles are: {}",
                names.join(", ")
            ))
        })?;
    let r = found
        .requires
        .iter()
        .position(|x| x.kind == kind)
        .ok_or_else(|| {
            let kinds: Vec<&str> = found.requires.iter().map(|x| x.kind.as_str()).collect();
            config(format!(
                "circle `{circle}` has no requirement on `{kind}`; it requires: {}",
                kinds.join(", ")
            ))
        })?;
    Ok((c, r))
}

/// The GeoPackage `carecircle site --format gpkg` writes.
pub const SITES_GEOPACKAGE: &str = "sites.gpkg";

/// Writes the `sites` layer — `sites.geojson` with its QGIS style `sites.qml`, or
/// [`SITES_GEOPACKAGE`] with the style embedded — and `sites.csv` into `out_dir`, never over
/// the city's inputs.
pub fn write_suggestion(
    run: &SiteRun,
    out_dir: &Path,
    format: OutputFormat,
) -> Result<Vec<PathBuf>, ReportError> {
    let suggestion = &run.suggestion;
    create_output_dir(out_dir)?;
    let protected = ProtectedInputs::new(run.inputs.iter().map(PathBuf::as_path));
    let sites = SiteLayer::new(std::slice::from_ref(suggestion));
    let kinds = [suggestion.kind.as_str()];
    let layers = [StyledLayer::new(&sites, |fields| {
        sites_style(&kinds, fields)
    })?];
    let mut files = format.layer_files(out_dir, SITES_GEOPACKAGE, &layers);
    let csv = out_dir.join("sites.csv");
    files.push(csv.clone());
    for f in &files {
        protected.check(f)?;
    }
    match format {
        OutputFormat::Geojson => write_geojson_layers(out_dir, &protected, &layers)?,
        OutputFormat::Gpkg => {
            write_geopackage(&out_dir.join(SITES_GEOPACKAGE), &protected, &layers)?
        }
    }
    let curve = coverage_curve(
        &suggestion.choices,
        suggestion.baseline_elderly,
        suggestion.total_elderly,
    );
    write_sites_csv(&csv, &protected, suggestion, &curve)?;
    Ok(files)
}
