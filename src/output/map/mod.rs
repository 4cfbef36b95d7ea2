//! `map.svg` and `map.png`: an A4 landscape overview map (1754 × 1240 px, 150 dpi) of the view
//! circle — blocks green (covered) or orange (not covered), the streets and barriers faintly
//! beneath them when results are on foot, markers of the facilities the circle's requirements
//! count, gap zones outlined in red with the largest labelled, suggested sites, a legend of
//! what is on the map, a scale bar, a north arrow, the coverage in the title and the data's
//! credit.
//!
//! Drawn in the report's metric plane, north up. Cities with more blocks than
//! [`GRID_THRESHOLD`] are aggregated into small grid cells coloured by the share of elderly
//! covered. Drawing is single-threaded and in input order, so the files are reproducible.
//! Every word on the map comes from `text.rs`.

mod draw;
mod fonts;
mod legend;
mod lines;
mod place;
mod scene;
mod symbols;
mod text;

use super::atomic::{write_atomically, ProtectedInputs};
use crate::config::Filter;
use crate::lang::Lang;
use fonts::{needs_fallback, register_fonts, Fonts};
use geo::{Coord, Geometry, LineString, MultiPolygon};
use plotters::prelude::*;
use std::io::{self, Write};
use std::path::Path;
use text::Labels;

pub use fonts::{CJK_FONT_PATHS, FONT_VARIABLE};
pub use scene::{COVERED, HEIGHT, NOT_COVERED, WIDTH};
pub use text::{map_title, scale_bar};

/// Above this many blocks the map aggregates blocks into grid cells.
pub const GRID_THRESHOLD: usize = 200_000;

/// Why the map cannot be drawn.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The embedded font cannot be loaded.
    #[error("cannot load the embedded map font")]
    Font,
    /// Drawing failed (the backend's error is in the message).
    #[error("cannot draw the map: {0}")]
    Draw(Box<dyn std::error::Error + Send + Sync>),
    /// The drawing cannot be finished (the backend's error is the message).
    #[error("{0}")]
    Present(Box<dyn std::error::Error + Send + Sync>),
    /// The PNG cannot be encoded.
    #[error(transparent)]
    Png(#[from] ::png::EncodingError),
}

/// The facilities one requirement of the view circle counts.
pub struct MapLayer<'a> {
    /// Their kind.
    pub kind: &'a str,
    /// What people read for the kind (the manifest layer's `label`), when it has one.
    pub label: Option<&'a str>,
    /// The requirement's filter (the legend says which facilities count).
    pub filter: &'a Filter,
    /// The layer's place among the city's layers: its marker's colour and shape, those of
    /// `facilities.qml`.
    pub marker: usize,
    /// The locations of the facilities that count, in the plane's metres.
    pub locations: Vec<Coord<f64>>,
}

/// A gap zone of the view circle.
pub struct MapZone {
    /// Its outline.
    pub outline: MultiPolygon<f64>,
    /// Its rank in the circle.
    pub rank: usize,
    /// Elderly people in it.
    pub elderly: f64,
    /// The name its label shows (its block with the most elderly), when blocks have names.
    pub place: Option<String>,
}

/// A suggested new site.
pub struct MapSite {
    /// Where, in the plane's metres.
    pub at: Coord<f64>,
    /// Its rank among its requirement's suggestions.
    pub rank: usize,
    /// The requirement (index in [`MapData::layers`]) it is suggested for.
    pub layer: usize,
}

/// What the map shows; every geometry in the report's plane (metres, x east, y north).
pub struct MapData<'a> {
    /// The title.
    pub title: String,
    /// Block outlines.
    pub outlines: &'a [MultiPolygon<f64>],
    /// Block centroids (placing blocks in grid cells).
    pub centroids: &'a [Coord<f64>],
    /// Elderly per block.
    pub elderly: &'a [f64],
    /// Whether each block meets the view circle.
    pub met: &'a [bool],
    /// Street centrelines, drawn under the blocks (empty unless results are on foot).
    pub streets: &'a [LineString<f64>],
    /// Barriers (lines and areas), drawn under the blocks (empty unless on foot).
    pub barriers: &'a [Geometry<f64>],
    /// One layer per requirement of the view circle, in its order.
    pub layers: Vec<MapLayer<'a>>,
    /// The view circle's gap zones.
    pub gaps: Vec<MapZone>,
    /// Suggested new sites (`report --sites`).
    pub sites: Vec<MapSite>,
    /// The data's credit line (`© OpenStreetMap contributors`), drawn under the map.
    pub attribution: Option<String>,
    /// The language of the map's words (title, legend, labels).
    pub lang: Lang,
}

