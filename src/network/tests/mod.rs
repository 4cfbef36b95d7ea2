//! Tests of the walking network against independent computations.

mod cases;
mod determinism;
mod random;
mod reference;
mod rng;
