//! Catchments of single facilities: hand cases, and random networks compared with petgraph
//! Dijkstra on graphs where the entrances and the sample points are real nodes.

use std::collections::HashMap;

use geo_types::{Coord, LineString};
use petgraph::algo::dijkstra;
use petgraph::graph::{NodeIndex, UnGraph};

use super::random::{random_scene, snap_scene};
use super::reference::Reference;
use super::rng::SplitMix64;
use crate::algo::network::{
    catchment, catchment_with, piece_geometry, CatchmentPiece, CatchmentScratch, Snap, SnapIndex,
    StreetGraph, DEFAULT_MERGE_TOLERANCE_M,
};

/// Tolerance (metres) of the comparisons with the independent computations.
const TOL: f64 = 1e-3;

fn line(points: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(points.to_vec())
}

fn graph(lines: &[LineString<f64>]) -> StreetGraph {
    StreetGraph::new(lines, DEFAULT_MERGE_TOLERANCE_M)
}

/// Snaps points onto the graph (all must snap within 50 m).
fn snaps(graph: &StreetGraph, points: &[(f64, f64)]) -> Vec<Snap> {
    let index = SnapIndex::new(graph);
    points
        .iter()
        .map(|&(x, y)| index.snap(Coord { x, y }, 50.0).expect("snaps"))
        .collect()
}

/// Asserts the pieces equal `want` as (edge, from, to, from dist, to dist), to 1e-9 m.
fn assert_pieces(got: &[CatchmentPiece], want: &[(u32, f64, f64, f64, f64)]) {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 || a == b;
    let same = got.len() == want.len()
        && got.iter().zip(want).all(|(p, w)| {
            p.edge == w.0
                && close(p.from_offset_m, w.1)
                && close(p.to_offset_m, w.2)
                && close(p.from_dist_m, w.3)
                && close(p.to_dist_m, w.4)
        });
    assert!(same, "got {got:#?}\nwant {want:?}");
}

/// The documented distance inside a piece at offset `t`.
fn interpolate(p: &CatchmentPiece, t: f64) -> f64 {
    (p.from_dist_m + (t - p.from_offset_m)).min(p.to_dist_m + (p.to_offset_m - t))
}

/// The line 0–100–200–300 along the x axis: edges 0, 1, 2 from west to east.
fn straight() -> StreetGraph {
    graph(&[line(&[
        (0.0, 0.0),
        (100.0, 0.0),
        (200.0, 0.0),
        (300.0, 0.0),
    ])])
}

#[test]
fn facility_mid_edge_reaches_both_ways() {
    let g = straight();
    let entrance = snaps(&g, &[(150.0, 10.0)]);
    assert_eq!((entrance[0].edge, entrance[0].offset_m), (1, 50.0));
    // Both ends of edge 1 at 10 + 50; 40 m left for edges 0 and 2.
    assert_pieces(
        &catchment(&g, &entrance, 100.0),
        &[
            (0, 60.0, 100.0, 100.0, 60.0),
            (1, 0.0, 50.0, 60.0, 10.0),
            (1, 50.0, 100.0, 10.0, 60.0),
            (2, 0.0, 40.0, 60.0, 100.0),
        ],
    );
    // Within the edge only: both directions from the snap point.
    assert_pieces(
        &catchment(&g, &entrance, 30.0),
        &[(1, 30.0, 50.0, 30.0, 10.0), (1, 50.0, 70.0, 10.0, 30.0)],
    );
}

#[test]
fn reach_shorter_than_the_leg_is_empty() {
    let g = straight();
    let entrance = snaps(&g, &[(150.0, 10.0)]);
    assert!(catchment(&g, &entrance, 9.5).is_empty());
    // Exactly the leg reaches only the snap point: no piece of positive length.
    assert!(catchment(&g, &entrance, 10.0).is_empty());
    assert_pieces(
        &catchment(&g, &entrance, 11.0),
        &[(1, 49.0, 50.0, 11.0, 10.0), (1, 50.0, 51.0, 10.0, 11.0)],
    );
}

