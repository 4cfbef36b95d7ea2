//! The legend, right of the map frame: the block colours, the streets and barriers when drawn,
//! one marker per facility layer with a marker on the map, the gap zone, the suggested sites
//! per layer when there are any, and the note on grid cells.

use super::draw::{BARRIER, BARRIER_PX, STREET};
use super::fonts::Fonts;
use super::scene::{Px, Rgb, FRAME, GAP};
use super::symbols::{err, marker, rgb, site, write};
use super::text::Labels;
use super::MapError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The gap between two legend entries, in pixels.
const LEGEND_STEP: i32 = 34;

/// Draws the legend.
pub fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fonts: Fonts,
    labels: &Labels,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let lx = FRAME.2 + 24;
    let mut y = FRAME.1;
    let heading = (26, (0, 0, 0));
    write(
        root,
        fonts,
        labels.legend,
        (lx, y),
        heading,
        (HPos::Left, VPos::Top),
    )?;
    y += 44;
    for (colour, name) in &labels.swatches {
        let corners = [(lx, y), (lx + 32, y + 20)];
        root.draw(&Rectangle::new(corners, rgb(*colour).filled()))
            .map_err(err)?;
        entry(root, fonts, (lx, y), name)?;
        y += LEGEND_STEP;
    }
    let lines = [
        (labels.streets, STREET, 1),
        (labels.barriers, BARRIER, BARRIER_PX),
    ];
    for (name, colour, width) in lines {
        if let Some(name) = name {
            line(root, (lx, y), colour, width)?;
            entry(root, fonts, (lx, y), name)?;
            y += LEGEND_STEP;
        }
    }
    for (k, name) in &labels.layers {
        marker(root, *k, (lx + 16, y + 10), 5)?;
        entry(root, fonts, (lx, y), name)?;
        y += LEGEND_STEP;
    }
    let outline = [(lx + 2, y + 2), (lx + 30, y + 18)];
    root.draw(&Rectangle::new(outline, rgb(GAP).stroke_width(3)))
        .map_err(err)?;
    entry(root, fonts, (lx, y), labels.gap_zone)?;
    y += LEGEND_STEP;
    y = sites(root, fonts, labels, (lx, y))?;
    let note = (17, (60, 60, 60));
    for (i, text) in labels.grid_note.iter().enumerate() {
        let at = (lx, y + 14 + 24 * i as i32);
        write(root, fonts, text, at, note, (HPos::Left, VPos::Top))?;
    }
    Ok(())
}

/// The suggested sites' heading and one entry per layer, from `(x, y)` down; returns where
/// the next entry goes.
fn sites<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fonts: Fonts,
    labels: &Labels,
    (x, mut y): Px,
) -> Result<i32, MapError>
where
    DB::ErrorType: 'static,
{
    if labels.sites.is_empty() {
        return Ok(y);
    }
    let heading = (20, (0, 0, 0));
    write(
        root,
        fonts,
        labels.sites_heading,
        (x, y + 10),
        heading,
        (HPos::Left, VPos::Center),
    )?;
    y += LEGEND_STEP;
    for (k, name) in &labels.sites {
        site(root, fonts, (x + 16, y + 10), *k, None)?;
        entry(root, fonts, (x, y), name)?;
        y += LEGEND_STEP;
    }
    Ok(y)
}

/// A line key of `colour` and `width` for the row at `(x, y)`.
fn line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): Px,
    colour: Rgb,
    width: u32,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let style = rgb(colour).stroke_width(width);
    root.draw(&PathElement::new(
        vec![(x, y + 10), (x + 32, y + 10)],
        style,
    ))
    .map_err(err)
}

/// The label of the legend row whose key is drawn at `(x, y)`.
fn entry<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fonts: Fonts,
    (x, y): Px,
    label: &str,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let style = (20, (0, 0, 0));
    write(
        root,
        fonts,
        label,
        (x + 44, y + 10),
        style,
        (HPos::Left, VPos::Center),
    )
}
