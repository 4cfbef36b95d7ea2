//! The walkable catchment of one facility: every piece of street within a walking reach.
//!
//! Walking follows the model of [`nearest_facilities`](super::nearest_facilities): from an
//! entrance, the access leg, then along the entrance's edge from its snap point to either end
//! (or directly to a point on the same edge), then shortest paths over the graph. Legs count
//! toward the reach.
//!
//! One bounded Dijkstra from the entrances settles the nodes within reach; its distances are
//! kept in a hash map, so a call costs in proportion to the area reached, not to the size of
//! the graph, and many facilities can be processed in parallel.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use geo_types::{Coord, LineString};

use super::graph::StreetGraph;
use super::search::Access;
use super::snap::Snap;

/// Gaps between reachable spans and stubs at an edge's ends shorter than this (metres) are
/// closed: they only come from rounding where a reach ends exactly at a node or where walks
/// from both ends exactly meet.
const CLOSE_M: f64 = 1e-9;

/// A piece of one street edge within reach of a facility.
///
/// Offsets are metres along the edge from its first endpoint [`Edge::a`](super::Edge::a),
/// with `from_offset_m < to_offset_m`. `from_dist_m` and `to_dist_m` are the walking
/// distances (metres, access leg included, at most the reach) from the facility to the two
/// ends of the piece.
///
/// The walking distance at an offset `t` inside the piece is exactly
/// `min(from_dist_m + (t - from_offset_m), to_dist_m + (to_offset_m - t))`. It need not be
/// monotonic along the piece: where walks entering from both ends meet inside the piece the
/// distance peaks (an edge fully covered from both of its ends is one piece whose two ends
/// are both nearer than its middle). Pieces are split at an entrance's snap point, the only
/// place where the distance can have a minimum inside an edge, so that the formula above
/// holds; an entrance's own edge therefore yields a piece on each side of the entrance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CatchmentPiece {
    /// The edge id.
    pub edge: u32,
    /// Start of the piece, metres from the edge's first endpoint.
    pub from_offset_m: f64,
    /// End of the piece, metres from the edge's first endpoint.
    pub to_offset_m: f64,
    /// Walking distance from the facility to the start of the piece.
    pub from_dist_m: f64,
    /// Walking distance from the facility to the end of the piece.
    pub to_dist_m: f64,
}

impl CatchmentPiece {
    /// The walking distance at `offset_m` along the edge, when the piece covers it.
    pub fn distance_at(&self, offset_m: f64) -> Option<f64> {
        (self.from_offset_m..=self.to_offset_m)
            .contains(&offset_m)
            .then(|| {
                (self.from_dist_m + (offset_m - self.from_offset_m))
                    .min(self.to_dist_m + (self.to_offset_m - offset_m))
            })
    }
}

/// Every part of every edge within `reach_m` walking metres of a facility with the given
/// entrances, as pieces sorted by edge, then offset (see [`CatchmentPiece`]).
///
/// An edge reached from both ends but not fully covered yields two pieces; a fully covered
/// edge yields one (two or more on an entrance's edge, split at the entrance). Points whose
/// distance is exactly the reach are included, but pieces have positive length, so a reach
/// ending exactly at a node adds nothing on the node's other edges. Entrances on unknown
/// edges or with non-finite offset or leg are ignored (offsets are clamped onto the edge, a
/// negative leg counts as zero, as in [`nearest_facilities`](super::nearest_facilities)); no
/// entrance, or a negative or NaN reach, gives no pieces. An infinite reach covers the
/// entrances' components.
///
/// Allocates its working memory afresh; for many facilities, [`catchment_with`] reuses it
/// (with rayon: `par_iter().map_init(CatchmentScratch::new, ...)`).
///
/// # Examples
///
/// A facility 20 m off the middle of a 1 km street, with a reach of 300 m, covers 280 m of
/// street on each side of its entrance:
///
/// ```
/// use carecircle::algo::network::{catchment, SnapIndex, StreetGraph};
/// use geo_types::{coord, line_string};
///
/// let street = line_string![(x: 0.0, y: 0.0), (x: 1000.0, y: 0.0)];
/// let graph = StreetGraph::new(&[street], 0.5);
/// let entrance = SnapIndex::new(&graph).snap(coord! { x: 500.0, y: 20.0 }, 50.0).unwrap();
/// assert_eq!((entrance.offset_m, entrance.leg_m), (500.0, 20.0));
///
/// let pieces = catchment(&graph, &[entrance], 300.0);
/// let ends: Vec<(f64, f64)> = pieces.iter().map(|p| (p.from_offset_m, p.to_offset_m)).collect();
/// assert_eq!(ends, [(220.0, 500.0), (500.0, 780.0)]);
/// assert_eq!(pieces[0].distance_at(300.0), Some(220.0));
/// assert_eq!(pieces[1].to_dist_m, 300.0);
/// ```
pub fn catchment(graph: &StreetGraph, entrances: &[Snap], reach_m: f64) -> Vec<CatchmentPiece> {
    catchment_with(graph, entrances, reach_m, &mut CatchmentScratch::new())
}

