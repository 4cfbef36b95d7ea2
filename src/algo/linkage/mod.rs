//! Gap zones: uncovered blocks clustered into zones, with an outline to draw each zone, in
//! the projected plane (metres).
//!
//! [`cluster`] groups blocks by single linkage on their centroids: two blocks whose centroids
//! lie within the link distance of each other are in the same zone, and so, transitively, are
//! their neighbours' neighbours. [`gap_zones`] then splits every cluster wider than the
//! largest span (single linkage chains blocks into whole quarters) and outlines each zone as
//! the union of its blocks, buffered a little, on one grid of cells shared by all zones of
//! the call, so that no two outlines overlap.
//!
//! Everything here is pure and deterministic: the same input gives the same zones, in the same
//! order, whatever the number of rayon threads.

mod raster;
mod simplify;
mod split;
mod trace;

use geo::{Coord, MultiPolygon};
use raster::{outlines_on_grid, Grid};
use rayon::prelude::*;
pub use split::span_m;
use split::{block_box, split_to_span, SplitInput};

/// No zone's grid window holds more than about this many cells: the cells of a call grow
/// (doubling) when a zone would (a block kilometres across, or a very large span).
pub const MAX_WINDOW_CELLS: f64 = 4.0e6;

/// One gap zone: a cluster of blocks and the outline that draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct GapZone {
    /// Block indices in the zone, ascending.
    pub blocks: Vec<u32>,
    /// The zone outline in the plane (see [`gap_zones`]): the union of the blocks' cells,
    /// buffered, exteriors counter-clockwise and holes clockwise; empty when the blocks have
    /// no finite vertex.
    pub outline: MultiPolygon<f64>,
}

/// How [`gap_zones`] forms and draws zones, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneShape {
    /// Blocks whose centroids lie this close link into one zone (single linkage).
    pub link_m: f64,
    /// The largest span of a zone's outline: the larger side of its bounding box.
    pub span_m: f64,
    /// The side of the grid cells outlines are drawn with (positive).
    pub cell_m: f64,
    /// Outlines take in the cells whose centre lies within this of a block's cells.
    pub buffer_m: f64,
    /// Holes in a zone's cells up to this area (square metres) that no other zone claims are
    /// filled: a yard, a wide street, a single covered block between the zone's blocks.
    pub fill_holes_m2: f64,
    /// Outlines are straightened inward, across the cells taken for the buffer only, where
    /// that moves them by less than this (and less than a cell); 0 keeps the cells' stairs.
    pub simplify_m: f64,
}

