//! Tracing a window of grid cells into polygons along the cells' edges.
//!
//! Cells are joined through their sides only (4-connected): two cells touching at a corner
//! are two polygons meeting at a point. Every ring is simple; a hole may touch its exterior
//! at a corner, as OGC allows.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use std::collections::HashMap;

/// Directions of a boundary step: east, north, west, south.
const STEPS: [(i32, i32); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// The polygons covering the cells set in `keep` (`w` × `h`, row by row, the first row the
/// southernmost) of a window whose lower-left cell is `origin` on a grid of `cell_m`:
/// exteriors counter-clockwise, holes clockwise, collinear vertices dropped; polygons in the
/// order of their first cell (row by row), holes in the order they are found.
pub(crate) fn trace(
    keep: &[bool],
    w: usize,
    h: usize,
    origin: (i32, i32),
    cell_m: f64,
) -> MultiPolygon<f64> {
    let inside = |x: i32, y: i32| {
        x >= 0
            && y >= 0
            && (x as usize) < w
            && (y as usize) < h
            && keep[y as usize * w + x as usize]
    };
    let component = components(keep, w, h);
    let mut out = boundary_steps(w, h, &inside);
    let pinch: Vec<bool> = out.iter().map(|bits| bits.count_ones() == 2).collect();
    // Per component: its exteriors and holes, in vertex coordinates of the window.
    let mut shells: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
    let mut holes: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
    let vw = w + 1;
    for start in 0..out.len() {
        while out[start] != 0 {
            let ring = follow(&mut out, &pinch, vw, start);
            for lp in split_at_pinches(ring, &pinch, vw) {
                let label = left_component(&lp, &component, w) as usize;
                if shells.len() <= label {
                    shells.resize(label + 1, Vec::new());
                    holes.resize(label + 1, Vec::new());
                }
                if twice_area(&lp) > 0 {
                    shells[label].push(lp);
                } else {
                    holes[label].push(lp);
                }
            }
        }
    }
    let to_plane = |(x, y): (i32, i32)| Coord {
        x: f64::from(origin.0 + x) * cell_m,
        y: f64::from(origin.1 + y) * cell_m,
    };
    let ring = |lp: Vec<(i32, i32)>| {
        let mut coords: Vec<Coord<f64>> = drop_collinear(lp).into_iter().map(to_plane).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    };
    let mut polygons = Vec::new();
    for (mine, inner) in shells.into_iter().zip(holes) {
        let mut mine = mine.into_iter();
        if let Some(shell) = mine.next() {
            polygons.push(Polygon::new(
                ring(shell),
                inner.into_iter().map(ring).collect(),
            ));
        }
        // A component has one exterior; any other would stand alone.
        polygons.extend(mine.map(|extra| Polygon::new(ring(extra), Vec::new())));
    }
    MultiPolygon::new(polygons)
}

/// Labels the 4-connected components of the set cells, in order of their first cell.
fn components(keep: &[bool], w: usize, h: usize) -> Vec<u32> {
    let mut label = vec![u32::MAX; keep.len()];
    let mut next = 0;
    let mut stack = Vec::new();
    for first in 0..keep.len() {
        if !keep[first] || label[first] != u32::MAX {
            continue;
        }
        label[first] = next;
        stack.push(first);
        while let Some(k) = stack.pop() {
            let (x, y) = (k % w, k / w);
            let neighbours = [
                (x > 0).then(|| k - 1),
                (x + 1 < w).then(|| k + 1),
                (y > 0).then(|| k - w),
                (y + 1 < h).then(|| k + w),
            ];
            for n in neighbours.into_iter().flatten() {
                if keep[n] && label[n] == u32::MAX {
                    label[n] = next;
                    stack.push(n);
                }
            }
        }
        next += 1;
    }
    label
}

/// Per vertex of the window ((w + 1) × (h + 1), row by row), a bit per direction of
/// [`STEPS`] for each boundary step leaving it with the set cells on its left.
fn boundary_steps(w: usize, h: usize, inside: &dyn Fn(i32, i32) -> bool) -> Vec<u8> {
    let vw = w + 1;
    let mut out = vec![0u8; vw * (h + 1)];
    for y in 0..h as i32 {
        for x in 0..w as i32 {
            if !inside(x, y) {
                continue;
            }
            let mut set = |vx: i32, vy: i32, dir: u8| {
                out[vy as usize * vw + vx as usize] |= 1 << dir;
            };
            if !inside(x, y - 1) {
                set(x, y, 0);
            }
            if !inside(x + 1, y) {
                set(x + 1, y, 1);
            }
            if !inside(x, y + 1) {
                set(x + 1, y + 1, 2);
            }
            if !inside(x - 1, y) {
                set(x, y + 1, 3);
            }
        }
    }
    out
}

/// Follows boundary steps from vertex `start` until back at its first step, using them up;
/// at a pinch (a vertex where two set cells meet only at the corner) it turns left, which
/// keeps each cell with the cells it shares a side with. Returns the vertices visited, the
/// start once.
fn follow(out: &mut [u8], pinch: &[bool], vw: usize, start: usize) -> Vec<(i32, i32)> {
    let first = out[start].trailing_zeros() as u8;
    let mut ring = Vec::new();
    let (mut v, mut dir) = (start, first);
    loop {
        ring.push(((v % vw) as i32, (v / vw) as i32));
        out[v] &= !(1 << dir);
        let (dx, dy) = STEPS[dir as usize];
        let (x, y) = ((v % vw) as i32 + dx, (v / vw) as i32 + dy);
        v = y as usize * vw + x as usize;
        let next = if pinch[v] {
            (dir + 1) % 4
        } else {
            // The one step ever leaving `v`, used or not.
            (0..4u8).find(|d| out[v] & (1 << d) != 0).unwrap_or(u8::MAX)
        };
        if v == start && (next == first || next == u8::MAX) {
            return ring;
        }
        dir = next;
    }
}

/// Splits a ring that passes a pinch vertex twice into simple loops.
fn split_at_pinches(ring: Vec<(i32, i32)>, pinch: &[bool], vw: usize) -> Vec<Vec<(i32, i32)>> {
    let mut loops = Vec::new();
    let mut stack: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
    let mut seen: HashMap<(i32, i32), usize> = HashMap::new();
    for v in ring {
        if !pinch[v.1 as usize * vw + v.0 as usize] {
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

/// The component of the set cell left of a loop's first step.
fn left_component(lp: &[(i32, i32)], component: &[u32], w: usize) -> u32 {
    let (a, b) = (lp[0], lp[1 % lp.len()]);
    let (x, y) = match (b.0 - a.0, b.1 - a.1) {
        (1, 0) => (a.0, a.1),
        (0, 1) => (a.0 - 1, a.1),
        (-1, 0) => (a.0 - 1, a.1 - 1),
        _ => (a.0, a.1 - 1),
    };
    component[y as usize * w + x as usize]
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
    let direction = |a: (i32, i32), b: (i32, i32)| ((b.0 - a.0).signum(), (b.1 - a.1).signum());
    (0..n)
        .filter(|&k| {
            let (prev, here, next) = (lp[(k + n - 1) % n], lp[k], lp[(k + 1) % n]);
            direction(prev, here) != direction(here, next)
        })
        .map(|k| lp[k])
        .collect()
}
