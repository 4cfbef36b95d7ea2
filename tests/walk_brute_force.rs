//! Walking coverage equals an independent computation: petgraph's own Dijkstra from every
//! block, on a graph where every snap point is a real node.

use carecircle::algo::network::Snap;
use carecircle::analysis::coverage::{evaluate, Measure};
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::{DistanceMode, DistanceModel, DistanceModels};
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::{matching_facilities, Requirements};
use carecircle::config::{Manifest, Policy};
use carecircle::input;
use carecircle::synth::{write_city, SynthOptions};
use petgraph::graph::{NodeIndex, UnGraph};
use std::collections::BTreeMap;

/// The street graph with every snap inserted as a node splitting its edge, and one extra
/// node per snapped entity joined to its snap node by its access leg. Returns the graph and
/// each entity's node, in the order of `snaps`.
fn reference_graph(
    network: &WalkNetwork,
    snaps: &[Option<Snap>],
) -> (UnGraph<(), f64>, Vec<Option<NodeIndex>>) {
    let graph = network.graph();
    let mut reference = UnGraph::<(), f64>::new_undirected();
    let nodes: Vec<NodeIndex> = (0..graph.node_count())
        .map(|_| reference.add_node(()))
        .collect();
    let mut on_edge: BTreeMap<u32, Vec<(f64, usize)>> = BTreeMap::new();
    for (i, snap) in snaps.iter().enumerate() {
        if let Some(s) = snap {
            on_edge.entry(s.edge).or_default().push((s.offset_m, i));
        }
    }
    let mut entity_nodes = vec![None; snaps.len()];
    for (e, edge) in graph.edges().enumerate() {
        let (a, b) = (nodes[edge.a as usize], nodes[edge.b as usize]);
        let mut cuts = on_edge.remove(&(e as u32)).unwrap_or_default();
        cuts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let (mut previous, mut previous_offset) = (a, 0.0);
        for (offset, entity) in cuts {
            let cut = reference.add_node(());
            reference.add_edge(previous, cut, offset - previous_offset);
            let own = reference.add_node(());
            reference.add_edge(cut, own, snaps[entity].unwrap().leg_m);
            entity_nodes[entity] = Some(own);
            (previous, previous_offset) = (cut, offset);
        }
        reference.add_edge(previous, b, edge.length_m - previous_offset);
    }
    (reference, entity_nodes)
}

