//! Applying the algorithms to a city: the projected plane, walking distances, coverage per
//! circle and requirement, gap zones, capacity, referrals, explanations and the summary.

pub mod area;
pub mod capacity;
pub mod coverage;
pub mod error;
pub mod explain;
pub mod plane;
pub mod referral;
pub mod summary;
pub mod walking;
pub mod zones;

pub use error::AnalysisError;
