//! Zone outlines on one grid: every zone of a call claims grid cells (those its blocks cover,
//! then those within the buffer), each cell claimed by several zones goes to one of them,
//! and each zone's cells are traced into polygons (see [`super::trace`]).
//!
//! Cells are squares of one side on a grid anchored at the plane's origin, so two zones'
//! outlines can only share cell edges: they never overlap.

use super::simplify::Trimming;
use super::split::{coords_box, union};
use super::trace::{trace, HoleFilling};
use geo::{Coord, MultiPolygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// The claim level of a cell whose centre lies inside a member block.
const INSIDE: u8 = 0;
/// The claim level of a cell a member block's outline passes through.
const TOUCHED: u8 = 1;
/// A cell nobody claims.
const FREE: u8 = u8::MAX;
/// The buffer is at most this many cells, so that levels `2 + d²` fit in a byte.
pub(crate) const MAX_RADIUS_CELLS: i32 = 15;

/// The grid every zone of one call is drawn on.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    /// The side of a cell, in metres.
    pub cell_m: f64,
    /// Offsets (dx, dy, dx² + dy²) of the cells within the buffer of a cell, itself excluded.
    disk: Vec<(i32, i32, u8)>,
    /// The buffer in whole cells.
    radius: i32,
}

impl Grid {
    /// Cells of `cell_m` (positive), the buffer `buffer_m` (cells whose centre lies within
    /// `buffer_m` of a claimed cell's centre; at most [`MAX_RADIUS_CELLS`] cells).
    pub fn new(cell_m: f64, buffer_m: f64) -> Grid {
        let radius = if buffer_m.is_finite() && buffer_m > 0.0 {
            ((buffer_m / cell_m).floor() as i32).min(MAX_RADIUS_CELLS)
        } else {
            0
        };
        let within = |d2: i32| f64::from(d2) * cell_m * cell_m <= buffer_m * buffer_m;
        let disk = (-radius..=radius)
            .flat_map(|dy| (-radius..=radius).map(move |dx| (dx, dy, dx * dx + dy * dy)))
            .filter(|&(_, _, d2)| d2 > 0 && within(d2))
            .map(|(dx, dy, d2)| (dx, dy, d2 as u8))
            .collect();
        Grid {
            cell_m,
            disk,
            radius,
        }
    }

    /// How far beyond its blocks' bounding box a zone's outline may reach: a cell (one a
    /// thin block's outline passes through), and the buffer.
    pub fn margin_m(&self) -> f64 {
        self.cell_m * f64::from(1 + self.radius)
    }

    /// The cell holding coordinate `v` (along either axis).
    fn cell(&self, v: f64) -> i32 {
        (v / self.cell_m).floor() as i32
    }
}

/// One zone's claims over its window of the grid.
struct Claims {
    /// The window's lower-left cell.
    i0: i32,
    j0: i32,
    /// The window's size in cells.
    w: usize,
    h: usize,
    /// Per cell, row by row: [`INSIDE`], [`TOUCHED`], `2 + d²` for a cell `d` cells from the
    /// blocks, or [`FREE`].
    level: Vec<u8>,
}

impl Claims {
    fn empty() -> Claims {
        Claims {
            i0: 0,
            j0: 0,
            w: 0,
            h: 0,
            level: Vec::new(),
        }
    }

    /// Lowers the level of global cell (i, j) to `level`, when it is in the window.
    fn claim(&mut self, i: i32, j: i32, level: u8) {
        let (x, y) = (i - self.i0, j - self.j0);
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return;
        }
        let cell = &mut self.level[y as usize * self.w + x as usize];
        *cell = (*cell).min(level);
    }

    /// Lowers to `level` the cells `first..=last` of global row `j` that are in the window.
    fn claim_span(&mut self, j: i32, (first, last): (i32, i32), level: u8) {
        let y = j - self.j0;
        let (x0, x1) = (
            (first - self.i0).max(0),
            (last - self.i0).min(self.w as i32 - 1),
        );
        if y < 0 || y as usize >= self.h || x0 > x1 {
            return;
        }
        let row = y as usize * self.w;
        for cell in &mut self.level[row + x0 as usize..=row + x1 as usize] {
            *cell = (*cell).min(level);
        }
    }

    /// The window as a box of global cells, inclusive.
    fn window(&self) -> AABB<[i32; 2]> {
        AABB::from_corners(
            [self.i0, self.j0],
            [self.i0 + self.w as i32 - 1, self.j0 + self.h as i32 - 1],
        )
    }
}

