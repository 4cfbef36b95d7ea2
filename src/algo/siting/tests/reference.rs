//! Independent, straightforward implementations to check the module against, and random
//! instances.

use crate::algo::siting::CoverProblem;

/// The project's deterministic generator, so the random instances never change.
pub(super) use crate::rng::SplitMix64 as Rng;

/// How the random weights look.
#[derive(Clone, Copy)]
pub(super) enum Weights {
    /// Whole numbers 0..=9: every sum is exact, so results compare exactly.
    Whole,
    /// Real numbers in [0, 10).
    Real,
}

/// A random instance: 8–14 candidates, 20–40 points, covers of 0–8 points, and a count 1–4.
pub(super) fn instance(rng: &mut Rng, weights: Weights, capacity: bool) -> (CoverProblem, usize) {
    let candidates = rng.range(8, 14) as usize;
    let points = rng.range(20, 40);
    let weights: Vec<f64> = (0..points)
        .map(|_| match weights {
            Weights::Whole => rng.range(0, 9) as f64,
            Weights::Real => 10.0 * rng.unit(),
        })
        .collect();
    let covers = (0..candidates)
        .map(|_| {
            let size = rng.range(0, 8);
            let mut cover: Vec<u32> = (0..size).map(|_| rng.range(0, points - 1) as u32).collect();
            cover.sort_unstable();
            cover.dedup();
            cover
        })
        .collect();
    let capacity = capacity.then(|| rng.range(3, 30) as f64);
    let count = rng.range(1, 4) as usize;
    (
        CoverProblem {
            weights,
            covers,
            capacity,
        },
        count,
    )
}

/// Total weight of the points some site of `sites` covers.
fn union_weight(problem: &CoverProblem, sites: &[usize]) -> f64 {
    let mut covered = vec![false; problem.weights.len()];
    for &site in sites {
        for &point in &problem.covers[site] {
            covered[point as usize] = true;
        }
    }
    problem
        .weights
        .iter()
        .zip(&covered)
        .filter(|(_, &c)| c)
        .map(|(w, _)| w)
        .sum()
}

/// Demand served by `sites` (distinct), without any flow: plain union weight without capacity;
/// with capacity `c`, the minimum cut `min over T ⊆ sites of [w(covered by T) + c·|sites \ T|]`.
pub(super) fn served(problem: &CoverProblem, sites: &[usize]) -> f64 {
    let Some(capacity) = problem.capacity else {
        return union_weight(problem, sites);
    };
    let mut best = f64::INFINITY;
    for mask in 0u32..(1 << sites.len()) {
        let inside: Vec<usize> = (0..sites.len())
            .filter(|&i| mask & (1 << i) != 0)
            .map(|i| sites[i])
            .collect();
        let outside = sites.len() - inside.len();
        best = best.min(union_weight(problem, &inside) + capacity * outside as f64);
    }
    best
}

/// Greedy re-evaluating every candidate every round: `(candidate, marginal)` per choice.
pub(super) fn naive_greedy(problem: &CoverProblem, count: usize) -> Vec<(u32, f64)> {
    let mut chosen: Vec<usize> = Vec::new();
    let mut result = Vec::new();
    let mut covered = vec![false; problem.weights.len()];
    while result.len() < count {
        let current = served(problem, &chosen);
        let mut best: Option<(usize, f64)> = None;
        for site in 0..problem.covers.len() {
            if chosen.contains(&site) {
                continue;
            }
            let gain = match problem.capacity {
                // Summed the natural way, point by point.
                None => problem.covers[site]
                    .iter()
                    .filter(|&&p| !covered[p as usize])
                    .map(|&p| problem.weights[p as usize])
                    .sum(),
                Some(_) => {
                    let mut with = chosen.clone();
                    with.push(site);
                    served(problem, &with) - current
                }
            };
            if best.is_none_or(|(_, b)| gain > b) {
                best = Some((site, gain));
            }
        }
        match best {
            Some((site, gain)) if gain > 0.0 => {
                chosen.push(site);
                for &p in &problem.covers[site] {
                    covered[p as usize] = true;
                }
                result.push((site as u32, gain));
            }
            _ => break,
        }
    }
    result
}

/// The best served demand over all sets of at most `count` sites.
pub(super) fn brute_force(problem: &CoverProblem, count: usize) -> f64 {
    fn walk(problem: &CoverProblem, count: usize, from: usize, set: &mut Vec<usize>) -> f64 {
        let mut best = served(problem, set);
        if set.len() < count {
            for site in from..problem.covers.len() {
                set.push(site);
                best = best.max(walk(problem, count, site + 1, set));
                set.pop();
            }
        }
        best
    }
    walk(problem, count, 0, &mut Vec::new())
}

/// `C(n, 1) + … + C(n, k)`.
pub(super) fn subsets_up_to(n: u64, k: u64) -> u64 {
    let mut total = 0;
    let mut binomial = 1u64;
    for i in 1..=k.min(n) {
        binomial = binomial * (n - i + 1) / i;
        total += binomial;
    }
    total
}
