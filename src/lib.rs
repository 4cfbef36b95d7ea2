//! carecircle: coverage and gaps of 15-minute elderly-care service circles.
//!
//! A planner names a city's layers in a manifest ([`config::Manifest`]) and the circles to
//! check in a policy ([`config::Policy`]; the three-level medical-elderly-care network is the
//! built-in default). [`commands::report::run_report`] then does the whole job:
//!
//! 1. [`input::load`] reads the housing blocks, facility layers and streets into a columnar
//!    [`dataset::Dataset`] (WGS 84; GCJ-02 and BD-09 layers are converted by [`algo::crs`]), and
//!    every problem names its file, feature and field ([`input::Problem`]).
//! 2. [`analysis::plane::Plane`] projects everything into one local transverse Mercator plane, in
//!    metres.
//! 3. With streets, [`analysis::walking::WalkNetwork`] builds the street graph ([`algo::network`]) and snaps every
//!    block and facility onto it.
//! 4. [`analysis::coverage::evaluate`] gives, per circle, requirement and block, the nearest straight-line
//!    distance (an R-tree per requirement), the walking distance (one bounded multi-source
//!    search per requirement), counts within reach and whether the requirement is met.
//! 5. [`analysis::explain`] words why a block is outside a circle; [`analysis::summary`] totals blocks, elderly and
//!    residents; [`output`] writes GeoJSON, CSV, JSON, the map and `report.html` atomically.
//!
//! [`synth`] generates the deterministic synthetic city used by the demo, tests and benchmarks.
//!
//! ```no_run
//! use carecircle::commands::report::{run_report, ReportOptions};
//! use std::path::Path;
//!
//! let report = run_report(Path::new("city.toml"), Path::new("out"), &ReportOptions::default())?;
//! for circle in &report.summary.circles {
//!     println!("{}: {} of {} elderly covered", circle.name, circle.elderly_met, circle.elderly_total);
//! }
//! # Ok::<(), carecircle::commands::report::ReportError>(())
//! ```

#![warn(missing_docs)]

pub mod algo;
pub mod analysis;
pub mod commands;
pub mod config;
pub mod dataset;
pub mod error;
pub mod input;
pub mod osm;
pub mod output;
pub mod progress;
pub mod rng;
pub mod synth;
