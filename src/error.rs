//! The library's error type: what stops a command, with its source kept. The command line
//! ([`crate`]'s binary) turns these into messages and adds hints for the flags it offers; the
//! library names no flags.

use crate::algo::crs::CrsError;
use crate::analysis::AnalysisError;
use crate::config::ConfigError;
use crate::input::Problem;

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The city manifest or the policy is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Input files have problems; every one found is listed.
    #[error("{} problem(s) in the input", .0.len())]
    Input(Vec<Problem>),
    /// The city cannot be analysed as asked.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Coordinates cannot be converted or projected.
    #[error(transparent)]
    Projection(#[from] CrsError),
    /// Two reports cannot be compared.
    #[error(transparent)]
    Comparison(#[from] crate::analysis::comparison::ComparisonError),
    /// An output could not be written.
    #[error(transparent)]
    Output(#[from] std::io::Error),
}

/// A result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
