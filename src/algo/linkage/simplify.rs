//! Simplifying a traced loop inward only, so that outlines lose most of their stair-step
//! vertices without overlapping one another or themselves.
//!
//! A loop runs along cell edges with its cells on its left. A run of its vertices may be
//! replaced by the straight line between the run's ends when
//!
//! 1. every vertex of the run lies on the line or on its right (outside), less than
//!    [`Trimming::max_offset_cells`] (at most one cell) from it;
//! 2. every cell the line passes through is one the loop may give up (`cuttable`: a cell
//!    of the zone that no block covers) and no earlier line passed through;
//! 3. every grid vertex the line passes through is a vertex of the run, or all four cells
//!    around it are as in 2.
//!
//! Under 1 the area between the run and the line holds no whole cell (a cell wholly between
//! them would put a vertex of the run a cell or more from the line), so it lies in the cells
//! the line passes through: by 2 the loop only gives up cells of its own zone, and no other
//! loop's lines or edges can cross it there. Lines of different runs pass through different
//! cells, so they meet at most at their ends; 3 keeps them from touching at a corner.

/// How [`simplify_inward`] may cut into a window's cells.
pub(crate) struct Trimming<'a> {
    /// Per cell of the window, row by row: a line may cut into it (empty: no line may).
    pub cuttable: &'a [bool],
    /// The replaced vertices lie less than this from their line, in cells (at most one).
    pub max_offset_cells: f64,
}

impl Trimming<'_> {
    /// Loops are kept as traced.
    #[cfg(test)]
    pub(crate) const NONE: Trimming<'static> = Trimming {
        cuttable: &[],
        max_offset_cells: 0.0,
    };
}

/// The longest run of vertices one line replaces: bounds the work per line.
const MAX_RUN: usize = 256;
/// How many shorter runs are tried when the longest one's cells do not allow it.
const MAX_TRIES: usize = 4;

/// `lp` (a closed loop of grid vertices, unit steps, cells on its left, over a window `w`
/// cells wide) with runs of vertices replaced by straight lines as the module says; `used`
/// (per cell of the window) records the cells lines pass through, across the loops of one
/// window. Loops of fewer than eight vertices are kept as they are.
pub(crate) fn simplify_inward(
    lp: &[(i32, i32)],
    trimming: &Trimming,
    w: usize,
    used: &mut [bool],
) -> Vec<(i32, i32)> {
    let n = lp.len();
    let max_offset = trimming.max_offset_cells.min(1.0);
    if n < 8 || trimming.cuttable.is_empty() || max_offset <= 0.0 {
        return lp.to_vec();
    }
    let mut kept = vec![lp[0]];
    let mut marks: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = farthest(lp, i, max_offset);
        let mut tries = 0;
        while j > i + 1 {
            marks.clear();
            let cells = Cells {
                cuttable: trimming.cuttable,
                w,
                used,
            };
            if fits(lp, (i, j), max_offset, &cells, &mut marks) {
                marks.iter().for_each(|&m| used[m] = true);
                break;
            }
            tries += 1;
            j = if tries < MAX_TRIES { j - 1 } else { i + 1 };
        }
        if j < n {
            kept.push(lp[j]);
        }
        i = j;
    }
    kept
}

/// The farthest vertex `j` (at most `MAX_RUN` on, and at most the loop's start again) that
/// the line from vertex `i` may reach under rule 1, found by narrowing the allowed
/// directions vertex by vertex; `i + 1` when none farther.
fn farthest(lp: &[(i32, i32)], i: usize, max_offset: f64) -> usize {
    let n = lp.len();
    let p = lp[i];
    let cross = |a: (f64, f64), b: (f64, f64)| a.0 * b.1 - a.1 * b.0;
    // The directions allowed so far run counter-clockwise from `lo` to `hi` (less than a
    // half turn); the farthest vertex so far, squared.
    let (mut lo, mut hi, mut far) = ((0.0, 0.0), (0.0, 0.0), 0.0f64);
    let mut best = i + 1;
    for k in i + 1..=(i + MAX_RUN).min(n) {
        let v = (f64::from(lp[k % n].0 - p.0), f64::from(lp[k % n].1 - p.1));
        let r2 = v.0 * v.0 + v.1 * v.1;
        if r2 == 0.0 {
            break;
        }
        if k == i + 1 {
            lo = v;
        } else if r2 >= far && cross(lo, v) >= 0.0 && cross(v, hi) >= 0.0 {
            best = k;
        }
        // Lines that keep this vertex on their right, less than the offset away: from `v`
        // turning counter-clockwise by up to asin(offset / |v|), a hair less so that
        // vertices exactly at the offset close the wedge as `fits` would reject them. Float
        // noise at the edges of the wedge is settled by the exact checks of `fits`.
        let t2 = (max_offset * (1.0 - 1e-6)).powi(2);
        let turned = if r2 <= t2 {
            (-v.1, v.0)
        } else {
            let (c, s) = ((r2 - t2).sqrt(), t2.sqrt());
            (v.0 * c - v.1 * s, v.1 * c + v.0 * s)
        };
        if k == i + 1 {
            hi = turned;
        } else {
            if cross(lo, v) > 0.0 {
                lo = v;
            }
            if cross(turned, hi) > 0.0 {
                hi = turned;
            }
        }
        far = far.max(r2);
        if cross(lo, hi) < 0.0 {
            break;
        }
    }
    best
}

