//! Streets and barriers in pixels: each line simplified to the map's resolution, each pixel
//! segment drawn once and segments outside the frame left off, so that a city's hundreds of
//! thousands of street edges become as many lines as the map can show, in input order.

use super::scene::{Px, Transform, FRAME};
use geo::{Geometry, LineString, Simplify};
use std::collections::HashSet;

/// The lines of `lines` in pixels: runs of segments not drawn before, inside the frame.
pub fn pixel_lines<'a>(
    lines: impl Iterator<Item = &'a LineString<f64>>,
    t: &Transform,
) -> Vec<Vec<Px>> {
    let tolerance = 1.0 / t.scale;
    let mut drawn: HashSet<(Px, Px)> = HashSet::new();
    let mut out = Vec::new();
    for line in lines {
        let line = t.ring(&line.simplify(tolerance));
        let mut run: Vec<Px> = Vec::new();
        for pair in line.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let key = if a <= b { (a, b) } else { (b, a) };
            if touches_frame(a, b) && drawn.insert(key) {
                if run.last() != Some(&a) {
                    flush(&mut run, &mut out);
                    run.push(a);
                }
                run.push(b);
            }
        }
        flush(&mut run, &mut out);
    }
    out
}

/// Moves a run of at least one segment into `out`.
fn flush(run: &mut Vec<Px>, out: &mut Vec<Vec<Px>>) {
    if run.len() > 1 {
        out.push(std::mem::take(run));
    } else {
        run.clear();
    }
}

/// Whether the segment's bounding box meets the frame.
fn touches_frame(a: Px, b: Px) -> bool {
    a.0.max(b.0) >= FRAME.0
        && a.0.min(b.0) <= FRAME.2
        && a.1.max(b.1) >= FRAME.1
        && a.1.min(b.1) <= FRAME.3
}

/// The lines of barriers: lines as they are, areas by their rings.
pub fn barrier_lines(barriers: &[Geometry<f64>]) -> Vec<LineString<f64>> {
    let mut lines = Vec::new();
    for barrier in barriers {
        push_lines(barrier, &mut lines);
    }
    lines
}

fn push_lines(geometry: &Geometry<f64>, lines: &mut Vec<LineString<f64>>) {
    let rings = |p: &geo::Polygon<f64>| {
        std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect::<Vec<_>>()
    };
    match geometry {
        Geometry::Line(l) => lines.push(LineString::from(vec![l.start, l.end])),
        Geometry::LineString(l) => lines.push(l.clone()),
        Geometry::MultiLineString(m) => lines.extend(m.0.iter().cloned()),
        Geometry::Polygon(p) => lines.extend(rings(p)),
        Geometry::MultiPolygon(m) => lines.extend(m.0.iter().flat_map(rings)),
        Geometry::Rect(r) => lines.extend(rings(&r.to_polygon())),
        Geometry::Triangle(t) => lines.extend(rings(&t.to_polygon())),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| push_lines(g, lines)),
        Geometry::Point(_) | Geometry::MultiPoint(_) => {}
    }
}
