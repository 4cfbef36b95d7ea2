use super::simplify::Trimming;
use super::*;
use geo::algorithm::winding_order::Winding;
use geo::{
    Area, BooleanOps, BoundingRect, Contains, Distance, Euclidean, Intersects, LineString, Point,
    Polygon, Validation,
};
use std::collections::BTreeMap;

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

/// An L-shaped block in the `w` × `h` box at (x, y): its lower third and left third.
fn l_shape(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon<f64> {
    let ring = vec![
        c(x, y),
        c(x + w, y),
        c(x + w, y + h / 3.0),
        c(x + w / 3.0, y + h / 3.0),
        c(x + w / 3.0, y + h),
        c(x, y + h),
    ];
    block(vec![Polygon::new(LineString::from(ring), Vec::new())])
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
                1 => l_shape(x, y, w, h),
                _ => block(vec![
                    rectangle(x, y, w / 3.0, h, false),
                    rectangle(x + 2.0 * w / 3.0, y, w / 3.0, h, true),
                ]),
            }
        })
        .collect()
}

/// Random non-overlapping blocks: one rectangle (either winding) or L shape per 100 m cell
/// of an `n` × `n` grid, 5–30 m of street around it; a few very thin blocks.
fn city_blocks(rng: &mut SplitMix64, n: usize) -> Vec<MultiPolygon<f64>> {
    (0..n * n)
        .map(|k| {
            let (x0, y0) = (100.0 * (k % n) as f64, 100.0 * (k / n) as f64);
            let (left, bottom) = (rng.uniform(2.5, 15.0), rng.uniform(2.5, 15.0));
            let (w, h) = (
                100.0 - left - rng.uniform(2.5, 15.0),
                100.0 - bottom - rng.uniform(2.5, 15.0),
            );
            let (x, y) = (x0 + left, y0 + bottom);
            match rng.below(12) {
                0 => block(vec![rectangle(x, y, w, 2.0, false)]),
                1..=3 => l_shape(x, y, w, h),
                _ => block(vec![rectangle(x, y, w, h, rng.below(2) == 0)]),
            }
        })
        .collect()
}

fn centroids_of(outlines: &[MultiPolygon<f64>]) -> Vec<Coord<f64>> {
    outlines
        .iter()
        .map(|b| geo::Centroid::centroid(b).unwrap().0)
        .collect()
}

fn shape(link_m: f64, span_m: f64) -> ZoneShape {
    ZoneShape {
        link_m,
        span_m,
        cell_m: 5.0,
        buffer_m: 10.0,
        fill_holes_m2: 2_500.0,
        simplify_m: 4.0,
    }
}

/// The larger side of a geometry's bounding box.
fn extent(outline: &MultiPolygon<f64>) -> f64 {
    outline
        .bounding_rect()
        .map_or(0.0, |r| r.width().max(r.height()))
}

/// Checks every promise of `gap_zones` on one input, against brute force.
fn check_zones(
    outlines: &[MultiPolygon<f64>],
    selected: &[u32],
    shape: &ZoneShape,
) -> Vec<GapZone> {
    let centroids = centroids_of(outlines);
    let zones = gap_zones(&centroids, outlines, selected, shape);
    // Every selected block in exactly one zone; zones ascending, by first block.
    let mut all: Vec<u32> = zones.iter().flat_map(|z| z.blocks.clone()).collect();
    all.sort_unstable();
    let mut expected = selected.to_vec();
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(all, expected, "every selected block once");
    assert!(zones
        .iter()
        .all(|z| z.blocks.windows(2).all(|w| w[0] < w[1])));
    assert!(zones.windows(2).all(|w| w[0].blocks[0] < w[1].blocks[0]));
    // Each zone lies within one single-linkage cluster.
    let clusters = brute_force(&centroids, selected, shape.link_m);
    let cluster_of: BTreeMap<u32, usize> = clusters
        .iter()
        .enumerate()
        .flat_map(|(k, c)| c.iter().map(move |&b| (b, k)))
        .collect();
    for zone in &zones {
        let k = cluster_of[&zone.blocks[0]];
        assert!(zone.blocks.iter().all(|b| cluster_of[b] == k));
    }
    for zone in &zones {
        let outline = &zone.outline;
        assert!(outline.is_valid(), "{:?}", outline.validation_errors());
        for polygon in &outline.0 {
            assert!(polygon.exterior().is_ccw());
            assert!(polygon.interiors().iter().all(|h| h.is_cw()));
        }
        // Spans: of the outline, within the span unless the zone is one block.
        if zone.blocks.len() > 1 {
            assert!(
                extent(outline) <= shape.span_m,
                "a zone of {} blocks spans {} m",
                zone.blocks.len(),
                extent(outline)
            );
        }
        check_near_its_blocks(zone, outlines, shape);
    }
    check_no_overlaps(&zones);
    zones
}

