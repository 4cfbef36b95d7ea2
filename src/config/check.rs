//! Checking a city's configuration: the manifest and its policy, every problem in one go.

use super::error::{ConfigError, ConfigProblem};
use super::manifest::Manifest;
use super::policy::Policy;
use std::path::Path;

/// What checking a manifest and its policy found.
#[derive(Debug)]
pub struct CheckedConfig {
    /// The manifest, when it is valid (its inputs can then be checked too).
    pub manifest: Option<Manifest>,
    /// Every problem in the manifest and the policy, manifest first.
    pub problems: Vec<ConfigProblem>,
}

/// Checks the manifest at `manifest_path` and its policy, collecting every problem: the
/// policy is checked even when the rest of the manifest is invalid, and against the
/// manifest's layers when the manifest is valid.
pub fn check_config(manifest_path: &Path) -> CheckedConfig {
    match Manifest::load(manifest_path) {
        Ok(manifest) => {
            let problems = problems_of(manifest.load_policy(manifest_path));
            CheckedConfig {
                manifest: Some(manifest),
                problems,
            }
        }
        Err(manifest_error) => {
            let mut problems = manifest_error.into_problems();
            if let Some(policy) = Manifest::named_policy(manifest_path) {
                problems.extend(problems_of(Policy::load(&policy)));
            }
            CheckedConfig {
                manifest: None,
                problems,
            }
        }
    }
}

/// The problems of a result, none when it is `Ok`.
fn problems_of<T>(result: Result<T, ConfigError>) -> Vec<ConfigProblem> {
    result
        .err()
        .map(ConfigError::into_problems)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_of_manifest_and_policy_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("city.toml");
        std::fs::write(
            &manifest,
            "policy = 'policy.toml'\n[blocks]\npath='b'\nid='id'\nelderly='e'\n\
             [layers.care_bed]\npath='c.csv'\nradius=3\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("policy.toml"),
            "[[circles]]\nname='Basic'\nrequires=[{kind='care_bed', within_m=-5}]\n\
             [[circles]]\nname='living area'\nrequires=[{kind='care_bed', within_m=5}]\n",
        )
        .unwrap();
        let checked = check_config(&manifest);
        assert!(checked.manifest.is_none());
        let texts: Vec<String> = checked.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(texts.len(), 4, "{texts:#?}");
        assert!(texts[0].contains("city.toml") && texts[0].contains("radius"));
        assert!(texts[1].contains("policy.toml: circle name `Basic`"));
        assert!(texts[2].contains("requirement 1 (`care_bed`): the reach must be a positive"));
        assert!(texts[3].contains("policy.toml: circle name `living area`"));
    }

    #[test]
    fn the_default_policy_is_checked_against_the_layers() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("city.toml");
        std::fs::write(&manifest, "[blocks]\npath='b'\nid='id'\nelderly='e'\n").unwrap();
        let checked = check_config(&manifest);
        assert!(checked.manifest.is_some());
        let first = checked.problems[0].to_string();
        assert!(
            first.ends_with("city.toml (built-in default policy): circle `basic` requires kind `care_bed`, but the city manifest has no [layers.care_bed]"),
            "{first}"
        );
        assert!(checked.problems.len() > 1);
    }
}