/// The cells the blocks `members` claim on `grid`: inside, touched, then buffered. `boxes`:
/// each block's box (see `split::block_box`), indexed by block.
fn claims(
    grid: &Grid,
    (outlines, boxes): (&[MultiPolygon<f64>], &[Option<[f64; 4]>]),
    members: &[u32],
) -> Claims {
    let Some(b) = union(members.iter().map(|&b| boxes[b as usize])) else {
        return Claims::empty();
    };
    let r = grid.radius;
    let (i0, j0) = (grid.cell(b[0]) - r, grid.cell(b[1]) - r);
    let (w, h) = (
        (grid.cell(b[2]) + r - i0 + 1) as usize,
        (grid.cell(b[3]) + r - j0 + 1) as usize,
    );
    let mut claims = Claims {
        i0,
        j0,
        w,
        h,
        level: vec![FREE; w * h],
    };
    for &block in members {
        for polygon in &outlines[block as usize].0 {
            // A polygon too thin to hold a cell centre claims the cells its outline crosses.
            if fill_inside(grid, polygon, &mut claims) == 0 {
                touch(grid, &polygon.exterior().0, &mut claims);
            }
        }
    }
    buffer(grid, &mut claims);
    claims
}

/// Claims as [`INSIDE`] every cell whose centre lies inside `polygon` (even-odd over its
/// rings along each row of cell centres); returns how many cells that is.
fn fill_inside(grid: &Grid, polygon: &geo::Polygon<f64>, claims: &mut Claims) -> usize {
    let Some(b) = coords_box(polygon.exterior().0.iter()) else {
        return 0;
    };
    let mut filled = 0;
    let c = grid.cell_m;
    let mut edges: Vec<(Coord<f64>, Coord<f64>)> = Vec::new();
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        let ring = finite(&ring.0);
        edges.extend(ring.windows(2).map(|e| (e[0], e[1])));
        // Closed again when a non-finite vertex closed it.
        if let (Some(&first), Some(&last)) = (ring.first(), ring.last()) {
            if first != last {
                edges.push((last, first));
            }
        }
    }
    let mut crossings: Vec<f64> = Vec::new();
    for j in grid.cell(b[1])..=grid.cell(b[3]) {
        let y = (f64::from(j) + 0.5) * c;
        crossings.clear();
        crossings.extend(
            edges
                .iter()
                .filter(|(a, b)| (a.y <= y) != (b.y <= y))
                .map(|(a, b)| a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y)),
        );
        crossings.sort_by(f64::total_cmp);
        for span in crossings.chunks_exact(2) {
            // Cells whose centre (i + 0.5)·c lies in [span[0], span[1]).
            let first = (span[0] / c - 0.5).ceil() as i32;
            let last = (span[1] / c - 0.5).ceil() as i32 - 1;
            claims.claim_span(j, (first, last), INSIDE);
            filled += (last - first + 1).max(0) as usize;
        }
    }
    filled
}

/// Claims as [`TOUCHED`] the cells along a ring (sampled every half cell).
fn touch(grid: &Grid, ring: &[Coord<f64>], claims: &mut Claims) {
    let step = grid.cell_m / 2.0;
    let ring = finite(ring);
    for edge in ring.windows(2) {
        let (a, b) = (edge[0], edge[1]);
        let samples = ((b - a).x.hypot((b - a).y) / step).ceil().max(1.0) as usize;
        for k in 0..=samples {
            let t = k as f64 / samples as f64;
            claims.claim(
                grid.cell(a.x + t * (b.x - a.x)),
                grid.cell(a.y + t * (b.y - a.y)),
                TOUCHED,
            );
        }
    }
}

/// The finite vertices of a ring, in order (the others are skipped).
fn finite(ring: &[Coord<f64>]) -> Vec<Coord<f64>> {
    ring.iter()
        .copied()
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .collect()
}

/// Above this many offsets in the buffer's disk, [`buffer`] spreads only the edge of the
/// claimed cells; up to it, every claimed cell, one whole row per offset.
const ROW_PASS_OFFSETS: usize = 12;

/// Claims every cell within the buffer of an inside or touched cell at level `2 + d²`.
fn buffer(grid: &Grid, claims: &mut Claims) {
    if grid.disk.len() <= ROW_PASS_OFFSETS {
        buffer_by_rows(grid, claims);
    } else {
        buffer_from_edge(grid, claims);
    }
}

