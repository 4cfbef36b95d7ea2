//! Drawing a [`Scene`] with its title, legend, scale bar and north arrow on any plotters
//! backend, so the SVG and the PNG show the same map.

use super::scene::{
    mix, BlockLayer, Px, Rgb, Scene, CELL_PX, COVERED, FRAME, GAP, NOT_COVERED, WIDTH,
};
use super::MapError;
use crate::output::markers::{kind_marker, MarkerShape, SITE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The texts around the map.
pub struct Labels {
    /// The title (the view circle's coverage).
    pub title: String,
    /// The line under the title.
    pub subtitle: String,
    /// Facility kinds, one per layer, in layer order.
    pub kinds: Vec<String>,
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn err<E: std::error::Error + Send + Sync + 'static>(e: DrawingAreaErrorKind<E>) -> MapError {
    MapError::Draw(Box::new(e))
}

fn text(size: u32, colour: Rgb, h: HPos, v: VPos) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&rgb(colour))
        .pos(Pos::new(h, v))
}

/// Draws facility layer `k`'s marker at `p`: the shape and colour of [`kind_marker`].
fn marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    k: usize,
    p: Px,
    r: i32,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let (colour, shape) = kind_marker(k);
    let fill = rgb(colour).filled();
    let edge = if r >= 4 {
        BLACK.stroke_width(1)
    } else {
        TRANSPARENT.stroke_width(0)
    };
    let (x, y) = p;
    match shape {
        MarkerShape::Circle => {
            root.draw(&Circle::new(p, r, fill)).map_err(err)?;
            root.draw(&Circle::new(p, r, edge)).map_err(err)
        }
        MarkerShape::Square => {
            let corners = [(x - r, y - r), (x + r, y + r)];
            root.draw(&Rectangle::new(corners, fill)).map_err(err)?;
            root.draw(&Rectangle::new(corners, edge)).map_err(err)
        }
        MarkerShape::Triangle | MarkerShape::Diamond => {
            let s = r + 1;
            let points = if shape == MarkerShape::Triangle {
                vec![(x, y - s), (x + s, y + r), (x - s, y + r)]
            } else {
                vec![(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
            };
            root.draw(&Polygon::new(points.clone(), fill))
                .map_err(err)?;
            let mut ring = points.clone();
            ring.push(points[0]);
            root.draw(&PathElement::new(ring, edge)).map_err(err)
        }
    }
}

/// Draws a suggested site at `p`: a purple disc with a white edge and its rank inside.
fn site<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: Px,
    rank: usize,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    root.draw(&Circle::new(p, 12, WHITE.filled()))
        .map_err(err)?;
    root.draw(&Circle::new(p, 10, rgb(SITE).filled()))
        .map_err(err)?;
    root.draw(&Text::new(
        rank.to_string(),
        p,
        text(15, (255, 255, 255), HPos::Center, VPos::Center),
    ))
    .map_err(err)
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

/// Draws the whole page.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    labels: &Labels,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    blocks(root, &scene.blocks)?;
    overlays(root, scene)?;
    titles(root, labels)?;
    scale(root, scene.scale)?;
    north_arrow(root)?;
    legend(root, scene, &labels.kinds)
}

