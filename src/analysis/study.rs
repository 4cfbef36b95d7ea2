//! A city ready to analyse: its policy and dataset, projected into a plane, with the
//! requirements resolved and the distance models chosen.

use crate::analysis::distance::DistanceModels;
use crate::analysis::plane::Plane;
use crate::analysis::requirements::Requirements;
use crate::config::Policy;
use crate::dataset::Dataset;

/// Everything the analyses of one run share.
pub struct Study<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// The loaded layers, in WGS 84.
    pub dataset: &'a Dataset,
    /// The same in the plane's metres.
    pub plane: &'a Plane,
    /// The policy's requirements, resolved against the dataset.
    pub requirements: Requirements<'a>,
    /// Straight-line and (when walked) walking distances.
    pub models: DistanceModels<'a>,
}
