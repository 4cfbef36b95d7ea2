//! Why a city cannot be analysed as asked.

/// A request the city's data or policy cannot answer.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A problem described in words (to be replaced by typed variants).
    #[error("{0}")]
    Message(String),
}
