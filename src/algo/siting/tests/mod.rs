//! Tests of the siting module: hand-worked cases, and random instances against independent
//! straightforward implementations.

mod cases;
mod random;
mod reference;
