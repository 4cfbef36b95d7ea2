//! `carecircle check`: every problem of the manifest, the policy and the inputs in one go.

use super::errors::{show, Hints};
use carecircle::config::{check_config, CheckedConfig, ConfigError};
use carecircle::error::Error;
use carecircle::input::{self, Loaded};
use std::path::Path;
use std::process::ExitCode;

/// Checks the city at `city`, printing every problem, or what was read when there is none.
pub fn check(city: &Path) -> ExitCode {
    let CheckedConfig { manifest, problems } = check_config(city);
    let config_valid = problems.is_empty();
    if let Err(e) = ConfigError::check(problems) {
        show(&Error::Config(e), Hints::CHECK);
    }
    // The inputs are checked whenever the manifest is valid, even when the policy is not.
    let loaded = match manifest.map(|m| input::load(&m, false, true)) {
        Some(Ok(loaded)) => loaded,
        Some(Err(problems)) => {
            show(&Error::Input(problems), Hints::CHECK);
            return ExitCode::FAILURE;
        }
        None => return ExitCode::FAILURE,
    };
    if !config_valid {
        return ExitCode::FAILURE;
    }
    print_inputs(&loaded);
    ExitCode::SUCCESS
}

/// The warnings and every input file with its counts.
fn print_inputs(loaded: &Loaded) {
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    for input in &loaded.inputs {
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
