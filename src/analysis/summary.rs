//! Totals per circle and requirement: blocks, elderly and residents met.

use crate::analysis::area::CircleShares;
use crate::analysis::capacity::{Capacity, CapacityResult};
use crate::analysis::coverage::Coverage;
use crate::analysis::coverage::{DistanceMode, Measure};
use crate::analysis::referral::ReferralSummary;
use crate::analysis::requirements::Requirements;
use crate::analysis::zones::ZoneSummary;
use crate::config::{CapacityRule, Minutes, Policy, Reach};
use crate::dataset::Blocks;
use crate::format::name_and_id;
use crate::input::InputCount;
use serde::Serialize;

/// The report's summary, written as `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Summary {
    /// carecircle's version.
    pub version: String,
    /// Where straight-line distances are measured from: `centroid`, `edge` or `area`.
    pub measure: Measure,
    /// `straight`, `network` or `both`.
    pub distance: DistanceMode,
    /// The street network, when walking distances were computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSummary>,
    /// Per circle, in policy order.
    pub circles: Vec<CircleSummary>,
    /// Referral-chain checks.
    pub referrals: Vec<ReferralSummary>,
    /// No gap zone spans more than this across, in metres (the policy's `zone_span_m`).
    pub zone_span_m: f64,
    /// The largest gap zones of each circle (see `gaps.geojson` for all).
    pub top_gap_zones: Vec<ZoneSummary>,
    /// Per input file.
    pub inputs: Vec<InputSummary>,
    /// Invalid features skipped under `--skip-invalid`.
    pub skipped_features: usize,
    /// Warnings, such as empty facility layers.
    pub warnings: Vec<String>,
    /// New sites suggested per requirement of the view circle (`report --sites N`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggested_sites: Vec<SitesSummary>,
}

/// New sites suggested for one requirement of a circle: the greedy choices in order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SitesSummary {
    /// The circle.
    pub circle: String,
    /// The facility kind the new sites would be.
    pub kind: String,
    /// The requirement's reach in metres.
    pub reach_m: f64,
    /// `within_min`, `speed_m_per_min` and `delay_min`, when the reach was written in minutes.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Minutes>,
    /// Whether reach was measured on foot.
    pub walking: bool,
    /// Elderly meeting the requirement before any new site.
    pub elderly_met_before: f64,
    /// All elderly.
    pub elderly_total: f64,
    /// The chosen sites, best first.
    pub sites: Vec<SiteSummary>,
}

/// One suggested site.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SiteSummary {
    /// 1 for the first choice.
    pub rank: usize,
    /// The candidate's id (a block id when candidates are uncovered block centroids).
    pub candidate_id: String,
    /// The candidate's name, when it has one.
    pub candidate_name: Option<String>,
    /// Longitude, WGS 84.
    pub lon: f64,
    /// Latitude, WGS 84.
    pub lat: f64,
    /// Elderly this site newly covers, beyond the sites ranked before it.
    pub marginal_elderly: f64,
    /// Elderly newly covered by this site and those ranked before it.
    pub cumulative_elderly: f64,
    /// Blocks this site newly covers.
    pub newly_covered_blocks: usize,
    /// The ranks of the circle's gap zones holding blocks this site newly covers, ascending
    /// (the zones it helps close).
    pub gap_zones: Vec<u32>,
}

/// One circle's totals.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CircleSummary {
    /// The circle.
    pub name: String,
    /// What people read for it (the policy's `label`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Blocks inside the circle.
    pub blocks_met: usize,
    /// All blocks.
    pub blocks_total: usize,
    /// Elderly people in blocks inside the circle.
    pub elderly_met: f64,
    /// All elderly people.
    pub elderly_total: f64,
    /// Residents in blocks inside the circle (null without a residents field).
    pub residents_met: Option<f64>,
    /// All residents (null without a residents field).
    pub residents_total: Option<f64>,
    /// Straight-line and walking figures, when walking distances were computed.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub walking: Option<WalkComparison>,
    /// With `--measure area`: elderly weighted by the share of their block's area meeting
    /// the circle in a straight line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elderly_met_area: Option<f64>,
    /// Per requirement.
    pub requirements: Vec<RequirementSummary>,
}

/// Straight-line against walking coverage, for a circle or a requirement.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WalkComparison {
    /// Blocks met by straight-line distance.
    pub blocks_met_straight: usize,
    /// Blocks met by walking distance.
    pub blocks_met_walk: usize,
    /// Elderly in blocks met by straight-line distance.
    pub elderly_met_straight: f64,
    /// Elderly in blocks met by walking distance.
    pub elderly_met_walk: f64,
    /// Blocks covered on the map (straight line) but not on foot: the list to look at first.
    pub blocks_straight_only: usize,
    /// Elderly in those blocks.
    pub elderly_straight_only: f64,
}

