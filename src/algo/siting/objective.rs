//! The served-demand objective as an incremental state, and its value for a set of sites.

use super::coverage::Coverage;
use super::problem::{CoverProblem, Prepared};
use super::transport::Transport;

/// Served demand of a growing set of sites, with undo.
///
/// Both forms (plain coverage, capacitated transport) are monotone submodular; the searches
/// rely on it.
pub(super) trait Objective {
    /// How much adding `site` (not in the set) would add to the served demand; the state is
    /// unchanged.
    fn gain(&mut self, site: usize) -> f64;
    /// Adds `site` (not in the set) and returns what it added: the number
    /// [`Objective::gain`] gives.
    fn push(&mut self, site: usize) -> f64;
    /// Undoes the latest `push` not yet undone (nothing when there is none).
    fn pop(&mut self);
}

/// Runs `f` with a fresh objective state of the right form for `prepared`.
pub(super) fn with_objective<R>(
    prepared: &Prepared<'_>,
    f: impl FnOnce(&mut dyn Objective) -> R,
) -> R {
    match prepared.capacity {
        None => f(&mut Coverage::new(prepared)),
        Some(capacity) => f(&mut Transport::new(prepared, capacity)),
    }
}

/// The demand served by the set of `sites` (see the [module documentation](super)).
///
/// Order and repeats do not matter; indices past the last candidate are ignored.
pub fn objective(problem: &CoverProblem, sites: &[u32]) -> f64 {
    let prepared = Prepared::new(problem);
    let mut sites: Vec<usize> = sites
        .iter()
        .map(|&s| s as usize)
        .filter(|&s| s < prepared.candidates())
        .collect();
    sites.sort_unstable();
    sites.dedup();
    with_objective(&prepared, |state| {
        sites.iter().map(|&s| state.push(s)).sum()
    })
}
