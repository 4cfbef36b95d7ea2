//! The greedy choice with lazy evaluation (CELF).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::objective::{with_objective, Objective};
use super::problem::{Choice, CoverProblem, Prepared};

/// Chooses up to `count` sites greedily: each round takes the candidate that adds the most
/// served demand, the lower candidate index on ties.
///
/// The served demand of the first `k` choices is at least `(1 − 1/e) ≈ 63.2 %` of the best
/// possible with `k` sites, with or without capacity (see the [module documentation](super)).
///
/// Candidates are evaluated lazily (CELF, Leskovec et al., 2007): a max-heap holds, for each
/// candidate, its gain when last evaluated. Gains only shrink as sites are added
/// (submodularity), so a stale gain is an upper bound of the current one; the top candidate is
/// re-evaluated and, if it is still on top with its fresh gain, it is the best of the round.
/// This gives exactly the choices and figures of re-evaluating every candidate each round, at
/// a fraction of the work. (Without capacity this holds to the last bit: a gain is a sum of
/// weights in a fixed order, and dropping terms never rounds it up. With capacity, gains come
/// from flow computations whose rounding could, in principle, reorder candidates whose gains
/// agree to the last few bits.)
///
/// Stops early, with fewer than `count` choices, when no candidate adds anything. The result
/// depends only on the input.
///
/// # Examples
///
/// Three candidate sites over four blocks of elderly people:
///
/// ```
/// use carecircle::algo::siting::{greedy, CoverProblem};
///
/// let problem = CoverProblem {
///     weights: vec![100.0, 50.0, 80.0, 20.0],
///     covers: vec![vec![0, 1], vec![1, 2], vec![2, 3]],
///     capacity: None,
/// };
/// let choices = greedy(&problem, 2);
/// // Site 0 serves 150; then site 2 adds 100 where site 1 would add only 80.
/// let sites: Vec<u32> = choices.iter().map(|c| c.candidate).collect();
/// assert_eq!(sites, [0, 2]);
/// assert_eq!(choices[1].marginal, 100.0);
/// assert_eq!(choices[1].cumulative, 250.0);
/// assert_eq!(choices[1].newly_covered, [2, 3]);
///
/// // With room for 90 people per site, two sites serve at most 180.
/// let limited = CoverProblem { capacity: Some(90.0), ..problem };
/// assert_eq!(greedy(&limited, 2).last().unwrap().cumulative, 180.0);
/// ```
pub fn greedy(problem: &CoverProblem, count: usize) -> Vec<Choice> {
    let prepared = Prepared::new(problem);
    let pool: Vec<usize> = (0..prepared.candidates()).collect();
    with_objective(&prepared, |state| run(&prepared, state, &pool, count))
}

/// The greedy choice among `pool` (distinct candidates), on `state` holding the empty set.
/// Leaves the choices in `state`.
pub(super) fn run(
    prepared: &Prepared<'_>,
    state: &mut dyn Objective,
    pool: &[usize],
    count: usize,
) -> Vec<Choice> {
    if count == 0 {
        return Vec::new();
    }
    let mut heap: BinaryHeap<Entry> = pool
        .iter()
        .map(|&site| Entry {
            gain: state.gain(site),
            site,
            round: 0,
        })
        .filter(|entry| entry.gain > 0.0)
        .collect();
    let mut reached = vec![false; prepared.weights.len()];
    let mut choices: Vec<Choice> = Vec::with_capacity(count.min(heap.len()));
    let mut cumulative = 0.0;
    while choices.len() < count {
        let Some(top) = heap.pop() else {
            break;
        };
        let round = choices.len();
        if top.round != round {
            let gain = state.gain(top.site);
            if gain > 0.0 {
                heap.push(Entry {
                    gain,
                    site: top.site,
                    round,
                });
            }
            continue;
        }
        let marginal = state.push(top.site);
        cumulative += marginal;
        let mut newly_covered = Vec::new();
        for &point in prepared.covers[top.site].iter() {
            let seen = &mut reached[point as usize];
            if !*seen {
                *seen = true;
                newly_covered.push(point);
            }
        }
        choices.push(Choice {
            candidate: top.site as u32,
            marginal,
            cumulative,
            newly_covered,
        });
    }
    choices
}

/// A candidate in the heap: its gain when evaluated in `round` (number of choices made then).
#[derive(Debug, Clone, Copy)]
struct Entry {
    gain: f64,
    site: usize,
    round: usize,
}

impl Ord for Entry {
    /// Larger gain first, then lower candidate index.
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.site.cmp(&self.site))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}