#[test]
fn reach_ending_exactly_at_a_node() {
    let g = graph(&[
        line(&[(0.0, 0.0), (100.0, 0.0), (200.0, 0.0), (300.0, 0.0)]),
        line(&[(300.0, 0.0), (300.0, 100.0)]),
    ]);
    let entrance = snaps(&g, &[(150.0, 0.0)]);
    // Ends exactly at both nodes of the facility's edge: nothing beyond them.
    assert_pieces(
        &catchment(&g, &entrance, 50.0),
        &[(1, 0.0, 50.0, 50.0, 0.0), (1, 50.0, 100.0, 0.0, 50.0)],
    );
    // Ends exactly at (0, 0) and (300, 0): edge 3 leaving (300, 0) gets nothing.
    assert_pieces(
        &catchment(&g, &entrance, 150.0),
        &[
            (0, 0.0, 100.0, 150.0, 50.0),
            (1, 0.0, 50.0, 50.0, 0.0),
            (1, 50.0, 100.0, 0.0, 50.0),
            (2, 0.0, 100.0, 50.0, 150.0),
        ],
    );
    assert_pieces(
        &catchment(&g, &entrance, 151.0),
        &[
            (0, 0.0, 100.0, 150.0, 50.0),
            (1, 0.0, 50.0, 50.0, 0.0),
            (1, 50.0, 100.0, 0.0, 50.0),
            (2, 0.0, 100.0, 50.0, 150.0),
            (3, 0.0, 1.0, 150.0, 151.0),
        ],
    );
}

#[test]
fn two_entrances_on_one_edge() {
    let g = graph(&[line(&[(0.0, 0.0), (1000.0, 0.0)])]);
    let both = snaps(&g, &[(300.0, 0.0), (700.0, 5.0)]);
    assert_pieces(
        &catchment(&g, &both, 100.0),
        &[
            (0, 200.0, 300.0, 100.0, 0.0),
            (0, 300.0, 400.0, 0.0, 100.0),
            (0, 605.0, 700.0, 100.0, 5.0),
            (0, 700.0, 795.0, 5.0, 100.0),
        ],
    );
    let want = [
        (0, 50.0, 300.0, 250.0, 0.0),
        (0, 300.0, 700.0, 0.0, 5.0),
        (0, 700.0, 945.0, 5.0, 250.0),
    ];
    let got = catchment(&g, &both, 250.0);
    assert_pieces(&got, &want);
    // Between the entrances the walks meet at 502.5, 202.5 m from either.
    assert!((interpolate(&got[1], 502.5) - 202.5).abs() < 1e-9);
    // Entrance order does not matter, and a third entrance that is everywhere farther
    // than the first (its leg exceeds the walk from the first) changes nothing.
    let mut three = snaps(&g, &[(310.0, 50.0)]);
    three.extend(both.iter().rev());
    assert_pieces(&catchment(&g, &three, 250.0), &want);
}

/// The ring (0,0)–(0,100)–(300,100)–(300,0)–(0,0): edges 0 (west, going north), 1 (north,
/// going east), 2 (east, going south), 3 (south, going west), and a separate edge 4.
fn ring() -> StreetGraph {
    graph(&[
        line(&[
            (0.0, 0.0),
            (0.0, 100.0),
            (300.0, 100.0),
            (300.0, 0.0),
            (0.0, 0.0),
        ]),
        line(&[(1000.0, 0.0), (1100.0, 0.0)]),
    ])
}

#[test]
fn edge_reached_from_both_ends_but_not_fully() {
    let g = ring();
    // Mid-south, 10 m off: 160 m to both southern corners, 260 m to both northern ones.
    let entrance = snaps(&g, &[(150.0, -10.0)]);
    assert_eq!((entrance[0].edge, entrance[0].offset_m), (3, 150.0));
    assert_pieces(
        &catchment(&g, &entrance, 350.0),
        &[
            (0, 0.0, 100.0, 160.0, 260.0),
            (1, 0.0, 90.0, 260.0, 350.0),
            (1, 210.0, 300.0, 350.0, 260.0),
            (2, 0.0, 100.0, 260.0, 160.0),
            (3, 0.0, 150.0, 160.0, 10.0),
            (3, 150.0, 300.0, 10.0, 160.0),
        ],
    );
}

