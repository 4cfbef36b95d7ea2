//! Applying the algorithms to a city: the projected plane, the resolved requirements, the
//! distance models (straight-line and walking), coverage per circle and requirement, gap
//! zones, area shares, capacity, referrals, suggested sites, service areas, explanations and
//! the summary, tied together by [`pipeline::analyse`].

pub mod area;
pub mod capacity;
pub mod comparison;
pub mod coverage;
pub mod distance;
pub mod error;
pub mod explain;
pub mod pair_ranges;
pub mod pipeline;
pub mod plane;
pub mod referral;
pub mod requirements;
pub mod service_areas;
pub mod sites;
pub mod study;
pub mod summary;
pub mod zones;

pub use error::{AnalysisError, CapacityProblem};
