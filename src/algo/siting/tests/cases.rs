//! Hand-worked cases.

use super::reference::{instance, Rng, Weights};
use crate::algo::siting::{coverage_curve, exact, greedy, objective, Choice, CoverProblem};

fn problem(weights: &[f64], covers: &[&[u32]], capacity: Option<f64>) -> CoverProblem {
    CoverProblem {
        weights: weights.to_vec(),
        covers: covers.iter().map(|c| c.to_vec()).collect(),
        capacity,
    }
}

fn choice(candidate: u32, marginal: f64, cumulative: f64, newly_covered: &[u32]) -> Choice {
    Choice {
        candidate,
        marginal,
        cumulative,
        newly_covered: newly_covered.to_vec(),
    }
}

/// A covers the middle four of six points, B the left three, C the right three: greedy takes
/// A (4) and then B (1, the lower index of a tie with C) for 5; B and C together cover all 6.
fn middle_trap() -> CoverProblem {
    problem(&[1.0; 6], &[&[1, 2, 3, 4], &[0, 1, 2], &[3, 4, 5]], None)
}

#[test]
fn greedy_is_suboptimal_and_exact_is_not() {
    let problem = middle_trap();
    let greedy = greedy(&problem, 2);
    assert_eq!(
        greedy,
        vec![
            choice(0, 4.0, 4.0, &[1, 2, 3, 4]),
            choice(1, 1.0, 5.0, &[0])
        ]
    );
    let best = exact(&problem, 2, 1_000).expect("small");
    assert_eq!(
        best,
        vec![
            choice(1, 3.0, 3.0, &[0, 1, 2]),
            choice(2, 3.0, 6.0, &[3, 4, 5])
        ]
    );
    let (found, optimum) = (greedy[1].cumulative, best[1].cumulative);
    assert!(found < optimum && found >= (1.0 - 1.0 / std::f64::consts::E) * optimum);
    assert_eq!(objective(&problem, &[2, 1]), 6.0);
}

#[test]
fn a_new_site_takes_over_demand_of_a_full_site() {
    // A covers points 0 and 1 but serves only 2 of their 4; B covers only point 0. With B, A
    // hands point 0 to B and serves point 1 instead: B adds 2 without covering a new point.
    let problem = problem(&[2.0, 2.0], &[&[0, 1], &[0]], Some(2.0));
    assert_eq!(
        greedy(&problem, 2),
        vec![choice(0, 2.0, 2.0, &[0, 1]), choice(1, 2.0, 4.0, &[])]
    );
    assert_eq!(objective(&problem, &[0, 1]), 4.0);
    assert_eq!(objective(&problem, &[1, 0]), 4.0);
}

#[test]
fn takeover_along_a_chain_of_full_sites() {
    // Points 0, 1, 2 of weight 2; A covers 0 and 1, B covers 1 and 2, C covers 0; capacity 2.
    // A and B serve 0 and 1; C frees point 0, A moves to 1, B moves to 2.
    let problem = problem(&[2.0; 3], &[&[0, 1], &[1, 2], &[0]], Some(2.0));
    let greedy = greedy(&problem, 3);
    let sites: Vec<u32> = greedy.iter().map(|c| c.candidate).collect();
    assert_eq!(sites, vec![0, 1, 2]);
    assert_eq!(greedy[2].marginal, 2.0);
    assert_eq!(greedy[2].cumulative, 6.0);
    assert_eq!(objective(&problem, &[2, 1, 0]), 6.0);
}

#[test]
fn a_block_is_split_between_sites() {
    let problem = problem(&[3.0], &[&[0], &[0]], Some(2.0));
    assert_eq!(
        greedy(&problem, 5),
        vec![choice(0, 2.0, 2.0, &[0]), choice(1, 1.0, 3.0, &[])]
    );
    assert_eq!(exact(&problem, 1, 10).expect("small")[0].marginal, 2.0);
}

#[test]
fn rounding_never_takes_a_site_past_its_capacity() {
    // 0.7 + (3.898 − 0.7) is 3.8980000000000006 in floating point.
    let problem = problem(&[0.7, 3.47, 2.5], &[&[0, 1, 2]], Some(3.898));
    assert_eq!(greedy(&problem, 1)[0].marginal, 3.898);
    assert_eq!(objective(&problem, &[0]), 3.898);
}

