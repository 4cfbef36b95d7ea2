//! What can be wrong with a city manifest or a policy: every problem found, each naming its
//! file (when it was read from one) and the key at fault.

use std::fmt;
use std::path::PathBuf;

/// Which configuration file a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFile {
    /// The city manifest.
    Manifest,
    /// A policy file.
    Policy,
}

impl fmt::Display for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigFile::Manifest => "city manifest",
            ConfigFile::Policy => "policy",
        })
    }
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file: the city manifest or a policy file.
    File(PathBuf),
    /// The built-in default policy, used by the city manifest at this path.
    DefaultPolicy(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::DefaultPolicy(manifest) => {
                write!(f, "{} (built-in default policy)", manifest.display())
            }
        }
    }
}

/// What is wrong, independent of where.
#[derive(Debug, thiserror::Error)]
pub enum Issue {
    /// The file cannot be read.
    #[error("cannot read the {file}: {source}")]
    Read {
        /// Which file it is.
        file: ConfigFile,
        /// Why it cannot be read.
        source: std::io::Error,
    },
    /// The path is not a regular file (a FIFO, a device, a folder) or too large to be a
    /// configuration file; refused before it is opened.
    #[error("the {file} {source}")]
    NotAFile {
        /// Which file it is.
        file: ConfigFile,
        /// What it is instead.
        source: crate::input_file::InputFileError,
    },
    /// The file is not valid TOML of the expected shape (an unknown key, a wrong type…).
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    /// A circle name or layer kind that cannot name output fields.
    #[error("{what} `{name}` must be lowercase snake_case (a letter, then letters, digits or _), as it names output fields")]
    InvalidName {
        /// What is named: `circle name`, `layer kind`, …
        what: &'static str,
        /// The offending name.
        name: String,
    },
    /// The policy lists no circle.
    #[error("the policy has no [[circles]]")]
    NoCircles,
    /// Two circles share a name.
    #[error("circle `{0}` is defined twice")]
    DuplicateCircle(String),
    /// A circle without requirements.
    #[error("circle `{0}` has no requirements")]
    NoRequirements(String),
    /// One requirement of a circle is wrong.
    #[error("circle `{circle}`, requirement {number} (`{kind}`): {issue}")]
    Requirement {
        /// The circle.
        circle: String,
        /// The requirement's number within the circle, from 1.
        number: usize,
        /// The requirement's facility kind.
        kind: String,
        /// What is wrong with it.
        issue: RequirementIssue,
    },
    /// Two requirements of one circle on the same kind.
    #[error("circle `{circle}` has two requirements on `{kind}`; their output fields would clash — split them into two circles")]
    DuplicateRequirement {
        /// The circle.
        circle: String,
        /// The kind required twice.
        kind: String,
    },
    /// A referral check whose distance is not a positive number.
    #[error("referral from `{from}` to `{to}`: within_m must be a positive distance")]
    ReferralReach {
        /// The referring kind.
        from: String,
        /// The kind referred to.
        to: String,
    },
    /// A referral check from a kind to itself (every facility is within reach of itself).
    #[error("referral from `{0}` to itself: every facility is within reach of itself; name another kind")]
    SelfReferral(String),
    /// A `[blocks]` count key (`elderly`, `residents`) that lists no field.
    #[error("[blocks] {0} = [] lists no field: every block would count 0")]
    NoFields(&'static str),
    /// A `[blocks]` count key that lists a field twice.
    #[error("[blocks] {key} lists `{field}` twice: it would be counted twice")]
    FieldTwice {
        /// `elderly` or `residents`.
        key: &'static str,
        /// The field listed twice.
        field: String,
    },
    /// A table's `path = []`, naming no file.
    #[error("[{0}] path = [] lists no file: give one file, or a list of files of the same kind")]
    NoPaths(String),
    /// A table's `path` listing one file twice.
    #[error("[{table}] path lists `{}` twice: its features would be read twice", path.display())]
    PathTwice {
        /// The table: `blocks`, `layers.<kind>`, `streets`, …
        table: String,
        /// The file listed twice.
        path: PathBuf,
    },
    /// A `max_extent_km` that is not a positive number.
    #[error("max_extent_km = {0}: a positive number of kilometres (how far from the blocks' centre a block or facility may lie; default 100)")]
    MaxExtent(f64),
    /// A `[streets]` setting out of its range.
    #[error("[streets] {key} = {}: {expected}", setting_value(*.value))]
    StreetSetting {
        /// The setting.
        key: &'static str,
        /// The value given.
        value: f64,
        /// What it must be, and why.
        expected: &'static str,
    },
    /// The largest gap-zone span is not a positive number of metres.
    #[error(
        "zone_span_m must be a positive number of metres (the largest gap zone across), got {0}"
    )]
    ZoneSpan(f64),
    /// A circle requires a kind the city manifest has no layer for.
    #[error(
        "circle `{circle}` requires kind `{kind}`, but the city manifest has no [layers.{kind}]"
    )]
    MissingKind {
        /// The circle.
        circle: String,
        /// The missing kind.
        kind: String,
    },
    /// A referral check needs a kind the city manifest has no layer for.
    #[error("a referral from `{from}` to `{to}` needs kind `{kind}`, but the city manifest has no [layers.{kind}]")]
    MissingReferralKind {
        /// The referring kind.
        from: String,
        /// The kind referred to.
        to: String,
        /// The missing kind (`from` or `to`).
        kind: String,
    },
}

