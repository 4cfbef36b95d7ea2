//! Tests of the walking network against independent computations.

mod cases;
mod catchment;
mod determinism;
mod random;
mod reference;
mod rng;