/// Every outline vertex lies within a cell's diagonal plus the buffer of a member block, and
/// the outline holds the cell of every block's centroid when that cell's centre is inside
/// the block (no other block claims it so strongly).
fn check_near_its_blocks(zone: &GapZone, outlines: &[MultiPolygon<f64>], shape: &ZoneShape) {
    let members: Vec<&MultiPolygon<f64>> =
        zone.blocks.iter().map(|&b| &outlines[b as usize]).collect();
    let limit = shape.cell_m * 2f64.sqrt() + shape.buffer_m + 1e-9;
    for polygon in &zone.outline.0 {
        for v in &polygon.exterior().0 {
            let d = members
                .iter()
                .map(|m| Euclidean.distance(*m, &Point(*v)))
                .fold(f64::INFINITY, f64::min);
            assert!(d <= limit, "outline vertex {v:?} is {d} m from its blocks");
        }
    }
    let cell = shape.cell_m;
    for member in members {
        let centroid = geo::Centroid::centroid(member).unwrap();
        let centre = Point(c(
            ((centroid.x() / cell).floor() + 0.5) * cell,
            ((centroid.y() / cell).floor() + 0.5) * cell,
        ));
        if member.contains(&centre) {
            assert!(zone.outline.contains(&centre), "{centre:?} left out");
        }
    }
}

/// No two zones' outlines overlap: geo's intersection of every two has no area.
fn check_no_overlaps(zones: &[GapZone]) {
    let boxes: Vec<Option<geo::Rect<f64>>> =
        zones.iter().map(|z| z.outline.bounding_rect()).collect();
    let mut touching = 0;
    for i in 0..zones.len() {
        for j in i + 1..zones.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if !a.intersects(&b) {
                continue;
            }
            touching += 1;
            let common = zones[i].outline.intersection(&zones[j].outline);
            assert!(
                common.unsigned_area() < 1e-6,
                "zones {i} and {j} overlap by {} m²",
                common.unsigned_area()
            );
        }
    }
    // Not trivially: some zones are neighbours.
    if zones.len() > 20 {
        assert!(touching > 0);
    }
}

#[test]
fn zones_keep_their_promises_on_random_cities() {
    let mut rng = SplitMix64::new(5);
    for (n, link, span) in [(12, 150.0, 400.0), (20, 120.0, 1000.0), (16, 250.0, 300.0)] {
        let outlines = city_blocks(&mut rng, n);
        let selected = random_selection(&mut rng, outlines.len());
        let zones = check_zones(&outlines, &selected, &shape(link, span));
        // The span did split some clusters.
        let centroids = centroids_of(&outlines);
        assert!(zones.len() > cluster(&centroids, &selected, link).len());
    }
}

#[test]
fn overlapping_blocks_still_give_disjoint_outlines() {
    let mut rng = SplitMix64::new(9);
    let outlines = random_blocks(&mut rng, 300, 1500.0);
    let selected = random_selection(&mut rng, outlines.len());
    let centroids = centroids_of(&outlines);
    let zones = gap_zones(&centroids, &outlines, &selected, &shape(100.0, 500.0));
    check_no_overlaps(&zones);
    assert!(zones.iter().all(|z| z.outline.is_valid()));
}

