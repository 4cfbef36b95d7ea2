//! The project's deterministic generator, for reproducible random tests.

pub(super) use crate::rng::SplitMix64;