/// A drawn map.
pub struct Drawn {
    /// The SVG text.
    pub svg: String,
    /// What the reader should know: the PNG cannot show some text.
    pub warnings: Vec<String>,
}

/// A map ready to draw on both backends.
struct Prepared {
    scene: scene::Scene,
    labels: Labels,
    /// The fonts the PNG has.
    png_fonts: Fonts,
    /// What the PNG cannot show.
    warnings: Vec<String>,
}

/// Registers the fonts and builds the scene and its texts.
fn prepare(map: &MapData, grid_threshold: usize) -> Result<Prepared, MapError> {
    let png_fonts = register_fonts()?;
    let scene = scene::build(map, grid_threshold);
    let labels = text::labels(map, &scene);
    let warnings = font_warnings(&labels, png_fonts);
    Ok(Prepared {
        scene,
        labels,
        png_fonts,
        warnings,
    })
}

/// The warning that the PNG cannot draw some of `labels` with `fonts`, when it cannot.
fn font_warnings(labels: &Labels, fonts: Fonts) -> Vec<String> {
    let texts = [&labels.title, &labels.subtitle]
        .into_iter()
        .chain(labels.layers.iter().map(|l| &l.1))
        .chain(labels.sites.iter().map(|l| &l.1))
        .chain(&labels.zones)
        .chain(&labels.attribution);
    let unseen = !fonts.fallback && texts.into_iter().any(|t| needs_fallback(t));
    unseen
        .then(text::missing_font_warning)
        .into_iter()
        .collect()
}

/// The map as SVG text; blocks are aggregated above `grid_threshold` blocks.
pub fn render_svg(map: &MapData, grid_threshold: usize) -> Result<String, MapError> {
    let map = prepare(map, grid_threshold)?;
    render_svg_scene(&map.scene, &map.labels)
}

/// The map as PNG bytes; blocks are aggregated above `grid_threshold` blocks.
pub fn render_png(map: &MapData, grid_threshold: usize) -> Result<Vec<u8>, MapError> {
    let map = prepare(map, grid_threshold)?;
    render_png_scene(&map.scene, &map.labels, map.png_fonts)
}

/// SVG text names the CJK fonts for texts DejaVu cannot draw: the viewer draws them.
fn render_svg_scene(scene: &scene::Scene, labels: &Labels) -> Result<String, MapError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw::draw(&root, scene, labels, Fonts { fallback: true })?;
        root.present().map_err(|e| MapError::Present(Box::new(e)))?;
    }
    Ok(svg)
}

fn render_png_scene(
    scene: &scene::Scene,
    labels: &Labels,
    fonts: Fonts,
) -> Result<Vec<u8>, MapError> {
    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw::draw(&root, scene, labels, fonts)?;
        root.present().map_err(|e| MapError::Present(Box::new(e)))?;
    }
    let mut png = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(png)
}

/// Writes `map.svg` and `map.png`, each atomically; returns the SVG text (which the HTML
/// report shows inline) and the warnings (a PNG without a font for its CJK text).
pub fn write_map(
    svg_path: &Path,
    png_path: &Path,
    protected: &ProtectedInputs,
    map: &MapData,
) -> io::Result<Drawn> {
    let fail = |path: &Path, e: MapError| {
        io::Error::other(format!("cannot write {}: {e}", path.display()))
    };
    let map = prepare(map, GRID_THRESHOLD).map_err(|e| fail(svg_path, e))?;
    let svg = render_svg_scene(&map.scene, &map.labels).map_err(|e| fail(svg_path, e))?;
    let png =
        render_png_scene(&map.scene, &map.labels, map.png_fonts).map_err(|e| fail(png_path, e))?;
    write_atomically(svg_path, protected, |out| out.write_all(svg.as_bytes()))?;
    write_atomically(png_path, protected, |out| out.write_all(&png))?;
    Ok(Drawn {
        svg,
        warnings: map.warnings,
    })
}

#[cfg(test)]
mod tests;
