//! Every word the map shows — title, subtitle, legend, zone labels, credit, scale-bar
//! lengths and the missing-font warning — built here and nowhere else, so that the map can be
//! translated in one place.

use super::scene::{mix, BlockLayer, Rgb, Scene, CELL_PX, COVERED, NOT_COVERED};
use super::{MapData, MapZone};
use crate::analysis::summary::CircleSummary;
use crate::config::filter::{Accepted, Filter, Scalar};
use crate::lang::Lang;
use crate::output::format::{percent, plural, thousands};

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

/// The title: `basic circle: 9.2 % of 162,374 elderly covered on foot`; in Chinese
/// `basic：162,374 名老年人中 9.2 % 步行可达`.
pub fn map_title(circle: &CircleSummary, walking: bool, lang: Lang) -> String {
    let (name, how) = (circle.display_name(), lang.measured(walking));
    let (share, total) = (
        percent(circle.elderly_met, circle.elderly_total),
        thousands(circle.elderly_total),
    );
    match lang {
        Lang::En => format!("{name} circle: {share} of {total} elderly covered {how}"),
        Lang::Zh => format!("{name}：{total} 名老年人中 {share} {how}可达"),
    }
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
    let lang = map.lang;
    let (blocks, kinds, zones) = (
        thousands(map.outlines.len() as f64),
        layers.len(),
        map.gaps.len(),
    );
    Labels {
        title: map.title.clone(),
        subtitle: match lang {
            Lang::En => format!(
                "{blocks} blocks, {kinds} facility layer{}, {zones} gap zone{}; metres in a local transverse Mercator plane, north up",
                plural(kinds),
                plural(zones)
            ),
            Lang::Zh => format!(
                "{blocks} 个街坊、{kinds} 个设施图层、{zones} 个缺口片区；局部横轴墨卡托平面（米），上北"
            ),
        },
        legend: lang.pick("Legend", "图例"),
        swatches: swatches(&scene.blocks, lang),
        streets: (!scene.streets.is_empty()).then_some(lang.pick("street", "街道")),
        barriers: (!scene.barriers.is_empty())
            .then_some(lang.pick("barrier (river, railway…)", "障碍（河流、铁路…）")),
        layers,
        gap_zone: lang.pick("gap zone", "缺口片区"),
        sites_heading: lang.pick("Suggested sites, by rank:", "建议新增点位（按排名）："),
        sites: site_layers
            .into_iter()
            .map(|k| (k, layer_words(map, k)))
            .collect(),
        grid_note: grid_note(&scene.blocks, lang),
        zones: scene
            .zone_anchors
            .iter()
            .map(|&(z, _)| zone_words(&map.gaps[z], lang))
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
        format!("{kind} ({})", filter_words(layer.filter, map.lang))
    }
}

/// A filter in words: accepted texts by themselves (`hospice or nursing home`), other
/// values with their field (`beds = 2`); fields joined with `, `.
pub fn filter_words(filter: &Filter, lang: Lang) -> String {
    let or = lang.pick(" or ", " 或 ");
    let field = |(name, accepted): (&String, &Accepted)| {
        let values = accepted.values();
        if values.iter().all(|v| matches!(v, Scalar::Text(_))) {
            let texts: Vec<String> = values.iter().map(|v| words(&v.as_text())).collect();
            texts.join(or)
        } else {
            let texts: Vec<_> = values.iter().map(|v| v.as_text()).collect();
            format!("{name} = {}", texts.join(or))
        }
    };
    let fields: Vec<String> = filter.0.iter().map(field).collect();
    fields.join(", ")
}

/// A snake_case name in words: `care_bed` → `care bed`.
fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// A gap zone's label: `#1 建國里: 1,234 elderly`, or `#1: 1,234 elderly` unnamed; in
/// Chinese `#1 建國里：1,234 名老年人`.
fn zone_words(zone: &MapZone, lang: Lang) -> String {
    let elderly = thousands(zone.elderly);
    let place = zone
        .place
        .as_ref()
        .map_or(String::new(), |p| format!(" {p}"));
    match lang {
        Lang::En => format!("#{}{place}: {elderly} elderly", zone.rank),
        Lang::Zh => format!("#{}{place}：{elderly} 名老年人", zone.rank),
    }
}

/// The legend's block colours: covered and not covered, or shares of elderly covered for
/// grid cells.
fn swatches(blocks: &BlockLayer, lang: Lang) -> Vec<(Rgb, &'static str)> {
    match blocks {
        BlockLayer::Polygons(_) => vec![
            (COVERED, lang.pick("covered", "已覆盖")),
            (NOT_COVERED, lang.pick("not covered", "未覆盖")),
        ],
        BlockLayer::Grid(_) => vec![
            (
                COVERED,
                lang.pick("covered (all elderly)", "已覆盖（全部老年人）"),
            ),
            (
                mix(NOT_COVERED, COVERED, 0.5),
                lang.pick("half covered", "覆盖一半"),
            ),
            (NOT_COVERED, lang.pick("not covered (none)", "未覆盖（无）")),
        ],
    }
}

/// The note under the legend that blocks are aggregated into grid cells.
fn grid_note(blocks: &BlockLayer, lang: Lang) -> Vec<String> {
    match (blocks, lang) {
        (BlockLayer::Polygons(_), _) => Vec::new(),
        (BlockLayer::Grid(_), Lang::En) => vec![
            format!("Blocks aggregated to {CELL_PX} px cells,"),
            "coloured by the share of".to_string(),
            "elderly covered.".to_string(),
        ],
        (BlockLayer::Grid(_), Lang::Zh) => vec![
            format!("街坊聚合为 {CELL_PX} px 网格，"),
            "按老年人覆盖比例着色。".to_string(),
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
