//! Random small networks compared with the petgraph reference.

use std::collections::HashMap;

use geo_types::{Coord, LineString};

use super::reference::{vertex_components, Reference};
use super::rng::SplitMix64;
use crate::algo::network::{
    nearest_facilities, Snap, SnapIndex, StreetGraph, DEFAULT_MERGE_TOLERANCE_M,
};

/// Lattice spacing of random line vertices, metres.
const STEP: f64 = 10.0;
/// Snapping limit used in the random tests, metres.
const MAX_SNAP: f64 = 12.0;
/// Number of random scenes compared.
const CASES: usize = 150;

/// A random scene: lines, facility entrances (facility, point) and query points.
pub(super) struct Scene {
    pub(super) lines: Vec<LineString<f64>>,
    pub(super) facilities: Vec<(u32, Coord<f64>)>,
    pub(super) queries: Vec<Coord<f64>>,
}

/// Random lines on a lattice in 1–3 separate clusters: shared vertices, diagonal crossings
/// without shared vertices, zero-length and duplicate segments.
pub(super) fn random_scene(rng: &mut SplitMix64, size: i64, queries: usize) -> Scene {
    let clusters = rng.range(1, 3);
    let mut lines: Vec<LineString<f64>> = Vec::new();
    for cluster in 0..clusters {
        let origin = cluster as f64 * (size as f64 + 10.0) * STEP;
        for _ in 0..rng.range(size, 3 * size) {
            let mut at = (rng.range(0, size), rng.range(0, size));
            let mut coords = Vec::new();
            for _ in 0..rng.range(2, 8) {
                coords.push(Coord {
                    x: origin + at.0 as f64 * STEP,
                    y: at.1 as f64 * STEP,
                });
                // A zero step repeats the vertex: a zero-length segment.
                at.0 = (at.0 + rng.range(-2, 2)).clamp(0, size);
                at.1 = (at.1 + rng.range(-2, 2)).clamp(0, size);
            }
            lines.push(LineString::new(coords));
        }
    }
    for _ in 0..rng.range(0, 3) {
        let i = rng.range(0, lines.len() as i64 - 1) as usize;
        let mut copy = lines[i].clone();
        if rng.chance(0.5) {
            copy.0.reverse();
        }
        lines.push(copy);
    }
    let extent = size as f64 * STEP;
    let point = |rng: &mut SplitMix64| {
        let origin = rng.range(0, clusters - 1) as f64 * (size as f64 + 10.0) * STEP;
        Coord {
            x: origin + rng.uniform(-15.0, extent + 15.0),
            y: rng.uniform(-15.0, extent + 15.0),
        }
    };
    let distinct = rng.range(1, 6) as u32;
    let facilities = (0..rng.range(2, 14))
        .map(|_| ((rng.next_u64() % u64::from(distinct)) as u32, point(rng)))
        .collect();
    let queries = (0..queries).map(|_| point(rng)).collect();
    Scene {
        lines,
        facilities,
        queries,
    }
}

/// Snaps the scene's facilities and queries onto the graph.
pub(super) fn snap_scene(
    graph: &StreetGraph,
    scene: &Scene,
) -> (Vec<(u32, Snap)>, Vec<Option<Snap>>) {
    let index = SnapIndex::new(graph);
    let facilities = scene
        .facilities
        .iter()
        .filter_map(|&(f, p)| Some((f, index.snap(p, MAX_SNAP)?)))
        .collect();
    (facilities, index.snap_points(&scene.queries, MAX_SNAP))
}

/// The expected k nearest (facility, distance) of query `q` from the reference.
fn expected(
    reference: &Reference,
    scene: &Scene,
    q: usize,
    cutoff: f64,
    k: usize,
) -> Vec<(u32, f64)> {
    let nf = scene.facilities.len();
    let d = reference.distances_from(nf + q);
    let mut best: HashMap<u32, f64> = HashMap::new();
    for (i, &(f, _)) in scene.facilities.iter().enumerate() {
        if let Some(di) = d[i] {
            let e = best.entry(f).or_insert(f64::INFINITY);
            *e = e.min(di);
        }
    }
    let mut list: Vec<(u32, f64)> = best.into_iter().filter(|&(_, d)| d <= cutoff).collect();
    list.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    list.truncate(k);
    list
}