#[test]
fn disconnected_component_is_not_reached() {
    let g = ring();
    let entrance = snaps(&g, &[(150.0, -10.0)]);
    let got = catchment(&g, &entrance, f64::INFINITY);
    // The northern edge is covered from both ends: one piece, farthest in its middle.
    assert_pieces(
        &got,
        &[
            (0, 0.0, 100.0, 160.0, 260.0),
            (1, 0.0, 300.0, 260.0, 260.0),
            (2, 0.0, 100.0, 260.0, 160.0),
            (3, 0.0, 150.0, 160.0, 10.0),
            (3, 150.0, 300.0, 10.0, 160.0),
        ],
    );
    assert!((interpolate(&got[1], 150.0) - 410.0).abs() < 1e-9);
}

#[test]
fn hostile_input_gives_empty_or_sane_results() {
    let g = straight();
    let good = snaps(&g, &[(150.0, 10.0)])[0];
    let want = catchment(&g, &[good], 100.0);
    assert_eq!(want.len(), 4);
    assert!(catchment(&g, &[], 100.0).is_empty());
    for reach in [f64::NAN, -1.0, f64::NEG_INFINITY] {
        assert!(catchment(&g, &[good], reach).is_empty(), "reach {reach}");
    }
    let bogus = [
        Snap { edge: 99, ..good },
        Snap {
            edge: u32::MAX,
            ..good
        },
        Snap {
            offset_m: f64::NAN,
            ..good
        },
        Snap {
            leg_m: f64::INFINITY,
            ..good
        },
        Snap {
            leg_m: f64::NAN,
            ..good
        },
    ];
    for snap in bogus {
        assert!(catchment(&g, &[snap], 100.0).is_empty(), "{snap:?}");
        // Bogus entrances next to a good one are ignored.
        assert_eq!(catchment(&g, &[snap, good], 100.0), want, "{snap:?}");
    }
    // As in the nearest-facility search: offsets are clamped, negative legs count as zero.
    let clamped = catchment(
        &g,
        &[Snap {
            offset_m: 500.0,
            leg_m: -3.0,
            ..good
        }],
        50.0,
    );
    assert_pieces(
        &clamped,
        &[(1, 50.0, 100.0, 50.0, 0.0), (2, 0.0, 50.0, 0.0, 50.0)],
    );
    let empty = graph(&[]);
    assert!(catchment(&empty, &[good], f64::INFINITY).is_empty());
    // Huge but finite values do not panic.
    let huge = Snap {
        leg_m: f64::MAX,
        ..good
    };
    assert!(catchment(&g, &[huge], f64::INFINITY).len() <= 4);
}

#[test]
fn piece_geometry_follows_the_edge() {
    let g = graph(&[line(&[(0.0, 0.0), (30.0, 40.0)])]);
    let piece = CatchmentPiece {
        edge: 0,
        from_offset_m: 10.0,
        to_offset_m: 50.0,
        from_dist_m: 0.0,
        to_dist_m: 40.0,
    };
    let want = line(&[(6.0, 8.0), (30.0, 40.0)]);
    assert_eq!(piece_geometry(&g, &piece), want);
    let beyond = CatchmentPiece {
        from_offset_m: -5.0,
        to_offset_m: 80.0,
        ..piece
    };
    assert_eq!(
        piece_geometry(&g, &beyond),
        line(&[(0.0, 0.0), (30.0, 40.0)])
    );
    for bad in [
        CatchmentPiece { edge: 1, ..piece },
        CatchmentPiece {
            from_offset_m: f64::NAN,
            ..piece
        },
    ] {
        assert!(piece_geometry(&g, &bad).0.is_empty(), "{bad:?}");
    }
    // Real pieces of a real catchment end on the edge's nodes when they cover them.
    let g = straight();
    let pieces = catchment(&g, &snaps(&g, &[(150.0, 10.0)]), 100.0);
    assert_eq!(
        piece_geometry(&g, &pieces[0]),
        line(&[(60.0, 0.0), (100.0, 0.0)])
    );
    assert_eq!(
        piece_geometry(&g, &pieces[3]),
        line(&[(200.0, 0.0), (240.0, 0.0)])
    );
}

