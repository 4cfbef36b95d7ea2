//! Merging line vertices into graph nodes on a tolerance grid.
//!
//! Space is cut into square cells a few tolerances wide. A vertex joins the nearest
//! existing node within the tolerance (ties: lowest node id), found by looking at the one
//! to four cells its tolerance disc overlaps; otherwise it becomes a new node. Nodes are
//! therefore always more than the tolerance apart, and the result depends only on the
//! input order.

use geo_types::Coord;

use super::cellhash::CellMap;

/// Marks the end of a cell's chain of nodes.
const NO_NODE: u32 = u32::MAX;

/// Cell width in tolerances: wide enough that most tolerance discs lie inside one cell,
/// narrow enough that cells hold few nodes (nodes are more than a tolerance apart).
const CELL_TOLERANCES: f64 = 8.0;

/// Assigns node ids to vertices, merging vertices within a tolerance.
pub(crate) struct VertexMerger {
    /// Merge distance in metres; 0 means only identical coordinates merge.
    tolerance: f64,
    /// Cell width in metres (0 with a zero tolerance: cells are exact coordinates).
    cell_m: f64,
    /// First node of each occupied cell.
    head: CellMap<(i64, i64), u32>,
    /// Next node in the same cell, per node.
    next_in_cell: Vec<u32>,
    /// Coordinate of each node (the first vertex that created it).
    coords: Vec<Coord<f64>>,
}

impl VertexMerger {
    /// A merger with the given tolerance (non-positive or NaN: exact duplicates only), with
    /// room for `capacity` nodes.
    pub(crate) fn new(tolerance_m: f64, capacity: usize) -> Self {
        let tolerance = if tolerance_m > 0.0 { tolerance_m } else { 0.0 };
        let mut head = CellMap::default();
        head.reserve(capacity);
        VertexMerger {
            tolerance,
            cell_m: tolerance * CELL_TOLERANCES,
            head,
            next_in_cell: Vec::with_capacity(capacity),
            coords: Vec::with_capacity(capacity),
        }
    }

    /// The node id for a finite vertex, creating a node when none is within the tolerance.
    pub(crate) fn insert(&mut self, vertex: Coord<f64>) -> u32 {
        // Adding 0.0 turns -0.0 into 0.0 so both hash to the same exact-mode cell.
        let vertex = Coord {
            x: vertex.x + 0.0,
            y: vertex.y + 0.0,
        };
        let cell = self.cell_of(vertex);
        if let Some(existing) = self
            .exact_in(cell, vertex)
            .or_else(|| self.nearest_within(vertex))
        {
            return existing;
        }
        let id = self.coords.len() as u32;
        let previous_head = self.head.insert(cell, id).unwrap_or(NO_NODE);
        self.next_in_cell.push(previous_head);
        self.coords.push(vertex);
        id
    }

    /// Coordinates of all nodes, indexed by node id.
    pub(crate) fn into_coords(self) -> Vec<Coord<f64>> {
        self.coords
    }

    /// A node at exactly `vertex` in its own cell: the common case of a shared vertex.
    /// Such a node is the nearest, and the only one within the tolerance.
    fn exact_in(&self, cell: (i64, i64), vertex: Coord<f64>) -> Option<u32> {
        let mut node = self.head.get(&cell).copied().unwrap_or(NO_NODE);
        while node != NO_NODE {
            if self.coords[node as usize] == vertex {
                return Some(node);
            }
            node = self.next_in_cell[node as usize];
        }
        None
    }

    /// The nearest node within the tolerance (ties: lowest id), if any.
    fn nearest_within(&self, vertex: Coord<f64>) -> Option<u32> {
        let limit = self.tolerance * self.tolerance;
        let (lo, hi) = self.cell_range(vertex);
        let mut best: Option<(f64, u32)> = None;
        for cx in lo.0..=hi.0 {
            for cy in lo.1..=hi.1 {
                let mut node = self.head.get(&(cx, cy)).copied().unwrap_or(NO_NODE);
                while node != NO_NODE {
                    let c = self.coords[node as usize];
                    let d2 = (c.x - vertex.x).powi(2) + (c.y - vertex.y).powi(2);
                    let better = match best {
                        None => true,
                        Some((bd, bn)) => d2 < bd || (d2 == bd && node < bn),
                    };
                    if d2 <= limit && better {
                        best = Some((d2, node));
                    }
                    node = self.next_in_cell[node as usize];
                }
            }
        }
        best.map(|(_, node)| node)
    }

    /// The cell holding a vertex: a tolerance-grid cell, or the exact bit pattern at tolerance 0.
    fn cell_of(&self, vertex: Coord<f64>) -> (i64, i64) {
        if self.tolerance == 0.0 {
            (vertex.x.to_bits() as i64, vertex.y.to_bits() as i64)
        } else {
            (self.grid(vertex.x), self.grid(vertex.y))
        }
    }

    /// The inclusive range of cells a vertex's tolerance disc overlaps.
    fn cell_range(&self, vertex: Coord<f64>) -> ((i64, i64), (i64, i64)) {
        if self.tolerance == 0.0 {
            let cell = self.cell_of(vertex);
            return (cell, cell);
        }
        let t = self.tolerance;
        let lo = (self.grid(vertex.x - t), self.grid(vertex.y - t));
        let hi = (self.grid(vertex.x + t), self.grid(vertex.y + t));
        // The disc spans at most two cells, three after rounding; the cap keeps huge or
        // overflowing inputs cheap.
        let hi = (
            hi.0.min(lo.0.saturating_add(2)),
            hi.1.min(lo.1.saturating_add(2)),
        );
        (lo, hi)
    }

    /// Grid index of one coordinate (saturating for huge values).
    fn grid(&self, value: f64) -> i64 {
        (value / self.cell_m).floor() as i64
    }
}
