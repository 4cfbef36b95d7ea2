//! Checks on the rings of a polygon read from a file: a ring that crosses itself (a "bow
//! tie") has no meaningful area or centroid, so a block drawn that way is a problem.

use geo_types::Coord;

/// Where a closed ring (first vertex repeated last, or not) first crosses itself: two edges
/// that are not neighbours cross at a point inside both. Touching at a vertex is allowed (a
/// ring may touch itself, as some formats draw holes); only a proper crossing counts.
/// Quadratic in the ring's vertices, with a bounding-box test first.
///
/// # Examples
///
/// ```
/// use carecircle::input::rings::self_crossing;
/// use geo_types::coord;
///
/// let square = [coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 0.0 }, coord! { x: 1.0, y: 1.0 }, coord! { x: 0.0, y: 1.0 }];
/// assert_eq!(self_crossing(&square), None);
/// let bow_tie = [coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 1.0 }, coord! { x: 1.0, y: 0.0 }, coord! { x: 0.0, y: 1.0 }];
/// assert_eq!(self_crossing(&bow_tie), Some(coord! { x: 0.5, y: 0.5 }));
/// ```
pub fn self_crossing(ring: &[Coord<f64>]) -> Option<Coord<f64>> {
    let mut vertices = ring.to_vec();
    if vertices.len() > 1 && vertices.first() == vertices.last() {
        vertices.pop();
    }
    let n = vertices.len();
    if n < 4 {
        return None;
    }
    let edge = |k: usize| (vertices[k], vertices[(k + 1) % n]);
    for i in 0..n {
        let (a, b) = edge(i);
        // Edges after i that are not its neighbours (the last edge neighbours the first).
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue;
            }
            let (c, d) = edge(j);
            if let Some(at) = proper_crossing(a, b, c, d) {
                return Some(at);
            }
        }
    }
    None
}

/// The point where segments ab and cd cross, when each has the other's ends strictly on
/// opposite sides.
fn proper_crossing(
    a: Coord<f64>,
    b: Coord<f64>,
    c: Coord<f64>,
    d: Coord<f64>,
) -> Option<Coord<f64>> {
    if a.x.max(b.x) < c.x.min(d.x)
        || c.x.max(d.x) < a.x.min(b.x)
        || a.y.max(b.y) < c.y.min(d.y)
        || c.y.max(d.y) < a.y.min(b.y)
    {
        return None;
    }
    let side = |p: Coord<f64>, q: Coord<f64>, r: Coord<f64>| {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    };
    let (d1, d2) = (side(a, b, c), side(a, b, d));
    let (d3, d4) = (side(c, d, a), side(c, d, b));
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        let t = d3 / (d3 - d4);
        Some(Coord {
            x: a.x + t * (b.x - a.x),
            y: a.y + t * (b.y - a.y),
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::coord;

    #[test]
    fn crossings_and_touches() {
        // A figure of eight drawn as one ring crosses itself; a ring touching itself at a
        // vertex does not cross.
        let eight = [
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 2.0, y: 2.0 },
            coord! { x: 2.0, y: 0.0 },
            coord! { x: 0.0, y: 2.0 },
            coord! { x: 0.0, y: 0.0 },
        ];
        assert_eq!(self_crossing(&eight), Some(coord! { x: 1.0, y: 1.0 }));
        let touching = [
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 4.0, y: 0.0 },
            coord! { x: 4.0, y: 4.0 },
            coord! { x: 2.0, y: 0.0 },
            coord! { x: 0.0, y: 4.0 },
        ];
        assert_eq!(self_crossing(&touching), None);
        assert_eq!(self_crossing(&eight[..3]), None);
    }
}
