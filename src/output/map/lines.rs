//! Streets and barriers in pixels: each line simplified to the map's resolution, each pixel
//! segment drawn once, segments outside the frame left off, and the rest joined into as few
//! lines as run straight on through their junctions — so that a city's hundreds of thousands
//! of street edges become as many lines as the map can show, in input order.

use super::scene::{Px, Transform, FRAME};
use geo::{Coord, Geometry, LineString, Simplify};
use std::collections::{HashMap, HashSet};

/// The lines of `lines` in pixels: their segments inside the frame, each once, joined.
pub fn pixel_lines<'a>(
    lines: impl Iterator<Item = &'a LineString<f64>>,
    t: &Transform,
) -> Vec<Vec<Px>> {
    let tolerance = 1.0 / t.scale;
    let mut drawn: HashSet<(Px, Px)> = HashSet::new();
    let mut segments = Vec::new();
    for line in lines {
        for pair in t.ring(&line.simplify(tolerance)).windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let key = if a <= b { (a, b) } else { (b, a) };
            if touches_frame(a, b) && drawn.insert(key) {
                segments.push((a, b));
            }
        }
    }
    join(&segments)
}

/// `segments` joined into lines: from the first unused segment on, each line continues
/// through its ends along the unused segment running straightest on (ties: the first), then
/// loses its points under half a pixel off the line.
fn join(segments: &[(Px, Px)]) -> Vec<Vec<Px>> {
    let mut at: HashMap<Px, Vec<usize>> = HashMap::new();
    for (i, &(a, b)) in segments.iter().enumerate() {
        at.entry(a).or_default().push(i);
        at.entry(b).or_default().push(i);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    for (i, &(a, b)) in segments.iter().enumerate() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut back = extend(vec![b, a], segments, &at, &mut used);
        back.reverse();
        let line = extend(back, segments, &at, &mut used);
        let coords: Vec<Coord<f64>> = line
            .iter()
            .map(|&(x, y)| Coord {
                x: x as f64,
                y: y as f64,
            })
            .collect();
        let simple = LineString(coords).simplify(0.5);
        lines.push(simple.0.iter().map(|c| (c.x as i32, c.y as i32)).collect());
    }
    lines
}

/// `line` (at least two points) continued from its last point for as long as an unused
/// segment meets it there, the straightest on first.
fn extend(
    mut line: Vec<Px>,
    segments: &[(Px, Px)],
    at: &HashMap<Px, Vec<usize>>,
    used: &mut [bool],
) -> Vec<Px> {
    loop {
        let (prev, end) = (line[line.len() - 2], line[line.len() - 1]);
        let heading = (f64::from(end.0 - prev.0), f64::from(end.1 - prev.1));
        let straightness = |next: Px| {
            let d = (f64::from(next.0 - end.0), f64::from(next.1 - end.1));
            (heading.0 * d.0 + heading.1 * d.1) / d.0.hypot(d.1)
        };
        let next = at[&end]
            .iter()
            .filter(|&&j| !used[j])
            .map(|&j| {
                let (a, b) = segments[j];
                (j, if a == end { b } else { a })
            })
            .fold(None, |best: Option<(usize, Px, f64)>, (j, p)| {
                let s = straightness(p);
                match best {
                    Some(b) if b.2 >= s => Some(b),
                    _ => Some((j, p, s)),
                }
            });
        let Some((j, p, _)) = next else {
            return line;
        };
        used[j] = true;
        line.push(p);
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