/// What a point on the network is: an entrance snap or a sample to measure.
enum Stop {
    Entrance(f64),
    Sample(usize),
}

/// Independent truth: the walking distance from the entrances to each sample (edge,
/// offset), by petgraph Dijkstra on a copy of the graph where every entrance snap and every
/// sample is a real node splitting its edge, and each entrance's leg is an edge from one
/// common source. `None` where unreachable.
fn true_distances(
    graph: &StreetGraph,
    entrances: &[Snap],
    samples: &[(u32, f64)],
) -> Vec<Option<f64>> {
    let mut g: UnGraph<(), f64> = UnGraph::new_undirected();
    for _ in 0..graph.node_count() {
        g.add_node(());
    }
    let source = g.add_node(());
    let mut stops: HashMap<u32, Vec<(f64, Stop)>> = HashMap::new();
    for s in entrances {
        stops
            .entry(s.edge)
            .or_default()
            .push((s.offset_m, Stop::Entrance(s.leg_m)));
    }
    for (i, &(edge, t)) in samples.iter().enumerate() {
        stops.entry(edge).or_default().push((t, Stop::Sample(i)));
    }
    let mut sample_node = vec![None; samples.len()];
    for (id, e) in graph.edges().enumerate() {
        let mut list = stops.remove(&(id as u32)).unwrap_or_default();
        list.sort_by(|x, y| x.0.total_cmp(&y.0));
        let (mut prev, mut prev_at) = (NodeIndex::new(e.a as usize), 0.0);
        for (at, stop) in list {
            let node = g.add_node(());
            g.add_edge(prev, node, at - prev_at);
            match stop {
                Stop::Entrance(leg) => {
                    g.add_edge(source, node, leg);
                }
                Stop::Sample(i) => sample_node[i] = Some(node),
            }
            (prev, prev_at) = (node, at);
        }
        g.add_edge(prev, NodeIndex::new(e.b as usize), e.length_m - prev_at);
    }
    let dist = dijkstra(&g, source, None, |e| *e.weight());
    sample_node
        .into_iter()
        .map(|n| n.and_then(|n| dist.get(&n).copied()))
        .collect()
}

/// What the random comparisons exercised.
#[derive(Default, Debug)]
struct Seen {
    inside: usize,
    outside: usize,
    near_boundary: usize,
    split_edges: usize,
    peaked: usize,
    entrance_splits: usize,
    multi_entrance: usize,
    other_cluster: usize,
    queries: usize,
}