#[test]
fn a_chain_is_cut_at_its_widest_gap_in_the_middle_half() {
    // Ten 40 m blocks along x: 60 m apart, but 90 m between blocks 6 and 7, and 95 m between
    // blocks 0 and 1 (outside the middle half).
    let xs = [
        0.0, 95.0, 155.0, 215.0, 275.0, 335.0, 395.0, 485.0, 545.0, 605.0,
    ];
    let outlines: Vec<MultiPolygon<f64>> = xs
        .iter()
        .map(|&x| block(vec![rectangle(x, 0.0, 40.0, 40.0, false)]))
        .collect();
    let centroids = centroids_of(&outlines);
    let all: Vec<u32> = (0..10).collect();
    let zones = gap_zones(&centroids, &outlines, &all, &shape(100.0, 600.0));
    let blocks: Vec<Vec<u32>> = zones.iter().map(|z| z.blocks.clone()).collect();
    assert_eq!(blocks, [(0..7).collect::<Vec<u32>>(), vec![7, 8, 9]]);
    // A span wide enough for all: one zone. The zone spans 645 m of blocks and its outline
    // 10 m more each side; 670 m of span leave room for the margins (5 m + 10 m each side).
    let zones = gap_zones(&centroids, &outlines, &all, &shape(100.0, 675.0));
    assert_eq!(zones.len(), 1);
    assert_eq!(extent(&zones[0].outline), 665.0);
    // Evenly spaced blocks: the gap nearest the middle.
    let even: Vec<MultiPolygon<f64>> = (0..8)
        .map(|k| block(vec![rectangle(60.0 * k as f64, 0.0, 40.0, 40.0, false)]))
        .collect();
    let zones = gap_zones(
        &centroids_of(&even),
        &even,
        &(0..8).collect::<Vec<u32>>(),
        &shape(100.0, 300.0),
    );
    let blocks: Vec<Vec<u32>> = zones.iter().map(|z| z.blocks.clone()).collect();
    assert_eq!(blocks, [vec![0, 1, 2, 3], vec![4, 5, 6, 7]]);
}

#[test]
fn a_block_wider_than_the_span_is_a_zone_of_its_own() {
    let outlines = vec![
        block(vec![rectangle(0.0, 0.0, 1500.0, 40.0, false)]),
        block(vec![rectangle(0.0, 60.0, 40.0, 40.0, false)]),
    ];
    let zones = check_zones(&outlines, &[0, 1], &shape(800.0, 1000.0));
    assert_eq!(zones.len(), 2);
    assert!(extent(&zones[0].outline) > 1000.0);
}

#[test]
fn odd_blocks_get_outlines_or_none() {
    // A thin sliver, a point-like block, a block with a NaN vertex and one with no finite
    // vertex.
    let sliver = block(vec![rectangle(0.0, 0.0, 200.0, 0.5, false)]);
    let point = block(vec![Polygon::new(
        LineString::from(vec![c(300.0, 3.0); 4]),
        Vec::new(),
    )]);
    let mut spoilt = block(vec![rectangle(400.0, 0.0, 50.0, 50.0, false)]);
    spoilt.0[0].exterior_mut(|ring| ring.0.insert(2, c(f64::NAN, 3.0)));
    let nowhere = block(vec![Polygon::new(
        LineString::from(vec![c(f64::NAN, 0.0), c(0.0, f64::INFINITY)]),
        Vec::new(),
    )]);
    let outlines = [sliver, point, spoilt, nowhere];
    let centroids = [
        c(100.0, 0.25),
        c(300.0, 3.0),
        c(425.0, 25.0),
        c(f64::NAN, 0.0),
    ];
    let zones = gap_zones(&centroids, &outlines, &[0, 1, 2, 3], &shape(50.0, 1000.0));
    assert_eq!(zones.len(), 4);
    // The sliver's cells along it, buffered: one piece 200 m long.
    assert_eq!(zones[0].outline.0.len(), 1);
    assert!(extent(&zones[0].outline) >= 200.0);
    assert!(zones[0].outline.contains(&Point(c(100.0, 0.25))));
    assert!(zones[1].outline.contains(&Point(c(300.0, 3.0))));
    assert!(zones[2].outline.contains(&Point(c(425.0, 25.0))));
    assert!(zones[3].outline.0.is_empty());
    assert!(gap_zones(&centroids, &outlines, &[], &shape(50.0, 1000.0)).is_empty());
}

/// The square of cell `k` of a window `w` wide whose lower-left cell is `origin`.
fn cell_square(k: usize, w: usize, origin: (i32, i32), cell: f64) -> Polygon<f64> {
    let x = (f64::from(origin.0) + (k % w) as f64) * cell;
    let y = (f64::from(origin.1) + (k / w) as f64) * cell;
    rectangle(x, y, cell, cell, false)
}

/// How many of four points near the corners of `square` lie inside `outline`.
fn probes_inside(outline: &MultiPolygon<f64>, square: Polygon<f64>) -> usize {
    let r = square.bounding_rect().unwrap();
    [(0.1, 0.2), (0.8, 0.1), (0.9, 0.8), (0.2, 0.9)]
        .iter()
        .filter(|(dx, dy)| {
            let p = c(r.min().x + dx * r.width(), r.min().y + dy * r.height());
            outline.contains(&Point(p))
        })
        .count()
}

