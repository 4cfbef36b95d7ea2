//! `carecircle policy`: the built-in default policy, a ready template, or the list of
//! templates.

use anyhow::Result;
use carecircle::config::policy::DEFAULT_POLICY_TOML;
use carecircle::config::templates::{self, Template, TEMPLATES};
use std::process::ExitCode;

/// Prints the template list when `list`, else the template named `template`, else the
/// default policy. An unknown name is an error listing the names.
pub fn policy(list: bool, template: Option<&str>) -> Result<ExitCode> {
    if list {
        print!("{}", listing(TEMPLATES));
        return Ok(ExitCode::SUCCESS);
    }
    let text = match template {
        Some(name) => templates::find(name)?.text,
        None => DEFAULT_POLICY_TOML,
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// One line per template: name, the standard it follows, description.
fn listing(templates: &[Template]) -> String {
    let width = templates.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let standard_width = templates
        .iter()
        .map(|t| t.standard.unwrap_or(BUILT_IN).len())
        .max()
        .unwrap_or(0);
    templates
        .iter()
        .map(|t| {
            let standard = t.standard.unwrap_or(BUILT_IN);
            format!(
                "{:width$}  {standard:standard_width$}  {}\n",
                t.name, t.description
            )
        })
        .collect()
}

/// The standard column of carecircle's own network.
const BUILT_IN: &str = "built-in";