/// Checks one catchment against the petgraph truth at random and special points.
fn check_catchment(
    graph: &StreetGraph,
    entrances: &[Snap],
    reach: f64,
    rng: &mut SplitMix64,
    scratch: &mut CatchmentScratch,
    seen: &mut Seen,
) -> Vec<CatchmentPiece> {
    let pieces = catchment(graph, entrances, reach);
    // Reused working memory (left over from other graphs and facilities) changes nothing.
    assert_eq!(catchment_with(graph, entrances, reach, scratch), pieces);
    let edges: Vec<_> = graph.edges().collect();
    // Well-formed: sorted, positive length, on the edge, disjoint, distances in range.
    for (i, p) in pieces.iter().enumerate() {
        let len = edges[p.edge as usize].length_m;
        assert!(
            0.0 <= p.from_offset_m && p.from_offset_m < p.to_offset_m && p.to_offset_m <= len,
            "{p:?} on an edge of {len}"
        );
        for d in [p.from_dist_m, p.to_dist_m] {
            assert!((0.0..=reach).contains(&d), "{p:?} reach {reach}");
        }
        if let Some(next) = pieces.get(i + 1) {
            assert!(
                p.edge < next.edge || (p.edge == next.edge && p.to_offset_m <= next.from_offset_m),
                "unsorted or overlapping: {p:?} {next:?}"
            );
            if p.edge == next.edge && p.to_offset_m < next.from_offset_m {
                seen.split_edges += 1;
            }
            if p.edge == next.edge && p.to_offset_m == next.from_offset_m {
                seen.entrance_splits += 1;
            }
        }
        if (p.to_dist_m - p.from_dist_m).abs() < (p.to_offset_m - p.from_offset_m) - 1e-6 {
            seen.peaked += 1;
        }
    }
    // Samples: 5 random offsets per edge, both nodes, and both ends of every piece.
    let mut samples: Vec<(u32, f64)> = Vec::new();
    for (id, e) in edges.iter().enumerate() {
        let id = id as u32;
        samples.extend([(id, 0.0), (id, e.length_m)]);
        samples.extend((0..5).map(|_| (id, rng.uniform(0.0, e.length_m))));
    }
    let piece_ends = samples.len();
    for p in &pieces {
        samples.extend([(p.edge, p.from_offset_m), (p.edge, p.to_offset_m)]);
    }
    let truth = true_distances(graph, entrances, &samples);
    for (&(edge, t), &want) in samples[..piece_ends].iter().zip(&truth) {
        let covering: Vec<&CatchmentPiece> = pieces
            .iter()
            .filter(|p| p.edge == edge && p.from_offset_m <= t && t <= p.to_offset_m)
            .collect();
        let want = want.unwrap_or(f64::INFINITY);
        if want.is_finite() && want <= reach - TOL {
            assert!(
                !covering.is_empty(),
                "edge {edge} at {t}: {want} not covered"
            );
        }
        if want.is_infinite() || want > reach + TOL {
            assert!(covering.is_empty(), "edge {edge} at {t}: {want} covered");
        }
        for p in &covering {
            let got = interpolate(p, t);
            assert!((got - want).abs() < TOL, "{p:?} at {t}: {got} vs {want}");
        }
        if covering.is_empty() {
            seen.outside += 1;
        } else {
            seen.inside += 1;
        }
        seen.near_boundary += usize::from((want - reach).abs() < 5.0);
        seen.other_cluster += usize::from(want.is_infinite());
    }
    // Piece ends: the stated distances are right, and a piece ends inside its edge only
    // where the reach runs out or at an entrance split.
    for (k, p) in pieces.iter().enumerate() {
        let len = edges[p.edge as usize].length_m;
        let ends = [
            (p.from_offset_m, p.from_dist_m, truth[piece_ends + 2 * k]),
            (p.to_offset_m, p.to_dist_m, truth[piece_ends + 2 * k + 1]),
        ];
        for (at, stated, want) in ends {
            let want = want.expect("a piece end is reachable");
            assert!((stated - want).abs() < TOL, "{p:?} at {at}: truth {want}");
            let touching = pieces.iter().any(|q| {
                q.edge == p.edge && q != p && (q.from_offset_m == at || q.to_offset_m == at)
            });
            if at > 0.0 && at < len && !touching && reach.is_finite() {
                assert!(
                    (want - reach).abs() < TOL,
                    "{p:?} stops at {at} though {want} < {reach}"
                );
            }
        }
    }
    // Entrance order does not matter.
    let reversed: Vec<Snap> = entrances.iter().rev().copied().collect();
    assert_eq!(catchment(graph, &reversed, reach), pieces);
    seen.multi_entrance += usize::from(entrances.len() >= 2);
    pieces
}