/// [`buffer`] one offset of the disk at a time, over whole rows (the cells a claimed cell
/// claims are never claimed ones: their levels are above [`TOUCHED`], so claiming in place
/// changes no cell's source).
fn buffer_by_rows(grid: &Grid, claims: &mut Claims) {
    let (w, h) = (claims.w as i32, claims.h as i32);
    let core: Vec<bool> = claims.level.iter().map(|&l| l <= TOUCHED).collect();
    for &(dx, dy, d2) in &grid.disk {
        let level = 2 + d2;
        // Source cells x in xs, rows y in ys, claim (x + dx, y + dy) inside the window.
        let (x0, x1) = ((-dx).max(0), (w - dx).min(w));
        let (y0, y1) = ((-dy).max(0), (h - dy).min(h));
        if x0 >= x1 {
            continue;
        }
        for y in y0..y1 {
            let from = (y * w + x0) as usize..(y * w + x1) as usize;
            let to = ((y + dy) * w + x0 + dx) as usize;
            let target = &mut claims.level[to..to + from.len()];
            for (cell, &spreads) in target.iter_mut().zip(&core[from]) {
                *cell = (*cell).min(if spreads { level } else { FREE });
            }
        }
    }
}

/// [`buffer`] from the edge of the claimed cells only: every cell within the buffer of an
/// inner one is within the buffer of an edge one too, and nearer it (a path of side steps
/// towards it leaves the claimed cells through an edge one), or claimed already.
fn buffer_from_edge(grid: &Grid, claims: &mut Claims) {
    let (w, h) = (claims.w, claims.h);
    let level = &claims.level;
    let core = |k: usize| level[k] <= TOUCHED;
    let mut edge: Vec<(i32, i32)> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let k = y * w + x;
            if !core(k) {
                continue;
            }
            let inner = x > 0
                && y > 0
                && x + 1 < w
                && y + 1 < h
                && core(k - 1)
                && core(k + 1)
                && core(k - w)
                && core(k + w);
            if !inner {
                edge.push((claims.i0 + x as i32, claims.j0 + y as i32));
            }
        }
    }
    for (i, j) in edge {
        for &(dx, dy, d2) in &grid.disk {
            claims.claim(i + dx, j + dy, 2 + d2);
        }
    }
}

/// One zone's cells after the claims are resolved, over its window.
struct Kept {
    /// Per cell: the zone keeps it.
    keep: Vec<bool>,
    /// Per cell: the zone keeps it for the buffer only (no member block covers it).
    cuttable: Vec<bool>,
    /// Per cell: no zone claims it (this one or another).
    free: Vec<bool>,
}

/// The windows of every zone's claims, to find the zones whose claims may meet.
type Windows = RTree<GeomWithData<Rectangle<[i32; 2]>, usize>>;

/// The windows of `all`'s non-empty claims, with their zone's position.
fn windows(all: &[Claims]) -> Windows {
    RTree::bulk_load(
        all.iter()
            .enumerate()
            .filter(|(_, c)| c.w > 0 && c.h > 0)
            .map(|(z, c)| GeomWithData::new(Rectangle::from_aabb(c.window()), z))
            .collect(),
    )
}

/// Which of its claimed cells zone `z` keeps: a cell claimed by several zones goes to the
/// lowest level, ties to the zone listed first. Also which cells of its window nobody claims.
fn resolve(all: &[Claims], windows: &Windows, z: usize) -> Kept {
    let mine = &all[z];
    let mut keep: Vec<bool> = mine.level.iter().map(|&l| l != FREE).collect();
    let mut free: Vec<bool> = mine.level.iter().map(|&l| l == FREE).collect();
    if mine.w == 0 || mine.h == 0 {
        return Kept {
            keep,
            cuttable: Vec::new(),
            free,
        };
    }
    let window = mine.window();
    for other in windows.locate_in_envelope_intersecting(&window) {
        let w = other.data;
        if w == z {
            continue;
        }
        let theirs = &all[w];
        let (lo, hi) = (window.lower(), window.upper());
        let (olo, ohi) = (theirs.window().lower(), theirs.window().upper());
        let (i0, i1) = (lo[0].max(olo[0]), hi[0].min(ohi[0]));
        let n = (i1 - i0 + 1) as usize;
        for j in lo[1].max(olo[1])..=hi[1].min(ohi[1]) {
            let at = |c: &Claims| (j - c.j0) as usize * c.w + (i0 - c.i0) as usize;
            let (k, t) = (at(mine), at(theirs));
            let levels = mine.level[k..k + n].iter().zip(&theirs.level[t..t + n]);
            let cells = keep[k..k + n].iter_mut().zip(&mut free[k..k + n]);
            let ties_lost = w < z;
            for ((kept, free), (&a, &b)) in cells.zip(levels) {
                *kept &= !((a != FREE) & ((b < a) | ((b == a) & ties_lost)));
                *free &= b == FREE;
            }
        }
    }
    let mut cuttable: Vec<bool> = keep
        .iter()
        .zip(&mine.level)
        .map(|(&kept, &level)| kept && level > TOUCHED)
        .collect();
    smooth(mine.w, &mut keep, &mut cuttable, &free);
    Kept {
        keep,
        cuttable,
        free,
    }
}

