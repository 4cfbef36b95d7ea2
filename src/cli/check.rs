//! `carecircle check`: every problem of the manifest, the policy, the inputs and the
//! requirements (capacity values included) in one go.

use super::errors::{show, Hints};
use carecircle::commands::check::{check_city, Checked};
use carecircle::format::printable;
use std::path::Path;
use std::process::ExitCode;

/// Checks the city at `city`, printing every problem, or what was read when there is none.
pub fn check(city: &Path) -> ExitCode {
    match check_city(city) {
        Ok(checked) => {
            print_inputs(&checked);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for error in &errors {
                show(error, Hints::CHECK);
            }
            ExitCode::FAILURE
        }
    }
}

/// The warnings and every input file with its counts.
fn print_inputs(checked: &Checked) {
    for w in &checked.warnings {
        eprintln!("warning: {}", printable(w));
    }
    for input in &checked.inputs {
        println!(
            "{}: {} ({} features, {} used)",
            input.role,
            input.path.display(),
            input.features,
            input.kept
        );
    }
    println!("no problems found");
}
