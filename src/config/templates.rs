//! Ready policies: the built-in three-level network and local standards written as policy
//! files, printed by `carecircle policy --list` and `carecircle policy --template NAME`.
//!
//! Each template is a policy TOML embedded in the binary whose comments cite the clauses its
//! distances and facility kinds come from, and say where the standard gives no distance.

use super::policy::DEFAULT_POLICY_TOML;
use std::fmt;

/// A ready policy, embedded in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The name `--template` takes.
    pub name: &'static str,
    /// The code of the standard it follows, as its comments cite it ("GB 50180-2018");
    /// `None` for carecircle's own network.
    pub standard: Option<&'static str>,
    /// What it holds, in one line.
    pub description: &'static str,
    /// The policy as TOML.
    pub text: &'static str,
}

/// Every template, the built-in default first.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "three-level",
        standard: None,
        description: "built-in default: basic 100 m / 3 min, specialty 500 m, extended 1 km",
        text: DEFAULT_POLICY_TOML,
    },
    Template {
        name: "gb50180-2018",
        standard: Some("GB 50180-2018"),
        description: "城市居住区规划设计标准: 5-minute 300 m, 15-minute 1000 m life circles",
        text: include_str!("templates/gb50180_2018.toml"),
    },
    Template {
        name: "tdt1062-2021",
        standard: Some("TD/T 1062-2021"),
        description: "社区生活圈规划技术指南: 15 and 5-10 min on foot at an elderly pace",
        text: include_str!("templates/tdt1062_2021.toml"),
    },
];

/// The template named `name`.
pub fn find(name: &str) -> Result<&'static Template, UnknownTemplate> {
    TEMPLATES
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| UnknownTemplate(name.to_string()))
}

/// A template name that is none of [`TEMPLATES`]; its message lists the names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTemplate(pub String);

impl fmt::Display for UnknownTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        write!(
            f,
            "no policy template named \"{}\"; the templates are: {} (see `carecircle policy --list`)",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownTemplate {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_template_and_names_are_unique() {
        assert_eq!(find("three-level").unwrap().text, DEFAULT_POLICY_TOML);
        for (i, t) in TEMPLATES.iter().enumerate() {
            assert!(TEMPLATES[..i].iter().all(|earlier| earlier.name != t.name));
        }
    }

    #[test]
    fn an_unknown_name_lists_the_templates() {
        let message = find("gb50180").unwrap_err().to_string();
        assert!(message.contains("\"gb50180\""), "{message}");
        for t in TEMPLATES {
            assert!(message.contains(t.name), "{message}");
        }
    }
}
