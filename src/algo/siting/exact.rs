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
    let nodes = root.len() as u64;
    if nodes > limit {
        return None;
    }
    // The greedy choice is the first best known.
    let start = greedy::run(prepared, state, &all, count);
    for _ in &start {
        state.pop();
    }
    let search = Search {
        state,
        count,
        limit,
        nodes,
        best_value: start.last().map_or(0.0, |choice| choice.cumulative),
        best: start.iter().map(|c| c.candidate as usize).collect(),
        chosen: Vec::new(),
        frames: vec![Frame {
            ranked: root,
            next: 0,
            value: 0.0,
        }],
    };
    search.run()
}

/// The branch and bound under way: the sets chosen so far, a frame per chosen site (and the
/// root), and the best full set known.
struct Search<'s> {
    /// The objective, holding the sites in `chosen`.
    state: &'s mut dyn Objective,
    /// Sites per set.
    count: usize,
    /// Most search nodes allowed.
    limit: u64,
    /// Search nodes so far.
    nodes: u64,
    /// Served demand of the best set known.
    best_value: f64,
    /// The best set known.
    best: Vec<usize>,
    /// The sites of the set under search, in the order taken.
    chosen: Vec<usize>,
    /// The frames of the set under search: the root's, then one per chosen site.
    frames: Vec<Frame>,
}

impl Search<'_> {
    /// Searches until every branch is done or cut (`Some(best)`), or past the node limit
    /// (`None`).
    fn run(mut self) -> Option<Vec<usize>> {
        while let Some(frame) = self.frames.last_mut() {
            let slots = self.count - self.chosen.len();
            let next = frame.next;
            if !frame
                .bound(slots)
                .is_some_and(|bound| bound > self.best_value)
            {
                // Every later branch of this frame is bounded by this one (gains are ranked).
                self.backtrack();
                continue;
            }
            frame.next += 1;
            let (site, gain) = frame.ranked[next];
            let value = frame.value + gain;
            if slots == 1 {
                // A full set, and its value is the bound: a new best.
                self.best_value = value;
                self.best = self.chosen.iter().copied().chain([site]).collect();
                continue;
            }
            let rest: Vec<usize> = frame.ranked[next + 1..].iter().map(|&(s, _)| s).collect();
            self.branch(site, value, &rest, slots)?;
        }
        Some(self.best)
    }

    /// Leaves the top frame and takes back its site.
    fn backtrack(&mut self) {
        self.frames.pop();
        if self.chosen.pop().is_some() {
            self.state.pop();
        }
    }

    /// Takes `site` (the set then worth `value`) with `rest` left to branch on for the
    /// `slots` still open, or `None` past the node limit.
    fn branch(&mut self, site: usize, value: f64, rest: &[usize], slots: usize) -> Option<()> {
        self.nodes += rest.len() as u64;
        if self.nodes > self.limit {
            return None;
        }
        self.state.push(site);
        self.chosen.push(site);
        let ranked = ranked(self.state, rest);
        if ranked.len() < slots {
            // All the rest fits: the best of this branch is the whole of it.
            self.take_all(value, &ranked);
        } else {
            self.frames.push(Frame {
                ranked,
                next: 0,
                value,
            });
        }
        Some(())
    }

    /// Scores the set under search (worth `value`) with every site of `ranked` added, keeps
    /// it if it is a new best, and takes back the last chosen site.
    fn take_all(&mut self, value: f64, ranked: &[(usize, f64)]) {
        let value = value + ranked.iter().map(|&(s, _)| self.state.push(s)).sum::<f64>();
        for _ in ranked {
            self.state.pop();
        }
        if value > self.best_value {
            self.best_value = value;
            self.best = self
                .chosen
                .iter()
                .copied()
                .chain(ranked.iter().map(|&(s, _)| s))
                .collect();
        }
        self.chosen.pop();
        self.state.pop();
    }
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

impl Frame {
    /// The most the set can reach with `slots` more sites from the next branch on: its value
    /// plus the `slots` largest gains left; `None` when fewer than `slots` are left.
    fn bound(&self, slots: usize) -> Option<f64> {
        self.ranked
            .get(self.next..self.next + slots)
            .map(|window| self.value + window.iter().map(|&(_, gain)| gain).sum::<f64>())
    }
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
