//! Walking coverage equals an independent computation: petgraph's own Dijkstra from every
//! block, on a graph where every access point is a real node; from the outline, with every
//! facility reachable without crossing a street (checked against every street segment)
//! counting its straight-line distance.

use carecircle::algo::network::{nearest_on_outline, Snap};
use carecircle::analysis::coverage::{evaluate, Measure};
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::{DistanceMode, DistanceModel, DistanceModels};
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::{matching_facilities, Requirements};
use carecircle::config::{Manifest, Policy};
use carecircle::input;
use carecircle::synth::{write_city, SynthOptions};
use geo::{Closest, ClosestPoint, Coord, Distance, Euclidean, Intersects, Line, Point};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeMap;

/// The street graph (both ways) with every snap inserted as a node splitting its edge, and
/// one extra node per entity joined to each of its snap nodes by that snap's access leg (a
/// block facing a stretch of an edge, to every snap node along it): walks leave the first
/// `blocks` entities and arrive at the others, so that no walk passes through an entity. Returns the graph and each entity's node (`None` without snaps), in
/// the order of `entities`.
fn reference_graph(
    network: &WalkNetwork,
    entities: &[Vec<Snap>],
    blocks: usize,
) -> (DiGraph<(), f64>, Vec<Option<NodeIndex>>) {
    let graph = network.graph();
    let mut reference = DiGraph::<(), f64>::new();
    let both_ways = |reference: &mut DiGraph<(), f64>, a, b, length_m: f64| {
        reference.add_edge(a, b, length_m);
        reference.add_edge(b, a, length_m);
    };
    let nodes: Vec<NodeIndex> = (0..graph.node_count())
        .map(|_| reference.add_node(()))
        .collect();
    let mut on_edge: BTreeMap<u32, Vec<(f64, Snap, usize)>> = BTreeMap::new();
    let mut entity_nodes = vec![None; entities.len()];
    for (i, snaps) in entities.iter().enumerate() {
        for s in snaps {
            on_edge.entry(s.edge).or_default().push((s.offset_m, *s, i));
        }
        if !snaps.is_empty() {
            entity_nodes[i] = Some(reference.add_node(()));
        }
    }
    let facing: Vec<Vec<(u32, f64, f64, f64)>> = (0..blocks)
        .map(|b| network.block_access().stretches(b).collect())
        .collect();
    for (e, edge) in graph.edges().enumerate() {
        let (a, b) = (nodes[edge.a as usize], nodes[edge.b as usize]);
        let mut cuts = on_edge.remove(&(e as u32)).unwrap_or_default();
        cuts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let (mut previous, mut previous_offset) = (a, 0.0);
        let mut cut_nodes = Vec::new();
        for (offset, snap, entity) in cuts {
            let cut = reference.add_node(());
            both_ways(&mut reference, previous, cut, offset - previous_offset);
            let own = entity_nodes[entity].unwrap();
            if entity < blocks {
                reference.add_edge(own, cut, snap.leg_m);
            } else {
                reference.add_edge(cut, own, snap.leg_m);
            }
            cut_nodes.push((offset, cut));
            (previous, previous_offset) = (cut, offset);
        }
        // A block facing a stretch of this edge steps onto it anywhere along the stretch.
        for (b, stretches) in facing.iter().enumerate() {
            for &(_, from_m, to_m, leg_m) in stretches.iter().filter(|s| s.0 == e as u32) {
                for &(offset, cut) in &cut_nodes {
                    if (from_m..=to_m).contains(&offset) {
                        reference.add_edge(entity_nodes[b].unwrap(), cut, leg_m);
                    }
                }
            }
        }
        both_ways(&mut reference, previous, b, edge.length_m - previous_offset);
    }
    (reference, entity_nodes)
}

