//! carecircle: coverage and gaps of 15-minute elderly-care service circles.

pub mod output;
