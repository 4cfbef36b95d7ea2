//! An independent reference: snap points are inserted as real nodes into a petgraph
//! graph, and distances come from `petgraph::algo::dijkstra`.

use std::collections::HashMap;

use geo_types::{Coord, LineString};
use petgraph::algo::dijkstra;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;

/// A raw segment between two distinct vertices.
struct Segment {
    a: NodeIndex,
    b: NodeIndex,
    pa: Coord<f64>,
    pb: Coord<f64>,
}

/// Brute-force snap of a point onto a segment.
#[derive(Clone, Copy)]
pub(super) struct RefSnap {
    segment: usize,
    t: f64,
    pub(super) leg: f64,
}

/// The reference graph with one node per input point (if it snapped).
pub(super) struct Reference {
    graph: UnGraph<(), f64>,
    /// The node of each original point, and its snap.
    pub(super) points: Vec<Option<(NodeIndex, RefSnap)>>,
}

fn dist(p: Coord<f64>, q: Coord<f64>) -> f64 {
    ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
}

fn lerp(s: &Segment, t: f64) -> Coord<f64> {
    Coord {
        x: s.pa.x + t * (s.pb.x - s.pa.x),
        y: s.pa.y + t * (s.pb.y - s.pa.y),
    }
}

/// Vertex nodes keyed by exact coordinates, and the distinct-vertex segments of all lines.
fn vertices_and_segments(
    lines: &[LineString<f64>],
    graph: &mut UnGraph<(), f64>,
) -> (HashMap<(u64, u64), NodeIndex>, Vec<Segment>) {
    let mut vertex: HashMap<(u64, u64), NodeIndex> = HashMap::new();
    let mut segments = Vec::new();
    for line in lines {
        for w in line.0.windows(2) {
            let (pa, pb) = (w[0], w[1]);
            if pa == pb {
                continue;
            }
            let mut node = |p: Coord<f64>| {
                *vertex
                    .entry((p.x.to_bits(), p.y.to_bits()))
                    .or_insert_with(|| graph.add_node(()))
            };
            let (a, b) = (node(pa), node(pb));
            segments.push(Segment { a, b, pa, pb });
        }
    }
    (vertex, segments)
}

impl Reference {
    /// Builds the reference from exact-vertex lines (no tolerance merging), snapping each
    /// point by brute force onto the nearest segment within `max_snap`.
    pub(super) fn new(lines: &[LineString<f64>], points: &[Coord<f64>], max_snap: f64) -> Self {
        let mut graph = UnGraph::new_undirected();
        let (_, segments) = vertices_and_segments(lines, &mut graph);
        let snaps: Vec<Option<RefSnap>> = points
            .iter()
            .map(|&p| {
                let candidates: Vec<RefSnap> = segments
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let (dx, dy) = (s.pb.x - s.pa.x, s.pb.y - s.pa.y);
                        let t = (((p.x - s.pa.x) * dx + (p.y - s.pa.y) * dy) / (dx * dx + dy * dy))
                            .clamp(0.0, 1.0);
                        RefSnap {
                            segment: i,
                            t,
                            leg: dist(p, lerp(s, t)),
                        }
                    })
                    .collect();
                // Ties within 1 µm go to the first segment in input order, which is the
                // graph's lowest edge id (edges are numbered by first appearance).
                let min = candidates
                    .iter()
                    .map(|c| c.leg)
                    .fold(f64::INFINITY, f64::min);
                let best = candidates.into_iter().find(|c| c.leg <= min + 1e-6);
                best.filter(|b| b.leg <= max_snap)
            })
            .collect();
        // Split each segment at its snap points, in order along it.
        let mut on_segment: Vec<Vec<(f64, usize)>> = vec![Vec::new(); segments.len()];
        for (i, snap) in snaps.iter().enumerate() {
            if let Some(s) = snap {
                on_segment[s.segment].push((s.t, i));
            }
        }
        let mut point_nodes = vec![None; points.len()];
        for (s, list) in segments.iter().zip(&mut on_segment) {
            list.sort_by(|x, y| x.0.total_cmp(&y.0));
            let (mut prev, mut prev_at) = (s.a, s.pa);
            for &(t, i) in list.iter() {
                let at = lerp(s, t);
                let snap_node = graph.add_node(());
                graph.add_edge(prev, snap_node, dist(prev_at, at));
                let point_node = graph.add_node(());
                graph.add_edge(snap_node, point_node, snaps[i].map_or(0.0, |r| r.leg));
                point_nodes[i] = Some(point_node);
                (prev, prev_at) = (snap_node, at);
            }
            graph.add_edge(prev, s.b, dist(prev_at, s.pb));
        }
        let points = point_nodes
            .into_iter()
            .zip(snaps)
            .map(|(n, s)| Some((n?, s?)))
            .collect();
        Reference { graph, points }
    }

    /// Shortest distances from point `from` to every point, `None` where unreachable.
    pub(super) fn distances_from(&self, from: usize) -> Vec<Option<f64>> {
        let Some((start, _)) = self.points[from] else {
            return vec![None; self.points.len()];
        };
        let d = dijkstra(&self.graph, start, None, |e| *e.weight());
        self.points
            .iter()
            .map(|p| p.and_then(|(n, _)| d.get(&n).copied()))
            .collect()
    }
}

/// Connected components of the raw lines by union-find: for each vertex that ends a
/// non-degenerate segment, its exact coordinates and a component representative.
pub(super) fn vertex_components(lines: &[LineString<f64>]) -> HashMap<(u64, u64), usize> {
    let mut graph = UnGraph::new_undirected();
    let (vertex, segments) = vertices_and_segments(lines, &mut graph);
    let mut uf = UnionFind::new(graph.node_count());
    for s in &segments {
        uf.union(s.a.index(), s.b.index());
    }
    vertex
        .into_iter()
        .map(|(key, node)| (key, uf.find(node.index())))
        .collect()
}