/// Block `b`'s straight-line distance to `location` when it reaches it without crossing a
/// street or a barrier (inside the block, or the segment from the outline's nearest point
/// meets no segment of any street line and no barrier), by brute force over every street
/// segment and geo's own predicate on every barrier.
fn open_ground_m(plane: &Plane, b: usize, location: Coord<f64>) -> Option<f64> {
    let outline = &plane.block_outlines[b];
    let point = Point::from(location);
    let d = Euclidean.distance(outline, &point);
    if d == 0.0 {
        return Some(0.0);
    }
    let rings = outline
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    let nearest = rings
        .filter_map(|ring| match ring.closest_point(&point) {
            Closest::SinglePoint(p) | Closest::Intersection(p) => Some(p),
            Closest::Indeterminate => None,
        })
        .min_by(|p, q| {
            Euclidean
                .distance(*p, point)
                .total_cmp(&Euclidean.distance(*q, point))
        })?;
    // A block with entrances is left at the one nearest the facility, never nearer than
    // its outline.
    let entrances = &plane.block_entrances[b];
    let (start, d) = match entrances
        .iter()
        .map(|&e| (e, Euclidean.distance(Point::from(e), point)))
        .min_by(|x, y| x.1.total_cmp(&y.1))
    {
        Some((e, from_entrance)) => (e, from_entrance.max(d)),
        None => (nearest.0, d),
    };
    let walk = Line::new(start, location);
    let crosses = plane
        .streets
        .iter()
        .flat_map(|street| street.lines())
        .any(|segment| segment.intersects(&walk));
    (!crosses && !crosses_barrier(plane, walk)).then_some(d)
}

/// Whether a straight walk meets a barrier of the plane (geo's predicate, no index).
fn crosses_barrier(plane: &Plane, walk: Line<f64>) -> bool {
    plane
        .barriers
        .iter()
        .any(|barrier| barrier.intersects(&walk))
}

#[test]
fn walking_distances_from_the_centroid_equal_petgraph_dijkstra_from_every_block() {
    check_against_petgraph(Measure::Centroid, 600, 11, false);
}

#[test]
fn walking_distances_from_the_outline_equal_petgraph_dijkstra_and_open_ground() {
    check_against_petgraph(Measure::Edge, 400, 11, false);
    check_against_petgraph(Measure::Edge, 300, 29, false);
}

#[test]
fn walking_distances_from_entrances_equal_petgraph_dijkstra_and_open_ground() {
    check_against_petgraph(Measure::Edge, 300, 29, true);
}

/// Gives every third block of the synthetic city in `dir` an entrance at the first vertex of
/// its outline, and every ninth a second one at the third vertex (on the outline, exactly).
fn add_entrances(dir: &std::path::Path) {
    let manifest = Manifest::load(&dir.join("city.toml")).unwrap();
    let loaded = input::load(&manifest, false, false).unwrap();
    let blocks = &loaded.dataset.blocks;
    let mut csv = "block,lon,lat\n".to_string();
    for (b, (id, outline)) in blocks.ids.iter().zip(&blocks.outlines).enumerate() {
        let ring = &outline.0[0].exterior().0;
        let vertices: &[usize] = match b % 9 {
            0 => &[0, 2],
            3 | 6 => &[0],
            _ => &[],
        };
        for &v in vertices {
            csv.push_str(&format!("{id},{},{}\n", ring[v].x, ring[v].y));
        }
    }
    std::fs::write(dir.join("entrances.csv"), csv).unwrap();
    let mut text = std::fs::read_to_string(dir.join("city.toml")).unwrap();
    text.push_str("\n[entrances]\npath = \"entrances.csv\"\n");
    std::fs::write(dir.join("city.toml"), text).unwrap();
}

/// Block `b`'s access points at its entrances are each an entrance's street point, the leg
/// from that entrance (to within the float nudge that keeps two entrances apart), and no
/// leg is shorter than the way from the entrances to the nearest street segment.
fn check_entrance_legs(network: &WalkNetwork, plane: &Plane, b: usize) {
    let entrances = &plane.block_entrances[b];
    let access = network.block_access().of(b);
    assert!(access.len() <= entrances.len(), "block {b}");
    for snap in access {
        let from_some_entrance = entrances
            .iter()
            .any(|&e| ((e - snap.point).x.hypot((e - snap.point).y) - snap.leg_m).abs() < 1e-6);
        assert!(from_some_entrance, "block {b}: leg {}", snap.leg_m);
        let nearest_street = plane
            .streets
            .iter()
            .flat_map(|street| street.lines())
            .map(|segment| {
                entrances
                    .iter()
                    .map(|&e| Euclidean.distance(&segment, &Point::from(e)))
                    .fold(f64::INFINITY, f64::min)
            })
            .fold(f64::INFINITY, f64::min);
        assert!(snap.leg_m >= nearest_street - 1e-6, "block {b}");
    }
}

