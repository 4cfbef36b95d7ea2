//! Hand-computed cases: exact nodes, shared edges, off-network points, crossings,
//! components, vertex merging and hostile input.

use geo_types::{Coord, LineString};

use crate::algo::network::{
    nearest_facilities, node_labels, Snap, SnapIndex, StreetGraph, DEFAULT_MERGE_TOLERANCE_M,
};

fn line(points: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(points.to_vec())
}

fn c(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

fn graph(lines: &[LineString<f64>]) -> StreetGraph {
    StreetGraph::new(lines, DEFAULT_MERGE_TOLERANCE_M)
}

/// Snaps facilities (index = position) and queries, then runs the search.
fn nearest(
    graph: &StreetGraph,
    facilities: &[Coord<f64>],
    queries: &[Coord<f64>],
    cutoff: f64,
    k: usize,
) -> Vec<Vec<(u32, f64)>> {
    let index = SnapIndex::new(graph);
    let facility_snaps: Vec<(u32, Snap)> = facilities
        .iter()
        .enumerate()
        .filter_map(|(i, &p)| Some((i as u32, index.snap(p, 50.0)?)))
        .collect();
    let query_snaps = index.snap_points(queries, 50.0);
    nearest_facilities(graph, &facility_snaps, &query_snaps, cutoff, k)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn facility_exactly_on_a_node() {
    let g = graph(&[line(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)])]);
    let index = SnapIndex::new(&g);
    let snap = index.snap(c(100.0, 0.0), 1.0).unwrap();
    // The point touches edges 0 and 1 equally: the lowest edge id wins.
    assert_eq!(snap.edge, 0);
    assert!(close(snap.offset_m, 100.0) && close(snap.leg_m, 0.0));
    let labels = node_labels(&g, &[(7, snap)], 1000.0, 1);
    let corner = (0..3)
        .find(|&n| g.node_coord(n) == Some(c(100.0, 0.0)))
        .unwrap();
    assert_eq!(labels.best(corner), Some((7, 0.0)));
    let found = nearest(
        &g,
        &[c(100.0, 0.0)],
        &[c(50.0, 5.0), c(103.0, 60.0)],
        1000.0,
        1,
    );
    assert!(close(found[0][0].1, 55.0), "{found:?}");
    assert!(close(found[1][0].1, 63.0), "{found:?}");
}

#[test]
fn query_and_facility_on_the_same_edge_walk_directly() {
    let g = graph(&[line(&[(0.0, 0.0), (1000.0, 0.0)])]);
    // Facility leg 10 at offset 400; query leg 20 at offset 600: 10 + 200 + 20.
    let found = nearest(&g, &[c(400.0, 10.0)], &[c(600.0, -20.0)], 300.0, 1);
    assert_eq!(found[0].len(), 1);
    assert!(close(found[0][0].1, 230.0), "{found:?}");
    // Legs count toward the cutoff.
    let found = nearest(&g, &[c(400.0, 10.0)], &[c(600.0, -20.0)], 229.0, 1);
    assert!(found[0].is_empty());
}

#[test]
fn same_edge_walk_and_node_walk_are_both_considered() {
    let ring = [line(&[
        (0.0, 0.0),
        (100.0, 0.0),
        (100.0, 1.0),
        (0.0, 1.0),
        (0.0, 0.0),
    ])];
    let g = graph(&ring);
    let index = SnapIndex::new(&g);
    let query = [index.snap(c(5.0, -0.5), 1.0)];
    let far = index.snap(c(95.0, -0.5), 1.0).unwrap();
    let near = index.snap(c(-0.25, 0.5), 1.0).unwrap();
    assert_eq!((query[0].unwrap().edge, far.edge), (0, 0));
    assert_eq!(near.edge, 3);
    // Directly along edge 0: 0.5 + 90 + 0.5 beats the way round the ring.
    let found = nearest_facilities(&g, &[(0, far)], &query, 1000.0, 1);
    assert!(close(found[0][0].1, 91.0), "{found:?}");
    // A second entrance near the corner: 0.5 + 5 + 0.5 + 0.25.
    let found = nearest_facilities(&g, &[(0, far), (0, near)], &query, 1000.0, 1);
    assert!(close(found[0][0].1, 6.25), "{found:?}");
}

