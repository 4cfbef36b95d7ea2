//! The map's point symbols: facility markers (the colour and shape of [`kind_marker`], as in
//! `facilities.qml`) and suggested sites (the [`SITE`] colour, a shape per layer as in
//! `sites.qml`, the rank inside), and the one way text is written.

use super::fonts::Fonts;
use super::scene::{Px, Rgb};
use super::MapError;
use crate::output::markers::{kind_marker, MarkerShape, SITE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Radius of a suggested site's symbol.
pub const SITE_PX: i32 = 11;

/// A colour for plotters.
pub fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// A drawing error as a [`MapError`].
pub fn err<E: std::error::Error + Send + Sync + 'static>(e: DrawingAreaErrorKind<E>) -> MapError {
    MapError::Draw(Box::new(e))
}

/// Writes `content` at `at` in `size` and `colour`, anchored at `h`, `v`, in the family
/// `fonts` picks for it.
pub fn write<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fonts: Fonts,
    content: &str,
    at: Px,
    (size, colour): (u32, Rgb),
    (h, v): (HPos, VPos),
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let style = (fonts.family(content), size)
        .into_font()
        .color(&rgb(colour))
        .pos(Pos::new(h, v));
    root.draw(&Text::new(content.to_string(), at, style))
        .map_err(err)
}

/// Draws a `shape` of `colour` and radius `r` at `p`, edged in `edge`.
fn shape<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (colour, shape): (Rgb, MarkerShape),
    (x, y): Px,
    r: i32,
    edge: ShapeStyle,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let fill = rgb(colour).filled();
    match shape {
        MarkerShape::Circle => {
            root.draw(&Circle::new((x, y), r, fill)).map_err(err)?;
            root.draw(&Circle::new((x, y), r, edge)).map_err(err)
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

/// Draws facility layer `marker`'s symbol (its place among the city's layers) at `p`.
pub fn marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    marker: usize,
    p: Px,
    r: i32,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let edge = if r >= 4 {
        BLACK.stroke_width(1)
    } else {
        TRANSPARENT.stroke_width(0)
    };
    shape(root, kind_marker(marker), p, r, edge)
}

/// Draws a suggested site for the view circle's `layer`-th requirement at `p`, its rank
/// inside (none in the legend).
pub fn site<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fonts: Fonts,
    p: Px,
    layer: usize,
    rank: Option<usize>,
) -> Result<(), MapError>
where
    DB::ErrorType: 'static,
{
    let symbol = (SITE, kind_marker(layer).1);
    shape(root, symbol, p, SITE_PX, BLACK.stroke_width(2))?;
    match rank {
        Some(rank) => write(
            root,
            fonts,
            &rank.to_string(),
            p,
            (15, (0, 0, 0)),
            (HPos::Center, VPos::Center),
        ),
        None => Ok(()),
    }
}