fn check_against_petgraph(measure: Measure, blocks: usize, seed: u64, entrances: bool) {
    let dir = tempfile::tempdir().unwrap();
    write_city(dir.path(), &SynthOptions { blocks, seed }).unwrap();
    if entrances {
        add_entrances(dir.path());
    }
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
        StraightLine::new(&plane, measure),
        WalkNetwork::build(&plane, measure, 0.01, 500.0, 2.0 * policy.largest_reach_m()),
        DistanceMode::Both,
    );
    let network = models.walk().unwrap();
    assert_eq!(plane.barriers.len(), 2, "the river and the railway");
    let with_entrances = plane
        .block_entrances
        .iter()
        .filter(|e| !e.is_empty())
        .count();
    assert_eq!(
        with_entrances,
        if entrances { blocks.div_ceil(3) } else { 0 }
    );
    if measure != Measure::Centroid {
        // No access leg from the outline crosses the river or the railway.
        for b in 0..dataset.blocks.len() {
            if !plane.block_entrances[b].is_empty() {
                check_entrance_legs(network, &plane, b);
                continue;
            }
            for snap in network
                .block_access()
                .of(b)
                .iter()
                .filter(|s| s.leg_m > 0.0)
            {
                let from = nearest_on_outline(&plane.block_outlines[b], snap.point);
                assert!(
                    !crosses_barrier(&plane, Line::new(from, snap.point)),
                    "block {b}"
                );
            }
        }
    }
    let coverage = evaluate(&requirements, &models);

    // All entities in one list: blocks, then each layer's locations.
    let mut entities: Vec<Vec<Snap>> = (0..dataset.blocks.len())
        .map(|b| network.block_access().of(b).to_vec())
        .collect();
    let mut layer_start = Vec::new();
    for layer_snaps in network.layer_snaps() {
        layer_start.push(entities.len());
        entities.extend(layer_snaps.iter().map(|s| s.iter().copied().collect()));
    }
    let (reference, entity_nodes) = reference_graph(network, &entities, dataset.blocks.len());
    let mut all_pairs = std::collections::HashMap::new();
    for resolved in requirements.iter() {
        let requirement = resolved.requirement;
        all_pairs.insert(
            (requirement.kind.clone(), requirement.reach_m.to_bits()),
            network.pairs_within(resolved, 0..u32::MAX),
        );
    }
    let (mut compared, mut met, mut missed, mut pairs_compared) = (0, 0, 0, 0);
    let mut shortcuts = 0;
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
                if measure != Measure::Centroid {
                    for (i, &f) in layer.location_facility.iter().enumerate() {
                        let location = plane.layer_locations[layer_index][i];
                        let open = keep[f as usize]
                            .then(|| open_ground_m(&plane, b, location))
                            .flatten()
                            .filter(|&d| d <= requirement.reach_m && d < per_facility[f as usize]);
                        if let Some(d) = open {
                            per_facility[f as usize] = d;
                            shortcuts += 1;
                        }
                    }
                }
                let walk = rc.walk.as_ref().unwrap();
                assert!(
                    walk.nearest_m[b] >= rc.straight.nearest_m[b] - 1e-9,
                    "block {b} {}: {} on foot, {} in a straight line",
                    requirement.kind,
                    walk.nearest_m[b],
                    rc.straight.nearest_m[b]
                );
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
    assert!(
        pairs_compared > 2 * blocks,
        "{pairs_compared} pairs compared"
    );
    if measure != Measure::Centroid {
        assert!(shortcuts > 10, "{shortcuts} shortcuts");
    }
    assert!(
        compared > 3 * blocks && met > 100 && missed > 100,
        "{compared} compared, {met} met, {missed} missed"
    );
}
