//! The problem as given, the answer, and the cleaned-up form the algorithms work on.

use std::borrow::Cow;

/// The problem: choose `count` new sites among candidates to maximise newly covered demand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverProblem {
    /// Demand weight of each demand point (elderly people of each uncovered block), ≥ 0.
    /// NaN, infinite and negative weights count as 0.
    pub weights: Vec<f64>,
    /// For each candidate site, the demand points it would cover (sorted, distinct indices into
    /// `weights`; other lists are sorted and deduplicated, indices out of range are ignored).
    pub covers: Vec<Vec<u32>>,
    /// Optional per-site capacity: one site serves at most this much demand weight, and a
    /// point's weight may be shared among the chosen sites that cover it (see the
    /// [module documentation](super)). NaN or negative counts as 0, infinite as no capacity.
    pub capacity: Option<f64>,
}

/// One chosen site, in the order of choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Index of the candidate in [`CoverProblem::covers`].
    pub candidate: u32,
    /// Demand served by the chosen set with this site minus without it (given the sites chosen
    /// before it). Without capacity this is the weight of [`Choice::newly_covered`]. With
    /// capacity it is at most the capacity, and it may exceed the weight of `newly_covered`:
    /// the new site can take over demand of an earlier, full site, which then serves points it
    /// covered but had no room for.
    pub marginal: f64,
    /// Demand served by this site and the ones chosen before it.
    pub cumulative: f64,
    /// Demand points this site covers that no earlier choice covers (sorted).
    pub newly_covered: Vec<u32>,
}

/// The problem with clean weights, cover lists and capacity.
#[derive(Debug)]
pub(super) struct Prepared<'a> {
    /// Weights, finite and ≥ 0.
    pub(super) weights: Vec<f64>,
    /// Cover lists, sorted, distinct and in range (borrowed when the input already is).
    pub(super) covers: Vec<Cow<'a, [u32]>>,
    /// Capacity, finite and ≥ 0; `None` when unlimited.
    pub(super) capacity: Option<f64>,
}

impl<'a> Prepared<'a> {
    /// Cleans up `problem` as the module documentation describes.
    pub(super) fn new(problem: &'a CoverProblem) -> Self {
        let weights: Vec<f64> = problem
            .weights
            .iter()
            .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
            .collect();
        let points = weights.len();
        let covers = problem
            .covers
            .iter()
            .take(u32::MAX as usize)
            .map(|list| clean_list(list, points))
            .collect();
        let capacity = match problem.capacity {
            None => None,
            Some(c) if c == f64::INFINITY => None,
            Some(c) if c > 0.0 => Some(c),
            Some(_) => Some(0.0),
        };
        Prepared {
            weights,
            covers,
            capacity,
        }
    }

    /// Number of candidate sites.
    pub(super) fn candidates(&self) -> usize {
        self.covers.len()
    }
}

/// `list` as a sorted list of distinct points below `points`, borrowed when it already is one.
fn clean_list(list: &[u32], points: usize) -> Cow<'_, [u32]> {
    let in_range = |&p: &u32| (p as usize) < points;
    let clean = list.windows(2).all(|pair| pair[0] < pair[1]) && list.last().is_none_or(in_range);
    if clean {
        Cow::Borrowed(list)
    } else {
        let mut owned: Vec<u32> = list.iter().copied().filter(in_range).collect();
        owned.sort_unstable();
        owned.dedup();
        Cow::Owned(owned)
    }
}
