//! Tracing a window of grid cells into polygons along the cells' edges.
//!
//! Cells are joined through their sides only (4-connected): two cells touching at a corner
//! are two polygons meeting at a point. Every ring is simple; a hole may touch its exterior
//! at a corner, as OGC allows.

use super::simplify::{simplify_inward, Trimming};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use std::collections::HashMap;

/// Directions of a boundary step: east, north, west, south.
const STEPS: [(i32, i32); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// The bits of a vertex's boundary steps (one per direction of [`STEPS`]).
const ALL_STEPS: u8 = 0b1111;
/// Marks a pinch: a vertex where two set cells meet only at the corner (two steps leave it).
const PINCH: u8 = 0b1_0000;

/// Which holes [`trace`] fills: those of at most `max_cells` cells, every one of them `free`
/// (over the same window as `keep`).
pub(crate) struct HoleFilling<'a> {
    /// The largest hole filled, in cells (0: none).
    pub max_cells: usize,
    /// Per cell of the window: it may be filled (nobody else claims it).
    pub free: &'a [bool],
}

impl HoleFilling<'_> {
    /// No hole is filled.
    #[cfg(test)]
    pub(crate) const NONE: HoleFilling<'static> = HoleFilling {
        max_cells: 0,
        free: &[],
    };

    /// Whether the hole loop `lp` is filled: small enough, and every cell inside it free.
    fn fills(&self, lp: &[(i32, i32)], w: usize) -> bool {
        if (-twice_area(lp)) as u64 > 2 * self.max_cells as u64 {
            return false;
        }
        let [_, y0, _, y1] = loop_box(lp);
        let mut crossings: Vec<i32> = Vec::new();
        (y0..y1).all(|y| {
            // The loop's vertical steps across this row of cells, west to east: the cells
            // between each pair are inside (even-odd).
            crossings.clear();
            crossings.extend((0..lp.len()).filter_map(|k| {
                let (a, b) = (lp[k], lp[(k + 1) % lp.len()]);
                (a.0 == b.0 && a.1.min(b.1) == y && a.1 != b.1).then_some(a.0)
            }));
            crossings.sort_unstable();
            crossings
                .chunks_exact(2)
                .all(|pair| (pair[0]..pair[1]).all(|x| self.free[y as usize * w + x as usize]))
        })
    }
}

/// The polygons covering the cells set in `keep` (`w` × `h`, row by row, the first row the
/// southernmost) of a window whose lower-left cell is `origin` on a grid of `cell_m`:
/// exteriors counter-clockwise, holes clockwise (those `holes` fills left out), simplified
/// inward as `trimming` allows (see [`simplify_inward`]), collinear vertices dropped;
/// polygons in the order their exterior is found (vertices row by row), holes likewise.
pub(crate) fn trace(
    keep: &[bool],
    w: usize,
    h: usize,
    origin: (i32, i32),
    cell_m: f64,
    (holes_filled, trimming): (&HoleFilling, &Trimming),
) -> MultiPolygon<f64> {
    let mut out = boundary_steps(keep, w, h);
    let vw = w + 1;
    let mut shells: Vec<Vec<(i32, i32)>> = Vec::new();
    let mut holes: Vec<Vec<(i32, i32)>> = Vec::new();
    for start in 0..out.len() {
        while out[start] & ALL_STEPS != 0 {
            let ring = follow(&mut out, vw, start);
            for lp in split_at_pinches(ring, &out, vw) {
                if twice_area(&lp) > 0 {
                    shells.push(lp);
                } else if !holes_filled.fills(&lp, w) {
                    holes.push(lp);
                }
            }
        }
    }
    // Loops are simplified after the holes are matched to their exteriors (by a cell's
    // centre).
    let mut used = vec![false; w * h];
    let mut simplify = |lp: &mut Vec<(i32, i32)>| *lp = simplify_inward(lp, trimming, w, &mut used);
    let mut inner = holes_of(&shells, holes);
    shells.iter_mut().for_each(&mut simplify);
    inner.iter_mut().flatten().for_each(&mut simplify);
    let to_plane = |(x, y): (i32, i32)| Coord {
        x: f64::from(origin.0 + x) * cell_m,
        y: f64::from(origin.1 + y) * cell_m,
    };
    let ring = |lp: Vec<(i32, i32)>| {
        let mut coords: Vec<Coord<f64>> = drop_collinear(lp).into_iter().map(to_plane).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    };
    let polygons = shells
        .into_iter()
        .zip(inner)
        .map(|(shell, holes)| Polygon::new(ring(shell), holes.into_iter().map(ring).collect()))
        .collect();
    MultiPolygon::new(polygons)
}

