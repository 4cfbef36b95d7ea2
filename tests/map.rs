//! The overview map of a real report: what it draws depends on the view circle and the
//! distance mode (issue 15, item 2).

mod common;

use common::{report, synth_city};
use std::fs;
use std::path::Path;

/// The street colour of `map.svg`.
const STREET: &str = "#C8C8C8";

/// `map.svg` of a report on `city` with `extra` arguments into `out`.
fn map_svg(city: &Path, out: &Path, extra: &[&str]) -> String {
    report(city, out, extra).success();
    fs::read_to_string(out.join("map.svg")).unwrap()
}

/// Every `<text>` of an SVG, and how many `tag` elements have `stroke` `colour`.
fn texts_and_strokes(svg: &str, tag: &str, colour: &str) -> (Vec<String>, usize) {
    let doc = roxmltree::Document::parse(svg).expect("map.svg is well-formed XML");
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect();
    let strokes = doc
        .descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("stroke") == Some(colour))
        .count();
    (texts, strokes)
}

#[test]
fn streets_are_drawn_only_when_results_are_on_foot() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 800, 3);
    let walking = map_svg(&city, &dir.path().join("walk"), &[]);
    let straight = map_svg(
        &city,
        &dir.path().join("straight"),
        &["--distance", "straight"],
    );
    let (texts, streets) = texts_and_strokes(&walking, "polyline", STREET);
    // Many streets, and the legend's key.
    assert!(streets > 20, "{streets} street lines");
    assert!(texts.iter().any(|t| t == "street"), "{texts:?}");
    let (texts, streets) = texts_and_strokes(&straight, "polyline", STREET);
    assert_eq!(streets, 0);
    assert!(!texts.iter().any(|t| t == "street"), "{texts:?}");
    assert!(!texts.iter().any(|t| t.starts_with("barrier")), "{texts:?}");
}

#[test]
fn each_view_draws_the_kinds_its_requirements_count() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 800, 3);
    let legend = |view: &str| {
        let out = dir.path().join(view);
        let args = ["--view", view, "--distance", "straight"];
        texts_and_strokes(&map_svg(&city, &out, &args), "polyline", STREET).0
    };
    let kinds = ["care bed", "responder", "hospital (tertiary)", "hospice"];
    let shown = |texts: &[String]| -> Vec<&str> {
        kinds
            .into_iter()
            .filter(|k| texts.iter().any(|t| t == k))
            .collect()
    };
    assert_eq!(shown(&legend("basic")), ["care bed", "responder"]);
    assert_eq!(shown(&legend("specialty")), ["hospital (tertiary)"]);
    assert_eq!(shown(&legend("extended")), ["hospice"]);
}