#[test]
fn off_network_points_do_not_snap() {
    let g = graph(&[line(&[(0.0, 0.0), (100.0, 0.0)])]);
    let index = SnapIndex::new(&g);
    assert!(index.snap(c(50.0, 20.0), 19.9).is_none());
    let snap = index.snap(c(50.0, 20.0), 20.0).unwrap();
    assert!(close(snap.leg_m, 20.0) && close(snap.offset_m, 50.0));
    assert_eq!(snap.point, c(50.0, 0.0));
    // Beyond the end: the leg goes to the end node.
    let snap = index.snap(c(103.0, 4.0), 10.0).unwrap();
    assert!(close(snap.leg_m, 5.0) && close(snap.offset_m, 100.0));
    let found = nearest(&g, &[c(10.0, 0.0)], &[c(50.0, 80.0), c(50.0, 1.0)], 1e6, 1);
    assert!(found[0].is_empty());
    assert!(close(found[1][0].1, 41.0));
}

#[test]
fn crossing_lines_without_shared_vertex_do_not_connect() {
    let crossing = [
        line(&[(0.0, 0.0), (100.0, 100.0)]),
        line(&[(0.0, 100.0), (100.0, 0.0)]),
    ];
    let g = graph(&crossing);
    assert_eq!(g.components().count(), 2);
    let found = nearest(&g, &[c(10.0, 10.0)], &[c(10.0, 90.0)], 1e9, 1);
    assert!(found[0].is_empty());

    let shared = [
        line(&[(0.0, 0.0), (50.0, 50.0), (100.0, 100.0)]),
        line(&[(0.0, 100.0), (50.0, 50.0), (100.0, 0.0)]),
    ];
    let g = graph(&shared);
    assert_eq!(g.components().count(), 1);
    assert_eq!(g.node_count(), 5);
    let found = nearest(&g, &[c(10.0, 10.0)], &[c(10.0, 90.0)], 1e9, 1);
    assert!(close(found[0][0].1, 2.0 * 40.0 * 2f64.sqrt()), "{found:?}");
}

