//! Why a city cannot be analysed as asked. The messages name no command-line flag; the
//! command line adds its own.

/// A request the city's data or policy cannot answer.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// No circle of the policy has this name.
    #[error("the policy has no circle `{name}`; its circles are: {}", .circles.join(", "))]
    UnknownCircle {
        /// The name asked for.
        name: String,
        /// The policy's circles.
        circles: Vec<String>,
    },
    /// The circle has no requirement on this kind.
    #[error("circle `{circle}` has no requirement on `{kind}`; it requires: {}", .kinds.join(", "))]
    UnknownRequirement {
        /// The circle.
        circle: String,
        /// The kind asked for.
        kind: String,
        /// The kinds the circle requires.
        kinds: Vec<String>,
    },
    /// Facilities were added (`report --add`) to a kind the manifest has no layer of.
    #[error("cannot add facilities to `{kind}`: the city manifest has no such layer; its layers are: {}", .kinds.join(", "))]
    UnknownLayer {
        /// The kind asked for.
        kind: String,
        /// The manifest's layers.
        kinds: Vec<String>,
    },
    /// Walking distances were asked for a city without streets.
    #[error("{mode} distances need a [streets] layer in the city manifest")]
    WalkingNeedsStreets {
        /// The distance mode asked for, in lowercase (`network`, `both`).
        mode: String,
    },
    /// Service areas were asked without walking distances.
    #[error("service areas need walking distances: a [streets] layer and the network or both distance mode")]
    ServiceAreasNeedWalking,
    /// Candidate sites name neither a layer nor a file.
    #[error("candidates `{name}`: neither a layer of the city manifest nor a file")]
    UnknownCandidates {
        /// The candidates as named.
        name: String,
    },
    /// A large allocation failed (under a memory limit such as `ulimit -v`).
    #[error(
        "{stage}: not enough memory for {what} (another {} MB); lower {lower}",
        .bytes.div_ceil(1 << 20)
    )]
    OutOfMemory {
        /// The stage that ran out, e.g. `suggesting sites for basic care_bed`.
        stage: String,
        /// What it was allocating.
        what: &'static str,
        /// The bytes asked for.
        bytes: usize,
        /// The settings that make it smaller.
        lower: &'static str,
    },
    /// The dataset has no blocks, so no plane can be chosen.
    #[error("there are no blocks to choose a projection from")]
    NoBlocks,
    /// The policy requires kinds the dataset has no layer for.
    #[error("no layer for kind(s) {}", .kinds.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))]
    NoLayer {
        /// The missing kinds.
        kinds: Vec<String>,
    },
    /// Capacity values that are not numbers ≥ 0, every one found.
    #[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    BadCapacities {
        /// The bad values, in policy and facility order.
        problems: Vec<CapacityProblem>,
    },
    /// A requirement's capacity analysis cannot run (its decay or inputs are invalid).
    #[error("circle `{circle}`, requirement `{kind}`: {source}")]
    Capacity {
        /// The circle.
        circle: String,
        /// The requirement's kind.
        kind: String,
        /// What is wrong.
        source: crate::algo::floating_catchment::CatchmentError,
    },
}

/// A facility whose capacity value is not a number from 0 to [`crate::dataset::MAX_COUNT`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{}, facility `{facility}`, field `{field}`: the capacity must be a number from 0 to {} (found {found})",
    .file.display(),
    crate::format::thousands(crate::dataset::MAX_COUNT)
)]
pub struct CapacityProblem {
    /// The facility layer's file.
    pub file: std::path::PathBuf,
    /// The facility: `name (id)`, or its id when it has no name.
    pub facility: String,
    /// The capacity field.
    pub field: String,
    /// The value found, as JSON (`nothing` when missing).
    pub found: String,
}
