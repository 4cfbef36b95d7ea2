//! carecircle: coverage and gaps of 15-minute elderly-care service circles.

pub mod config;
pub mod coverage;
pub mod crs;
pub mod dataset;
pub mod explain;
pub mod input;
pub mod network;
pub mod output;
pub mod plane;
pub mod report;
pub mod summary;
pub mod synth;
pub mod walk;
