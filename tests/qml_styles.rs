//! The QGIS styles written beside every GeoJSON: well-formed XML that references only
//! fields its layer has.

mod common;

use carecircle::synth::{write_city, SynthOptions};
use common::carecircle;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Field names between double quotes in a QGIS expression (`""` inside a name is a quote).
fn expression_fields(expression: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut chars = expression.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => in_string = !in_string,
            '"' if !in_string => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            name.push('"');
                        }
                        Some('"') | None => break,
                        Some(c) => name.push(c),
                    }
                }
                fields.push(name);
            }
            _ => {}
        }
    }
    fields
}

/// Every field a style references: renderer attributes and label fields or expressions.
fn referenced_fields(qml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(qml).expect("a style is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "qgis");
    assert_eq!(root.attribute("version"), Some("3.22"));
    assert!(
        root.children().any(|n| n.has_tag_name("renderer-v2")),
        "no renderer"
    );
    let mut fields = Vec::new();
    for node in doc.descendants() {
        if node.has_tag_name("renderer-v2") {
            fields.extend(node.attribute("attr").map(str::to_string));
        }
        if node.has_tag_name("text-style") {
            let text = node.attribute("fieldName").expect("a label field");
            if node.attribute("isExpression") == Some("1") {
                let names = expression_fields(text);
                assert!(!names.is_empty(), "label expression without fields: {text}");
                fields.extend(names);
            } else {
                fields.push(text.to_string());
            }
        }
    }
    fields
}

/// Property names of the first feature of a GeoJSON file.
fn first_feature_fields(path: &Path) -> BTreeSet<String> {
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let features = json["features"].as_array().unwrap();
    assert!(!features.is_empty(), "{} has no features", path.display());
    features[0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// Checks `name.qml` against `name.geojson` in `dir`; returns the style text.
fn check_style(dir: &Path, name: &str, expected_renderer: &str) -> String {
    let qml = fs::read_to_string(dir.join(format!("{name}.qml")))
        .unwrap_or_else(|e| panic!("{name}.qml: {e}"));
    let available = first_feature_fields(&dir.join(format!("{name}.geojson")));
    let referenced = referenced_fields(&qml);
    assert!(!referenced.is_empty(), "{name}.qml references no field");
    for field in &referenced {
        assert!(
            available.contains(field),
            "{name}.qml references `{field}`, not a field of {name}.geojson: {available:?}"
        );
    }
    let doc = roxmltree::Document::parse(&qml).unwrap();
    let renderer = doc
        .descendants()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    assert_eq!(
        renderer.attribute("type"),
        Some(expected_renderer),
        "{name}"
    );
    qml
}

#[test]
fn expression_fields_are_the_double_quoted_names() {
    assert_eq!(
        expression_fields(r#"'#' || "rank" || ' "not" ' || format_number("a""b", 0)"#),
        ["rank", "a\"b"]
    );
}

#[test]
fn every_style_references_only_fields_of_its_layer() {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city");
    write_city(
        &city,
        &SynthOptions {
            blocks: 1500,
            seed: 3,
        },
    )
    .unwrap();
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(city.join("city.toml"))
        .args(["--service-areas", "--out"])
        .arg(&out)
        .assert()
        .success();

    let blocks = check_style(&out, "blocks", "categorizedSymbol");
    let doc = roxmltree::Document::parse(&blocks).unwrap();
    let renderer = doc
        .descendants()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    assert_eq!(renderer.attribute("attr"), Some("basic_met"));
    let values: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("category"))
        .map(|n| n.attribute("value").unwrap())
        .collect();
    assert_eq!(values, ["true", "false"]);
    // The categories match the values the layer really has.
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("blocks.geojson")).unwrap()).unwrap();
    let met: BTreeSet<String> = json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["basic_met"].to_string())
        .collect();
    assert_eq!(met, BTreeSet::from(["false".into(), "true".into()]));

    let gaps = check_style(&out, "gaps", "singleSymbol");
    assert!(gaps.contains("<labeling type=\"simple\">"));
    check_style(&out, "service_areas", "graduatedSymbol");

    let sites = dir.path().join("sites");
    carecircle()
        .arg("site")
        .arg(city.join("city.toml"))
        .args([
            "--circle", "basic", "--kind", "care_bed", "--count", "3", "--out",
        ])
        .arg(&sites)
        .assert()
        .success();
    check_style(&sites, "sites", "singleSymbol");
}
