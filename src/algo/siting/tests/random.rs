//! Random small instances against the reference implementations.

use super::reference::{brute_force, instance, naive_greedy, served, subsets_up_to, Rng, Weights};
use crate::algo::siting::{exact, greedy, objective, Choice, CoverProblem};

/// The greedy guarantee, `1 − 1/e`.
const GUARANTEE: f64 = 1.0 - 1.0 / std::f64::consts::E;

/// Instances per test and weight kind.
const ROUNDS: u64 = 150;

/// Sites of `choices`, as indices.
fn sites(choices: &[Choice]) -> Vec<usize> {
    choices.iter().map(|c| c.candidate as usize).collect()
}

/// Served demand of `choices` as the last cumulative figure.
fn value(choices: &[Choice]) -> f64 {
    choices.last().map_or(0.0, |c| c.cumulative)
}

/// Checks the figures of `choices` against the reference objective and against each other;
/// returns how many choices served more than the weight they newly cover (taking over demand
/// of full sites).
fn check_figures(problem: &CoverProblem, choices: &[Choice], tolerance: f64) -> usize {
    let mut takeovers = 0;
    let mut covered = vec![false; problem.weights.len()];
    for (i, choice) in choices.iter().enumerate() {
        let prefix = sites(&choices[..=i]);
        let reference = served(problem, &prefix);
        assert!(
            (choice.cumulative - reference).abs() <= tolerance,
            "{choice:?} vs {reference}"
        );
        let before = served(problem, &prefix[..i]);
        assert!(
            (choice.marginal - (reference - before)).abs() <= tolerance,
            "{choice:?}"
        );
        let newly: Vec<u32> = problem.covers[choice.candidate as usize]
            .iter()
            .copied()
            .filter(|&p| !covered[p as usize])
            .collect();
        assert_eq!(choice.newly_covered, newly);
        let newly_weight: f64 = newly.iter().map(|&p| problem.weights[p as usize]).sum();
        if choice.marginal > newly_weight + tolerance {
            takeovers += 1;
        }
        for &p in &newly {
            covered[p as usize] = true;
        }
        if let Some(capacity) = problem.capacity {
            assert!(choice.marginal <= capacity, "{choice:?} over {capacity}");
        }
        assert!(choice.marginal > 0.0);
    }
    takeovers
}

/// CELF makes the naive greedy's choices, with the same marginals.
fn celf_matches_naive(weights: Weights, capacity: bool, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut takeovers = 0;
    for round in 0..ROUNDS {
        let (problem, count) = instance(&mut rng, weights, capacity);
        let lazy = greedy(&problem, count);
        let naive = naive_greedy(&problem, count);
        let lazy_pairs: Vec<u32> = lazy.iter().map(|c| c.candidate).collect();
        let naive_pairs: Vec<u32> = naive.iter().map(|c| c.0).collect();
        assert_eq!(lazy_pairs, naive_pairs, "round {round}: {problem:?}");
        for (choice, (_, marginal)) in lazy.iter().zip(&naive) {
            assert!((choice.marginal - marginal).abs() <= 1e-9, "round {round}");
        }
        takeovers += check_figures(&problem, &lazy, 1e-9);
    }
    // Only capacity makes a site serve more than it newly covers, and the instances do that.
    assert_eq!(takeovers > 0, capacity);
}

#[test]
fn celf_matches_naive_greedy_whole_weights() {
    celf_matches_naive(Weights::Whole, false, 1);
}

#[test]
fn celf_matches_naive_greedy_real_weights() {
    celf_matches_naive(Weights::Real, false, 2);
}

#[test]
fn celf_matches_naive_greedy_with_capacity() {
    celf_matches_naive(Weights::Whole, true, 3);
}

