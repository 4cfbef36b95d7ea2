//! Results must not depend on the number of rayon threads.

use super::random::{random_scene, snap_scene};
use super::rng::SplitMix64;
use crate::algo::network::{
    nearest_facilities, node_labels, StreetGraph, DEFAULT_MERGE_TOLERANCE_M,
};

#[test]
fn same_results_with_one_and_two_threads() {
    let mut rng = SplitMix64::new(7);
    let mut scene = random_scene(&mut rng, 40, 3000);
    // Many facilities (several per index) so most snapped queries find some.
    let extra: Vec<_> = random_scene(&mut rng, 40, 400).queries;
    scene.facilities.extend(
        extra
            .into_iter()
            .enumerate()
            .map(|(i, p)| (i as u32 % 150, p)),
    );
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let graph = StreetGraph::new(&scene.lines, DEFAULT_MERGE_TOLERANCE_M);
            let (facilities, queries) = snap_scene(&graph, &scene);
            let nearest = nearest_facilities(&graph, &facilities, &queries, 300.0, 3);
            let labels = node_labels(&graph, &facilities, 300.0, 1);
            let edges: Vec<_> = graph.edges().collect();
            (queries, nearest, labels, edges, graph.components())
        })
    };
    let one = run(1);
    assert!(one.0.iter().filter(|s| s.is_some()).count() > 1000);
    assert!(one.1.iter().filter(|l| l.len() == 3).count() > 1000);
    assert!(one == run(2), "1 and 2 threads differ");
    assert!(one == run(4), "1 and 4 threads differ");
}