impl WalkComparison {
    fn new(blocks: &Blocks, straight: &[bool], walk: &[bool]) -> WalkComparison {
        let only: Vec<bool> = straight.iter().zip(walk).map(|(&s, &w)| s && !w).collect();
        let (blocks_met_straight, elderly_met_straight, _) = totals(blocks, straight);
        let (blocks_met_walk, elderly_met_walk, _) = totals(blocks, walk);
        let (blocks_straight_only, elderly_straight_only, _) = totals(blocks, &only);
        WalkComparison {
            blocks_met_straight,
            blocks_met_walk,
            elderly_met_straight,
            elderly_met_walk,
            blocks_straight_only,
            elderly_straight_only,
        }
    }
}

/// The street network's size and reach.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkSummary {
    /// Graph nodes.
    pub nodes: usize,
    /// Graph edges.
    pub edges: usize,
    /// Connected components.
    pub components: usize,
    /// Nodes in the largest component.
    pub main_component_nodes: usize,
    /// How far walking searches look, in metres.
    pub search_m: f64,
    /// The largest access leg, in metres.
    pub max_snap_m: f64,
    /// Blocks with no street within `max_snap_m`.
    pub blocks_off_network: usize,
    /// Blocks snapped onto a component cut off from the main one.
    pub blocks_isolated: usize,
    /// Facility locations with no street within `max_snap_m`.
    pub facilities_off_network: usize,
    /// Facility locations snapped onto a component cut off from the main one.
    pub facilities_isolated: usize,
}

/// One requirement's totals.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RequirementSummary {
    /// The facility kind.
    pub kind: String,
    /// What people read for the kind (the manifest layer's `label`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_label: Option<String>,
    /// The requirement's filter in words, when it has one.
    #[serde(rename = "where")]
    pub filter: Option<String>,
    /// The reach in metres.
    pub within_m: f64,
    /// `within_min`, `speed_m_per_min` and `delay_min`, when the reach was written in minutes.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Minutes>,
    /// Facilities needed within reach.
    pub min_count: usize,
    /// Facilities of the kind that pass the filter.
    pub facilities: usize,
    /// Blocks meeting this requirement.
    pub blocks_met: usize,
    /// Elderly people in those blocks.
    pub elderly_met: f64,
    /// Residents in those blocks.
    pub residents_met: Option<f64>,
    /// Straight-line and walking figures, when walking distances were computed.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub walking: Option<WalkComparison>,
    /// With `--measure area`: elderly weighted by the share of their block's area within
    /// reach in a straight line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elderly_met_area: Option<f64>,
    /// Capacity-based accessibility, when the requirement names a capacity field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacitySummary>,
}

impl Summary {
    /// What people read for circle `name`: its label, else the name.
    pub fn circle_display_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.circles
            .iter()
            .find(|c| c.name == name)
            .map_or(name, CircleSummary::display_name)
    }

    /// What people read for facility kind `kind`: its layer's label, else the kind.
    pub fn kind_display_name<'a>(&'a self, kind: &'a str) -> &'a str {
        self.circles
            .iter()
            .flat_map(|c| &c.requirements)
            .find(|r| r.kind == kind)
            .map_or(kind, RequirementSummary::display_kind)
    }
}

impl CircleSummary {
    /// What people read for the circle: its label, else its name.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

impl RequirementSummary {
    /// What people read for the kind: its label, else the kind.
    pub fn display_kind(&self) -> &str {
        self.kind_label.as_deref().unwrap_or(&self.kind)
    }

    /// The reach as the policy wrote it, for wording ([`Reach::words`]).
    pub fn reach(&self) -> Reach {
        Reach::new(self.within_m, self.minutes)
    }
}

impl SiteSummary {
    /// The candidate as people name it: `name (id)` when it has a name, else its id.
    pub fn label(&self) -> String {
        name_and_id(self.candidate_name.as_deref(), &self.candidate_id)
    }
}

impl SitesSummary {
    /// The reach as the policy wrote it, for wording ([`Reach::words`]).
    pub fn reach(&self) -> Reach {
        Reach::new(self.reach_m, self.minutes)
    }
}

/// Capacity-based accessibility (2SFCA) of one requirement.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CapacitySummary {
    /// The facility property holding capacity.
    pub field: String,
    /// Total capacity of the facilities counted.
    pub capacity_total: f64,
    /// Capacity within reach per 1,000 elderly, averaged over all elderly people.
    pub per_1000_mean: f64,
    /// The policy's norm, when it sets one.
    pub min_per_1000: Option<f64>,
    /// Blocks below the norm.
    pub blocks_below_norm: Option<usize>,
    /// Elderly people in those blocks.
    pub elderly_below_norm: Option<f64>,
}