/// Exteriors counter-clockwise, holes clockwise.
fn check_orientation(outline: &MultiPolygon<f64>) {
    for polygon in &outline.0 {
        assert!(polygon.exterior().is_ccw());
        assert!(polygon.interiors().iter().all(|h| h.is_cw()));
    }
}

#[test]
fn traced_cells_are_exactly_the_kept_cells() {
    let mut rng = SplitMix64::new(21);
    for (w, h, density) in [(1, 1, 1), (7, 5, 2), (30, 20, 3), (40, 40, 5), (25, 31, 9)] {
        let keep: Vec<bool> = (0..w * h).map(|_| rng.below(10) < density).collect();
        let (origin, cell) = ((-3, 7), 5.0);
        let traced = trace::trace(
            &keep,
            w,
            h,
            origin,
            cell,
            (&trace::HoleFilling::NONE, &Trimming::NONE),
        );
        assert!(traced.is_valid(), "{:?}", traced.validation_errors());
        // Four points of each cell, one near each corner: all four inside a kept cell, none
        // inside a cell not kept.
        for (k, &kept) in keep.iter().enumerate() {
            let inside = probes_inside(&traced, cell_square(k, w, origin, cell));
            assert_eq!(inside, if kept { 4 } else { 0 }, "cell {k} of {w}×{h}");
        }
        let set = keep.iter().filter(|&&k| k).count();
        assert_eq!(traced.unsigned_area(), set as f64 * cell * cell);
        check_orientation(&traced);
    }
    // Two cells meeting at a corner are two polygons; a ring of cells is one with a hole.
    let none = (&trace::HoleFilling::NONE, &Trimming::NONE);
    let corner = trace::trace(&[true, false, false, true], 2, 2, (0, 0), 1.0, none);
    assert_eq!(corner.0.len(), 2);
    let ring = trace::trace(
        &[true, true, true, true, false, true, true, true, true],
        3,
        3,
        (0, 0),
        1.0,
        none,
    );
    assert_eq!((ring.0.len(), ring.0[0].interiors().len()), (1, 1));
    assert_eq!(
        ring.0[0].exterior().0.len(),
        5,
        "collinear vertices dropped"
    );
}

/// Windows of blobs (cells near random centres, ragged at the edge) and of noise, with the
/// cells that may be cut.
fn random_windows(rng: &mut SplitMix64) -> Vec<(usize, usize, Vec<bool>, Vec<bool>)> {
    let mut windows = Vec::new();
    for (w, h, blobs, noise) in [
        (30, 20, 0, 5),
        (40, 40, 0, 7),
        (60, 50, 6, 0),
        (80, 70, 12, 0),
    ] {
        let centres: Vec<(f64, f64, f64)> = (0..blobs)
            .map(|_| {
                (
                    rng.unit() * w as f64,
                    rng.unit() * h as f64,
                    4.0 + rng.unit() * 12.0,
                )
            })
            .collect();
        let keep: Vec<bool> = (0..w * h)
            .map(|k| {
                let (x, y) = ((k % w) as f64 + 0.5, (k / w) as f64 + 0.5);
                let near = centres
                    .iter()
                    .any(|&(cx, cy, r)| (x - cx).hypot(y - cy) < r + rng.unit() * 2.0);
                near || rng.below(10) < noise
            })
            .collect();
        // Blobs keep a ring a cell wide for cutting, as zones keep their buffer; noise has
        // cells that may not be cut anywhere.
        let edge = |k: usize| {
            let (x, y) = (k % w, k / w);
            let kept = |x: usize, y: usize| x < w && y < h && keep[y * w + x];
            !(x > 0
                && kept(x - 1, y)
                && kept(x + 1, y)
                && y > 0
                && kept(x, y - 1)
                && kept(x, y + 1))
        };
        let cuttable = (0..w * h)
            .map(|k| {
                keep[k]
                    && if blobs > 0 {
                        edge(k)
                    } else {
                        rng.below(10) < 7
                    }
            })
            .collect();
        windows.push((w, h, keep, cuttable));
    }
    windows
}

