//! What can be wrong with a city manifest or a policy.

/// A problem with the city manifest or the policy.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A problem described in words (to be replaced by typed variants).
    #[error("{0}")]
    Message(String),
}
