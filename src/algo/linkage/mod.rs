//! Gap zones: uncovered blocks clustered into zones, with an outline to draw each zone, in
//! the projected plane (metres).
//!
//! [`cluster`] groups blocks by single linkage on their centroids: two blocks whose centroids
//! lie within the link distance of each other are in the same zone, and so, transitively, are
//! their neighbours' neighbours. [`zone_outline`] draws a zone as the convex hull of its
//! blocks' outlines, buffered outward so it reads on a map. [`gap_zones`] does both.
//!
//! Everything here is pure and deterministic: the same input gives the same zones, in the same
//! order, whatever the number of rayon threads.

use geo::algorithm::convex_hull::quick_hull;
use geo::{Coord, MultiPolygon, Polygon};
use rayon::prelude::*;

/// Segments of the polygon that stands in for a full circle when buffering: corner arcs are
/// drawn with one vertex every 360°/32 = 11.25°.
pub const BUFFER_SEGMENTS: usize = 32;

/// One gap zone: a cluster of blocks and the outline that draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct GapZone {
    /// Block indices in the zone, ascending.
    pub blocks: Vec<u32>,
    /// The zone outline in the plane (see [`zone_outline`]): the convex hull of the blocks'
    /// outlines buffered outward. One polygon, exterior counter-clockwise.
    pub outline: MultiPolygon<f64>,
}

/// Clusters the selected blocks and outlines each zone: [`cluster`] with `link_m`, then
/// [`zone_outline`] with `buffer_m` for every zone (in parallel). `centroids` and `outlines`
/// are indexed by block; zones come in [`cluster`]'s order.
///
/// # Panics
///
/// If a selected block index is out of range of `centroids` or `outlines`.
///
/// # Examples
///
/// Two 100 m squares whose centres are 150 m apart form one zone at a 200 m link:
///
/// ```
/// use carecircle::algo::linkage::gap_zones;
/// use geo::{Area, Contains};
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
/// let outlines = [square(0.0), square(150.0), square(1000.0)];
/// let centroids = [
///     coord! { x: 50.0, y: 50.0 },
///     coord! { x: 200.0, y: 50.0 },
///     coord! { x: 1050.0, y: 50.0 },
/// ];
/// let zones = gap_zones(&centroids, &outlines, &[0, 1], 200.0, 10.0);
/// assert_eq!(zones.len(), 1);
/// assert_eq!(zones[0].blocks, [0, 1]);
/// // The hull of both squares (250 × 100 m) buffered by 10 m, corners rounded.
/// let area = zones[0].outline.unsigned_area();
/// assert!(area > 250.0 * 100.0 + 2.0 * (250.0 + 100.0) * 10.0 && area < 270.0 * 120.0);
/// assert!(zones[0].outline.contains(&point! { x: 125.0, y: 50.0 }));
/// ```
pub fn gap_zones(
    centroids: &[Coord<f64>],
    outlines: &[MultiPolygon<f64>],
    selected: &[u32],
    link_m: f64,
    buffer_m: f64,
) -> Vec<GapZone> {
    cluster(centroids, selected, link_m)
        .into_par_iter()
        .map(|blocks| {
            let outline = zone_outline(blocks.iter().map(|&b| &outlines[b as usize]), buffer_m);
            GapZone { blocks, outline }
        })
        .collect()
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
    let mut groups: std::collections::HashMap<(i64, i64), std::ops::Range<usize>> =
        Default::default();
    let mut start = 0;
    for i in 1..=by_cell.len() {
        if i == by_cell.len() || by_cell[i].0 != by_cell[start].0 {
            for j in start + 1..i {
                sets.union(by_cell[start].1, by_cell[j].1);
            }
            groups.insert(by_cell[start].0, start..i);
            start = i;
        }
    }
    if side <= 0.0 {
        return;
    }
    let mut keys: Vec<(i64, i64)> = groups.keys().copied().collect();
    keys.sort_unstable();
    for a in keys {
        let cells_a = groups[&a].clone();
        for (dx, dy) in (-2..=2).flat_map(|dx| (-2..=2).map(move |dy| (dx, dy))) {
            let b = (a.0 + dx, a.1 + dy);
            // Each pair of cells once.
            if b <= a {
                continue;
            }
            let Some(cells_b) = groups.get(&b).cloned() else {
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

/// The outline of a zone from its member blocks' outlines: their convex hull, buffered outward
/// by `buffer_m` with round corners. Returns one polygon with a counter-clockwise exterior and
/// no holes, or an empty MultiPolygon when the outlines have no finite vertex.
///
/// The buffered hull is the Minkowski sum of the hull and a regular [`BUFFER_SEGMENTS`]-gon
/// inscribed in the circle of radius `buffer_m`, computed as the convex hull of every hull
/// vertex moved by every offset of that polygon. So every point of the outline lies within
/// `buffer_m` of the hull, the outline contains every point within
/// `buffer_m · cos(π / BUFFER_SEGMENTS)` (≈ 0.995 `buffer_m`) of it, and every member vertex
/// lies strictly inside when `buffer_m > 0`. It is robust (geo's quickhull with exact
/// orientation predicates, no polygon overlay) and fast (one hull over the member vertices,
/// one over the hull's vertices times [`BUFFER_SEGMENTS`] offsets: well under a millisecond
/// for 1,000 blocks), and it handles a single block, a single point (a circle), collinear and
/// duplicate vertices (a rounded strip). When `buffer_m` is not a positive finite number the
/// outline is the bare hull, which may then be degenerate (zero area). Non-finite vertices
/// are skipped; holes are irrelevant to a hull and ignored.
///
/// Limit: a hull is convex, so for an L-shaped or ring-shaped zone it also spans the ground
/// between the arms, which may be covered blocks or no blocks at all. That is accepted here:
/// the zone is the cluster of uncovered blocks, and its outline only marks where that cluster
/// lies; the member blocks themselves say which ground is uncovered.
pub fn zone_outline<'a>(
    outlines: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
    buffer_m: f64,
) -> MultiPolygon<f64> {
    let mut vertices: Vec<Coord<f64>> = outlines
        .into_iter()
        .flat_map(|outline| &outline.0)
        .flat_map(|polygon| &polygon.exterior().0)
        .copied()
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .collect();
    if vertices.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    let hull = quick_hull(&mut vertices);
    let ring = if buffer_m > 0.0 && buffer_m.is_finite() {
        let offsets: Vec<Coord<f64>> = (0..BUFFER_SEGMENTS)
            .map(|j| {
                let angle = std::f64::consts::TAU * j as f64 / BUFFER_SEGMENTS as f64;
                Coord {
                    x: buffer_m * angle.cos(),
                    y: buffer_m * angle.sin(),
                }
            })
            .collect();
        // The hull ring is closed: its last vertex repeats the first.
        let corners = &hull.0[..hull.0.len() - 1];
        let mut moved: Vec<Coord<f64>> = corners
            .iter()
            .flat_map(|&v| offsets.iter().map(move |&o| v + o))
            .collect();
        quick_hull(&mut moved)
    } else {
        hull
    };
    MultiPolygon::new(vec![Polygon::new(ring, Vec::new())])
}

#[cfg(test)]
mod tests;
