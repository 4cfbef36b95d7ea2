//! carecircle: coverage and gaps of 15-minute elderly-care service circles.
//!
//! `ARCHITECTURE.md` at the repository root is where a newcomer starts: the data flow, where
//! each thing lives ([`algo`] pure algorithms, [`analysis`] applied to a city, [`commands`]
//! read → analyse → plan → write, [`output`] the writers) and the invariants.
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
//! 3. [`analysis::requirements::Requirements`] resolves every circle × requirement once: its
//!    layer, filter, capacity values (every bad one is reported) and straight-line R-tree.
//! 4. [`analysis::distance`] chooses the distance models once: straight-line always, and with
//!    streets [`analysis::distance::walking::WalkNetwork`], which builds the street graph
//!    ([`algo::network`]) and snaps every block and facility onto it.
//! 5. [`analysis::pipeline::analyse`] computes the whole [`analysis::pipeline::Analysis`]:
//!    coverage per circle, requirement and block ([`analysis::coverage::evaluate`]), gap zones,
//!    area shares, capacity, referrals, suggested sites, service areas and the summary.
//! 6. [`output`] writes GeoJSON or a GeoPackage, CSV, JSON, the map and `report.html`
//!    atomically into an [`output::folder::OutputFolder`]; [`analysis::explain`] words why a
//!    block is outside a circle.
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
//! # Ok::<(), carecircle::error::Error>(())
//! ```

#![warn(missing_docs)]

pub mod algo;
pub mod analysis;
pub mod commands;
pub mod config;
pub mod dataset;
pub mod error;
pub mod format;
pub mod input;
pub mod input_file;
pub mod lang;
pub mod memory;
pub mod osm;
pub mod output;
pub mod progress;
pub mod rng;
pub mod synth;
