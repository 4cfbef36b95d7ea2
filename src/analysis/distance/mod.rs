//! One distance model for the whole analysis: straight-line ([`straight::StraightLine`]) and
//! walking ([`walking::WalkNetwork`]) behind the [`DistanceModel`] interface, chosen once per
//! run ([`DistanceModels`]). The straight-line model is always there (for the `_dist_m`
//! columns); the walking one when the distance mode walks, and then it decides.

pub mod doorstep;
pub mod straight;
pub mod walking;

use crate::algo::floating_catchment::Pair;
use crate::analysis::requirements::ResolvedRequirement;
use crate::dataset::Dataset;
use geo::Coord;
use std::ops::Range;
use straight::StraightLine;
use walking::WalkNetwork;

/// Where a block's distances are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// From the block's centroid; walks start at the street nearest the centroid, the
    /// access leg from the centroid.
    Centroid,
    /// From the block's outline: 0 when the facility is inside the block. Walks start at
    /// the streets along the outline (see [`doorstep`]), and a facility reached without
    /// crossing a street counts its straight-line distance. The default.
    #[default]
    Edge,
    /// Straight lines from the centroid, walks as for `Edge`, and also the share of each
    /// block's area within reach, which weights its elderly in the area-weighted figures
    /// (see [`crate::analysis::area`]).
    Area,
}

/// Which distances a report computes and shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistanceMode {
    /// Straight-line distances only.
    #[default]
    Straight,
    /// Walking distances over the street network decide; straight-line figures are not shown.
    Network,
    /// Walking distances decide; straight-line figures are shown beside them.
    Both,
}

impl DistanceMode {
    /// Whether walking distances are computed.
    pub fn walks(self) -> bool {
        self != DistanceMode::Straight
    }

    /// Whether straight-line figures are shown.
    pub fn shows_straight(self) -> bool {
        self != DistanceMode::Network
    }

    /// The mode's name in lowercase (`straight`, `network`, `both`).
    pub fn name(self) -> &'static str {
        match self {
            DistanceMode::Straight => "straight",
            DistanceMode::Network => "network",
            DistanceMode::Both => "both",
        }
    }
}

/// Distances of one kind (straight-line or walking) for one requirement, indexed by block.
#[derive(Debug, Clone, PartialEq)]
pub struct Distances {
    /// Distance to the nearest matching facility in metres; infinite when there is none
    /// (or, walking, none within the search limit).
    pub nearest_m: Vec<f64>,
    /// The nearest facility (index in its layer), when there is one.
    pub nearest_facility: Vec<Option<u32>>,
    /// Distinct facilities within reach; computed only when `min_count > 1`.
    pub count_within: Option<Vec<u32>>,
    /// The `min_count`-th nearest distinct facility (index in its layer) and its distance,
    /// when there is one (walking: within the search limit); computed only when
    /// `min_count > 1`. A block failing the requirement has it beyond the reach.
    pub kth_nearest: Option<Vec<Option<(u32, f64)>>>,
    /// Whether the requirement is met by these distances.
    pub met: Vec<bool>,
}

impl Distances {
    /// Block `b`'s `k`-th nearest distinct facility and its distance: the nearest for
    /// `k = 1`, else [`Distances::kth_nearest`] (`None` when not computed or not found).
    pub fn kth(&self, b: usize, k: usize) -> Option<(u32, f64)> {
        if k <= 1 {
            let f = self.nearest_facility[b]?;
            Some((f, self.nearest_m[b]))
        } else {
            self.kth_nearest.as_ref()?[b]
        }
    }
}

/// What every distance model answers.
pub trait DistanceModel: Sync {
    /// Per block: the nearest facility of the requirement, its distance, how many are within
    /// reach and whether the requirement is met.
    fn distances(&self, requirement: &ResolvedRequirement) -> Distances;

    /// Every (block, facility) pair within the requirement's reach for its facilities in
    /// `facilities` (by index in the layer), sorted by block, then facility, each with its
    /// shortest distance (the 2SFCA's input, taken a range of facilities at a time).
    fn pairs_within(&self, requirement: &ResolvedRequirement, facilities: Range<u32>) -> Vec<Pair>;

    /// Every (block, point) pair within `reach_m` for the blocks in `blocks` (sorted) and
    /// new points in the plane (such as candidate sites), the point's index as the pair's
    /// facility; sorted by block, then point.
    fn pairs_from_points(&self, points: &[Coord<f64>], blocks: &[u32], reach_m: f64) -> Vec<Pair>;

    /// Per location of layer `from`, the distance to the nearest location of layer `to`
    /// (infinite when none is found; a walking search looks a bounded distance beyond
    /// `within_m`).
    fn nearest_between_layers(
        &self,
        dataset: &Dataset,
        from: usize,
        to: usize,
        within_m: f64,
    ) -> Vec<f64>;
}

/// The distance models of one run: straight-line always, walking when the mode walks.
pub struct DistanceModels<'a> {
    mode: DistanceMode,
    straight: StraightLine<'a>,
    walking: Option<WalkNetwork<'a>>,
}

impl<'a> DistanceModels<'a> {
    /// Straight-line distances only.
    pub fn straight_only(straight: StraightLine<'a>) -> DistanceModels<'a> {
        DistanceModels {
            mode: DistanceMode::Straight,
            straight,
            walking: None,
        }
    }

    /// Walking distances deciding, straight-line ones beside them; `mode` says which are
    /// shown (`network` or `both`).
    pub fn walking(
        straight: StraightLine<'a>,
        walking: WalkNetwork<'a>,
        mode: DistanceMode,
    ) -> DistanceModels<'a> {
        DistanceModels {
            mode,
            straight,
            walking: Some(walking),
        }
    }

    /// The run's distance mode.
    pub fn mode(&self) -> DistanceMode {
        self.mode
    }

    /// The straight-line model.
    pub fn straight(&self) -> &StraightLine<'a> {
        &self.straight
    }

    /// The walking model, when distances are walked.
    pub fn walk(&self) -> Option<&WalkNetwork<'a>> {
        self.walking.as_ref()
    }

    /// The model that decides whether requirements are met: walking when there is one.
    pub fn decisive(&self) -> &dyn DistanceModel {
        match &self.walking {
            Some(walking) => walking,
            None => &self.straight,
        }
    }
}
