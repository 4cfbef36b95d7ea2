//! Bounded multi-source k-nearest-facility search over the street graph.
//!
//! One Dijkstra run labels every node with its k nearest distinct facilities (a k-label
//! search: each node keeps at most k labels, one per facility). Queries then combine their
//! own access with the labels of their edge's two end nodes, so they are cheap and run in
//! parallel.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::graph::StreetGraph;
use super::labels::NodeLabels;
use super::outline::AccessPoints;
use super::snap::Snap;

/// A snap resolved against the graph: its edge's ends and the walk to each.
#[derive(Debug, Clone, Copy)]
pub(super) struct Access {
    pub(super) edge: u32,
    pub(super) offset_m: f64,
    pub(super) leg_m: f64,
    /// (node, leg + along-edge walk) for the edge's first and second endpoint.
    pub(super) ends: [(u32, f64); 2],
}

impl Access {
    /// Resolves a snap; `None` for an unknown edge or non-finite values. The offset is
    /// clamped onto the edge and a negative leg counts as zero.
    pub(super) fn new(graph: &StreetGraph, snap: &Snap) -> Option<Self> {
        let edge = graph.edge(snap.edge)?;
        if !(snap.offset_m.is_finite() && snap.leg_m.is_finite()) {
            return None;
        }
        let offset_m = snap.offset_m.clamp(0.0, edge.length_m);
        let leg_m = snap.leg_m.max(0.0);
        Some(Access {
            edge: snap.edge,
            offset_m,
            leg_m,
            ends: [
                (edge.a, leg_m + offset_m),
                (edge.b, leg_m + (edge.length_m - offset_m)),
            ],
        })
    }
}

/// A tentative label waiting in the priority queue (a min-heap by distance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    /// Bits of the (non-negative) distance: for such floats, integer order is numeric order.
    key: u64,
    node: u32,
    facility: u32,
}

impl Pending {
    fn new(dist: f64, node: u32, facility: u32) -> Self {
        Pending {
            // Adding 0.0 turns -0.0 into 0.0, whose bits sort first.
            key: (dist + 0.0).to_bits(),
            node,
            facility,
        }
    }

    fn dist(&self) -> f64 {
        f64::from_bits(self.key)
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: the smallest distance is the greatest item. Node and facility only make
        // the order total; any tie order gives the same labels.
        (other.key, other.node, other.facility).cmp(&(self.key, self.node, self.facility))
    }
}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Labels every node with its up-to-`k` nearest distinct facilities within `cutoff_m`,
/// by one multi-source Dijkstra.
///
/// `facility_snaps` pairs a facility index with one of its snaps; a facility may appear
/// several times (several entrances). A facility starts at both ends of its edge, at its
/// leg plus the along-edge walk. `k` is capped at the number of distinct facilities;
/// `k = 0`, a negative or NaN cutoff, or snaps to unknown edges give no labels.
pub fn node_labels(
    graph: &StreetGraph,
    facility_snaps: &[(u32, Snap)],
    cutoff_m: f64,
    k: usize,
) -> NodeLabels {
    let mut distinct: Vec<u32> = facility_snaps.iter().map(|&(f, _)| f).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let k = k.min(distinct.len());
    let mut labels = NodeLabels::new(graph.node_count(), k, cutoff_m);
    if k == 0 || cutoff_m.is_nan() || cutoff_m < 0.0 {
        return labels;
    }
    let mut heap = BinaryHeap::new();
    for (facility, snap) in facility_snaps {
        let Some(access) = Access::new(graph, snap) else {
            continue;
        };
        for (node, dist) in access.ends {
            if dist <= cutoff_m && labels.offer(node as usize, *facility, dist) {
                heap.push(Pending::new(dist, node, *facility));
            }
        }
    }
    while let Some(pending) = heap.pop() {
        let (dist, node, facility) = (pending.dist(), pending.node, pending.facility);
        if !labels.holds(node as usize, facility, dist) {
            continue;
        }
        for arc in graph.arcs(node as usize) {
            let next = dist + arc.length_m;
            if next <= cutoff_m && labels.offer(arc.target as usize, facility, next) {
                heap.push(Pending::new(next, arc.target, facility));
            }
        }
    }
    labels
}