/// Clusters the selected blocks into zones and outlines each.
///
/// 1. [`cluster`] with `shape.link_m`.
/// 2. Every cluster whose outline could span more than `shape.span_m` is split: across its
///    longer side at the widest gap between its centroids in the middle half of their range
///    (else at the median) until every part of more than one block spans (see [`span_m`])
///    at most `shape.span_m` less twice the outline's margin (a cell and the buffer, see
///    below); each part is then linked again (a cut may strand blocks that linked only
///    across it). So no outline of more than one block spans more than `shape.span_m`; a
///    single block wider than that is a zone of its own.
/// 3. Every zone claims, on one grid of square cells of side `shape.cell_m` anchored at the
///    plane's origin, the cells whose centre lies inside one of its blocks (a block too thin
///    to hold a cell centre: the cells its outline passes through), then the cells whose
///    centre lies within `shape.buffer_m` of those, so that narrow streets between its
///    blocks are filled. A cell claimed by several zones goes to the zone whose blocks it is
///    nearest (inside before touched before buffered, nearer before farther), ties to the
///    zone listed first. Single-cell jogs are evened out: a cell no zone claims with three
///    kept sides is kept, then a cell kept for the buffer only with at most one kept side is
///    given up. Holes up to `shape.fill_holes_m2` in a zone's kept cells that no other zone
///    claims are filled.
/// 4. Each zone's kept cells are traced along their edges into its outline, and the outline
///    is straightened inward across the cells it keeps for the buffer only, where that moves
///    it by less than `shape.simplify_m` and a cell (see `simplify`): it never loses a cell
///    a block covers, and never gains one. So outlines of different zones never overlap,
///    and an outline never lies farther from its blocks than a cell's diagonal plus the
///    buffer.
///
/// `centroids` and `outlines` are indexed by block; zones are ordered by their smallest
/// block index. The cells double in size, for the whole call, while a zone's window could
/// hold more than [`MAX_WINDOW_CELLS`] cells.
///
/// # Panics
///
/// If a selected block index is out of range of `centroids` or `outlines`.
///
/// # Examples
///
/// Two 100 m squares 50 m apart form one zone at a 200 m link; a third square 1 km away is a
/// zone of its own:
///
/// ```
/// use carecircle::algo::linkage::{gap_zones, ZoneShape};
/// use geo::{Area, BoundingRect, Contains};
/// use geo_types::{coord, point, polygon, MultiPolygon};
///
/// let square = |x: f64| {
///     MultiPolygon::new(vec![polygon![
///         (x: x, y: 0.0),
///         (x: x + 100.0, y: 0.0),
///         (x: x + 100.0, y: 100.0),
///         (x: x, y: 100.0),
///     ]])
/// };
/// let outlines = [square(0.0), square(150.0), square(1250.0)];
/// let centroids = [
///     coord! { x: 50.0, y: 50.0 },
///     coord! { x: 200.0, y: 50.0 },
///     coord! { x: 1300.0, y: 50.0 },
/// ];
/// let shape = ZoneShape {
///     link_m: 200.0, span_m: 1000.0, cell_m: 5.0, buffer_m: 10.0, fill_holes_m2: 0.0,
///     simplify_m: 0.0,
/// };
/// let zones = gap_zones(&centroids, &outlines, &[0, 1, 2], &shape);
/// assert_eq!(zones.len(), 2);
/// assert_eq!(zones[0].blocks, [0, 1]);
/// // The squares, each 10 m wider all round but for the three cells at each corner whose
/// // centre lies farther than 10 m from a square's cells; the 50 m street between them
/// // stays open.
/// let outline = &zones[0].outline;
/// assert_eq!(outline.0.len(), 2);
/// let corner = 3.0 * 25.0;
/// assert_eq!(outline.unsigned_area(), 2.0 * (120.0 * 120.0 - 4.0 * corner));
/// // Each corner is a stair of two steps: five vertices.
/// assert_eq!(outline.0[0].exterior().0.len(), 4 * 5 + 1);
/// assert!(outline.contains(&point! { x: 50.0, y: 50.0 }));
/// assert!(!outline.contains(&point! { x: 125.0, y: 50.0 }));
/// // Straightened by just under a cell, each corner's stairs become a diagonal: 13 of the
/// // 20 vertices are left, and no part of a square is cut off.
/// let straight = ZoneShape { simplify_m: 4.9, ..shape };
/// let outline = &gap_zones(&centroids, &outlines, &[0, 1, 2], &straight)[0].outline;
/// assert_eq!(outline.0[0].exterior().0.len(), 13 + 1);
/// assert!(outline.contains(&outlines[0]) && outline.contains(&outlines[1]));
/// // With a 600 m span the three squares, all linked at 1.2 km, are split at the widest gap.
/// let shape = ZoneShape { link_m: 1200.0, span_m: 600.0, ..shape };
/// let zones = gap_zones(&centroids, &outlines, &[0, 1, 2], &shape);
/// let blocks: Vec<Vec<u32>> = zones.iter().map(|z| z.blocks.clone()).collect();
/// assert_eq!(blocks, [vec![0, 1], vec![2]]);
/// ```
pub fn gap_zones(
    centroids: &[Coord<f64>],
    outlines: &[MultiPolygon<f64>],
    selected: &[u32],
    shape: &ZoneShape,
) -> Vec<GapZone> {
    let clusters = cluster(centroids, selected, shape.link_m);
    let mut boxes: Vec<Option<[f64; 4]>> = vec![None; outlines.len()];
    let members: Vec<u32> = clusters.iter().flatten().copied().collect();
    let found: Vec<Option<[f64; 4]>> = members
        .par_iter()
        .map(|&b| block_box(&outlines[b as usize]))
        .collect();
    for (&b, found) in members.iter().zip(found) {
        boxes[b as usize] = found;
    }
    let grid = grid_for(shape, &boxes);
    let input = SplitInput {
        centroids,
        boxes: &boxes,
        link_m: shape.link_m,
        max_span_m: shape.span_m - 2.0 * grid.margin_m(),
    };
    let mut zones: Vec<Vec<u32>> = clusters
        .into_par_iter()
        .flat_map_iter(|c| split_to_span(&input, c))
        .collect();
    zones.sort_unstable_by_key(|z| z[0]);
    let drawn = outlines_on_grid(
        &grid,
        (outlines, &boxes),
        &zones,
        (shape.fill_holes_m2, shape.simplify_m),
    );
    zones
        .into_iter()
        .zip(drawn)
        .map(|(blocks, outline)| GapZone { blocks, outline })
        .collect()
}