#[test]
fn walking_distances_equal_petgraph_dijkstra_from_every_block() {
    let dir = tempfile::tempdir().unwrap();
    write_city(
        dir.path(),
        &SynthOptions {
            blocks: 600,
            seed: 11,
        },
    )
    .unwrap();
    let manifest = Manifest::load(&dir.path().join("city.toml")).unwrap();
    let loaded = input::load(&manifest, false, true).unwrap();
    let dataset = &loaded.dataset;
    let plane = Plane::new(dataset).unwrap();
    let policy = Policy::parse(
        r#"
[[circles]]
name = "basic"
requires = [{ kind = "care_bed", within_m = 250, min_count = 3 }, { kind = "responder", within_m = 300, where = { kind = "volunteer" } }]
[[circles]]
name = "extended"
requires = [{ kind = "hospice", within_m = 900 }, { kind = "hospital", within_m = 1200, where = { tier = ["tertiary", "secondary"] }, min_count = 2 }]
"#,
    )
    .unwrap();
    let requirements = Requirements::resolve(&policy, dataset, &plane).unwrap();
    let models = DistanceModels::walking(
        StraightLine::new(&plane, Measure::Centroid),
        WalkNetwork::build(&plane, 0.01, 500.0, 2.0 * policy.largest_reach_m()),
        DistanceMode::Both,
    );
    let network = models.walk().unwrap();
    let coverage = evaluate(&requirements, &models);

    // All entities in one list: blocks, then each layer's locations.
    let mut snaps: Vec<Option<Snap>> = network.block_snaps().to_vec();
    let mut layer_start = Vec::new();
    for layer_snaps in network.layer_snaps() {
        layer_start.push(snaps.len());
        snaps.extend(layer_snaps.iter().copied());
    }
    let (reference, entity_nodes) = reference_graph(network, &snaps);
    let mut all_pairs = std::collections::HashMap::new();
    for resolved in requirements.iter() {
        let requirement = resolved.requirement;
        all_pairs.insert(
            (requirement.kind.clone(), requirement.reach_m.to_bits()),
            network.pairs_within(resolved),
        );
    }
    let (mut compared, mut met, mut missed, mut pairs_compared) = (0, 0, 0, 0);
    for b in 0..dataset.blocks.len() {
        let Some(start) = entity_nodes[b] else {
            continue;
        };
        let from_block = petgraph::algo::dijkstra(&reference, start, None, |e| *e.weight());
        for (circle, cc) in policy.circles.iter().zip(&coverage.circles) {
            for (requirement, rc) in circle.requires.iter().zip(&cc.requirements) {
                let layer_index = dataset
                    .layers
                    .iter()
                    .position(|l| l.kind == requirement.kind)
                    .unwrap();
                let layer = &dataset.layers[layer_index];
                let keep = matching_facilities(layer, requirement);
                let mut per_facility = vec![f64::INFINITY; layer.len()];
                for (i, &f) in layer.location_facility.iter().enumerate() {
                    let node = entity_nodes[layer_start[layer_index] + i];
                    if let (true, Some(d)) =
                        (keep[f as usize], node.and_then(|n| from_block.get(&n)))
                    {
                        per_facility[f as usize] = per_facility[f as usize].min(*d);
                    }
                }
                let walk = rc.walk.as_ref().unwrap();
                let per_facility_reach = per_facility.clone();
                let mut distances: Vec<f64> = per_facility
                    .into_iter()
                    .filter(|d| *d <= network.search_m())
                    .collect();
                distances.sort_by(f64::total_cmp);
                let expected = distances.first().copied().unwrap_or(f64::INFINITY);
                let got = walk.nearest_m[b];
                assert!(
                    (got.is_infinite() && expected.is_infinite()) || (got - expected).abs() < 1e-3,
                    "block {b} {}: {got} vs petgraph {expected}",
                    requirement.kind
                );
                let within = distances
                    .iter()
                    .filter(|&&d| d <= requirement.reach_m)
                    .count();
                // Every pair within reach, as the capacity analysis finds them.
                let pairs = &all_pairs[&(requirement.kind.clone(), requirement.reach_m.to_bits())];
                let start = pairs.partition_point(|p| p.block < b as u32);
                let found: Vec<(u32, f64)> = pairs[start..]
                    .iter()
                    .take_while(|p| p.block == b as u32)
                    .map(|p| (p.facility, p.distance_m))
                    .collect();
                for f in 0..layer.len() as u32 {
                    if per_facility_reach[f as usize] <= requirement.reach_m - 1e-6 {
                        assert!(
                            found.iter().any(|&(g, _)| g == f),
                            "block {b} {}: facility {f} missing from pairs",
                            requirement.kind
                        );
                    }
                }
                for &(f, d) in &found {
                    assert!(
                        (d - per_facility_reach[f as usize]).abs() < 1e-3,
                        "block {b} facility {f}: {d} vs petgraph {}",
                        per_facility_reach[f as usize]
                    );
                    pairs_compared += 1;
                }
                if requirement.min_count > 1 {
                    assert_eq!(
                        walk.count_within.as_ref().unwrap()[b] as usize,
                        within.min(requirement.min_count)
                    );
                }
                assert_eq!(
                    walk.met[b],
                    within >= requirement.min_count,
                    "block {b} {}",
                    requirement.kind
                );
                compared += 1;
                if walk.met[b] {
                    met += 1;
                } else {
                    missed += 1;
                }
            }
        }
    }
    assert!(pairs_compared > 1000, "{pairs_compared} pairs compared");
    assert!(
        compared > 2000 && met > 100 && missed > 100,
        "{compared} compared, {met} met, {missed} missed"
    );
}
