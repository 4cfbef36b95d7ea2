use super::*;
use geo::algorithm::winding_order::Winding;
use geo::{Area, Contains, ConvexHull, Distance, Euclidean, LineString, Point};
use std::collections::BTreeMap;
use std::f64::consts::PI;

use crate::rng::SplitMix64;

fn c(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

/// Single linkage the slow, obvious way: every pair compared, a naive union-find, zones
/// grouped by root and put in the documented order.
fn brute_force(centroids: &[Coord<f64>], selected: &[u32], link_m: f64) -> Vec<Vec<u32>> {
    let mut blocks = selected.to_vec();
    blocks.sort_unstable();
    blocks.dedup();
    let mut parent: Vec<usize> = (0..blocks.len()).collect();
    fn root(parent: &[usize], mut x: usize) -> usize {
        while parent[x] != x {
            x = parent[x];
        }
        x
    }
    for i in 0..blocks.len() {
        for j in i + 1..blocks.len() {
            let (a, b) = (centroids[blocks[i] as usize], centroids[blocks[j] as usize]);
            let (dx, dy) = (a.x - b.x, a.y - b.y);
            if dx * dx + dy * dy <= link_m * link_m {
                let (ri, rj) = (root(&parent, i), root(&parent, j));
                parent[ri] = rj;
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (k, &block) in blocks.iter().enumerate() {
        by_root.entry(root(&parent, k)).or_default().push(block);
    }
    let mut zones: Vec<Vec<u32>> = by_root.into_values().collect();
    for zone in &mut zones {
        zone.sort_unstable();
    }
    zones.sort_by_key(|z| z[0]);
    zones
}

/// A 10 × 10 grid of points 50 m apart with its lower-left corner at (x0, y0).
fn grid(x0: f64, y0: f64) -> Vec<Coord<f64>> {
    (0..100)
        .map(|i| c(x0 + 50.0 * (i % 10) as f64, y0 + 50.0 * (i / 10) as f64))
        .collect()
}

#[test]
fn two_separate_pockets_make_two_zones() {
    // Block 0..100: pocket A; 100..200: pocket B, 2 km east; 200..: a line of blocks 50 m
    // apart joining them, not selected.
    let mut centroids = grid(0.0, 0.0);
    centroids.extend(grid(2000.0, 0.0));
    centroids.extend((0..30).map(|i| c(500.0 + 50.0 * i as f64, 0.0)));
    let pocket_a: Vec<u32> = (0..100).collect();
    let pocket_b: Vec<u32> = (100..200).collect();
    // Selected in a scrambled order: output order must not depend on it.
    let selected: Vec<u32> = (0..200u32).rev().map(|b| (b * 7) % 200).collect();
    assert_eq!(
        cluster(&centroids, &selected, 100.0),
        vec![pocket_a.clone(), pocket_b.clone()]
    );
    // Only selected blocks link: with the bridge selected, everything is one zone.
    let all: Vec<u32> = (0..centroids.len() as u32).collect();
    assert_eq!(cluster(&centroids, &all, 100.0), vec![all.clone()]);
    // With a link shorter than the grid spacing, every block is alone.
    assert_eq!(cluster(&centroids, &pocket_a, 49.0).len(), 100);
}

#[test]
fn chaining_is_transitive_and_the_link_is_inclusive() {
    let line =
        |spacing: f64| -> Vec<Coord<f64>> { (0..20).map(|i| c(spacing * i as f64, 0.0)).collect() };
    let selected: Vec<u32> = (0..20).collect();
    // 90 m apart: each links only to its neighbours, yet all are one zone.
    assert_eq!(
        cluster(&line(90.0), &selected, 100.0),
        vec![selected.clone()]
    );
    // 110 m apart: nobody links.
    let alone: Vec<Vec<u32>> = (0..20).map(|b| vec![b]).collect();
    assert_eq!(cluster(&line(110.0), &selected, 100.0), alone);
    // Exactly 100 m apart: the link distance counts.
    assert_eq!(cluster(&line(100.0), &selected, 100.0), vec![selected]);
}

#[test]
fn odd_inputs_cluster_without_panicking() {
    let centroids = vec![c(0.0, 0.0), c(f64::NAN, 0.0), c(10.0, 0.0), c(0.0, 0.0)];
    assert!(cluster(&centroids, &[], 100.0).is_empty());
    // Duplicates ignored; a NaN centroid is alone; identical centroids link even at 0 m.
    assert_eq!(
        cluster(&centroids, &[3, 1, 0, 2, 0, 3], 100.0),
        vec![vec![0, 2, 3], vec![1]]
    );
    assert_eq!(
        cluster(&centroids, &[0, 1, 2, 3], 0.0),
        vec![vec![0, 3], vec![1], vec![2]]
    );
    // Enough points for the R-tree to split nodes, a few of them not finite.
    let mut many = grid(0.0, 0.0);
    many.extend([
        c(f64::NAN, 1.0),
        c(2.0, f64::INFINITY),
        c(f64::NAN, f64::NAN),
    ]);
    many.extend(grid(0.0, 0.0));
    let all: Vec<u32> = (0..many.len() as u32).collect();
    let mut zones = vec![(0..100).chain(103..203).collect::<Vec<u32>>()];
    zones.extend((100..103).map(|b| vec![b]));
    assert_eq!(cluster(&many, &all, 60.0), zones);
    // A negative or NaN link joins nothing.
    for link in [-1.0, f64::NAN] {
        assert_eq!(cluster(&centroids, &[0, 2, 3], link).len(), 3);
    }
}

/// Random centroids: half uniform over 3 km, half in tight clumps, some exact duplicates.
fn random_centroids(rng: &mut SplitMix64, n: usize) -> Vec<Coord<f64>> {
    let clumps: Vec<Coord<f64>> = (0..6)
        .map(|_| c(rng.uniform(0.0, 3000.0), rng.uniform(0.0, 3000.0)))
        .collect();
    let mut points: Vec<Coord<f64>> = Vec::with_capacity(n);
    while points.len() < n {
        let p = match rng.below(10) {
            0 if !points.is_empty() => points[rng.below(points.len())],
            1..=4 => {
                let centre = clumps[rng.below(clumps.len())];
                c(
                    centre.x + rng.uniform(-150.0, 150.0),
                    centre.y + rng.uniform(-150.0, 150.0),
                )
            }
            _ => c(rng.uniform(0.0, 3000.0), rng.uniform(0.0, 3000.0)),
        };
        points.push(p);
    }
    points
}

/// About two thirds of the blocks, in random order, some twice.
fn random_selection(rng: &mut SplitMix64, n: usize) -> Vec<u32> {
    (0..n + n / 10)
        .map(|_| (rng.below(3), rng.below(n) as u32))
        .filter(|&(keep, _)| keep > 0)
        .map(|(_, block)| block)
        .collect()
}

#[test]
fn matches_brute_force_single_linkage() {
    let mut rng = SplitMix64::new(42);
    let mut nontrivial = 0;
    for _ in 0..5 {
        let n = 200 + rng.below(200);
        let centroids = random_centroids(&mut rng, n);
        let selected = random_selection(&mut rng, n);
        for link in [0.0, 5.0, 30.0, 60.0, 120.0, 250.0, 600.0, 5000.0] {
            let expected = brute_force(&centroids, &selected, link);
            assert_eq!(
                cluster(&centroids, &selected, link),
                expected,
                "link {link}"
            );
            let distinct = expected.iter().map(Vec::len).sum::<usize>();
            if expected.len() > 1 && expected.len() < distinct {
                nontrivial += 1;
            }
        }
    }
    // Most link distances gave zones that are neither all singletons nor one zone.
    assert!(nontrivial >= 25, "only {nontrivial} non-trivial cases");
}

/// A w × h rectangle with lower-left corner (x, y); clockwise when `cw`.
fn rectangle(x: f64, y: f64, w: f64, h: f64, cw: bool) -> Polygon<f64> {
    let mut ring = vec![c(x, y), c(x + w, y), c(x + w, y + h), c(x, y + h)];
    if cw {
        ring.reverse();
    }
    Polygon::new(LineString::from(ring), Vec::new())
}

fn block(parts: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    MultiPolygon::new(parts)
}

/// Random blocks: rectangles (either winding), L shapes and two-part blocks.
fn random_blocks(rng: &mut SplitMix64, n: usize, extent: f64) -> Vec<MultiPolygon<f64>> {
    (0..n)
        .map(|_| {
            let (x, y) = (rng.uniform(0.0, extent), rng.uniform(0.0, extent));
            let (w, h) = (rng.uniform(5.0, 120.0), rng.uniform(5.0, 120.0));
            match rng.below(3) {
                0 => block(vec![rectangle(x, y, w, h, rng.below(2) == 0)]),
                1 => block(vec![Polygon::new(
                    LineString::from(vec![
                        c(x, y),
                        c(x + w, y),
                        c(x + w, y + h / 3.0),
                        c(x + w / 3.0, y + h / 3.0),
                        c(x + w / 3.0, y + h),
                        c(x, y + h),
                    ]),
                    Vec::new(),
                )]),
                _ => block(vec![
                    rectangle(x, y, w / 3.0, h, false),
                    rectangle(x + 2.0 * w / 3.0, y, w / 3.0, h, true),
                ]),
            }
        })
        .collect()
}

/// geo's convex hull of every part of every block.
fn hull_of(blocks: &[MultiPolygon<f64>]) -> Polygon<f64> {
    MultiPolygon::new(blocks.iter().flat_map(|b| b.0.clone()).collect()).convex_hull()
}

fn ring_length(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|s| (s[1] - s[0]).x.hypot((s[1] - s[0]).y))
        .sum()
}

/// Checks the documented promises of `zone_outline(members, buffer_m)` for `buffer_m > 0`.
fn check_outline(members: &[MultiPolygon<f64>], buffer_m: f64) -> MultiPolygon<f64> {
    let outline = zone_outline(members, buffer_m);
    assert_eq!(outline.0.len(), 1, "one polygon");
    let polygon = &outline.0[0];
    assert!(polygon.interiors().is_empty());
    assert!(polygon.exterior().is_closed());
    assert!(polygon.exterior().is_ccw(), "exterior counter-clockwise");
    let vertices: Vec<Coord<f64>> = members
        .iter()
        .flat_map(|b| &b.0)
        .flat_map(|p| &p.exterior().0)
        .copied()
        .filter(|v| v.x.is_finite() && v.y.is_finite())
        .collect();
    for v in &vertices {
        assert!(outline.contains(&Point(*v)), "{v:?} outside the outline");
    }
    let hull = hull_of(members);
    let inner = buffer_m * (PI / BUFFER_SEGMENTS as f64).cos();
    let tolerance = 1e-9 * (1.0 + buffer_m + ring_length(hull.exterior()));
    for v in &polygon.exterior().0 {
        let d = Euclidean.distance(&hull, &Point(*v));
        assert!(
            d <= buffer_m + tolerance && d >= inner - tolerance,
            "outline vertex {v:?} is {d} m from the hull"
        );
    }
    for edge in polygon.exterior().lines() {
        let d = Euclidean.distance(&hull, &edge);
        assert!(
            d >= inner - tolerance,
            "outline edge {edge:?} is {d} m from the hull"
        );
    }
    // Steiner: the buffered hull's area lies between those of the hull buffered by the
    // inscribed polygon's inradius and by its circumradius.
    let (area, perimeter) = (hull.unsigned_area(), ring_length(hull.exterior()));
    let steiner = |r: f64| area + perimeter * r + PI * r * r;
    let got = outline.unsigned_area();
    assert!(got >= area, "outline area {got} below hull area {area}");
    assert!(
        got >= steiner(inner) - tolerance && got <= steiner(buffer_m) + tolerance,
        "outline area {got} outside [{}, {}]",
        steiner(inner),
        steiner(buffer_m)
    );
    outline
}

#[test]
fn outline_contains_members_and_stays_within_the_buffer() {
    let mut rng = SplitMix64::new(7);
    for (n, extent) in [(1, 500.0), (3, 300.0), (40, 1000.0), (400, 3000.0)] {
        let blocks = random_blocks(&mut rng, n, extent);
        for buffer in [0.5, 20.0, 150.0] {
            check_outline(&blocks, buffer);
        }
    }
}

#[test]
fn single_block_zone() {
    let square = block(vec![rectangle(100.0, 200.0, 40.0, 40.0, true)]);
    let outline = check_outline(std::slice::from_ref(&square), 20.0);
    // The sides are offset flat, 20 m out.
    assert!(outline.contains(&Point(c(159.0, 230.0))));
    assert!(!outline.contains(&Point(c(161.0, 230.0))));
}

#[test]
fn degenerate_outlines_still_get_an_outline() {
    let r = 20.0;
    // A block collapsed to one point (repeated vertex): the outline is the circle polygon.
    let point = block(vec![Polygon::new(
        LineString::from(vec![c(5.0, 5.0); 4]),
        Vec::new(),
    )]);
    let circle = check_outline(std::slice::from_ref(&point), r);
    let k = BUFFER_SEGMENTS as f64;
    let regular = k / 2.0 * r * r * (2.0 * PI / k).sin();
    assert!((circle.unsigned_area() - regular).abs() < 1e-6);
    assert_eq!(circle.0[0].exterior().0.len(), BUFFER_SEGMENTS + 1);
    // Collinear and duplicate vertices (zero-area blocks along y = 2x): a rounded strip.
    let on_line = |t: f64| c(t, 2.0 * t);
    let collinear: Vec<MultiPolygon<f64>> = (0..5)
        .map(|i| {
            let t = 10.0 * i as f64;
            block(vec![Polygon::new(
                LineString::from(vec![on_line(t), on_line(t + 3.0), on_line(t), on_line(t)]),
                Vec::new(),
            )])
        })
        .chain((0..2).map(|_| {
            block(vec![Polygon::new(
                LineString::from(vec![on_line(20.0); 3]),
                Vec::new(),
            )])
        }))
        .collect();
    check_outline(&collinear, r);
    // Identical blocks.
    check_outline(&[point.clone(), point.clone(), point], r);
}

#[test]
fn empty_and_non_finite_vertices() {
    assert!(zone_outline(&[], 20.0).0.is_empty());
    let nan = block(vec![Polygon::new(
        LineString::from(vec![c(f64::NAN, 0.0), c(0.0, f64::INFINITY)]),
        Vec::new(),
    )]);
    assert!(zone_outline([&nan], 20.0).0.is_empty());
    // A non-finite vertex is skipped; the rest outline as without it.
    let square = block(vec![rectangle(0.0, 0.0, 10.0, 10.0, false)]);
    let mut spoilt = square.clone();
    spoilt.0[0].exterior_mut(|ring| ring.0.insert(2, c(f64::NAN, 3.0)));
    assert_eq!(zone_outline([&spoilt], 20.0), zone_outline([&square], 20.0));
}

#[test]
fn no_buffer_gives_the_bare_hull() {
    let mut rng = SplitMix64::new(3);
    let blocks = random_blocks(&mut rng, 30, 800.0);
    let hull = hull_of(&blocks);
    for buffer in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let outline = zone_outline(&blocks, buffer);
        assert_eq!(outline.0.len(), 1);
        assert!(outline.0[0].exterior().is_ccw());
        assert!((outline.unsigned_area() - hull.unsigned_area()).abs() < 1e-6);
    }
}

#[test]
fn gap_zones_are_deterministic_across_thread_counts() {
    let mut rng = SplitMix64::new(11);
    let outlines = random_blocks(&mut rng, 3000, 6000.0);
    let centroids: Vec<Coord<f64>> = outlines
        .iter()
        .map(|b| geo::Centroid::centroid(b).unwrap().0)
        .collect();
    let selected = random_selection(&mut rng, outlines.len());
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| gap_zones(&centroids, &outlines, &selected, 150.0, 20.0))
    };
    let one = run(1);
    assert!(one.len() > 10 && one.iter().any(|z| z.blocks.len() > 10));
    assert_eq!(
        one.iter().map(|z| z.blocks.clone()).collect::<Vec<_>>(),
        cluster(&centroids, &selected, 150.0)
    );
    for zone in &one {
        assert_eq!(
            zone.outline,
            zone_outline(zone.blocks.iter().map(|&b| &outlines[b as usize]), 20.0)
        );
    }
    assert!(one == run(2), "1 and 2 threads differ");
    assert!(one == run(2), "two runs differ");
}
