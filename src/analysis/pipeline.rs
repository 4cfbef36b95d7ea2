//! The whole analysis of a city, computed once: coverage, gap zones, area shares, capacity,
//! referrals, what cannot reach the streets, suggested sites, service areas and the summary.
//! Every stage is a public function of its own module, so it can be run (and benchmarked)
//! alone.

use crate::analysis::area::{area_shares, CircleShares};
use crate::analysis::capacity::{evaluate_capacity, Capacity};
use crate::analysis::coverage::{evaluate, Coverage, Measure};
use crate::analysis::distance::walking::Unreachable;
use crate::analysis::pair_ranges::PAIR_BUDGET;
use crate::analysis::referral::{check_referrals, ReferralResult};
use crate::analysis::service_areas::{service_areas, ServiceAreaPiece};
use crate::analysis::sites::{suggest_sites, SiteRequest, Suggestion};
use crate::analysis::study::Study;
use crate::analysis::summary::{circle_summaries, Summary};
use crate::analysis::zones::{ranked_gap_zones, zone_rank_by_block, RankedZone};
use crate::error::Error;
use crate::input::Loaded;
use crate::progress::Progress;

/// Gap zones per circle listed in the summary.
pub const TOP_ZONES: usize = 5;

/// What to analyse besides coverage.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalysisOptions {
    /// Where straight-line distances are measured from (`area` adds area shares).
    pub measure: Measure,
    /// The circle (index in the policy) whose requirements get suggested sites.
    pub view: usize,
    /// Suggest this many new sites for each requirement of the view circle (0: none).
    pub sites: usize,
    /// Compute every facility's walkable street pieces (needs walking distances).
    pub service_areas: bool,
}

/// Everything a report shows about a city.
pub struct Analysis<'a> {
    /// The city with its requirements and distance models.
    pub study: Study<'a>,
    /// The options it was analysed with.
    pub options: AnalysisOptions,
    /// Coverage per circle, requirement and block.
    pub coverage: Coverage,
    /// Gap zones of every circle, ranked.
    pub zones: Vec<RankedZone>,
    /// Per circle, per block: the rank of its gap zone in the circle (`None`: covered).
    pub zone_rank: Vec<Vec<Option<u32>>>,
    /// Area shares, with the `area` measure.
    pub shares: Option<Vec<CircleShares>>,
    /// Capacity accessibility of the requirements with a capacity rule.
    pub capacity: Capacity,
    /// Referral checks.
    pub referrals: Vec<ReferralResult>,
    /// Blocks and facilities off the street network or on isolated parts (when walked).
    pub unreachable: Vec<Unreachable>,
    /// Suggested sites per requirement of the view circle.
    pub suggestions: Vec<Suggestion>,
    /// Every facility's walkable street pieces, when asked for.
    pub service_areas: Option<Vec<ServiceAreaPiece>>,
    /// The totals.
    pub summary: Summary,
}

/// Suggested sites for every requirement of circle `view` (none when `count` is 0), from the
/// centroids of the blocks that fail it, greedily without the exact optimum.
pub fn view_sites(
    study: &Study,
    coverage: &Coverage,
    view: usize,
    count: usize,
) -> Result<Vec<Suggestion>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    study
        .requirements
        .of_circle(view)
        .iter()
        .map(|resolved| {
            let request = SiteRequest {
                requirement: resolved.id,
                candidates: None,
                count,
                capacity: None,
                exact: false,
            };
            suggest_sites(study, coverage, &request)
        })
        .collect()
}

/// Analyses a city; `loaded` is what it was read from (for the summary's inputs).
pub fn analyse<'a>(
    study: Study<'a>,
    loaded: &Loaded,
    options: AnalysisOptions,
    progress: &Progress,
) -> Result<Analysis<'a>, Error> {
    progress.stage("evaluating coverage");
    let coverage = evaluate(&study.requirements, &study.models);
    let unreachable = study
        .models
        .walk()
        .map(|w| w.unreachable(study.dataset))
        .unwrap_or_default();
    progress.stage("finding gap zones, referral chains and capacity");
    let search_m = study.models.walk().map(|w| w.search_m());
    let zones = ranked_gap_zones(
        study.policy,
        study.dataset,
        study.plane,
        &coverage,
        search_m,
    );
    let zone_rank = zone_rank_by_block(study.policy, &zones, study.dataset.blocks.len());
    let shares = (options.measure == Measure::Area)
        .then(|| area_shares(&study.requirements, study.plane, &coverage));
    let referrals = check_referrals(study.policy, study.dataset, &study.models)?;
    let capacity = evaluate_capacity(
        &study.requirements,
        study.dataset,
        &study.models,
        PAIR_BUDGET,
    )?;
    if options.sites > 0 {
        progress.stage("suggesting sites");
    }
    let suggestions = view_sites(&study, &coverage, options.view, options.sites)?;
    let service_areas = study
        .models
        .walk()
        .filter(|_| options.service_areas)
        .map(|network| service_areas(&study.requirements, network));
    let mut analysis = Analysis {
        study,
        options,
        coverage,
        zones,
        zone_rank,
        shares,
        capacity,
        referrals,
        unreachable,
        suggestions,
        service_areas,
        summary: Summary::default(),
    };
    analysis.summary = summarise(&analysis, loaded);
    Ok(analysis)
}

/// The totals of an analysis.
pub fn summarise(analysis: &Analysis, loaded: &Loaded) -> Summary {
    let study = &analysis.study;
    let network = study.models.walk();
    Summary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        measure: analysis.options.measure,
        distance: study.models.mode(),
        network: network.map(|w| w.summary(&analysis.unreachable)),
        circles: circle_summaries(
            study.policy,
            &study.dataset.blocks,
            &analysis.coverage,
            &study.requirements,
            &analysis.capacity,
            analysis.shares.as_deref(),
        ),
        referrals: analysis
            .referrals
            .iter()
            .map(|r| r.summary(study.policy))
            .collect(),
        zone_span_m: study.policy.zone_span_m,
        top_gap_zones: analysis
            .zones
            .iter()
            .filter(|z| z.rank <= TOP_ZONES)
            .map(RankedZone::summary)
            .collect(),
        inputs: loaded.inputs.iter().map(Into::into).collect(),
        skipped_features: loaded.skipped.len(),
        warnings: loaded.warnings.clone(),
        suggested_sites: analysis
            .suggestions
            .iter()
            .map(|s| {
                let circle = study.policy.circles.iter().position(|c| c.name == s.circle);
                let zone_rank = circle.map_or(&[][..], |c| &analysis.zone_rank[c]);
                s.summary(&study.plane.projection, zone_rank)
            })
            .collect(),
    }
}
