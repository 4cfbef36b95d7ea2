//! `map.svg` and `map.png`: an A4 landscape overview map (1754 × 1240 px, 150 dpi) of the view
//! circle — blocks green (covered) or orange (not covered), facility markers per kind, gap
//! zones outlined in red, a legend, a scale bar, a north arrow and the coverage in the title.
//!
//! Drawn in the report's metric plane, north up. Cities with more blocks than
//! [`GRID_THRESHOLD`] are aggregated into small grid cells coloured by the share of elderly
//! covered. Drawing is single-threaded and in input order, so the files are reproducible.

mod draw;
mod scene;

use super::atomic::{write_atomically, ProtectedInputs};
use crate::analysis::summary::CircleSummary;
use crate::output::format::thousands;
use draw::Labels;
use geo::{Coord, MultiPolygon};
use plotters::prelude::*;
use std::io::{self, Write};
use std::path::Path;
use std::sync::OnceLock;

pub use draw::scale_bar;
pub use scene::{COVERED, HEIGHT, NOT_COVERED, WIDTH};

/// Above this many blocks the map aggregates blocks into grid cells.
pub const GRID_THRESHOLD: usize = 200_000;

/// DejaVu Sans (see `assets/README.md`), embedded so drawing needs no system fonts.
static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

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

/// Registers the embedded font as plotters' `sans-serif`, once.
fn register_font() -> Result<(), MapError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let registered = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if registered {
        Ok(())
    } else {
        Err(MapError::Font)
    }
}

/// One facility layer on the map.
pub struct MapLayer<'a> {
    /// Its kind (the legend label).
    pub kind: &'a str,
    /// Its locations, in the plane's metres.
    pub locations: &'a [Coord<f64>],
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
    /// Facility layers.
    pub layers: Vec<MapLayer<'a>>,
    /// The view circle's gap zones.
    pub gaps: Vec<MultiPolygon<f64>>,
    /// Suggested new sites with their rank (`report --sites`).
    pub sites: Vec<(Coord<f64>, usize)>,
}

/// The title: `basic circle: 9.2 % of 162,374 elderly covered on foot`.
pub fn map_title(circle: &CircleSummary, walking: bool) -> String {
    format!(
        "{} circle: {} of {} elderly covered {}",
        circle.name,
        crate::output::format::percent(circle.elderly_met, circle.elderly_total),
        thousands(circle.elderly_total),
        if walking {
            "on foot"
        } else {
            "in a straight line"
        }
    )
}

fn labels(map: &MapData) -> Labels {
    Labels {
        title: map.title.clone(),
        subtitle: format!(
            "{} blocks, {} facility layer(s), {} gap zone(s); metres in a local transverse Mercator plane, north up",
            thousands(map.outlines.len() as f64),
            map.layers.len(),
            map.gaps.len()
        ),
        kinds: map.layers.iter().map(|l| l.kind.to_string()).collect(),
    }
}

/// The map as SVG text; blocks are aggregated above `grid_threshold` blocks.
pub fn render_svg(map: &MapData, grid_threshold: usize) -> Result<String, MapError> {
    render_svg_scene(&scene::build(map, grid_threshold), &labels(map))
}

/// The map as PNG bytes; blocks are aggregated above `grid_threshold` blocks.
pub fn render_png(map: &MapData, grid_threshold: usize) -> Result<Vec<u8>, MapError> {
    render_png_scene(&scene::build(map, grid_threshold), &labels(map))
}

fn render_svg_scene(scene: &scene::Scene, labels: &Labels) -> Result<String, MapError> {
    register_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw::draw(&root, scene, labels)?;
        root.present().map_err(|e| MapError::Present(Box::new(e)))?;
    }
    Ok(svg)
}

fn render_png_scene(scene: &scene::Scene, labels: &Labels) -> Result<Vec<u8>, MapError> {
    register_font()?;
    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw::draw(&root, scene, labels)?;
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

/// Writes `map.svg` and `map.png`, each atomically, and returns the SVG text (which the HTML
/// report shows inline).
pub fn write_map(
    svg_path: &Path,
    png_path: &Path,
    protected: &ProtectedInputs,
    map: &MapData,
) -> io::Result<String> {
    let scene = scene::build(map, GRID_THRESHOLD);
    let labels = labels(map);
    let fail = |path: &Path, e: MapError| {
        io::Error::other(format!("cannot write {}: {e}", path.display()))
    };
    let svg = render_svg_scene(&scene, &labels).map_err(|e| fail(svg_path, e))?;
    let png = render_png_scene(&scene, &labels).map_err(|e| fail(png_path, e))?;
    write_atomically(svg_path, protected, |out| out.write_all(svg.as_bytes()))?;
    write_atomically(png_path, protected, |out| out.write_all(&png))?;
    Ok(svg)
}

#[cfg(test)]
mod tests;
