//! The optimal choice by branch and bound.

use super::greedy;
use super::objective::{with_objective, Objective};
use super::problem::{Choice, CoverProblem, Prepared};

/// The best `count` sites, or `None` when finding them would take more than `limit` search
/// nodes.
///
/// Same objective as [`greedy`](super::greedy()) (with or without capacity), so the two
/// compare like for like. The optimal set is returned in greedy order within the set, so that
/// `marginal`, `cumulative` and `newly_covered` read as for [`greedy`](super::greedy()); members
/// that add nothing to the others are left out (so fewer than `count` choices may come back).
/// Ties between equally good sets go to the one found first; "best" is up to the rounding of
/// floating-point sums.
///
/// The search enumerates sets in a fixed order (each set once) and starts from the greedy
/// choice as the best known. A node is one set whose served demand the search evaluates (the greedy start is free). Each node is
/// bounded by submodularity: a set `S` extended by up to `r` more sites serves at most `f(S)`
/// plus the `r` largest gains of the remaining candidates with respect to `S`; branches whose
/// bound does not beat the best known are cut, and candidates that add nothing to `S` are
/// dropped from its branch.
///
/// Without cuts the search evaluates at most `C(n, 1) + C(n, 2) + … + C(n, count)` sets for `n`
/// candidates that serve anything, so a `limit` at least that always succeeds; the cuts
/// usually make it far smaller. When every such candidate fits in `count`, or `count` is 0, no
/// search is needed and the answer is always `Some`.
pub fn exact(problem: &CoverProblem, count: usize, limit: u64) -> Option<Vec<Choice>> {
    let prepared = Prepared::new(problem);
    let best = with_objective(&prepared, |state| search(&prepared, state, count, limit))?;
    Some(with_objective(&prepared, |state| {
        greedy::run(&prepared, state, &best, best.len())
    }))
}

/// The sites of an optimal set (unordered), or `None` past `limit` nodes.
fn search(
    prepared: &Prepared<'_>,
    state: &mut dyn Objective,
    count: usize,
    limit: u64,
) -> Option<Vec<usize>> {
    if count == 0 {
        return Some(Vec::new());
    }
    let all: Vec<usize> = (0..prepared.candidates()).collect();
    let root = ranked(state, &all);
    if root.len() <= count {
        return Some(root.iter().map(|&(site, _)| site).collect());
    }
    let mut nodes = root.len() as u64;
    if nodes > limit {
        return None;
    }
    // The greedy choice is the first best known.
    let start = greedy::run(prepared, state, &all, count);
    for _ in &start {
        state.pop();
    }
    let mut best_value = start.last().map_or(0.0, |choice| choice.cumulative);
    let mut best: Vec<usize> = start.iter().map(|c| c.candidate as usize).collect();

    let mut chosen: Vec<usize> = Vec::new();
    let mut frames = vec![Frame {
        ranked: root,
        next: 0,
        value: 0.0,
    }];
    while let Some(frame) = frames.last_mut() {
        let slots = count - chosen.len();
        let next = frame.next;
        let bound = frame
            .ranked
            .get(next..next + slots)
            .map(|window| frame.value + window.iter().map(|&(_, gain)| gain).sum::<f64>());
        if !bound.is_some_and(|bound| bound > best_value) {
            // Every later branch of this frame is bounded by this one (gains are ranked).
            frames.pop();
            if chosen.pop().is_some() {
                state.pop();
            }
            continue;
        }
        frame.next += 1;
        let (site, gain) = frame.ranked[next];
        let value = frame.value + gain;
        if slots == 1 {
            // A full set, and its value is the bound: a new best.
            best_value = value;
            best = chosen.iter().copied().chain([site]).collect();
            continue;
        }
        let rest: Vec<usize> = frame.ranked[next + 1..].iter().map(|&(s, _)| s).collect();
        nodes += rest.len() as u64;
        if nodes > limit {
            return None;
        }
        state.push(site);
        chosen.push(site);
        let ranked = ranked(state, &rest);
        if ranked.len() < slots {
            // All the rest fits: the best of this branch is the whole of it.
            let value = value + ranked.iter().map(|&(s, _)| state.push(s)).sum::<f64>();
            for _ in &ranked {
                state.pop();
            }
            if value > best_value {
                best_value = value;
                best = chosen
                    .iter()
                    .copied()
                    .chain(ranked.iter().map(|&(s, _)| s))
                    .collect();
            }
            chosen.pop();
            state.pop();
            continue;
        }
        frames.push(Frame {
            ranked,
            next: 0,
            value,
        });
    }
    Some(best)
}

/// A set under search: its value, the candidates it may still take, ranked, and the next one
/// to branch on.
struct Frame {
    /// Candidates that add something to the set, with their gains, largest first (lower index
    /// on ties).
    ranked: Vec<(usize, f64)>,
    /// Position in `ranked` of the next branch.
    next: usize,
    /// Served demand of the set.
    value: f64,
}

/// The `sites` that add something to `state`'s set, with their gains, largest first (lower
/// index on ties).
fn ranked(state: &mut dyn Objective, sites: &[usize]) -> Vec<(usize, f64)> {
    let mut ranked: Vec<(usize, f64)> = sites
        .iter()
        .map(|&site| (site, state.gain(site)))
        .filter(|&(_, gain)| gain > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}