/// The grid of a call: cells of `shape.cell_m`, doubled while the widest window a zone may
/// need (its largest block or the span, and the margins) would exceed [`MAX_WINDOW_CELLS`].
fn grid_for(shape: &ZoneShape, boxes: &[Option<[f64; 4]>]) -> Grid {
    let widest_block = boxes
        .iter()
        .flatten()
        .map(|b| (b[2] - b[0]).max(b[3] - b[1]))
        .fold(0.0, f64::max);
    let span_m = if shape.span_m.is_finite() {
        shape.span_m
    } else {
        0.0
    };
    let widest = widest_block.max(span_m);
    let mut grid = Grid::new(shape.cell_m, shape.buffer_m);
    // 64 doublings outgrow any finite plane.
    for _ in 0..64 {
        if ((widest + 2.0 * grid.margin_m()) / grid.cell_m).powi(2) <= MAX_WINDOW_CELLS {
            break;
        }
        grid = Grid::new(grid.cell_m * 2.0, shape.buffer_m);
    }
    grid
}

/// Single-linkage clustering of the `selected` blocks by their centroids: blocks whose
/// centroids lie within `link_m` of each other (distance ≤ `link_m`), directly or through a
/// chain of such links between selected blocks, form one zone. Blocks not selected never link
/// others.
///
/// Each zone lists its block indices ascending; zones are ordered by their smallest block index.
/// Duplicates in `selected` are ignored. A block with a non-finite centroid, and every block
/// when `link_m` is negative or NaN, is a zone of its own.
///
/// A grid of cells `link_m / √2` across (see `link_by_grid`) and a union-find join them, in
/// near-linear time whatever the link.
///
/// # Panics
///
/// If a selected block index is out of range of `centroids`.
///
/// # Examples
///
/// ```
/// use carecircle::algo::linkage::cluster;
/// use geo_types::coord;
///
/// let centroids = [
///     coord! { x: 0.0, y: 0.0 },
///     coord! { x: 150.0, y: 0.0 },
///     coord! { x: 300.0, y: 0.0 },
///     coord! { x: 1000.0, y: 0.0 },
/// ];
/// // Blocks 0 and 2 are 300 m apart: with a 200 m link they join only through block 1.
/// assert_eq!(cluster(&centroids, &[0, 1, 2, 3], 200.0), [vec![0, 1, 2], vec![3]]);
/// assert_eq!(cluster(&centroids, &[3, 2, 0], 200.0), [vec![0], vec![2], vec![3]]);
/// ```
pub fn cluster(centroids: &[Coord<f64>], selected: &[u32], link_m: f64) -> Vec<Vec<u32>> {
    let mut blocks = selected.to_vec();
    blocks.sort_unstable();
    blocks.dedup();
    // Positions into `blocks`, which is ascending, stand for the blocks from here on.
    let point = |k: usize| {
        let c = centroids[blocks[k] as usize];
        [c.x, c.y]
    };
    let finite: Vec<usize> = (0..blocks.len())
        .filter(|&k| point(k).iter().all(|v| v.is_finite()))
        .collect();
    let mut sets = DisjointSets::new(blocks.len());
    if link_m >= 0.0 {
        let points: Vec<(usize, [f64; 2])> = finite.iter().map(|&k| (k, point(k))).collect();
        link_by_grid(&points, link_m, &mut sets);
    }
    // Zones in order of their first (smallest) block; members pushed in ascending order.
    let mut zone_of_root = vec![u32::MAX; blocks.len()];
    let mut zones: Vec<Vec<u32>> = Vec::new();
    for (k, &block) in blocks.iter().enumerate() {
        let root = sets.find(k);
        if zone_of_root[root] == u32::MAX {
            zone_of_root[root] = zones.len() as u32;
            zones.push(Vec::new());
        }
        zones[zone_of_root[root] as usize].push(block);
    }
    zones
}

