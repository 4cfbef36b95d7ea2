//! Choosing new sites: the maximal covering location problem (MCLP).
//!
//! Given demand points with weights (the elderly of each block not yet covered) and, for each
//! candidate site, the demand points it would cover, choose `count` sites that serve as much
//! demand as possible. This module is pure: the caller computes the coverage sets (straight or
//! walking distance) and hands over a [`CoverProblem`].
//!
//! # The objective
//!
//! For a set `S` of chosen sites, the served demand `f(S)` is:
//!
//! - **without capacity**: the total weight of the demand points covered by at least one site
//!   of `S` (weighted set coverage);
//! - **with capacity `c`**: the largest demand that can be served when every demand point's
//!   weight is shared among the sites of `S` that cover it and no site serves more than `c`.
//!   A block's elderly may be split between several sites (the weights are head counts, and
//!   sharing a block between two nearby sites is what happens in practice). This is a
//!   transportation problem, solved exactly as a maximum flow (source → demand point, capacity
//!   its weight; point → covering site, unbounded; site → sink, capacity `c`). By max-flow /
//!   min-cut it equals `min over T ⊆ S of [ w(points covered by T) + c·|S \ T| ]`. It does
//!   not depend on the order in which the sites were chosen.
//!
//! [`objective`] evaluates `f` for any set of sites.
//!
//! # Guarantees
//!
//! In both forms `f` is normalised (`f(∅) = 0`), monotone and submodular: weighted coverage
//! is, and the capacitated form is the rank function of the coverage polymatroid reduced by
//! the vector `(c, …, c)` (`min over T ⊆ S of [ρ(T) + c·|S \ T|]`, a polymatroid rank function
//! whenever `ρ` is one: the reduction of a polymatroid by a vector, see Fujishige, *Submodular
//! Functions and Optimization*). The tests also check diminishing returns on random
//! instances. Hence (Nemhauser, Wolsey & Fisher, 1978):
//!
//! - [`greedy`] serves at least `(1 − 1/e) ≈ 63.2 %` of the best possible demand for the same
//!   number of sites, in both forms;
//! - the lazy evaluation of [`greedy`] (CELF: Leskovec et al., 2007) loses nothing: it makes
//!   the same choices as re-evaluating every candidate in every round.
//!
//! What the capacity model does *not* cover: if a block had to go to a single site whole
//! (unsplittable demand), evaluating even one set would be a bin-packing problem, and neither
//! the value nor the guarantee above would apply. The split model's value is an upper bound of
//! the unsplittable one.
//!
//! [`exact`] finds the optimum by branch and bound when affordable, with the same objective, so
//! greedy and exact results compare like for like. [`coverage_curve`] turns choices into rows
//! for a report.
//!
//! ```
//! use carecircle::algo::siting::{exact, greedy, CoverProblem};
//!
//! // Six blocks of one elderly person; site 0 covers the middle four, sites 1 and 2 the
//! // left and right three.
//! let problem = CoverProblem {
//!     weights: vec![1.0; 6],
//!     covers: vec![vec![1, 2, 3, 4], vec![0, 1, 2], vec![3, 4, 5]],
//!     capacity: None,
//! };
//! let quick = greedy(&problem, 2);
//! assert_eq!((quick[0].candidate, quick[1].candidate), (0, 1));
//! assert_eq!(quick[1].cumulative, 5.0);
//! let best = exact(&problem, 2, 1_000).expect("small enough");
//! assert_eq!((best[0].candidate, best[1].candidate), (1, 2));
//! assert_eq!(best[1].cumulative, 6.0);
//! ```
//!
//! # Input hygiene
//!
//! No input makes these functions panic. Weights that are NaN, infinite or negative count as
//! 0. Cover lists may be unsorted or hold duplicates (each point counts once per site);
//! indices past the end of `weights` are ignored. A NaN or negative capacity counts as 0 (no
//! site serves anything); an infinite capacity is no capacity. Candidates past index
//! `u32::MAX − 1` are ignored.

mod coverage;
mod curve;
mod exact;
mod greedy;
mod objective;
mod problem;
mod transport;

#[cfg(test)]
mod tests;

pub use curve::coverage_curve;
pub use exact::exact;
pub use greedy::greedy;
pub use objective::objective;
pub use problem::{Choice, CoverProblem};
