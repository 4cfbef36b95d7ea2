//! Configuration files: the city manifest, the policy and its ready templates, and attribute
//! filters.

pub mod check;
pub mod error;
pub mod filter;
pub mod manifest;
pub mod policy;
pub mod reach;
pub mod templates;

pub use check::{check_config, CheckedConfig};
pub use error::{ConfigError, ConfigProblem};
pub use filter::Filter;
pub use manifest::Manifest;
pub use policy::{CapacityRule, Circle, Policy, Requirement, DEFAULT_ZONE_SPAN_M};
pub use reach::{Minutes, Reach};

use error::{ConfigFile, Issue, Origin};
use std::path::Path;

/// The text of a configuration file, or a problem naming it when it cannot be read, is not
/// a regular file or is too large to be one ([`crate::input_file::check_config`]).
fn read_config(path: &Path, file: ConfigFile) -> Result<String, ConfigError> {
    crate::input_file::check_config(path).map_err(|source| {
        ConfigError::at(
            Origin::File(path.to_path_buf()),
            Issue::NotAFile { file, source },
        )
    })?;
    let text = std::fs::read_to_string(path).map_err(|source| {
        ConfigError::at(
            Origin::File(path.to_path_buf()),
            Issue::Read { file, source },
        )
    })?;
    // A byte-order mark (as Windows editors write) is not TOML.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Circle names and layer kinds become parts of output field names, so they must be
/// lowercase snake_case: a letter, then letters, digits or underscores.
pub(crate) fn check_name(what: &'static str, name: &str) -> Result<(), Issue> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Issue::InvalidName {
            what,
            name: name.to_string(),
        })
    }
}
