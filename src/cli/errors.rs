//! Failures as the command line shows them: the library's errors become `error:` lines, and a
//! hint names a flag only when the failing subcommand accepts it.

use carecircle::analysis::AnalysisError;
use carecircle::error::Error;
use carecircle::format::printable;
use carecircle::input::problem::AlikeProblems;
use carecircle::input::Problem;
use std::process::ExitCode;

/// What a subcommand's failure messages may suggest, and how many input problems they list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    /// The subcommand takes `--skip-invalid`.
    pub skip_invalid: bool,
    /// Input problems printed before the rest are only counted.
    pub problems_shown: usize,
    /// The flag that names the circle an unknown-circle error is about (`--view` in
    /// `report`); `None` shows the library's message alone.
    pub circle_flag: Option<&'static str>,
}

/// Input problems printed before the rest are only counted (`check` prints them all).
const PROBLEMS_SHOWN: usize = 50;

impl Hints {
    /// `report`: lists the first problems and suggests `--skip-invalid`.
    pub const REPORT: Hints = Hints {
        skip_invalid: true,
        problems_shown: PROBLEMS_SHOWN,
        circle_flag: Some("--view"),
    };
    /// `site` and `demo`: list the first problems; no flag to suggest.
    pub const NO_FLAGS: Hints = Hints {
        skip_invalid: false,
        problems_shown: PROBLEMS_SHOWN,
        circle_flag: None,
    };
    /// `check`: lists every problem.
    pub const CHECK: Hints = Hints {
        skip_invalid: false,
        problems_shown: usize::MAX,
        circle_flag: None,
    };
}

/// Prints why a command failed: every problem on its own `error:` line, input problems
/// followed by their count and the hints the subcommand offers.
pub fn show(error: &Error, hints: Hints) {
    match error {
        Error::Config(config) => {
            for problem in config.problems() {
                eprintln!("error: {}", printable(&problem.to_string()));
            }
        }
        Error::Input(problems) => {
            print_problems(problems, hints.problems_shown);
            eprintln!("{}", closing_line(error, hints));
        }
        Error::Analysis(AnalysisError::BadCapacities { problems }) => {
            for p in problems {
                eprintln!("error: {}", printable(&p.to_string()));
            }
            eprintln!("{} problem(s) in the capacity values", problems.len());
        }
        Error::Analysis(analysis) => eprintln!("error: {}", with_flag(analysis, hints)),
        other => eprintln!("error: {}", printable(&other.to_string())),
    }
}

/// Prints why a command failed (see [`show`]); the exit code of a failure.
pub fn fail(error: Error, hints: Hints) -> ExitCode {
    show(&error, hints);
    ExitCode::FAILURE
}

/// An analysis error worded with the flag that asked for what could not be done.
fn with_flag(error: &AnalysisError, hints: Hints) -> String {
    match error {
        AnalysisError::UnknownCircle { name, circles } => match hints.circle_flag {
            Some(flag) => format!(
                "{flag} {name}: the policy has no such circle; its circles are: {}",
                circles.join(", ")
            ),
            None => error.to_string(),
        },
        AnalysisError::WalkingNeedsStreets { mode } => {
            format!("--distance {mode} needs a [streets] layer in the city manifest")
        }
        AnalysisError::ServiceAreasNeedWalking => "--service-areas needs walking distances: a [streets] layer and --distance network or both".to_string(),
        AnalysisError::UnknownCandidates { name } => {
            format!("--candidates {name}: neither a layer of the city manifest nor a file")
        }
        other => other.to_string(),
    }
}

/// The line after the listed input problems: their count, and `--skip-invalid` when the
/// subcommand takes it.
fn closing_line(error: &Error, hints: Hints) -> String {
    if hints.skip_invalid {
        format!("{error}; fix them, or pass --skip-invalid to skip invalid features (they are listed in skipped.csv)")
    } else {
        error.to_string()
    }
}

/// Prints the first `limit` problems, alike neighbours as one line (see
/// [`AlikeProblems`]), then how many more there are.
fn print_problems(problems: &[Problem], limit: usize) {
    let groups = AlikeProblems::group(problems);
    for group in groups.iter().take(limit) {
        eprintln!("error: {}", printable(&group.to_string()));
    }
    if groups.len() > limit {
        let more: usize = groups[limit..].iter().map(|g| g.count).sum();
        eprintln!("… and {more} more problems (`carecircle check` lists them all)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn only_report_suggests_skip_invalid() {
        let problem = Problem::file(Path::new("blocks.geojson"), "missing");
        let error = Error::Input(vec![problem.clone(), problem]);
        assert_eq!(
            closing_line(&error, Hints::REPORT),
            "2 problem(s) in the input; fix them, or pass --skip-invalid to skip invalid features (they are listed in skipped.csv)"
        );
        for hints in [Hints::NO_FLAGS, Hints::CHECK] {
            assert_eq!(closing_line(&error, hints), "2 problem(s) in the input");
        }
    }
}