#[test]
fn random_catchments_match_petgraph_on_split_graphs() {
    let mut rng = SplitMix64::new(0xca7c_4e17);
    let mut seen = Seen::default();
    let mut scratch = CatchmentScratch::new();
    for _case in 0..150 {
        let scene = random_scene(&mut rng, 8, 25);
        let g = StreetGraph::new(&scene.lines, DEFAULT_MERGE_TOLERANCE_M);
        let (facility_snaps, query_snaps) = snap_scene(&g, &scene);
        // The existing reference (raw lines, brute-force snaps) for the query points.
        let points: Vec<Coord<f64>> = scene
            .facilities
            .iter()
            .map(|&(_, p)| p)
            .chain(scene.queries.iter().copied())
            .collect();
        let reference = Reference::new(&scene.lines, &points, 12.0);
        let nf = scene.facilities.len();
        let mut ids: Vec<u32> = facility_snaps.iter().map(|&(f, _)| f).collect();
        ids.sort_unstable();
        ids.dedup();
        for f in ids {
            let entrances: Vec<Snap> = facility_snaps
                .iter()
                .filter(|&&(id, _)| id == f)
                .map(|&(_, s)| s)
                .collect();
            let reach = match rng.range(0, 9) {
                0 => f64::INFINITY,
                1 => rng.uniform(0.0, 15.0),
                _ => rng.uniform(15.0, 250.0),
            };
            let pieces = check_catchment(&g, &entrances, reach, &mut rng, &mut scratch, &mut seen);
            // Off-network query points: their leg plus the walk inside a piece is the
            // reference distance from the facility's nearest entrance.
            let mut truth = vec![f64::INFINITY; scene.queries.len()];
            for (i, &(id, _)) in scene.facilities.iter().enumerate() {
                if id != f {
                    continue;
                }
                for (q, d) in reference.distances_from(i)[nf..].iter().enumerate() {
                    truth[q] = truth[q].min(d.unwrap_or(f64::INFINITY));
                }
            }
            for (q, snap) in query_snaps.iter().enumerate() {
                let Some(s) = snap else { continue };
                let inside = pieces
                    .iter()
                    .filter(|p| {
                        p.edge == s.edge
                            && p.from_offset_m <= s.offset_m
                            && s.offset_m <= p.to_offset_m
                    })
                    .map(|p| s.leg_m + interpolate(p, s.offset_m))
                    .fold(f64::INFINITY, f64::min);
                let want = truth[q];
                if want.is_finite() && want - s.leg_m <= reach - TOL {
                    assert!((inside - want).abs() < TOL, "query {q}: {inside} vs {want}");
                } else if want.is_infinite() || want - s.leg_m > reach + TOL {
                    assert!(inside.is_infinite(), "query {q}: {inside} vs {want}");
                }
                seen.queries += usize::from(inside.is_finite());
            }
        }
    }
    eprintln!("{seen:?}");
    assert!(seen.inside > 5000 && seen.outside > 5000, "{seen:?}");
    assert!(
        seen.near_boundary > 500 && seen.other_cluster > 1000,
        "{seen:?}"
    );
    assert!(seen.split_edges > 50 && seen.peaked > 1000, "{seen:?}");
    assert!(
        seen.entrance_splits > 100 && seen.multi_entrance > 100,
        "{seen:?}"
    );
    assert!(seen.queries > 1000, "{seen:?}");
}

#[test]
fn scratch_reuse_after_a_large_catchment() {
    // A 260 × 260 grid (67,600 nodes, beyond what the scratch keeps), 10 m spacing.
    let n = 260;
    let lines: Vec<LineString<f64>> = (0..n)
        .flat_map(|i| {
            let f = f64::from(i) * 10.0;
            let row = (0..n).map(|j| (f64::from(j) * 10.0, f)).collect::<Vec<_>>();
            let column = (0..n).map(|j| (f, f64::from(j) * 10.0)).collect::<Vec<_>>();
            [LineString::from(row), LineString::from(column)]
        })
        .collect();
    let g = graph(&lines);
    let entrance = snaps(&g, &[(1234.0, 1001.0)]);
    let mut scratch = CatchmentScratch::new();
    let small = catchment(&g, &entrance, 25.0);
    assert_eq!(catchment_with(&g, &entrance, 25.0, &mut scratch), small);
    let all = catchment_with(&g, &entrance, f64::INFINITY, &mut scratch);
    assert_eq!(
        all.len(),
        g.edge_count() + 1,
        "every edge, the entrance's split"
    );
    assert_eq!(catchment_with(&g, &entrance, 25.0, &mut scratch), small);
    assert_eq!(small.len(), 24, "{small:?}");
}