/// Joins in `sets` every two points within `link_m` of each other, directly or by a chain.
///
/// Points fall into square cells of side `link_m / √2`, so any two points of one cell are
/// within `link_m` and are joined outright. Points within `link_m` of each other lie at most two
/// cells apart; for each such pair of cells not yet joined, the first pair of points found
/// within `link_m` joins them. The work stays near linear whatever the link: a long link
/// makes cells bigger, not pairs more numerous.
fn link_by_grid(points: &[(usize, [f64; 2])], link_m: f64, sets: &mut DisjointSets) {
    let link_2 = link_m * link_m;
    // A zero link joins only coincident points: one cell per exact position.
    let side = link_m / std::f64::consts::SQRT_2;
    let cell = |p: &[f64; 2]| -> (i64, i64) {
        if side > 0.0 {
            ((p[0] / side).floor() as i64, (p[1] / side).floor() as i64)
        } else {
            (p[0].to_bits() as i64, p[1].to_bits() as i64)
        }
    };
    let mut by_cell: Vec<((i64, i64), usize, [f64; 2])> =
        points.iter().map(|&(k, p)| (cell(&p), k, p)).collect();
    by_cell.sort_unstable_by_key(|&(c, k, _)| (c, k));
    // Cells in ascending order with their points' range in `by_cell`.
    let mut groups: Vec<((i64, i64), std::ops::Range<usize>)> = Vec::new();
    let mut start = 0;
    for i in 1..=by_cell.len() {
        if i == by_cell.len() || by_cell[i].0 != by_cell[start].0 {
            for j in start + 1..i {
                sets.union(by_cell[start].1, by_cell[j].1);
            }
            groups.push((by_cell[start].0, start..i));
            start = i;
        }
    }
    if side <= 0.0 {
        return;
    }
    // The cells up to two apart, each pair once: the offsets after (0, 0) in the cells'
    // order. Cells are visited in that order, so each offset's cell is found by a cursor
    // that only moves forward.
    let offsets: Vec<(i64, i64)> = (0..=2)
        .flat_map(|dx| (-2..=2).map(move |dy| (dx, dy)))
        .filter(|&o| o > (0, 0))
        .collect();
    let mut cursors = vec![0usize; offsets.len()];
    for (a, cells_a) in &groups {
        for (o, cursor) in offsets.iter().zip(&mut cursors) {
            let b = (a.0 + o.0, a.1 + o.1);
            while *cursor < groups.len() && groups[*cursor].0 < b {
                *cursor += 1;
            }
            let Some((_, cells_b)) = groups.get(*cursor).filter(|g| g.0 == b) else {
                continue;
            };
            if sets.find(by_cell[cells_a.start].1) == sets.find(by_cell[cells_b.start].1) {
                continue;
            }
            'search: for i in cells_a.clone() {
                for j in cells_b.clone() {
                    let (p, q) = (by_cell[i].2, by_cell[j].2);
                    if (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) <= link_2 {
                        sets.union(by_cell[i].1, by_cell[j].1);
                        break 'search;
                    }
                }
            }
        }
    }
}

/// Union-find over `0..n`, union by size with path halving.
struct DisjointSets {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let grandparent = self.parent[self.parent[x] as usize];
            self.parent[x] = grandparent;
            x = grandparent as usize;
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a as u32;
        self.size[a] += self.size[b];
    }
}

#[cfg(test)]
mod tests;
