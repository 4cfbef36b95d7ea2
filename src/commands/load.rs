//! Reading a city (manifest, policy, layers) and preparing it for analysis: the plane, the
//! resolved requirements and the distance models, each stage timed by the caller.

use crate::analysis::distance::straight::StraightLine;
use crate::analysis::distance::walking::{StreetNetwork, SEARCH_FACTOR};
use crate::analysis::distance::{DistanceMode, DistanceModels, Measure};
use crate::analysis::plane::Plane;
use crate::analysis::requirements::{unmatched_filters, Requirements};
use crate::analysis::study::Study;
use crate::analysis::AnalysisError;
use crate::config::{Manifest, Policy};
use crate::error::Error;
use crate::input::{self, Loaded};
use std::path::Path;
use std::time::{Duration, Instant};

/// A city ready to evaluate: its manifest, policy and loaded layers.
pub struct City {
    /// The manifest.
    pub manifest: Manifest,
    /// The policy (the manifest's, or the built-in default).
    pub policy: Policy,
    /// The loaded layers.
    pub loaded: Loaded,
}

/// Reads a city manifest.
pub fn load_manifest(manifest_path: &Path) -> Result<Manifest, Error> {
    Ok(Manifest::load(manifest_path)?)
}

/// Reads a manifest, its policy and every input (the streets when `with_streets`), checking
/// that every kind the policy requires has a layer.
pub fn load_city(
    manifest_path: &Path,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<City, Error> {
    let manifest = load_manifest(manifest_path)?;
    load_city_from(manifest, manifest_path, skip_invalid, with_streets)
}

/// Like [`load_city`], for a manifest already read from `manifest_path`.
pub fn load_city_from(
    manifest: Manifest,
    manifest_path: &Path,
    skip_invalid: bool,
    with_streets: bool,
) -> Result<City, Error> {
    let policy = manifest.load_policy(manifest_path)?;
    let mut loaded = input::load(&manifest, skip_invalid, with_streets).map_err(Error::Input)?;
    let empty = input::empty_layer_warnings(&manifest, &loaded.dataset, |k| policy.uses_kind(k));
    let unmatched = unmatched_filters(&policy, &loaded.dataset);
    loaded.warnings.extend(empty.into_iter().chain(unmatched));
    Ok(City {
        manifest,
        policy,
        loaded,
    })
}

/// The distance mode a run on `manifest` uses: the requested one, or `both` when the
/// manifest has streets and `straight` otherwise. Walking needs streets.
pub fn distance_mode(
    manifest: &Manifest,
    requested: Option<DistanceMode>,
) -> Result<DistanceMode, AnalysisError> {
    match (requested, manifest.streets.is_some()) {
        (Some(mode), false) if mode.walks() => Err(AnalysisError::WalkingNeedsStreets {
            mode: mode.name().to_string(),
        }),
        (Some(mode), _) => Ok(mode),
        (None, true) => Ok(DistanceMode::Both),
        (None, false) => Ok(DistanceMode::Straight),
    }
}

/// Time spent preparing the walking model.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetworkTimings {
    /// Building the street graph and its snapping index.
    pub build: Duration,
    /// Snapping blocks and facilities onto the streets.
    pub snap: Duration,
}

/// The distance models of a city in `plane`: straight-line, and walking when `mode` walks
/// (the manifest then has streets), searching [`SEARCH_FACTOR`] times the policy's largest
/// reach far.
pub fn distance_models<'a>(
    city: &City,
    plane: &'a Plane,
    mode: DistanceMode,
    measure: Measure,
    timings: &mut NetworkTimings,
) -> DistanceModels<'a> {
    let straight = StraightLine::new(plane, measure);
    let Some(streets) = city.manifest.streets.as_ref().filter(|_| mode.walks()) else {
        return DistanceModels::straight_only(straight);
    };
    let started = Instant::now();
    let network = StreetNetwork::new(plane, streets.merge_tolerance_m);
    timings.build = started.elapsed();
    let started = Instant::now();
    let search_m = SEARCH_FACTOR * city.policy.largest_reach_m();
    let walking = network.snap(plane, measure, streets.max_snap_m, search_m);
    timings.snap = started.elapsed();
    DistanceModels::walking(straight, walking, mode)
}

/// A city prepared for analysis: requirements resolved (every problem listed) and distance
/// models built.
pub fn study<'a>(
    city: &'a City,
    plane: &'a Plane,
    mode: DistanceMode,
    measure: Measure,
    timings: &mut NetworkTimings,
) -> Result<Study<'a>, Error> {
    let dataset = &city.loaded.dataset;
    let requirements = Requirements::resolve(&city.policy, dataset, plane)?;
    Ok(Study {
        policy: &city.policy,
        dataset,
        plane,
        requirements,
        models: distance_models(city, plane, mode, measure, timings),
    })
}