/// The blocks: polygons (a single pixel for a degenerate ring) or grid-cell runs.
fn blocks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    blocks: &BlockLayer,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    match blocks {
        BlockLayer::Polygons(polygons) => {
            for (ring, colour) in polygons {
                let style = rgb(*colour).filled();
                if ring.len() < 3 {
                    let (x, y) = ring[0];
                    root.draw(&Rectangle::new([(x, y), (x, y)], style))
                        .map_err(err)?;
                } else {
                    root.draw(&Polygon::new(ring.clone(), style)).map_err(err)?;
                }
            }
        }
        BlockLayer::Grid(runs) => {
            for (from, to, colour) in runs {
                root.draw(&Rectangle::new([*from, *to], rgb(*colour).filled()))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Over the blocks: gap zones, facility markers, suggested sites and the frame.
fn overlays<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    for ring in &scene.gaps {
        root.draw(&PathElement::new(ring.clone(), rgb(GAP).stroke_width(3)))
            .map_err(err)?;
    }
    for (k, points) in scene.facilities.iter().enumerate() {
        for p in points {
            marker(root, k, *p, scene.marker_px)?;
        }
    }
    for &(p, rank) in &scene.sites {
        site(root, p, rank)?;
    }
    let frame = [(FRAME.0, FRAME.1), (FRAME.2, FRAME.3)];
    root.draw(&Rectangle::new(
        frame,
        RGBColor(150, 150, 150).stroke_width(1),
    ))
    .map_err(err)
}

/// The title and the line under it, above the frame.
fn titles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &Labels,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    root.draw(&Text::new(
        labels.title.clone(),
        (FRAME.0, 22),
        text(36, (0, 0, 0), HPos::Left, VPos::Top),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        labels.subtitle.clone(),
        (FRAME.0, 66),
        text(19, (80, 80, 80), HPos::Left, VPos::Top),
    ))
    .map_err(err)
}

/// The scale bar, bottom left inside the frame, for `scale_px_per_m`.
fn scale<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scale_px_per_m: f64,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let (metres, label) = scale_bar(scale_px_per_m, 240.0);
    let bar = (metres * scale_px_per_m).round().max(1.0) as i32;
    let (x0, y0) = (FRAME.0 + 20, FRAME.3 - 34);
    root.draw(&Rectangle::new(
        [(x0 - 10, y0 - 34), (x0 + bar + 14, y0 + 20)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(err)?;
    let half = bar / 2;
    root.draw(&Rectangle::new(
        [(x0, y0), (x0 + half, y0 + 8)],
        BLACK.filled(),
    ))
    .map_err(err)?;
    root.draw(&Rectangle::new(
        [(x0, y0), (x0 + bar, y0 + 8)],
        BLACK.stroke_width(1),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        label,
        (x0 + bar / 2, y0 - 6),
        text(18, (0, 0, 0), HPos::Center, VPos::Bottom),
    ))
    .map_err(err)
}

/// The north arrow, top right inside the frame (the plane's y axis points north).
fn north_arrow<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let (nx, ny) = (FRAME.2 - 44, FRAME.1 + 30);
    root.draw(&Polygon::new(
        vec![
            (nx, ny),
            (nx + 14, ny + 40),
            (nx, ny + 30),
            (nx - 14, ny + 40),
        ],
        BLACK.filled(),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "N",
        (nx, ny - 4),
        text(22, (0, 0, 0), HPos::Center, VPos::Bottom),
    ))
    .map_err(err)
}

/// The gap between two legend entries, in pixels.
const LEGEND_STEP: i32 = 34;

/// The legend, right of the frame: a heading, the block colours, one marker per facility
/// kind, the gap zone, the suggested site when there are any, and a note on grid cells.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    kinds: &[String],
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let lx = FRAME.2 + 24;
    let mut y = FRAME.1;
    root.draw(&Text::new(
        "Legend",
        (lx, y),
        text(26, (0, 0, 0), HPos::Left, VPos::Top),
    ))
    .map_err(err)?;
    y += 44;
    for (colour, name) in swatches(&scene.blocks) {
        root.draw(&Rectangle::new(
            [(lx, y), (lx + 32, y + 20)],
            rgb(colour).filled(),
        ))
        .map_err(err)?;
        legend_label(root, (lx, y), name)?;
        y += LEGEND_STEP;
    }
    for (k, kind) in kinds.iter().enumerate() {
        marker(root, k, (lx + 16, y + 10), 5)?;
        legend_label(root, (lx, y), kind)?;
        y += LEGEND_STEP;
    }
    root.draw(&Rectangle::new(
        [(lx + 2, y + 2), (lx + 30, y + 18)],
        rgb(GAP).stroke_width(3),
    ))
    .map_err(err)?;
    legend_label(root, (lx, y), "gap zone")?;
    y += LEGEND_STEP;
    if !scene.sites.is_empty() {
        site(root, (lx + 16, y + 10), 1)?;
        legend_label(root, (lx, y), "suggested site (rank)")?;
        y += LEGEND_STEP;
    }
    if let BlockLayer::Grid(_) = scene.blocks {
        grid_note(root, (lx, y + 14))?;
    }
    debug_assert!(lx < WIDTH as i32);
    Ok(())
}

/// The label of the legend row whose key is drawn at `(x, y)`.
fn legend_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    label: &str,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    root.draw(&Text::new(
        label.to_string(),
        (x + 44, y + 10),
        text(20, (0, 0, 0), HPos::Left, VPos::Center),
    ))
    .map_err(err)
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

/// The note under the legend that blocks are aggregated into grid cells, from `(x, y)` down.
fn grid_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, mut y): (i32, i32),
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    for line in [
        format!("Blocks aggregated to {CELL_PX} px cells,"),
        "coloured by the share of".to_string(),
        "elderly covered.".to_string(),
    ] {
        root.draw(&Text::new(
            line,
            (x, y),
            text(17, (60, 60, 60), HPos::Left, VPos::Top),
        ))
        .map_err(err)?;
        y += 24;
    }
    Ok(())
}