/// Evens out single-cell jogs in a zone's kept cells (`w` wide): a cell nobody claims
/// (`free`) with three or four kept sides is kept (and cuttable: no other zone can have three
/// of its sides), then a cuttable cell with at most one kept side (counted after the first
/// step) is given up.
fn smooth(w: usize, keep: &mut [bool], cuttable: &mut [bool], free: &[bool]) {
    let mut sides = vec![0u8; w];
    let before = keep.to_vec();
    for y in 0..keep.len() / w {
        side_counts(&before, w, y, &mut sides);
        let row = y * w..(y + 1) * w;
        let cells = keep[row.clone()].iter_mut().zip(&mut cuttable[row.clone()]);
        for ((kept, cut), (&free, &n)) in cells.zip(free[row].iter().zip(&sides)) {
            let filled = free & !*kept & (n >= 3);
            *kept |= filled;
            *cut |= filled;
        }
    }
    let before = keep.to_vec();
    for y in 0..keep.len() / w {
        side_counts(&before, w, y, &mut sides);
        let row = y * w..(y + 1) * w;
        let cells = keep[row.clone()].iter_mut().zip(&mut cuttable[row]);
        for ((kept, cut), &n) in cells.zip(&sides) {
            let dropped = *cut & (n <= 1);
            *kept &= !dropped;
            *cut &= !dropped;
        }
    }
}

/// For each cell of row `y` of a window `w` wide, how many of its four sides border a kept
/// cell (cells beyond the window are not kept), into `sides` (`w` long).
fn side_counts(keep: &[bool], w: usize, y: usize, sides: &mut [u8]) {
    let row = &keep[y * w..(y + 1) * w];
    sides.fill(0);
    let add = |sides: &mut [u8], cells: &[bool]| {
        for (n, &k) in sides.iter_mut().zip(cells) {
            *n += u8::from(k);
        }
    };
    add(&mut sides[1..], &row[..w - 1]);
    add(&mut sides[..w - 1], &row[1..]);
    if y > 0 {
        add(sides, &keep[(y - 1) * w..y * w]);
    }
    if (y + 2) * w <= keep.len() {
        add(sides, &keep[(y + 1) * w..(y + 2) * w]);
    }
}

/// Every zone's outline on `grid` (`blocks`: outlines and their boxes, see `split::block_box`,
/// indexed by block): the cells it claims and keeps (and its holes of at most
/// `fill_holes_m2` that nobody claims, filled), traced into polygons with
/// counter-clockwise exteriors and clockwise holes, simplified inward across the cells it
/// keeps for the buffer only, by less than `simplify_m` (and a cell), in plane metres.
/// Outlines of different zones never overlap. A zone whose blocks have no finite vertex has
/// an empty outline.
pub(crate) fn outlines_on_grid(
    grid: &Grid,
    blocks: (&[MultiPolygon<f64>], &[Option<[f64; 4]>]),
    zones: &[Vec<u32>],
    (fill_holes_m2, simplify_m): (f64, f64),
) -> Vec<MultiPolygon<f64>> {
    let all: Vec<Claims> = zones
        .par_iter()
        .map(|members| claims(grid, blocks, members))
        .collect();
    let max_cells = (fill_holes_m2.max(0.0) / (grid.cell_m * grid.cell_m)).floor() as usize;
    let windows = windows(&all);
    (0..all.len())
        .into_par_iter()
        .map(|z| {
            let (kept, c) = (resolve(&all, &windows, z), &all[z]);
            let holes = HoleFilling {
                max_cells,
                free: &kept.free,
            };
            let trimming = Trimming {
                cuttable: &kept.cuttable,
                max_offset_cells: simplify_m / grid.cell_m,
            };
            let origin = (c.i0, c.j0);
            trace(
                &kept.keep,
                c.w,
                c.h,
                origin,
                grid.cell_m,
                (&holes, &trimming),
            )
        })
        .collect()
}
