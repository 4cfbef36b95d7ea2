//! Every word the map shows — title, subtitle, legend, zone labels, credit, scale-bar
//! lengths and the missing-font warning — built here and nowhere else, so that the map can be
//! translated in one place.

use super::scene::{mix, BlockLayer, Rgb, Scene, CELL_PX, COVERED, NOT_COVERED};
use super::{MapData, MapZone};
use crate::analysis::summary::CircleSummary;
use crate::config::filter::{Accepted, Filter, Scalar};
use crate::output::format::{percent, thousands};

/// The texts around and on the map.
pub struct Labels {
    /// The title (the view circle's coverage).
    pub title: String,
    /// The line under the title.
    pub subtitle: String,
    /// The legend's heading.
    pub legend: &'static str,
    /// The block colours and their meaning.
    pub swatches: Vec<(Rgb, &'static str)>,
    /// The street lines' entry, when streets are drawn.
    pub streets: Option<&'static str>,
    /// The barrier lines' entry, when barriers are drawn.
    pub barriers: Option<&'static str>,
    /// Per facility layer with a marker on the map: its marker (see [`super::MapLayer::marker`])
    /// and its entry (`hospital (tertiary)`).
    pub layers: Vec<(usize, String)>,
    /// The gap zone outline's entry.
    pub gap_zone: &'static str,
    /// The heading of the suggested sites' entries.
    pub sites_heading: &'static str,
    /// Per layer with a suggested site on the map: its index and entry.
    pub sites: Vec<(usize, String)>,
    /// The lines of the note on grid cells (none when blocks are drawn one by one).
    pub grid_note: Vec<String>,
    /// The labels of the largest gap zones, in the order of [`Scene::zone_anchors`].
    pub zones: Vec<String>,
    /// The data's credit line.
    pub attribution: Option<String>,
    /// The north arrow's letter.
    pub north: &'static str,
}

/// The title: `basic circle: 9.2 % of 162,374 elderly covered on foot`.
pub fn map_title(circle: &CircleSummary, walking: bool) -> String {
    format!(
        "{} circle: {} of {} elderly covered {}",
        circle.display_name(),
        percent(circle.elderly_met, circle.elderly_total),
        thousands(circle.elderly_total),
        if walking {
            "on foot"
        } else {
            "in a straight line"
        }
    )
}

/// The texts of `map` drawn as `scene`.
pub fn labels(map: &MapData, scene: &Scene) -> Labels {
    let layers: Vec<(usize, String)> = (0..map.layers.len())
        .filter(|&k| !scene.facilities[k].1.is_empty())
        .map(|k| (map.layers[k].marker, layer_words(map, k)))
        .collect();
    let mut site_layers: Vec<usize> = scene.sites.iter().map(|s| s.layer).collect();
    site_layers.sort_unstable();
    site_layers.dedup();
    Labels {
        title: map.title.clone(),
        subtitle: format!(
            "{} blocks, {} facility layer(s), {} gap zone(s); metres in a local transverse Mercator plane, north up",
            thousands(map.outlines.len() as f64),
            layers.len(),
            map.gaps.len()
        ),
        legend: "Legend",
        swatches: swatches(&scene.blocks),
        streets: (!scene.streets.is_empty()).then_some("street"),
        barriers: (!scene.barriers.is_empty()).then_some("barrier (river, railway…)"),
        layers,
        gap_zone: "gap zone",
        sites_heading: "Suggested sites, by rank:",
        sites: site_layers
            .into_iter()
            .map(|k| (k, layer_words(map, k)))
            .collect(),
        grid_note: grid_note(&scene.blocks),
        zones: scene
            .zone_anchors
            .iter()
            .map(|&(z, _)| zone_words(&map.gaps[z]))
            .collect(),
        attribution: map.attribution.clone(),
        north: "N",
    }
}

/// A layer's legend entry: its kind in words, with the requirement's filter when it has one
/// (`hospital (tertiary)`, `care bed (beds = 2)`).
fn layer_words(map: &MapData, k: usize) -> String {
    let layer = &map.layers[k];
    let kind = layer.label.map_or_else(|| words(layer.kind), String::from);
    if layer.filter.is_empty() {
        kind
    } else {
        format!("{kind} ({})", filter_words(layer.filter))
    }
}

/// A filter in words: accepted texts by themselves (`hospice or nursing home`), other
/// values with their field (`beds = 2`); fields joined with `, `.
pub fn filter_words(filter: &Filter) -> String {
    let field = |(name, accepted): (&String, &Accepted)| {
        let values = accepted.values();
        if values.iter().all(|v| matches!(v, Scalar::Text(_))) {
            let texts: Vec<String> = values.iter().map(|v| words(&v.as_text())).collect();
            texts.join(" or ")
        } else {
            let texts: Vec<_> = values.iter().map(|v| v.as_text()).collect();
            format!("{name} = {}", texts.join(" or "))
        }
    };
    let fields: Vec<String> = filter.0.iter().map(field).collect();
    fields.join(", ")
}

/// A snake_case name in words: `care_bed` → `care bed`.
fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// A gap zone's label: `#1 建國里: 1,234 elderly`, or `#1: 1,234 elderly` unnamed.
fn zone_words(zone: &MapZone) -> String {
    let elderly = thousands(zone.elderly);
    match &zone.place {
        Some(place) => format!("#{} {place}: {elderly} elderly", zone.rank),
        None => format!("#{}: {elderly} elderly", zone.rank),
    }
}

/// The legend's block colours: covered and not covered, or shares of elderly covered for
/// grid cells.
fn swatches(blocks: &BlockLayer) -> Vec<(Rgb, &'static str)> {
    match blocks {
        BlockLayer::Polygons(_) => vec![(COVERED, "covered"), (NOT_COVERED, "not covered")],
        BlockLayer::Grid(_) => vec![
            (COVERED, "covered (all elderly)"),
            (mix(NOT_COVERED, COVERED, 0.5), "half covered"),
            (NOT_COVERED, "not covered (none)"),
        ],
    }
}

/// The note under the legend that blocks are aggregated into grid cells.
fn grid_note(blocks: &BlockLayer) -> Vec<String> {
    match blocks {
        BlockLayer::Polygons(_) => Vec::new(),
        BlockLayer::Grid(_) => vec![
            format!("Blocks aggregated to {CELL_PX} px cells,"),
            "coloured by the share of".to_string(),
            "elderly covered.".to_string(),
        ],
    }
}

/// A round scale-bar length (1, 2 or 5 × a power of ten metres) at most `max_px` long, and
/// its label.
pub fn scale_bar(scale_px_per_m: f64, max_px: f64) -> (f64, String) {
    let mut best = 1.0;
    for power in 0..8 {
        for step in [1.0, 2.0, 5.0] {
            let m = step * 10f64.powi(power);
            if m * scale_px_per_m <= max_px {
                best = m;
            }
        }
    }
    let label = if best >= 1000.0 {
        format!("{} km", best / 1000.0)
    } else {
        format!("{best} m")
    };
    (best, label)
}

/// The warning when the map has text the embedded font cannot draw and no CJK font was found.
pub fn missing_font_warning() -> String {
    let variable = super::fonts::FONT_VARIABLE;
    format!(
        "map.png: its Chinese (CJK) text is drawn as empty boxes: no font with CJK glyphs was \
         found ({variable} unset or unusable, none in the usual places); install one \
         (`apt install fonts-noto-cjk`) or set {variable} to a .ttf, .otf or .ttc file. \
         map.svg has the text"
    )
}
