//! The walking street graph: merged line vertices joined by straight edges.

use geo_types::{Coord, LineString};
use petgraph::graph::{NodeIndex, UnGraph};
use rayon::slice::ParallelSliceMut;

use super::adjacency::{Adjacency, Arc};
use super::components::Components;
use super::merge::VertexMerger;

/// Default distance (metres) within which line vertices become the same node: 1 cm.
pub const DEFAULT_MERGE_TOLERANCE_M: f64 = 0.01;

/// One undirected edge of the street graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// First endpoint (offsets along the edge are measured from here).
    pub a: u32,
    /// Second endpoint.
    pub b: u32,
    /// Straight-line length in metres.
    pub length_m: f64,
}

impl Edge {
    /// Converts a stored petgraph edge.
    fn from_raw(edge: &petgraph::graph::Edge<f64>) -> Self {
        Edge {
            a: edge.source().index() as u32,
            b: edge.target().index() as u32,
            length_m: edge.weight,
        }
    }
}

/// An undirected, length-weighted walking graph built from street centre lines.
///
/// Nodes are line vertices (merged within a tolerance); each pair of consecutive vertices
/// is an edge. Lines that cross without a shared vertex do not connect.
#[derive(Debug, Clone)]
pub struct StreetGraph {
    graph: UnGraph<Coord<f64>, f64>,
    adjacency: Adjacency,
}

impl StreetGraph {
    /// Builds the graph from projected lines (metres), merging vertices within
    /// `merge_tolerance_m` (see [`DEFAULT_MERGE_TOLERANCE_M`]; ≤ 0 or NaN merges exact
    /// duplicates only).
    ///
    /// Non-finite vertices are skipped and break their line there; zero-length segments and
    /// repeated segments are dropped; vertices left without any edge are not nodes. Node and
    /// edge ids follow the input order, so equal input gives an equal graph.
    pub fn new(lines: &[LineString<f64>], merge_tolerance_m: f64) -> Self {
        let vertices: usize = lines.iter().map(|l| l.0.len()).sum();
        let mut merger = VertexMerger::new(merge_tolerance_m, vertices);
        let mut segments: Vec<(u32, u32)> = Vec::with_capacity(vertices);
        for line in lines {
            let mut previous: Option<u32> = None;
            for &vertex in &line.0 {
                if !(vertex.x.is_finite() && vertex.y.is_finite()) {
                    previous = None;
                    continue;
                }
                let node = merger.insert(vertex);
                if let Some(prev) = previous.filter(|&p| p != node) {
                    segments.push((prev, node));
                }
                previous = Some(node);
            }
        }
        let segments = first_occurrences(segments);
        Self::from_segments(merger.into_coords(), &segments)
    }

    /// Builds the graph from merged vertices and distinct segments, keeping only the
    /// vertices used by a segment of finite, non-zero length.
    fn from_segments(coords: Vec<Coord<f64>>, segments: &[(u32, u32)]) -> Self {
        let length = |a: u32, b: u32| {
            let (p, q) = (coords[a as usize], coords[b as usize]);
            (q.x - p.x).hypot(q.y - p.y)
        };
        let kept: Vec<(u32, u32, f64)> = segments
            .iter()
            .map(|&(a, b)| (a, b, length(a, b)))
            .filter(|&(_, _, len)| len.is_finite() && len > 0.0)
            .collect();
        const UNUSED: u32 = u32::MAX;
        let mut new_id = vec![UNUSED; coords.len()];
        for &(a, b, _) in &kept {
            new_id[a as usize] = 0;
            new_id[b as usize] = 0;
        }
        let mut graph = UnGraph::with_capacity(coords.len(), kept.len());
        for (old, coord) in coords.into_iter().enumerate() {
            if new_id[old] != UNUSED {
                new_id[old] = graph.add_node(coord).index() as u32;
            }
        }
        for &(a, b, len) in &kept {
            let (a, b) = (new_id[a as usize], new_id[b as usize]);
            graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), len);
        }
        let edges = graph.raw_edges().iter().map(|e| {
            (
                e.source().index() as u32,
                e.target().index() as u32,
                e.weight,
            )
        });
        let adjacency = Adjacency::new(graph.node_count(), edges);
        StreetGraph { graph, adjacency }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Coordinate of a node, or `None` for an unknown node.
    pub fn node_coord(&self, node: u32) -> Option<Coord<f64>> {
        self.graph
            .node_weight(NodeIndex::new(node as usize))
            .copied()
    }

    /// Endpoints and length of an edge, or `None` for an unknown edge.
    pub fn edge(&self, edge: u32) -> Option<Edge> {
        self.graph
            .raw_edges()
            .get(edge as usize)
            .map(Edge::from_raw)
    }

    /// All edges in id order.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = Edge> + '_ {
        self.graph.raw_edges().iter().map(Edge::from_raw)
    }

    /// The underlying petgraph graph (node weights: coordinates; edge weights: metres).
    /// Edge `i` here is `EdgeIndex::new(i)`.
    pub fn petgraph(&self) -> &UnGraph<Coord<f64>, f64> {
        &self.graph
    }

    /// Connected components, with per-node component ids, sizes and the main component.
    pub fn components(&self) -> Components {
        Components::new(&self.adjacency, self.node_count())
    }

    /// The arcs (neighbour, edge id, length) leaving `node`.
    pub(crate) fn arcs(&self, node: usize) -> &[Arc] {
        self.adjacency.arcs(node)
    }
}

/// The segments without repeats (either direction), keeping each first occurrence in order.
fn first_occurrences(segments: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut keyed: Vec<(u64, u32)> = segments
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| ((u64::from(a.min(b)) << 32) | u64::from(a.max(b)), i as u32))
        .collect();
    keyed.par_sort_unstable();
    let mut first = vec![false; segments.len()];
    for (i, &(key, index)) in keyed.iter().enumerate() {
        if i == 0 || keyed[i - 1].0 != key {
            first[index as usize] = true;
        }
    }
    segments
        .into_iter()
        .zip(first)
        .filter_map(|(segment, keep)| keep.then_some(segment))
        .collect()
}
