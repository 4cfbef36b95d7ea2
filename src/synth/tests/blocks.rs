//! Housing blocks: counts, ids, valid non-overlapping shapes, barriers, population.

use super::*;

#[test]
fn different_seeds_give_different_cities() {
    let other = generate(&SynthOptions { seed: 43, ..SMALL });
    let city = city();
    assert_eq!(other.blocks.len(), city.blocks.len());
    let same = city
        .blocks
        .iter()
        .zip(&other.blocks)
        .filter(|(a, b)| a.geometry == b.geometry)
        .count();
    assert!(same < 10, "{same} identical blocks");
    assert_ne!(city.river, other.river);
}

#[test]
fn exactly_the_requested_blocks_and_unique_ids() {
    for blocks in [0, 1, 7, 150] {
        let tiny = generate(&SynthOptions { blocks, seed: 5 });
        assert_eq!(tiny.blocks.len(), blocks);
    }
    let city = city();
    let ids: Vec<&str> = city
        .blocks
        .iter()
        .map(|b| b.id.as_str())
        .chain(city.care_beds.iter().map(|f| f.id.as_str()))
        .chain(city.responders.iter().map(|f| f.id.as_str()))
        .chain(city.hospitals.iter().map(|f| f.id.as_str()))
        .chain(city.extended_care.iter().map(|f| f.id.as_str()))
        .chain(city.streets.iter().map(|f| f.id.as_str()))
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len());
    assert_eq!(city.blocks[0].id, "B0000001");
}

#[test]
fn block_polygons_are_valid_and_sized_like_blocks() {
    for block in &city().blocks {
        assert!(block.geometry.is_valid(), "{} invalid", block.id);
        for polygon in polygons(&block.geometry) {
            let ring = polygon.exterior();
            assert!(
                ring.0.len() >= 5,
                "{}: a ring of ≥4 distinct coordinates",
                block.id
            );
            assert_eq!(ring.0.first(), ring.0.last(), "{} not closed", block.id);
            assert!(ring.is_ccw(), "{} not counter-clockwise", block.id);
            assert!(polygon.unsigned_area() > 0.0);
        }
        let rect = block.geometry.bounding_rect().unwrap();
        let (x0, y0) = metres(rect.min());
        let (x1, y1) = metres(rect.max());
        let size = (x1 - x0).max(y1 - y0);
        assert!(
            (30.0..=130.0).contains(&size),
            "{} is {size:.0} m",
            block.id
        );
        assert!(block.age_65_79 + block.age_80_plus <= block.residents);
    }
}

#[test]
fn blocks_do_not_overlap() {
    let blocks = &city().blocks;
    let pad = 2e-4; // about 20 m
    let rects: Vec<Rect<f64>> = blocks
        .iter()
        .map(|b| {
            let r = b.geometry.bounding_rect().unwrap();
            Rect::new(
                (r.min().x - pad, r.min().y - pad),
                (r.max().x + pad, r.max().y + pad),
            )
        })
        .collect();
    let mut checked = 0;
    for i in 0..blocks.len() {
        for j in i + 1..blocks.len() {
            if rects[i].intersects(&rects[j]) {
                checked += 1;
                assert!(
                    !blocks[i].geometry.intersects(&blocks[j].geometry),
                    "{} and {} overlap",
                    blocks[i].id,
                    blocks[j].id
                );
            }
        }
    }
    assert!(
        checked > 2 * blocks.len(),
        "only {checked} neighbouring pairs"
    );
}

#[test]
fn river_and_railway_are_free_of_blocks() {
    let city = city();
    let layout = &plan().layout;
    let railway: geo_types::LineString<f64> = city.railway.0.iter().map(|&c| metres(c)).collect();
    let (mut north, mut south) = (0, 0);
    for block in &city.blocks {
        let centroid = block.geometry.centroid().unwrap();
        assert!(!city.river.contains(&centroid), "{} in the river", block.id);
        for polygon in polygons(&block.geometry) {
            for &c in &polygon.exterior().0 {
                assert!(
                    layout.river.depth(metres(c)) < 0.0,
                    "{} in the river",
                    block.id
                );
                assert!(
                    layout.railway.depth(metres(c)) < 0.0,
                    "{} on the railway",
                    block.id
                );
            }
        }
        let p = Point::from(metres(centroid.0));
        assert!(Euclidean.distance(&p, &railway) > RAILWAY_HALF_WIDTH_M);
        let (x, y) = metres(centroid.0);
        let offset = y - layout.river.centre_y(x);
        if offset.abs() < 300.0 {
            if offset > 0.0 {
                north += 1
            } else {
                south += 1
            }
        }
    }
    assert!(north > 20 && south > 20, "the river must cross the city");
}

#[test]
fn elderly_concentrate_in_the_core() {
    let city = city();
    let core = plan().layout.core_radius;
    let (mut inner, mut outer) = ((0u64, 0u64), (0u64, 0u64));
    for block in &city.blocks {
        let (x, y) = metres(block.geometry.centroid().unwrap().0);
        let slot = if x.hypot(y) < core {
            &mut inner
        } else if x.hypot(y) > 2.5 * core {
            &mut outer
        } else {
            continue;
        };
        slot.0 += u64::from(block.age_65_79 + block.age_80_plus);
        slot.1 += u64::from(block.residents);
    }
    let share = |(e, r): (u64, u64)| e as f64 / r as f64;
    assert!(
        (0.15..0.35).contains(&share(inner)),
        "core share {}",
        share(inner)
    );
    assert!(
        share(outer) < share(inner) - 0.05,
        "outskirts share {}",
        share(outer)
    );
}