/// Per exterior, its holes: each hole goes to the smallest exterior around the set cell on
/// its first step's left.
fn holes_of(shells: &[Vec<(i32, i32)>], holes: Vec<Vec<(i32, i32)>>) -> Vec<Vec<Vec<(i32, i32)>>> {
    let areas: Vec<i64> = shells.iter().map(|s| twice_area(s)).collect();
    let boxes: Vec<[i32; 4]> = shells.iter().map(|s| loop_box(s)).collect();
    let mut inner: Vec<Vec<Vec<(i32, i32)>>> = vec![Vec::new(); shells.len()];
    for hole in holes {
        let (x, y) = left_cell(&hole);
        let mut around: Vec<usize> = (0..shells.len())
            .filter(|&k| {
                let b = boxes[k];
                x >= b[0] && x < b[2] && y >= b[1] && y < b[3]
            })
            .collect();
        // The only exterior whose box holds the cell holds the hole.
        if around.len() > 1 {
            around.sort_by_key(|&k| (areas[k], k));
            let centre = (2 * x + 1, 2 * y + 1);
            around.retain(|&k| encloses(&shells[k], centre));
        }
        if let Some(&k) = around.first() {
            inner[k].push(hole);
        }
    }
    inner
}

/// The bounding box of a loop's vertices: (min x, min y, max x, max y).
fn loop_box(lp: &[(i32, i32)]) -> [i32; 4] {
    lp.iter()
        .fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, &(x, y)| {
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        })
}

/// Whether the loop of grid vertices encloses a point given in half units (odd coordinates:
/// a cell centre, never on the loop): even-odd ray casting towards the east.
fn encloses(lp: &[(i32, i32)], (px, py): (i32, i32)) -> bool {
    let mut inside = false;
    for k in 0..lp.len() {
        let (a, b) = (lp[k], lp[(k + 1) % lp.len()]);
        // Only vertical steps cross a horizontal ray.
        if a.0 == b.0 && 2 * a.0 > px && (2 * a.1 < py) != (2 * b.1 < py) {
            inside = !inside;
        }
    }
    inside
}

/// Per vertex of the window ((w + 1) × (h + 1), row by row), a bit per direction of
/// [`STEPS`] for each boundary step leaving it with the set cells on its left, and
/// [`PINCH`] where two leave.
fn boundary_steps(keep: &[bool], w: usize, h: usize) -> Vec<u8> {
    let vw = w + 1;
    let mut out = vec![0u8; vw * (h + 1)];
    let none = vec![false; w];
    for y in 0..h {
        let row = &keep[y * w..(y + 1) * w];
        let below = if y > 0 {
            &keep[(y - 1) * w..y * w]
        } else {
            &none
        };
        let above = if y + 1 < h {
            &keep[(y + 1) * w..(y + 2) * w]
        } else {
            &none
        };
        let (low, high) = (y * vw, (y + 1) * vw);
        // South sides leave the cell's lower-left vertex, east sides its lower-right, north
        // sides its upper-right, west sides its upper-left; the cells beyond the window
        // are not set.
        mark(&mut out[low..low + w], row, below, 0);
        mark(&mut out[low + 1..low + w], &row[..w - 1], &row[1..], 1);
        out[low + w] |= u8::from(row[w - 1]) << 1;
        mark(&mut out[high + 1..high + 1 + w], row, above, 2);
        mark(&mut out[high + 1..high + w], &row[1..], &row[..w - 1], 3);
        out[high] |= u8::from(row[0]) << 3;
    }
    for bits in &mut out {
        *bits |= u8::from(bits.count_ones() == 2) * PINCH;
    }
    out
}

