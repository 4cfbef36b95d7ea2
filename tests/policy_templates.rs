//! `carecircle policy --list` and `--template NAME`: ready policies, each valid, each printed
//! exactly, each distance cited beside the standard it comes from.

mod common;

use carecircle::config::policy::DEFAULT_POLICY_TOML;
use carecircle::config::templates::{Template, TEMPLATES};
use carecircle::config::{Policy, Reach};
use common::carecircle;

/// What `carecircle policy` with `args` prints on stdout, checking it succeeds.
fn policy_output(args: &[&str]) -> String {
    let output = carecircle()
        .arg("policy")
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

/// The comment lines of a policy text.
fn comments(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| l.trim_start().starts_with('#'))
}

/// Whether `line` holds `figure` (such as "300 m") not as the tail of a larger number.
fn mentions(line: &str, figure: &str) -> bool {
    line.match_indices(figure).any(|(at, _)| {
        !line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
    })
}

/// The figure a comment must cite for a reach: "300 m", or "15 min" for a reach in minutes.
fn cited_figure(reach: &Reach) -> String {
    match reach {
        Reach::Metres(m) => format!("{m} m"),
        Reach::Minutes(minutes) => format!("{} min", minutes.within_min),
    }
}

#[test]
fn every_template_passes_the_validation_check_runs() {
    let dir = tempfile::tempdir().unwrap();
    for t in TEMPLATES {
        let parsed = Policy::parse(t.text).unwrap_or_else(|e| panic!("{}: {e}", t.name));
        // `check` loads the policy file the manifest names: the printed text, as a file.
        let path = dir.path().join(format!("{}.toml", t.name));
        std::fs::write(&path, t.text).unwrap();
        assert_eq!(Policy::load(&path).unwrap(), parsed, "{}", t.name);
        // Kinds name manifest layers, which must be lowercase snake_case.
        for r in parsed.circles.iter().flat_map(|c| &c.requires) {
            let snake = r.kind.starts_with(|c: char| c.is_ascii_lowercase())
                && r.kind
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            assert!(snake, "{}: kind {}", t.name, r.kind);
        }
    }
}

#[test]
fn list_names_every_template_and_its_standard() {
    let listing = policy_output(&["--list"]);
    assert_eq!(listing.lines().count(), TEMPLATES.len(), "{listing}");
    for (line, t) in listing.lines().zip(TEMPLATES) {
        assert!(line.starts_with(t.name), "{line}");
        assert!(line.contains(t.standard.unwrap_or("built-in")), "{line}");
        assert!(line.contains(t.description), "{line}");
    }
}

#[test]
fn template_prints_exactly_the_registry_text() {
    for t in TEMPLATES {
        assert_eq!(policy_output(&["--template", t.name]), t.text, "{}", t.name);
    }
}

#[test]
fn policy_alone_still_prints_the_default() {
    assert_eq!(policy_output(&[]), DEFAULT_POLICY_TOML);
    assert_eq!(
        policy_output(&["--template", "three-level"]),
        DEFAULT_POLICY_TOML
    );
}

#[test]
fn an_unknown_template_is_an_error_naming_the_templates() {
    let assert = carecircle()
        .args(["policy", "--template", "gb50180"])
        .assert()
        .failure();
    let output = assert.get_output();
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no policy template named \"gb50180\""),
        "{stderr}"
    );
    for t in TEMPLATES {
        assert!(stderr.contains(t.name), "{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn list_and_template_together_are_refused() {
    carecircle()
        .args(["policy", "--list", "--template", "gb50180-2018"])
        .assert()
        .failure();
}

/// A cheap guard against invented numbers: every reach of a standard's template is cited in a
/// comment line that names the standard, and every walking speed is explained in a comment.
#[test]
fn every_distance_is_cited_beside_its_standard() {
    let cited: Vec<&Template> = TEMPLATES.iter().filter(|t| t.standard.is_some()).collect();
    assert!(cited.len() >= 2);
    for t in cited {
        let code = t.standard.unwrap();
        let policy = Policy::parse(t.text).unwrap();
        for r in policy.circles.iter().flat_map(|c| &c.requires) {
            let figure = cited_figure(&r.reach);
            assert!(
                comments(t.text).any(|l| l.contains(code) && mentions(l, &figure)),
                "{}: {} {figure} is not cited beside {code}",
                t.name,
                r.kind
            );
            if let Reach::Minutes(minutes) = r.reach {
                let speed = format!("{} m/min", minutes.speed_m_per_min);
                assert!(
                    comments(t.text).any(|l| mentions(l, &speed)),
                    "{}: {speed} is not explained",
                    t.name
                );
            }
        }
    }
}

#[test]
fn mentions_ignores_the_tail_of_a_larger_number() {
    assert!(mentions(
        "# Five-minute circle, 300 m: GB 50180-2018",
        "300 m"
    ));
    assert!(!mentions("# 1300 m away", "300 m"));
    assert!(!mentions("# 2.300 m away", "300 m"));
}