/// Working memory of [`catchment_with`], reused from call to call; it grows with the
/// largest catchment computed (buffers beyond [`CatchmentScratch::KEEP_NODES`] nodes are
/// released at the next call), never with the size of the graph.
#[derive(Debug, Default)]
pub struct CatchmentScratch {
    accesses: Vec<Access>,
    reached: NodeDistances,
    queue: Queue,
    edges: Vec<u32>,
    edge: EdgeScratch,
}

impl CatchmentScratch {
    /// Node capacity kept between calls; larger buffers are released.
    pub const KEEP_NODES: usize = 1 << 16;

    /// Empty working memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties the buffers, releasing oversized ones.
    fn reset(&mut self) {
        if self.reached.capacity() > Self::KEEP_NODES {
            *self = Self::default();
        }
        self.accesses.clear();
        self.reached.clear();
        self.queue.clear();
        self.edges.clear();
    }
}

/// [`catchment`] with reusable working memory: the same result, fewer allocations.
pub fn catchment_with(
    graph: &StreetGraph,
    entrances: &[Snap],
    reach_m: f64,
    scratch: &mut CatchmentScratch,
) -> Vec<CatchmentPiece> {
    if reach_m.is_nan() || reach_m < 0.0 {
        return Vec::new();
    }
    scratch.reset();
    let accesses = &mut scratch.accesses;
    accesses.extend(entrances.iter().filter_map(|snap| Access::new(graph, snap)));
    accesses.sort_by(|x, y| {
        x.edge
            .cmp(&y.edge)
            .then(x.offset_m.total_cmp(&y.offset_m))
            .then(x.leg_m.total_cmp(&y.leg_m))
    });
    let reached = &mut scratch.reached;
    reach_nodes(graph, accesses, reach_m, reached, &mut scratch.queue);
    let edges = &mut scratch.edges;
    edges.extend(accesses.iter().map(|a| a.edge));
    for &node in reached.keys() {
        edges.extend(graph.arcs(node as usize).iter().map(|arc| arc.edge));
    }
    edges.sort_unstable();
    edges.dedup();
    let mut pieces = Vec::new();
    for &edge in edges.iter() {
        edge_pieces(
            graph,
            edge,
            reached,
            accesses,
            reach_m,
            &mut scratch.edge,
            &mut pieces,
        );
    }
    pieces
}

/// The piece as a two-point line in the graph's plane (edges are straight segments between
/// their nodes). Offsets are clamped onto the edge; an unknown edge or a non-finite offset
/// gives an empty line.
pub fn piece_geometry(graph: &StreetGraph, piece: &CatchmentPiece) -> LineString<f64> {
    let ends = graph.edge(piece.edge).and_then(|edge| {
        let (a, b) = (graph.node_coord(edge.a)?, graph.node_coord(edge.b)?);
        let at = |offset_m: f64| -> Option<Coord<f64>> {
            if !offset_m.is_finite() {
                return None;
            }
            let s = (offset_m / edge.length_m).clamp(0.0, 1.0);
            // Measure from the nearer end, so both ends come out exactly.
            Some(if s <= 0.5 {
                Coord {
                    x: a.x + s * (b.x - a.x),
                    y: a.y + s * (b.y - a.y),
                }
            } else {
                Coord {
                    x: b.x - (1.0 - s) * (b.x - a.x),
                    y: b.y - (1.0 - s) * (b.y - a.y),
                }
            })
        };
        Some(vec![at(piece.from_offset_m)?, at(piece.to_offset_m)?])
    });
    LineString::new(ends.unwrap_or_default())
}

/// A fast hasher for node ids (trusted, dense integers; no protection against collisions
/// chosen by an adversary is needed).
#[derive(Default)]
struct NodeHasher(u64);

impl Hasher for NodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Walking distances of the nodes within reach.
type NodeDistances = HashMap<u32, f64, BuildHasherDefault<NodeHasher>>;

/// Min-heap of (distance bits, node): distances are non-negative, so their bits sort
/// numerically.
type Queue = BinaryHeap<Reverse<(u64, u32)>>;