/// Sets `bit` in `out` for each cell set in `cells` whose neighbour in `beside` is not.
fn mark(out: &mut [u8], cells: &[bool], beside: &[bool], bit: u8) {
    for (o, (&set, &next)) in out.iter_mut().zip(cells.iter().zip(beside)) {
        *o |= u8::from(set & !next) << bit;
    }
}

/// Follows boundary steps from vertex `start` until back at its first step, using them up;
/// at a pinch (a vertex where two set cells meet only at the corner) it turns left, which
/// keeps each cell with the cells it shares a side with. Returns the vertices visited, the
/// start once.
fn follow(out: &mut [u8], vw: usize, start: usize) -> Vec<(i32, i32)> {
    let first = (out[start] & ALL_STEPS).trailing_zeros() as u8;
    let mut ring = Vec::new();
    let (mut v, mut dir) = (start, first);
    let (mut x, mut y) = ((start % vw) as i32, (start / vw) as i32);
    loop {
        ring.push((x, y));
        out[v] &= !(1 << dir);
        let (dx, dy) = STEPS[dir as usize];
        (x, y) = (x + dx, y + dy);
        v = y as usize * vw + x as usize;
        let next = if out[v] & PINCH != 0 {
            (dir + 1) % 4
        } else {
            // The one step ever leaving `v`, used or not.
            match out[v] & ALL_STEPS {
                0 => u8::MAX,
                steps => steps.trailing_zeros() as u8,
            }
        };
        if v == start && (next == first || next == u8::MAX) {
            return ring;
        }
        dir = next;
    }
}

/// Splits a ring that passes a pinch vertex twice into simple loops.
fn split_at_pinches(ring: Vec<(i32, i32)>, out: &[u8], vw: usize) -> Vec<Vec<(i32, i32)>> {
    let pinch = |v: &(i32, i32)| out[v.1 as usize * vw + v.0 as usize] & PINCH != 0;
    if !ring.iter().any(pinch) {
        return vec![ring];
    }
    let mut loops = Vec::new();
    let mut stack: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
    let mut seen: HashMap<(i32, i32), usize> = HashMap::new();
    for v in ring {
        if out[v.1 as usize * vw + v.0 as usize] & PINCH == 0 {
            stack.push(v);
            continue;
        }
        if let Some(&at) = seen.get(&v) {
            let inner = stack.split_off(at + 1);
            let mut lp = vec![v];
            lp.extend(inner);
            for u in &lp[1..] {
                seen.remove(u);
            }
            loops.push(lp);
        } else {
            seen.insert(v, stack.len());
            stack.push(v);
        }
    }
    loops.push(stack);
    loops
}

/// The set cell left of a loop's first step.
fn left_cell(lp: &[(i32, i32)]) -> (i32, i32) {
    let (a, b) = (lp[0], lp[1 % lp.len()]);
    match (b.0 - a.0, b.1 - a.1) {
        (1, 0) => (a.0, a.1),
        (0, 1) => (a.0 - 1, a.1),
        (-1, 0) => (a.0 - 1, a.1 - 1),
        _ => (a.0, a.1 - 1),
    }
}

/// Twice the signed area of a closed loop of grid vertices (positive counter-clockwise).
fn twice_area(lp: &[(i32, i32)]) -> i64 {
    (0..lp.len())
        .map(|k| {
            let (a, b) = (lp[k], lp[(k + 1) % lp.len()]);
            i64::from(a.0) * i64::from(b.1) - i64::from(b.0) * i64::from(a.1)
        })
        .sum()
}

/// The loop without the vertices where it goes straight on.
fn drop_collinear(lp: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    let n = lp.len();
    (0..n)
        .filter(|&k| {
            let (a, b, c) = (lp[(k + n - 1) % n], lp[k], lp[(k + 1) % n]);
            let (u, v) = ((b.0 - a.0, b.1 - a.1), (c.0 - b.0, c.1 - b.1));
            let cross = i64::from(u.0) * i64::from(v.1) - i64::from(u.1) * i64::from(v.0);
            let dot = i64::from(u.0) * i64::from(v.0) + i64::from(u.1) * i64::from(v.1);
            cross != 0 || dot <= 0
        })
        .map(|k| lp[k])
        .collect()
}