/// What is wrong with one requirement of a circle.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum RequirementIssue {
    /// A walking speed that is not positive, or a negative delay.
    #[error("speed_m_per_min must be positive and delay_min not negative")]
    SpeedOrDelay,
    /// A time without a speed.
    #[error("within_min needs speed_m_per_min (for example 48 for elderly walking at 0.8 m/s)")]
    MinutesWithoutSpeed,
    /// Neither a distance nor a time.
    #[error("give within_m, or within_min with speed_m_per_min")]
    NoReach,
    /// Both a distance and a time.
    #[error(
        "give either within_m, or within_min with speed_m_per_min and optional delay_min, not both"
    )]
    TwoReaches,
    /// A reach that is not a positive distance.
    #[error("the reach must be a positive distance, got {0} m")]
    NonPositiveReach(f64),
    /// `min_count = 0`.
    #[error("min_count must be at least 1")]
    ZeroMinCount,
    /// A negative or non-finite `min_per_1000`.
    #[error("min_per_1000 must be a number ≥ 0")]
    NegativeMinPer1000,
    /// Capacity options without a capacity field.
    #[error("decay and min_per_1000 need capacity = \"<facility field>\"")]
    CapacityOptionsWithoutField,
}

/// One problem with the manifest or the policy: what is wrong and, when known, where.
#[derive(Debug)]
pub struct ConfigProblem {
    /// The file (or built-in policy) it is in; `None` for text parsed on its own.
    pub origin: Option<Origin>,
    /// What is wrong.
    pub issue: Issue,
}

impl fmt::Display for ConfigProblem {
    /// `<origin>: <issue>`, or just the issue when the origin is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "{origin}: ")?;
        }
        write!(f, "{}", self.issue)
    }
}

impl std::error::Error for ConfigProblem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.issue)
    }
}

/// Every problem found in the city manifest and the policy (at least one), shown one per line.
#[derive(Debug)]
pub struct ConfigError {
    problems: Vec<ConfigProblem>,
}

impl ConfigError {
    /// The problems as found, or `Ok` when there are none.
    pub fn check(problems: Vec<ConfigProblem>) -> Result<(), ConfigError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }

    /// A single problem at `origin`.
    pub fn at(origin: Origin, issue: impl Into<Issue>) -> ConfigError {
        ConfigError {
            problems: vec![ConfigProblem {
                origin: Some(origin),
                issue: issue.into(),
            }],
        }
    }

    /// Places every problem whose origin is unknown at `origin`.
    pub fn within(mut self, origin: &Origin) -> ConfigError {
        for problem in &mut self.problems {
            problem.origin.get_or_insert_with(|| origin.clone());
        }
        self
    }

    /// The problems, in the order found.
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }

    /// The problems, in the order found, by value.
    pub fn into_problems(self) -> Vec<ConfigProblem> {
        self.problems
    }
}

impl From<Issue> for ConfigError {
    fn from(issue: Issue) -> ConfigError {
        ConfigError {
            problems: vec![ConfigProblem {
                origin: None,
                issue,
            }],
        }
    }
}

impl fmt::Display for ConfigError {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {
    /// The single problem's source, when there is exactly one.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.problems.as_slice() {
            [only] => std::error::Error::source(only),
            _ => None,
        }
    }
}

/// A setting's value as a person would write it: plain, or in scientific notation when it is
/// very large or very small (`1e12`, `1e-300`).
fn setting_value(value: f64) -> String {
    if value != 0.0 && value.is_finite() && !(1e-3..1e6).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_its_file_and_several_are_one_per_line() {
        let error = ConfigError::check(vec![
            ConfigProblem {
                origin: Some(Origin::File("policy.toml".into())),
                issue: Issue::InvalidName {
                    what: "circle name",
                    name: "Basic".into(),
                },
            },
            ConfigProblem {
                origin: None,
                issue: Issue::Requirement {
                    circle: "basic".into(),
                    number: 2,
                    kind: "responder".into(),
                    issue: RequirementIssue::NonPositiveReach(-1.0),
                },
            },
        ])
        .unwrap_err()
        .within(&Origin::DefaultPolicy("city.toml".into()));
        assert_eq!(
            error.to_string(),
            "policy.toml: circle name `Basic` must be lowercase snake_case (a letter, then letters, digits or _), as it names output fields\n\
             city.toml (built-in default policy): circle `basic`, requirement 2 (`responder`): the reach must be a positive distance, got -1 m"
        );
        assert_eq!(error.problems().len(), 2);
        assert!(ConfigError::check(Vec::new()).is_ok());
    }

    #[test]
    fn a_read_error_keeps_its_source() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let error = ConfigError::at(
            Origin::File("city.toml".into()),
            Issue::Read {
                file: ConfigFile::Manifest,
                source: io,
            },
        );
        assert_eq!(
            error.to_string(),
            "city.toml: cannot read the city manifest: gone"
        );
        let source = std::error::Error::source(&error).expect("the io error");
        assert_eq!(source.to_string(), "gone");
    }
}