/// The cells of a window a line may pass through.
struct Cells<'a> {
    /// Per cell, row by row: it may be cut into.
    cuttable: &'a [bool],
    /// The window's width in cells.
    w: usize,
    /// Per cell: an earlier line passed through it.
    used: &'a [bool],
}

/// Whether the line from vertex `i` to vertex `j` of the loop keeps rules 1 to 3 (offsets
/// below `max_offset` cells), exactly; `marks` gets the cells it would use.
fn fits(
    lp: &[(i32, i32)],
    (i, j): (usize, usize),
    max_offset: f64,
    cells: &Cells,
    marks: &mut Vec<usize>,
) -> bool {
    let n = lp.len();
    let (p, q) = (lp[i], lp[j % n]);
    let (dx, dy) = (i64::from(q.0 - p.0), i64::from(q.1 - p.1));
    let limit = max_offset.powi(2) * (dx * dx + dy * dy) as f64;
    let mut on_line: Vec<(i32, i32)> = Vec::new();
    for &v in &lp[i + 1..j] {
        let (vx, vy) = (i64::from(v.0 - p.0), i64::from(v.1 - p.1));
        let cross = dx * vy - dy * vx;
        if cross > 0 || (cross != 0 && (cross * cross) as f64 >= limit) {
            return false;
        }
        if cross == 0 {
            on_line.push(v);
        }
    }
    on_line.sort_unstable();
    let (w, h) = (cells.w, cells.cuttable.len() / cells.w);
    let mut take = |x: i32, y: i32| {
        let inside = x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h;
        let k = y as usize * w + x as usize;
        let ok = inside && cells.cuttable[k] && !cells.used[k];
        if ok {
            marks.push(k);
        }
        ok
    };
    let (sx, sy) = (dx.signum() as i32, dy.signum() as i32);
    let (ax, ay) = (dx.abs(), dy.abs());
    // The cell the line enters from `p`; the next vertical and horizontal grid lines it
    // crosses, counted from `p`.
    let mut cell = (p.0 - i32::from(sx < 0), p.1 - i32::from(sy < 0));
    let (mut a, mut b) = (1i64, 1i64);
    if ax > 0 && ay > 0 && !take(cell.0, cell.1) {
        return false;
    }
    while a < ax || b < ay {
        // Crossing a vertical line at a / ax of the way, a horizontal one at b / ay.
        let (ta, tb) = (
            if ax == 0 { i64::MAX } else { a * ay },
            if ay == 0 { i64::MAX } else { b * ax },
        );
        if ax == 0 || ay == 0 || ta == tb {
            // Through a grid vertex.
            let step = |d: i32, k: i64| d * k as i32;
            let vertex = match (ax, ay) {
                (0, _) => (p.0, p.1 + step(sy, b)),
                (_, 0) => (p.0 + step(sx, a), p.1),
                _ => (p.0 + step(sx, a), p.1 + step(sy, b)),
            };
            if on_line.binary_search(&vertex).is_err() {
                let (x, y) = vertex;
                let around = [(x - 1, y - 1), (x, y - 1), (x - 1, y), (x, y)];
                if !around.iter().all(|&(cx, cy)| take(cx, cy)) {
                    return false;
                }
            }
            a += 1;
            b += 1;
            cell = (cell.0 + sx, cell.1 + sy);
        } else if ta < tb {
            a += 1;
            cell.0 += sx;
        } else {
            b += 1;
            cell.1 += sy;
        }
        if ax > 0 && ay > 0 && !take(cell.0, cell.1) {
            return false;
        }
    }
    true
}