impl CapacitySummary {
    fn new(rule: &CapacityRule, result: &CapacityResult, blocks: &Blocks) -> CapacitySummary {
        let elderly: f64 = blocks.elderly.iter().sum();
        let weighted: f64 = blocks
            .elderly
            .iter()
            .zip(&result.per_1000)
            .map(|(p, a)| p * a)
            .sum();
        let below = result
            .below_norm
            .as_deref()
            .map(|below| totals(blocks, below));
        CapacitySummary {
            field: rule.field.clone(),
            capacity_total: result.capacity.iter().sum(),
            per_1000_mean: if elderly > 0.0 {
                weighted / elderly
            } else {
                0.0
            },
            min_per_1000: rule.min_per_1000,
            blocks_below_norm: below.map(|(n, _, _)| n),
            elderly_below_norm: below.map(|(_, e, _)| e),
        }
    }
}

/// An input file's counts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InputSummary {
    /// `blocks` or the facility kind.
    pub role: String,
    /// The file.
    pub path: String,
    /// Features or rows in the file.
    pub features: usize,
    /// Features used.
    pub kept: usize,
    /// Invalid features skipped.
    pub skipped: usize,
}

impl From<&InputCount> for InputSummary {
    fn from(c: &InputCount) -> Self {
        InputSummary {
            role: c.role.clone(),
            path: c.path.display().to_string(),
            features: c.features,
            kept: c.kept,
            skipped: c.skipped,
        }
    }
}

/// Sums of elderly and residents over the blocks where `met` holds.
fn totals(blocks: &Blocks, met: &[bool]) -> (usize, f64, Option<f64>) {
    let count = met.iter().filter(|&&m| m).count();
    // An empty float sum is -0.0, printed as "-0.0 %"; adding 0.0 makes it 0.
    let sum = |values: &[f64]| {
        values
            .iter()
            .zip(met)
            .filter(|(_, &m)| m)
            .map(|(v, _)| v)
            .sum::<f64>()
            + 0.0
    };
    (
        count,
        sum(&blocks.elderly),
        blocks.residents.as_deref().map(sum),
    )
}

/// Totals per circle and requirement, with the capacity results where there are some.
pub fn circle_summaries(
    policy: &Policy,
    blocks: &Blocks,
    coverage: &Coverage,
    requirements: &Requirements,
    capacity: &Capacity,
    shares: Option<&[CircleShares]>,
) -> Vec<CircleSummary> {
    let area_weighted =
        |share: &[f64]| -> f64 { blocks.elderly.iter().zip(share).map(|(e, s)| e * s).sum() };
    let elderly_total = blocks.elderly.iter().sum();
    let residents_total = blocks.residents.as_ref().map(|r| r.iter().sum());
    policy
        .circles
        .iter()
        .zip(&coverage.circles)
        .enumerate()
        .map(|(c, (circle, cc))| {
            let (blocks_met, elderly_met, residents_met) = totals(blocks, &cc.met);
            let requirements = circle
                .requires
                .iter()
                .zip(&cc.requirements)
                .enumerate()
                .map(|(i, (r, rc))| {
                    let (blocks_met, elderly_met, residents_met) =
                        totals(blocks, &rc.decisive().met);
                    RequirementSummary {
                        kind: r.kind.clone(),
                        kind_label: requirements.of_circle(c)[i].layer.label.clone(),
                        filter: (!r.filter.is_empty()).then(|| r.filter.to_string()),
                        within_m: r.reach_m,
                        minutes: r.reach.minutes(),
                        min_count: r.min_count,
                        facilities: rc.facilities,
                        blocks_met,
                        elderly_met,
                        residents_met,
                        walking: rc
                            .walk
                            .as_ref()
                            .map(|w| WalkComparison::new(blocks, &rc.straight.met, &w.met)),
                        elderly_met_area: shares.map(|s| area_weighted(&s[c].requirements[i])),
                        capacity: r.capacity.as_ref().and_then(|rule| {
                            let result = capacity.get(requirements.of_circle(c)[i].id)?;
                            Some(CapacitySummary::new(rule, result, blocks))
                        }),
                    }
                })
                .collect();
            CircleSummary {
                name: circle.name.clone(),
                label: circle.label.clone(),
                blocks_met,
                blocks_total: blocks.len(),
                elderly_met,
                elderly_total,
                residents_met,
                residents_total,
                walking: cc
                    .requirements
                    .iter()
                    .any(|r| r.walk.is_some())
                    .then(|| WalkComparison::new(blocks, &cc.met_straight, &cc.met)),
                elderly_met_area: shares.map(|s| area_weighted(&s[c].share)),
                requirements,
            }
        })
        .collect()
}
