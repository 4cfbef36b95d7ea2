//! Drawing a [`Scene`] with its texts on any plotters backend, so the SVG and the PNG show
//! the same map: streets and barriers faintly under the blocks, then gap zones, markers,
//! suggested sites and zone labels, then the title, scale bar, north arrow, legend and credit.

use super::fonts::{text_width, Fonts};
use super::legend::legend;
use super::place::{place, Rect};
use super::scene::{BlockLayer, Px, Rgb, Scene, FRAME, GAP, HEIGHT, WIDTH};
use super::symbols::{err, marker, rgb, site, write, SITE_PX};
use super::text::{scale_bar, Labels};
use super::MapError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Streets: thin and light, under the blocks.
pub const STREET: Rgb = (200, 200, 200);
/// Barriers (rivers, railways…): a little darker and wider than streets.
pub const BARRIER: Rgb = (120, 150, 190);
/// Barrier line width in pixels.
pub const BARRIER_PX: u32 = 2;
/// Zone labels' text size.
const ZONE_LABEL_SIZE: u32 = 17;

/// Draws the whole page.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    labels: &Labels,
    fonts: Fonts,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    lines(root, &scene.streets, rgb(STREET).stroke_width(1))?;
    lines(root, &scene.barriers, rgb(BARRIER).stroke_width(BARRIER_PX))?;
    blocks(root, &scene.blocks)?;
    overlays(root, scene, fonts)?;
    zone_labels(root, scene, &labels.zones, fonts)?;
    margins(root)?;
    titles(root, labels, fonts)?;
    scale(root, scene.scale, fonts)?;
    north_arrow(root, labels.north, fonts)?;
    legend(root, fonts, labels)?;
    match &labels.attribution {
        Some(credit) => {
            let at = (FRAME.2, FRAME.3 + 4);
            write(
                root,
                fonts,
                credit,
                at,
                (14, (80, 80, 80)),
                (HPos::Right, VPos::Top),
            )
        }
        None => Ok(()),
    }
}

/// Lines in `style`.
fn lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[Vec<Px>],
    style: ShapeStyle,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    for line in lines {
        root.draw(&PathElement::new(line.clone(), style))
            .map_err(err)?;
    }
    Ok(())
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

/// Over the blocks: gap zones, facility markers and suggested sites.
fn overlays<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    fonts: Fonts,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    for ring in &scene.gaps {
        root.draw(&PathElement::new(ring.clone(), rgb(GAP).stroke_width(3)))
            .map_err(err)?;
    }
    for (k, points) in &scene.facilities {
        for p in points {
            marker(root, *k, *p, scene.marker_px)?;
        }
    }
    for s in &scene.sites {
        site(root, fonts, s.at, s.layer, Some(s.rank))?;
    }
    Ok(())
}

/// The labels of the largest gap zones on a light box each, where [`place`] finds room.
fn zone_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    texts: &[String],
    fonts: Fonts,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let size = ZONE_LABEL_SIZE;
    let wanted: Vec<(Px, i32, i32)> = scene
        .zone_anchors
        .iter()
        .zip(texts)
        .map(|(&(_, at), text)| (at, text_width(text, f64::from(size)).ceil() as i32 + 8, 24))
        .collect();
    // Kept clear: the north arrow, the scale bar and the suggested sites.
    let r = SITE_PX + 2;
    let blocked: Vec<Rect> = [
        (FRAME.2 - 70, FRAME.1, FRAME.2, FRAME.1 + 80),
        (FRAME.0, FRAME.3 - 80, FRAME.0 + 300, FRAME.3),
    ]
    .into_iter()
    .chain(
        scene
            .sites
            .iter()
            .map(|s| (s.at.0 - r, s.at.1 - r, s.at.0 + r, s.at.1 + r)),
    )
    .collect();
    for (placed, text) in place(&wanted, &blocked).into_iter().zip(texts) {
        let Some((x0, y0, x1, y1)) = placed else {
            continue;
        };
        let backdrop = Rectangle::new([(x0, y0), (x1, y1)], WHITE.mix(0.85).filled());
        root.draw(&backdrop).map_err(err)?;
        root.draw(&Rectangle::new(
            [(x0, y0), (x1, y1)],
            rgb(GAP).stroke_width(1),
        ))
        .map_err(err)?;
        let centre = ((x0 + x1) / 2, (y0 + y1) / 2);
        let style = (size, (0, 0, 0));
        write(
            root,
            fonts,
            text,
            centre,
            style,
            (HPos::Center, VPos::Center),
        )?;
    }
    Ok(())
}

/// White outside the frame (streets and barriers reach beyond the blocks), and the frame.
fn margins<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let (w, h) = (WIDTH as i32, HEIGHT as i32);
    for band in [
        [(0, 0), (w, FRAME.1)],
        [(0, FRAME.3), (w, h)],
        [(0, FRAME.1), (FRAME.0, FRAME.3)],
        [(FRAME.2, FRAME.1), (w, FRAME.3)],
    ] {
        root.draw(&Rectangle::new(band, WHITE.filled()))
            .map_err(err)?;
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
    fonts: Fonts,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let top_left = (HPos::Left, VPos::Top);
    write(
        root,
        fonts,
        &labels.title,
        (FRAME.0, 22),
        (36, (0, 0, 0)),
        top_left,
    )?;
    let style = (19, (80, 80, 80));
    write(
        root,
        fonts,
        &labels.subtitle,
        (FRAME.0, 66),
        style,
        top_left,
    )
}

/// The scale bar, bottom left inside the frame, for `scale_px_per_m`.
fn scale<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scale_px_per_m: f64,
    fonts: Fonts,
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
    let at = (x0 + bar / 2, y0 - 6);
    write(
        root,
        fonts,
        &label,
        at,
        (18, (0, 0, 0)),
        (HPos::Center, VPos::Bottom),
    )
}

/// The north arrow, top right inside the frame (the plane's y axis points north).
fn north_arrow<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    north: &str,
    fonts: Fonts,
) -> Result<(), MapError>
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
    let at = (nx, ny - 4);
    write(
        root,
        fonts,
        north,
        at,
        (22, (0, 0, 0)),
        (HPos::Center, VPos::Bottom),
    )
}