#[test]
fn capacity_changes_the_best_choice() {
    // Without capacity the big site wins; with capacity 3 two small sites serve more.
    let uncapped = problem(
        &[1.0; 8],
        &[&[0, 1, 2, 3, 4, 5], &[0, 1, 2], &[5, 6, 7]],
        None,
    );
    assert_eq!(greedy(&uncapped, 1)[0].candidate, 0);
    let capped = CoverProblem {
        capacity: Some(3.0),
        ..uncapped
    };
    let best = exact(&capped, 2, 100).expect("small");
    assert_eq!(best.last().map(|c| c.cumulative), Some(6.0));
    for choice in greedy(&capped, 3) {
        assert!(choice.marginal <= 3.0);
    }
}

#[test]
fn ties_go_to_the_lower_candidate_index() {
    let problem = problem(&[1.0; 6], &[&[0], &[1, 2], &[3], &[4, 5], &[0]], None);
    let sites: Vec<u32> = greedy(&problem, 10).iter().map(|c| c.candidate).collect();
    assert_eq!(sites, vec![1, 3, 0, 2]);
    let equal = problem_with_equal_sites();
    let best: Vec<u32> = exact(&equal, 2, 100)
        .expect("small")
        .iter()
        .map(|c| c.candidate)
        .collect();
    assert_eq!(best, vec![0, 1]);
}

fn problem_with_equal_sites() -> CoverProblem {
    problem(&[1.0; 3], &[&[0], &[1], &[2]], None)
}

#[test]
fn stops_when_nothing_is_left_to_cover() {
    let problem = problem(&[1.0, 0.0, 2.0], &[&[0, 2], &[1], &[0], &[]], None);
    assert_eq!(greedy(&problem, 4), vec![choice(0, 3.0, 3.0, &[0, 2])]);
    assert_eq!(
        exact(&problem, 4, 0),
        Some(vec![choice(0, 3.0, 3.0, &[0, 2])])
    );
}

#[test]
fn same_input_same_output() {
    let mut rng = Rng::new(11);
    for capacity in [false, true] {
        let (problem, _) = instance(&mut rng, Weights::Real, capacity);
        let copy = problem.clone();
        assert_eq!(greedy(&problem, 4), greedy(&copy, 4));
        assert_eq!(exact(&problem, 3, u64::MAX), exact(&copy, 3, u64::MAX));
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let empty = CoverProblem::default();
    assert!(greedy(&empty, 3).is_empty());
    assert_eq!(exact(&empty, 3, 0), Some(Vec::new()));
    assert_eq!(objective(&empty, &[0, 7]), 0.0);

    let middle = middle_trap();
    assert!(greedy(&middle, 0).is_empty());
    assert_eq!(exact(&middle, 0, 0), Some(Vec::new()));

    // NaN, infinite and negative weights count as 0.
    let odd = problem(
        &[f64::NAN, f64::INFINITY, -1.0, 2.0],
        &[&[0, 1, 2, 3]],
        None,
    );
    assert_eq!(greedy(&odd, 1), vec![choice(0, 2.0, 2.0, &[0, 1, 2, 3])]);

    // Unsorted lists, repeats and points out of range.
    let messy = problem(&[1.0, 2.0, 3.0, 4.0], &[&[3, 1, 1, 99], &[2, 2]], None);
    assert_eq!(
        greedy(&messy, 2),
        vec![choice(0, 6.0, 6.0, &[1, 3]), choice(1, 3.0, 9.0, &[2])]
    );
    assert_eq!(objective(&messy, &[0, 0, 1, 5]), 9.0);

    // NaN, negative and zero capacities serve nothing; an infinite one is no capacity.
    for capacity in [f64::NAN, -1.0, 0.0] {
        let none = CoverProblem {
            capacity: Some(capacity),
            ..middle_trap()
        };
        assert!(greedy(&none, 2).is_empty());
        assert_eq!(exact(&none, 2, 0), Some(Vec::new()));
    }
    let unlimited = CoverProblem {
        capacity: Some(f64::INFINITY),
        ..middle_trap()
    };
    assert_eq!(greedy(&unlimited, 2), greedy(&middle_trap(), 2));

    // More sites asked for than there are.
    assert_eq!(greedy(&middle, usize::MAX).len(), 3);
    assert_eq!(exact(&middle, usize::MAX, 0).map(|c| c.len()), Some(3));
}

#[test]
fn coverage_curve_adds_the_baseline() {
    let choices = greedy(&middle_trap(), 2);
    assert_eq!(
        coverage_curve(&choices, 10.0, 20.0),
        vec![(0, 10.0, 0.5), (1, 14.0, 0.7), (2, 15.0, 0.75)]
    );
    assert_eq!(
        coverage_curve(&choices, f64::NAN, 0.0),
        vec![(0, 0.0, 0.0), (1, 4.0, 0.0), (2, 5.0, 0.0)]
    );
}