#[test]
fn simplified_outlines_stay_valid_inside_their_cells_and_keep_the_core() {
    let mut rng = SplitMix64::new(33);
    let (origin, cell) = ((5, -9), 10.0);
    for (w, h, keep, cuttable) in random_windows(&mut rng) {
        let none = (&trace::HoleFilling::NONE, &Trimming::NONE);
        let exact = trace::trace(&keep, w, h, origin, cell, none);
        let trimming = Trimming {
            cuttable: &cuttable,
            max_offset_cells: 1.0,
        };
        let simplified = trace::trace(&keep, w, h, origin, cell, (none.0, &trimming));
        assert!(
            simplified.is_valid(),
            "{:?}",
            simplified.validation_errors()
        );
        check_orientation(&simplified);
        // Inside the kept cells; every kept cell that may not be cut whole.
        let outside = simplified.difference(&exact).unsigned_area();
        assert!(outside < 1e-6, "{outside} m² outside the kept cells");
        for (k, (&kept, &cut)) in keep.iter().zip(&cuttable).enumerate() {
            if kept && !cut {
                let square = MultiPolygon::new(vec![cell_square(k, w, origin, cell)]);
                let lost = square.difference(&simplified).unsigned_area();
                assert!(lost < 1e-6, "{lost} m² of core cell {k} cut");
            }
        }
        // Fewer vertices for little area.
        let vertices =
            |m: &MultiPolygon<f64>| m.0.iter().map(|p| p.exterior().0.len()).sum::<usize>();
        let (before, after) = (vertices(&exact), vertices(&simplified));
        assert!(after < before, "{w}×{h}: {before} → {after} vertices");
        if w >= 60 {
            // Blobs: their ragged edges straightened, for little of their area.
            assert!(
                after < before * 3 / 4,
                "{w}×{h}: {before} → {after} vertices"
            );
            assert!(simplified.unsigned_area() > 0.9 * exact.unsigned_area());
        }
    }
}

#[test]
fn gap_zones_are_deterministic_across_thread_counts() {
    let mut rng = SplitMix64::new(11);
    let outlines = city_blocks(&mut rng, 40);
    let centroids = centroids_of(&outlines);
    let selected = random_selection(&mut rng, outlines.len());
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| gap_zones(&centroids, &outlines, &selected, &shape(150.0, 600.0)))
    };
    let one = run(1);
    assert!(one.len() > 10 && one.iter().any(|z| z.blocks.len() > 10));
    assert!(one == run(2), "1 and 2 threads differ");
    assert!(one == run(2), "two runs differ");
}

#[test]
fn small_holes_nobody_claims_are_filled_and_larger_ones_kept() {
    // Eight 40 m blocks in a ring, 20 m streets between them, around a covered block (not
    // selected): the hole is the covered block, the half of each street the ring's 10 m
    // buffer leaves (60 m × 60 m) and parts of the four crossings at its corners (20 m × 20 m
    // each, partly buffered from three sides).
    let mut outlines = Vec::new();
    for (i, j) in [
        (0, 0),
        (1, 0),
        (2, 0),
        (0, 1),
        (2, 1),
        (0, 2),
        (1, 2),
        (2, 2),
        (1, 1),
    ] {
        let (x, y) = (60.0 * f64::from(i), 60.0 * f64::from(j));
        outlines.push(block(vec![rectangle(x, y, 40.0, 40.0, false)]));
    }
    let centroids = centroids_of(&outlines);
    let ring: Vec<u32> = (0..8).collect();
    let holes = |fill_holes_m2: f64| {
        let shape = ZoneShape {
            fill_holes_m2,
            ..shape(100.0, 1000.0)
        };
        let zones = gap_zones(&centroids, &outlines, &ring, &shape);
        assert_eq!(zones.len(), 1);
        let outline = &zones[0].outline;
        assert_eq!(outline.0.len(), 1);
        let holes: Vec<f64> = outline.0[0]
            .interiors()
            .iter()
            .map(|h| Polygon::new(h.clone(), Vec::new()).unsigned_area())
            .collect();
        (holes, outline.0[0].exterior().clone())
    };
    let (kept, exterior) = holes(3_000.0);
    assert_eq!(kept.len(), 1, "a larger hole is kept");
    assert!(
        (3_600.0..3_600.0 + 4.0 * 400.0).contains(&kept[0]),
        "{}",
        kept[0]
    );
    let (filled, same_exterior) = holes(3_600.0 + 4.0 * 400.0);
    assert!(filled.is_empty());
    assert_eq!(exterior, same_exterior, "filling changes only the inside");
}
