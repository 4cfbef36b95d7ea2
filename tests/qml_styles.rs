//! The QGIS styles written beside every GeoJSON: well-formed XML that references only
//! fields its layer has.

mod common;

use common::{carecircle, synth_city};
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
        if node.has_tag_name("rule") {
            fields.extend(
                node.attribute("filter")
                    .map(expression_fields)
                    .unwrap_or_default(),
            );
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

/// A categorized style's attribute and its categories as (value, symbol name).
fn renderer_categories(qml: &str) -> (String, Vec<(String, String)>) {
    let doc = roxmltree::Document::parse(qml).unwrap();
    let renderer = doc
        .descendants()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    let categories = doc
        .descendants()
        .filter(|n| n.has_tag_name("category"))
        .map(|n| {
            let attribute = |a: &str| n.attribute(a).unwrap().to_string();
            (attribute("value"), attribute("symbol"))
        })
        .collect();
    (renderer.attribute("attr").unwrap().to_string(), categories)
}

/// The values a field takes in a GeoJSON layer, as JSON text.
fn layer_values(path: &Path, field: &str) -> BTreeSet<String> {
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"][field].to_string())
        .collect()
}

/// A symbol's marker shape and colour.
fn marker(qml: &str, symbol: &str) -> (String, String) {
    let doc = roxmltree::Document::parse(qml).unwrap();
    let symbol = doc
        .descendants()
        .find(|n| n.has_tag_name("symbol") && n.attribute("name") == Some(symbol))
        .unwrap();
    let option = |name: &str| {
        symbol
            .descendants()
            .find(|o| o.attribute("name") == Some(name))
            .and_then(|o| o.attribute("value"))
            .unwrap()
            .to_string()
    };
    (option("name"), option("color"))
}

/// Gap zones: one rule per circle filtering on `circle`, only the view circle's checked
/// and labelled, labels that never overlap, higher ranks first.
fn check_gaps_style(out: &Path, view: &str) {
    let qml = check_style(out, "gaps", "RuleRenderer");
    let doc = roxmltree::Document::parse(&qml).unwrap();
    let rules = |parent: &str| -> Vec<roxmltree::Node> {
        doc.descendants()
            .filter(|n| n.has_tag_name(parent))
            .flat_map(|n| n.descendants().filter(|r| r.has_tag_name("rule")))
            .collect()
    };
    let circles = ["basic", "specialty", "extended"];
    let drawn = rules("renderer-v2");
    assert_eq!(drawn.len(), circles.len());
    for (rule, circle) in drawn.iter().zip(circles) {
        assert_eq!(
            rule.attribute("filter"),
            Some(format!("\"circle\" = '{circle}'").as_str())
        );
        assert_eq!(rule.attribute("label"), Some(circle));
        let on = rule.attribute("checkstate") != Some("0");
        assert_eq!(on, circle == view, "{circle}");
    }
    let labelled = rules("labeling");
    assert_eq!(labelled.len(), circles.len());
    for (rule, circle) in labelled.iter().zip(circles) {
        assert_eq!(
            rule.attribute("active"),
            Some(if circle == view { "1" } else { "0" })
        );
        let rendering = rule
            .descendants()
            .find(|n| n.has_tag_name("rendering"))
            .unwrap();
        assert_eq!(
            rendering.attribute("displayAll"),
            Some("0"),
            "no overlapping labels"
        );
        let priority = rule
            .descendants()
            .find(|n| n.attribute("name") == Some("Priority"))
            .expect("a priority by rank");
        let expression = priority
            .descendants()
            .find(|n| n.attribute("name") == Some("expression"))
            .and_then(|n| n.attribute("value"))
            .unwrap();
        assert_eq!(expression_fields(expression), ["rank"]);
    }
    // Every circle in the layer has its rule.
    let present = layer_values(&out.join("gaps.geojson"), "circle");
    let named: BTreeSet<String> = circles
        .iter()
        .map(|c| serde_json::Value::from(*c).to_string())
        .collect();
    assert!(
        !present.is_empty() && present.is_subset(&named),
        "{present:?}"
    );
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
    let manifest = synth_city(&dir.path().join("city"), 1500, 3);
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--service-areas", "--sites", "2", "--out"])
        .arg(&out)
        .assert()
        .success();

    let blocks = check_style(&out, "blocks", "categorizedSymbol");
    let (attr, categories) = renderer_categories(&blocks);
    assert_eq!(attr, "basic_met");
    let values: Vec<&str> = categories.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(values, ["true", "false"]);
    // The categories match the values the layer really has.
    assert_eq!(
        layer_values(&out.join("blocks.geojson"), "basic_met"),
        BTreeSet::from(["false".into(), "true".into()])
    );

    check_gaps_style(&out, "basic");
    let extended = dir.path().join("out-extended");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--view", "extended", "--out"])
        .arg(&extended)
        .assert()
        .success();
    check_gaps_style(&extended, "extended");

    // Report sites: a category for every value the layer has.
    let (name, attr) = ("sites", "kind");
    let qml = check_style(&out, name, "categorizedSymbol");
    assert!(qml.contains("<labeling type=\"simple\">"), "{name}");
    let (field, categories) = renderer_categories(&qml);
    assert_eq!(field, attr);
    let values: BTreeSet<String> = categories
        .iter()
        .map(|(v, _)| serde_json::Value::from(v.as_str()).to_string())
        .collect();
    let present = layer_values(&out.join(format!("{name}.geojson")), attr);
    assert!(
        !present.is_empty() && present.is_subset(&values),
        "{name}: {present:?} not all in {values:?}"
    );
    check_style(&out, "service_areas", "graduatedSymbol");

    // Facilities: one category per kind of the city, each with its own marker shape and
    // colour, and the categories are the kinds the layer has.
    let facilities = check_style(&out, "facilities", "categorizedSymbol");
    let (attr, categories) = renderer_categories(&facilities);
    assert_eq!(attr, "kind");
    // Kinds as JSON text, as `layer_values` gives them.
    let values: BTreeSet<String> = categories
        .iter()
        .map(|(v, _)| serde_json::Value::from(v.as_str()).to_string())
        .collect();
    assert_eq!(
        values,
        layer_values(&out.join("facilities.geojson"), "kind")
    );
    let markers: Vec<(String, String)> = categories
        .iter()
        .map(|(_, symbol)| marker(&facilities, symbol))
        .collect();
    let shapes: BTreeSet<&str> = markers.iter().map(|(s, _)| s.as_str()).collect();
    let colours: BTreeSet<&str> = markers.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(
        (shapes.len(), colours.len()),
        (categories.len(), categories.len()),
        "a distinct shape and colour per kind: {markers:?}"
    );

    let sites = dir.path().join("sites");
    carecircle()
        .arg("site")
        .arg(&manifest)
        .args([
            "--circle", "basic", "--kind", "care_bed", "--count", "3", "--out",
        ])
        .arg(&sites)
        .assert()
        .success();
    check_style(&sites, "sites", "categorizedSymbol");
}