/// Exact equals brute force, and greedy lies between `(1 − 1/e)·optimum` and the optimum.
fn exact_matches_brute_force(weights: Weights, capacity: bool, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut suboptimal = 0;
    for round in 0..ROUNDS {
        let (problem, count) = instance(&mut rng, weights, capacity);
        let optimum = brute_force(&problem, count);
        let best = exact(&problem, count, u64::MAX).expect("no limit");
        assert!(best.len() <= count);
        assert!(
            (value(&best) - optimum).abs() <= 1e-9,
            "round {round}: {problem:?}"
        );
        check_figures(&problem, &best, 1e-9);
        let greedy_value = value(&greedy(&problem, count));
        assert!(greedy_value <= optimum + 1e-9, "round {round}");
        assert!(greedy_value >= GUARANTEE * optimum - 1e-9, "round {round}");
        if greedy_value < optimum - 1e-9 {
            suboptimal += 1;
        }
    }
    // The instances are hard enough for greedy to miss sometimes.
    assert!(suboptimal > 0);
}

#[test]
fn exact_matches_brute_force_whole_weights() {
    exact_matches_brute_force(Weights::Whole, false, 4);
}

#[test]
fn exact_matches_brute_force_real_weights() {
    exact_matches_brute_force(Weights::Real, false, 5);
}

#[test]
fn exact_matches_brute_force_with_capacity() {
    exact_matches_brute_force(Weights::Whole, true, 6);
}

#[test]
fn exact_matches_brute_force_with_capacity_real_weights() {
    exact_matches_brute_force(Weights::Real, true, 10);
}

#[test]
fn exact_succeeds_within_the_unpruned_node_count() {
    let mut rng = Rng::new(7);
    let (mut refused, mut beaten) = (0, 0);
    for round in 0..ROUNDS {
        let (problem, count) = instance(&mut rng, Weights::Whole, round % 2 == 0);
        let useful = (0..problem.covers.len())
            .filter(|&s| served(&problem, &[s]) > 0.0)
            .count() as u64;
        let enough = subsets_up_to(useful, count as u64);
        let best = exact(&problem, count, enough).expect("enough nodes");
        assert_eq!(value(&best), brute_force(&problem, count), "round {round}");
        if useful > count as u64 {
            // The root alone evaluates every useful candidate.
            assert_eq!(exact(&problem, count, useful - 1), None, "round {round}");
            refused += 1;
        }
        if value(&greedy(&problem, count)) < value(&best) {
            // Beating the greedy start takes nodes past the root.
            assert_eq!(exact(&problem, count, useful), None, "round {round}");
            beaten += 1;
        }
    }
    assert!(refused > 0 && beaten > 0);
}

#[test]
fn objective_matches_the_min_cut_formula() {
    let mut rng = Rng::new(8);
    for round in 0..ROUNDS {
        let (problem, _) = instance(&mut rng, Weights::Whole, round % 2 == 0);
        let n = problem.covers.len();
        let size = rng.range(0, 5) as usize;
        let mut set: Vec<usize> = (0..size)
            .map(|_| rng.range(0, n as i64 - 1) as usize)
            .collect();
        set.sort_unstable();
        set.dedup();
        let as_u32: Vec<u32> = set.iter().map(|&s| s as u32).collect();
        assert_eq!(
            objective(&problem, &as_u32),
            served(&problem, &set),
            "{problem:?} {set:?}"
        );
    }
}

#[test]
fn capacitated_objective_has_diminishing_returns() {
    let mut rng = Rng::new(9);
    for _ in 0..ROUNDS {
        let (problem, _) = instance(&mut rng, Weights::Real, true);
        let n = problem.covers.len() as u32;
        // A random chain small ⊆ large and a site outside large.
        let mut order: Vec<u32> = (0..n).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.range(0, i as i64) as usize);
        }
        let large_len = rng.range(1, 6) as usize;
        let small_len = rng.range(0, large_len as i64) as usize;
        let (large, site) = (&order[..large_len], order[large_len]);
        let small = &order[..small_len];
        let gain = |set: &[u32]| {
            let with: Vec<u32> = set.iter().copied().chain([site]).collect();
            objective(&problem, &with) - objective(&problem, set)
        };
        assert!(
            gain(small) >= gain(large) - 1e-9,
            "{problem:?} {small:?} {large:?} {site}"
        );
        assert!(gain(large) >= -1e-9);
    }
}