#[test]
fn random_networks_match_petgraph_reference() {
    let mut rng = SplitMix64::new(0x5eed_cafe);
    let mut compared = 0usize;
    let mut found = 0usize;
    let mut several = 0usize;
    for _case in 0..CASES {
        let scene = random_scene(&mut rng, 8, 25);
        let graph = StreetGraph::new(&scene.lines, DEFAULT_MERGE_TOLERANCE_M);
        let (facility_snaps, query_snaps) = snap_scene(&graph, &scene);
        let points: Vec<Coord<f64>> = scene
            .facilities
            .iter()
            .map(|&(_, p)| p)
            .chain(scene.queries.iter().copied())
            .collect();
        let reference = Reference::new(&scene.lines, &points, MAX_SNAP);
        let nf = scene.facilities.len();
        for (q, snap) in query_snaps.iter().enumerate() {
            let ref_snap = reference.points[nf + q].map(|(_, s)| s);
            assert_eq!(
                snap.is_some(),
                ref_snap.is_some(),
                "snap presence of query {q}"
            );
            if let (Some(s), Some(r)) = (snap, ref_snap) {
                assert!(
                    (s.leg_m - r.leg).abs() < 1e-9,
                    "leg {} vs {}",
                    s.leg_m,
                    r.leg
                );
            }
        }
        let cutoff = if rng.chance(0.2) {
            f64::INFINITY
        } else {
            rng.uniform(30.0, 400.0)
        };
        for k in [1, 3] {
            let got = nearest_facilities(&graph, &facility_snaps, &query_snaps, cutoff, k);
            assert_eq!(got.len(), scene.queries.len());
            for (q, list) in got.iter().enumerate() {
                let want = expected(&reference, &scene, q, cutoff, k);
                let all = expected(&reference, &scene, q, f64::INFINITY, usize::MAX);
                let truth: HashMap<u32, f64> = all.into_iter().collect();
                assert_eq!(
                    list.len(),
                    want.len(),
                    "query {q}, k {k}: got {list:?}, want {want:?}"
                );
                for (i, &(f, d)) in list.iter().enumerate() {
                    assert!(d <= cutoff, "cutoff exceeded: {d} > {cutoff}");
                    assert!(
                        (d - want[i].1).abs() < 1e-3,
                        "rank {i}: got {list:?}, want {want:?}"
                    );
                    assert!(
                        (d - truth[&f]).abs() < 1e-3,
                        "facility {f}: {d} vs {}",
                        truth[&f]
                    );
                }
                for w in list.windows(2) {
                    assert!(
                        w[0].0 != w[1].0 && w[0].1 <= w[1].1,
                        "not distinct/sorted: {list:?}"
                    );
                }
                compared += 1;
                found += list.len();
                several += usize::from(list.len() >= 2);
            }
        }
    }
    // The scenes must actually exercise the search.
    eprintln!("compared {compared}, found {found}, several {several}");
    assert!(compared > 5000 && found > 3000 && several > 500);
}

#[test]
fn random_components_match_union_find() {
    let mut rng = SplitMix64::new(42);
    for _case in 0..100 {
        let scene = random_scene(&mut rng, 8, 0);
        let graph = StreetGraph::new(&scene.lines, DEFAULT_MERGE_TOLERANCE_M);
        let reference = vertex_components(&scene.lines);
        assert_eq!(graph.node_count(), reference.len());
        let components = graph.components();
        let mut sizes = vec![0usize; components.count()];
        let mut pairs: HashMap<u32, usize> = HashMap::new();
        for node in 0..graph.node_count() as u32 {
            let c = graph.node_coord(node).unwrap();
            let comp = components.component_of(node).unwrap();
            sizes[comp as usize] += 1;
            let rep = reference[&(c.x.to_bits(), c.y.to_bits())];
            // Same component here exactly when same component in the reference.
            assert_eq!(*pairs.entry(comp).or_insert(rep), rep);
        }
        let distinct_reps: std::collections::HashSet<usize> = reference.values().copied().collect();
        assert_eq!(components.count(), distinct_reps.len());
        assert_eq!(components.sizes(), &sizes[..]);
        let main = components.main().unwrap() as usize;
        assert!(sizes.iter().all(|&s| s <= sizes[main]));
        assert!(sizes[..main].iter().all(|&s| s < sizes[main]));
    }
}

#[test]
fn random_snaps_match_brute_force() {
    let mut rng = SplitMix64::new(99);
    let mut far = 0;
    for _case in 0..60 {
        let scene = random_scene(&mut rng, 8, 0);
        let graph = StreetGraph::new(&scene.lines, DEFAULT_MERGE_TOLERANCE_M);
        let index = SnapIndex::new(&graph);
        let edges: Vec<_> = graph.edges().collect();
        for _ in 0..40 {
            let p = Coord {
                x: rng.uniform(-200.0, 500.0),
                y: rng.uniform(-200.0, 300.0),
            };
            // Brute force: distance to every edge, lowest id among those within 1 µm of the best.
            let project = |e: &crate::algo::network::Edge| {
                let (a, b) = (
                    graph.node_coord(e.a).unwrap(),
                    graph.node_coord(e.b).unwrap(),
                );
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let t =
                    (((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                let (x, y) = (a.x + t * dx, a.y + t * dy);
                ((p.x - x).hypot(p.y - y), t * e.length_m)
            };
            let legs: Vec<(f64, f64)> = edges.iter().map(project).collect();
            let min = legs.iter().map(|l| l.0).fold(f64::INFINITY, f64::min);
            let best = legs.iter().position(|l| l.0 <= min + 1e-6).unwrap();
            far += usize::from(min > 50.0);
            for max_snap in [5.0, 12.0, 49.99, 50.0, 75.0, 1000.0, f64::INFINITY] {
                let got = index.snap(p, max_snap);
                assert_eq!(
                    got.is_some(),
                    legs[best].0 <= max_snap,
                    "{p:?} max {max_snap}"
                );
                if let Some(s) = got {
                    assert_eq!(s.edge as usize, best, "{p:?}");
                    assert!((s.leg_m - legs[best].0).abs() < 1e-9);
                    assert!((s.offset_m - legs[best].1).abs() < 1e-9);
                }
            }
        }
    }
    assert!(far > 100, "too few points beyond the probe radius: {far}");
}