/// For every query snap, up to `k` distinct facilities within `cutoff_m`, nearest first
/// (ties: lower facility index), as (facility, metres).
///
/// A query's distance is its leg plus the walk along its edge to an end node plus that
/// node's label, the better of the two ends; a facility snapped onto the same edge may also
/// be reached directly along it (both legs plus the offset difference). Legs count toward
/// the cutoff. Runs [`node_labels`] once, then evaluates the queries in parallel; results
/// are in query order and do not depend on the number of threads. A `None` query (not on
/// the network) gets an empty list.
///
/// # Examples
///
/// Facilities at both ends of an L-shaped street, and a block 30 m off the street:
///
/// ```
/// use carecircle::algo::network::{nearest_facilities, SnapIndex, StreetGraph};
/// use geo_types::{coord, line_string};
///
/// let street = line_string![(x: 0.0, y: 0.0), (x: 600.0, y: 0.0), (x: 600.0, y: 400.0)];
/// let graph = StreetGraph::new(&[street], 0.5);
/// let index = SnapIndex::new(&graph);
/// let snap = |x, y| index.snap(coord! { x: x, y: y }, 50.0);
/// let facilities = [(0, snap(0.0, 0.0).unwrap()), (1, snap(600.0, 400.0).unwrap())];
/// let blocks = [snap(400.0, -30.0), snap(5000.0, 0.0)];
///
/// let nearest = nearest_facilities(&graph, &facilities, &blocks, 1000.0, 2);
/// // 30 m to the street, then 400 m west or 200 m east and 400 m north.
/// assert_eq!(nearest[0], [(0, 430.0), (1, 630.0)]);
/// // Too far from any street to snap: no facilities.
/// assert!(nearest[1].is_empty());
/// ```
pub fn nearest_facilities(
    graph: &StreetGraph,
    facility_snaps: &[(u32, Snap)],
    queries: &[Option<Snap>],
    cutoff_m: f64,
    k: usize,
) -> Vec<Vec<(u32, f64)>> {
    nearest_facilities_from(
        graph,
        facility_snaps,
        &AccessPoints::from_snaps(queries),
        cutoff_m,
        k,
    )
}

/// Like [`nearest_facilities`] for queries with several access points each (such as a
/// block joining the streets along its outline): each query's distance to a facility is the
/// shortest over its access points, and a facility on a stretch the query faces (see
/// [`AccessPoints::stretches`]) is reached straight across (both legs). A query without
/// access points gets an empty list.
pub fn nearest_facilities_from(
    graph: &StreetGraph,
    facility_snaps: &[(u32, Snap)],
    queries: &AccessPoints,
    cutoff_m: f64,
    k: usize,
) -> Vec<Vec<(u32, f64)>> {
    let labels = node_labels(graph, facility_snaps, cutoff_m, k);
    let mut on_edge: Vec<(u32, Access)> = facility_snaps
        .iter()
        .filter_map(|(f, snap)| Some((*f, Access::new(graph, snap)?)))
        .collect();
    on_edge.sort_by(|(fa, a), (fb, b)| a.edge.cmp(&b.edge).then(fa.cmp(fb)));
    (0..queries.len())
        .into_par_iter()
        .map(|q| {
            let mut candidates = Vec::new();
            let mut ends: Vec<(u32, f64)> = Vec::new();
            for snap in queries.of(q) {
                if let Some(access) = Access::new(graph, snap) {
                    ends.extend(access.ends);
                    along_edge(&on_edge, &access, &mut candidates);
                }
            }
            // Access points around a block share the nodes of the streets they face: each
            // node's labels are read once, from its shortest walk.
            ends.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            ends.dedup_by_key(|end| end.0);
            for (node, walk) in ends {
                candidates.extend(labels.labels(node).map(|(f, d)| (f, walk + d)));
            }
            for (edge, from_m, to_m, leg_m) in queries.stretches(q) {
                // A facility on a stretch the query faces: straight across, no walk along.
                let start = on_edge.partition_point(|(_, a)| a.edge < edge);
                let across = on_edge[start..]
                    .iter()
                    .take_while(|(_, a)| a.edge == edge)
                    .filter(|(_, a)| (from_m..=to_m).contains(&a.offset_m))
                    .map(|(f, a)| (*f, leg_m + a.leg_m));
                candidates.extend(across);
            }
            candidates.retain(|&(_, d)| d <= cutoff_m);
            keep_nearest_distinct(&mut candidates, k);
            candidates
        })
        .collect()
}

/// Every (facility, distance) one access point reaches directly along its edge, given the
/// facility accesses sorted by edge.
fn along_edge(on_edge: &[(u32, Access)], query: &Access, candidates: &mut Vec<(u32, f64)>) {
    let start = on_edge.partition_point(|(_, a)| a.edge < query.edge);
    for (facility, access) in on_edge[start..]
        .iter()
        .take_while(|(_, a)| a.edge == query.edge)
    {
        let along = (query.offset_m - access.offset_m).abs();
        candidates.push((*facility, query.leg_m + along + access.leg_m));
    }
}

/// Keeps the `k` nearest distinct facilities of (facility, distance) candidates, nearest
/// first (ties: lower facility index), each at its shortest distance.
///
/// ```
/// use carecircle::algo::network::keep_nearest_distinct;
///
/// let mut found = vec![(3, 40.0), (1, 25.0), (3, 12.0), (2, 25.0)];
/// keep_nearest_distinct(&mut found, 2);
/// assert_eq!(found, [(3, 12.0), (1, 25.0)]);
/// ```
pub fn keep_nearest_distinct(candidates: &mut Vec<(u32, f64)>, k: usize) {
    candidates.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    // Keep each facility's first (shortest) entry, up to k of them, in place.
    let mut kept = 0;
    for i in 0..candidates.len() {
        if kept == k {
            break;
        }
        let candidate = candidates[i];
        if !candidates[..kept].iter().any(|c| c.0 == candidate.0) {
            candidates[kept] = candidate;
            kept += 1;
        }
    }
    candidates.truncate(kept);
}