#[test]
fn components_are_reported() {
    let g = graph(&[
        line(&[(0.0, 0.0), (10.0, 0.0)]),
        line(&[(100.0, 0.0), (110.0, 0.0), (120.0, 0.0), (130.0, 0.0)]),
        line(&[(200.0, 0.0), (210.0, 0.0)]),
        line(&[(210.0, 0.0), (210.0, 10.0), (220.0, 10.0)]),
    ]);
    let comps = g.components();
    assert_eq!(comps.count(), 3);
    assert_eq!(comps.sizes(), &[2, 4, 4]);
    // Two components of 4: the lower id is the main one.
    assert_eq!(comps.main(), Some(1));
    assert_eq!(comps.node_components(), &[0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    assert_eq!(comps.component_of(6), Some(2));
    assert_eq!(comps.component_of(99), None);
    assert_eq!(graph(&[]).components().main(), None);
}

#[test]
fn vertices_merge_within_the_tolerance() {
    let lines = [
        line(&[(0.0, 0.0), (100.0, 0.0)]),
        line(&[(100.005, 0.0), (200.0, 0.0)]),
    ];
    let merged = StreetGraph::new(&lines, DEFAULT_MERGE_TOLERANCE_M);
    assert_eq!((merged.node_count(), merged.edge_count()), (3, 2));
    assert_eq!(merged.components().count(), 1);
    let found = nearest(&merged, &[c(0.0, 0.0)], &[c(200.0, 0.0)], 1e6, 1);
    assert!((found[0][0].1 - 200.0).abs() < 0.01, "{found:?}");

    let apart = StreetGraph::new(&lines, 0.001);
    assert_eq!((apart.node_count(), apart.edge_count()), (4, 2));
    assert_eq!(apart.components().count(), 2);
    let found = nearest(&apart, &[c(0.0, 0.0)], &[c(200.0, 0.0)], 1e6, 1);
    assert!(found[0].is_empty());
}

#[test]
fn merging_checks_neighbouring_cells() {
    // 4 mm apart across a cell border (cells are 1 cm wide) and around zero.
    let lines = [
        line(&[(-50.0, -0.002), (-0.002, -0.002)]),
        line(&[(0.002, 0.002), (50.0, 0.0)]),
    ];
    let g = graph(&lines);
    assert_eq!(g.node_count(), 3);
    assert_eq!(g.node_coord(1), Some(c(-0.002, -0.002)));
}

#[test]
fn duplicate_and_zero_length_segments() {
    let g = graph(&[
        line(&[(0.0, 0.0), (0.0, 0.0), (10.0, 0.0), (10.0, 0.0)]),
        line(&[(10.0, 0.0), (0.0, 0.0)]),
        line(&[(0.0, 0.0), (10.0, 0.0)]),
        line(&[(5.0, 5.0), (5.0, 5.0)]),
        line(&[(7.0, 7.0)]),
    ]);
    assert_eq!((g.node_count(), g.edge_count()), (2, 1));
    let e = g.edge(0).unwrap();
    assert!(close(e.length_m, 10.0));
    assert_eq!(g.edges().count(), 1);
    assert!(g.edge(1).is_none());
}

#[test]
fn several_entrances_and_k_distinct_facilities() {
    let g = graph(&[line(&[(0.0, 0.0), (100.0, 0.0), (200.0, 0.0)])]);
    let index = SnapIndex::new(&g);
    let snap = |x: f64| index.snap(c(x, 0.0), 1.0).unwrap();
    // Facility 3 has entrances at 10 and 150; facility 1 at 60; facility 2 at 190.
    let facilities = [
        (3, snap(10.0)),
        (1, snap(60.0)),
        (3, snap(150.0)),
        (2, snap(190.0)),
    ];
    let queries = [index.snap(c(120.0, 0.0), 1.0)];
    let found = nearest_facilities(&g, &facilities, &queries, 1000.0, 3);
    let want = [(3, 30.0), (1, 60.0), (2, 70.0)];
    assert_eq!(found[0].len(), 3);
    for (got, want) in found[0].iter().zip(want) {
        assert!(got.0 == want.0 && close(got.1, want.1), "{found:?}");
    }
    let found = nearest_facilities(&g, &facilities, &queries, 1000.0, 10);
    assert_eq!(found[0].len(), 3);
    // Ties are broken by facility index.
    let tied = [(5, snap(100.0)), (4, snap(140.0))];
    let found = nearest_facilities(&g, &tied, &queries, 1000.0, 1);
    assert_eq!(found[0], vec![(4, 20.0)]);
}

#[test]
fn node_labels_give_the_best_facility_per_node() {
    let g = graph(&[line(&[
        (0.0, 0.0),
        (100.0, 0.0),
        (200.0, 0.0),
        (300.0, 0.0),
    ])]);
    let index = SnapIndex::new(&g);
    let facilities = [
        (0, index.snap(c(0.0, 3.0), 5.0).unwrap()),
        (1, index.snap(c(290.0, 0.0), 5.0).unwrap()),
    ];
    let labels = node_labels(&g, &facilities, 150.0, 1);
    assert_eq!(labels.k(), 1);
    assert_eq!(labels.node_count(), 4);
    assert_eq!(labels.best(0), Some((0, 3.0)));
    assert_eq!(labels.best(1), Some((0, 103.0)));
    assert_eq!(labels.best(2), Some((1, 90.0)));
    assert_eq!(labels.best(3), Some((1, 10.0)));
    let labels = node_labels(&g, &facilities, 100.0, 2);
    assert_eq!(labels.k(), 2);
    assert_eq!(labels.labels(1).count(), 0);
    assert_eq!(labels.labels(99).count(), 0);
}

#[test]
fn hostile_input_does_not_panic() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let g = graph(&[
        line(&[(0.0, 0.0), (nan, 5.0), (10.0, 0.0), (20.0, 0.0)]),
        line(&[(inf, 0.0), (1e308, 0.0), (-1e308, 0.0)]),
        line(&[]),
    ]);
    // The NaN vertex breaks the first line; the overflowing segment is dropped.
    assert_eq!((g.node_count(), g.edge_count()), (2, 1));
    let index = SnapIndex::new(&g);
    assert!(index.snap(c(nan, 0.0), 10.0).is_none());
    assert!(index.snap(c(inf, 0.0), inf).is_none());
    assert!(index.snap(c(15.0, 0.0), nan).is_none());
    assert!(index.snap(c(15.0, 0.0), -1.0).is_none());
    let snap = index.snap(c(15.0, 0.0), 1.0).unwrap();
    let bogus = Snap {
        edge: 99,
        offset_m: nan,
        leg_m: -1.0,
        point: c(nan, nan),
    };
    let weird = Snap {
        offset_m: 1e9,
        leg_m: -5.0,
        ..snap
    };
    let facilities = [(0, bogus), (1, weird), (2, snap)];
    let queries = [Some(snap), None, Some(bogus)];
    for (cutoff, k) in [(nan, 1), (-1.0, 1), (inf, 0), (inf, 5), (0.0, 1)] {
        let found = nearest_facilities(&g, &facilities, &queries, cutoff, k);
        assert_eq!(found.len(), 3);
        assert!(found[1].is_empty() && found[2].is_empty());
    }
    let found = nearest_facilities(&g, &facilities, &queries, inf, 5);
    // The out-of-range offset is clamped to the edge end and the negative leg to zero.
    assert_eq!(found[0], vec![(2, 0.0), (1, 5.0)]);

    let empty = graph(&[]);
    assert_eq!((empty.node_count(), empty.edge_count()), (0, 0));
    let index = SnapIndex::new(&empty);
    assert!(index.snap(c(0.0, 0.0), inf).is_none());
    assert!(nearest_facilities(&empty, &[], &[None], 10.0, 1)[0].is_empty());
    assert!(nearest_facilities(&empty, &[(0, snap)], &[Some(snap)], 10.0, 1)[0].is_empty());
    assert_eq!(
        StreetGraph::new(&[line(&[(0.0, 0.0), (1.0, 0.0)])], nan).edge_count(),
        1
    );
    assert_eq!(
        StreetGraph::new(&[line(&[(0.0, 0.0), (1.0, 0.0)])], inf).edge_count(),
        0
    );
}

#[test]
fn snap_ties_pick_the_lowest_edge_even_beyond_the_probe() {
    // Edge 0 at y = 0, edge 1 at y = 100; the point is 0.6 µm nearer edge 1, both about
    // 50 m away: a tie, so edge 0 wins although it lies just beyond the 50 m first probe.
    let g = graph(&[
        line(&[(0.0, 0.0), (100.0, 0.0)]),
        line(&[(0.0, 100.0), (100.0, 100.0)]),
    ]);
    let index = SnapIndex::new(&g);
    let p = c(50.0, 50.000_000_3);
    for max in [60.0, 1e6, f64::INFINITY] {
        let snap = index.snap(p, max).unwrap();
        assert_eq!(snap.edge, 0);
        assert!((snap.leg_m - 50.000_000_3).abs() < 1e-9);
    }
    // Clearly nearer edge 1: no tie.
    assert_eq!(index.snap(c(50.0, 50.1), 60.0).unwrap().edge, 1);
    // Far away: found by the fallback nearest-neighbour search.
    let far = index.snap(c(50.0, 700.0), 1000.0).unwrap();
    assert_eq!(far.edge, 1);
    assert!(close(far.leg_m, 600.0) && close(far.offset_m, 50.0));
}
