//! Configuration files: the city manifest, the policy, and attribute filters.

pub mod error;
pub mod filter;
pub mod manifest;
pub mod policy;

pub use error::ConfigError;
pub use filter::Filter;
pub use manifest::Manifest;
pub use policy::{CapacityRule, Circle, Policy, Requirement};

/// Circle names and layer kinds become parts of output field names, so they must be
/// lowercase snake_case: a letter, then letters, digits or underscores.
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} `{name}` must be lowercase snake_case (a letter, then letters, digits or _), as it names output fields"
        ))
    }
}