/// Bounded Dijkstra from the entrances: fills `dist` (empty on entry) with the distance of
/// every node within `reach_m`, and of no other node.
fn reach_nodes(
    graph: &StreetGraph,
    accesses: &[Access],
    reach_m: f64,
    dist: &mut NodeDistances,
    queue: &mut Queue,
) {
    for access in accesses {
        for (node, d) in access.ends {
            offer(dist, queue, node, d, reach_m);
        }
    }
    while let Some(Reverse((key, node))) = queue.pop() {
        let d = f64::from_bits(key);
        if dist.get(&node) != Some(&d) {
            continue; // Superseded by a shorter walk.
        }
        for arc in graph.arcs(node as usize) {
            offer(dist, queue, arc.target, d + arc.length_m, reach_m);
        }
    }
}

/// Records a walk of `d` metres to `node` if it is within reach and shorter than any known.
fn offer(dist: &mut NodeDistances, queue: &mut Queue, node: u32, d: f64, reach_m: f64) {
    if d.is_nan() || d > reach_m {
        return;
    }
    match dist.entry(node) {
        Entry::Occupied(held) if *held.get() <= d => return,
        Entry::Occupied(mut held) => {
            held.insert(d);
        }
        Entry::Vacant(slot) => {
            slot.insert(d);
        }
    }
    // Adding 0.0 turns -0.0 into 0.0, whose bits sort first.
    queue.push(Reverse(((d + 0.0).to_bits(), node)));
}

/// Buffers reused from edge to edge.
#[derive(Debug, Default)]
struct EdgeScratch {
    /// Walk sources on the edge as (offset, distance there): reached ends and entrances.
    sources: Vec<(f64, f64)>,
    /// Offset ranges within reach of one source each, then merged.
    spans: Vec<(f64, f64)>,
}

/// Appends the pieces of `edge` within reach, in offset order.
fn edge_pieces(
    graph: &StreetGraph,
    edge: u32,
    reached: &NodeDistances,
    accesses: &[Access],
    reach_m: f64,
    scratch: &mut EdgeScratch,
    pieces: &mut Vec<CatchmentPiece>,
) {
    let Some(e) = graph.edge(edge) else {
        return;
    };
    let len = e.length_m;
    let start = accesses.partition_point(|a| a.edge < edge);
    let on_edge = &accesses[start..];
    let on_edge = &on_edge[..on_edge.partition_point(|a| a.edge == edge)];
    // The distance along the edge is the lower envelope of one cone `d + |t - p|` per
    // source. Unreached ends lie beyond the reach and never matter within it.
    let sources = &mut scratch.sources;
    sources.clear();
    sources.extend(reached.get(&e.a).map(|&d| (0.0, d)));
    sources.extend(reached.get(&e.b).map(|&d| (len, d)));
    sources.extend(on_edge.iter().map(|a| (a.offset_m, a.leg_m)));
    let dist_at = |t: f64| {
        sources
            .iter()
            .map(|&(p, d)| d + (t - p).abs())
            .fold(f64::INFINITY, f64::min)
            .min(reach_m)
    };
    let spans = &mut scratch.spans;
    spans.clear();
    for &(p, d) in sources.iter() {
        let slack = reach_m - d;
        if slack >= 0.0 {
            spans.push((close_to_ends(p - slack, len), close_to_ends(p + slack, len)));
        }
    }
    spans.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
    let mut merged: Option<(f64, f64)> = None;
    let mut emit = |(lo, hi): (f64, f64)| {
        if hi <= lo {
            return;
        }
        let mut from = lo;
        // Split where an entrance is the nearest source at its own snap point: a minimum.
        for a in on_edge {
            let o = a.offset_m;
            if o > from && o < hi && dist_at(o) >= a.leg_m {
                pieces.push(piece(edge, from, o, &dist_at));
                from = o;
            }
        }
        pieces.push(piece(edge, from, hi, &dist_at));
    };
    for &(lo, hi) in spans.iter() {
        merged = match merged {
            Some((m_lo, m_hi)) if lo <= m_hi + CLOSE_M => Some((m_lo, m_hi.max(hi))),
            Some(done) => {
                emit(done);
                Some((lo, hi))
            }
            None => Some((lo, hi)),
        };
    }
    if let Some(done) = merged {
        emit(done);
    }
}

/// Clamps an offset onto `[0, len]`, snapping offsets within [`CLOSE_M`] of an end onto it.
fn close_to_ends(t: f64, len: f64) -> f64 {
    if t <= CLOSE_M {
        0.0
    } else if t >= len - CLOSE_M {
        len
    } else {
        t
    }
}

fn piece(edge: u32, from: f64, to: f64, dist_at: &impl Fn(f64) -> f64) -> CatchmentPiece {
    CatchmentPiece {
        edge,
        from_offset_m: from,
        to_offset_m: to,
        from_dist_m: dist_at(from),
        to_dist_m: dist_at(to),
    }
}
