//! A small hand-made extract for unit tests: a courtyard block as a multipolygon, broken
//! relations, residential land use with buildings in and out, and facilities.

use super::nodes::NodeStore;
use super::read::{Extract, Member, Relation, TaggedNode, Way};
use super::tags::Tags;
use crate::algo::crs::LocalProjection;

/// Longitude and latitude of the grid's origin (central Helsinki).
pub const LON0: f64 = 24.94;
/// Latitude of the grid's origin.
pub const LAT0: f64 = 60.17;

/// A node at (`i`, `j`) thousandths of a degree from the origin.
fn node(id: i64, i: i32, j: i32) -> (i64, i32, i32) {
    let e7 = |deg: f64| (deg * 1e7).round() as i32;
    (id, e7(LON0) + i * 10_000, e7(LAT0) + j * 10_000)
}

fn way(id: i64, refs: &[i64], tags: &[(&str, &str)]) -> Way {
    Way {
        id,
        refs: refs.to_vec(),
        tags: Tags::from_pairs(tags.iter().copied()),
    }
}

fn relation(id: i64, members: &[(i64, bool)], tags: &[(&str, &str)]) -> Relation {
    let mut all = vec![("type", "multipolygon")];
    all.extend_from_slice(tags);
    Relation {
        id,
        members: members
            .iter()
            .map(|&(way, inner)| Member { way, inner })
            .collect(),
        tags: Tags::from_pairs(all),
    }
}

/// The test extract (coordinates in thousandths of a degree from the origin):
/// - r1 `building=apartments`: outer (0,0)–(4,4) split into w1 and w2, inner (1,1)–(3,3) w3;
/// - r2 `building=yes`: its outer w4 references node 99, which is missing;
/// - r3 `building=house`: outer w5, (10,0)–(12,2), and a missing inner member w404;
/// - w10 `landuse=residential` (20,0)–(30,10) with w11 `building=yes` inside it and w12
///   `building=yes` outside;
/// - w20 `amenity=hospital` (40,0)–(42,2) named "General", and n30 `amenity=pharmacy`.
pub fn extract() -> Extract {
    let nodes = vec![
        node(1, 0, 0),
        node(2, 4, 0),
        node(3, 4, 4),
        node(4, 0, 4),
        node(5, 1, 1),
        node(6, 1, 3),
        node(7, 3, 3),
        node(8, 3, 1),
        node(11, 10, 0),
        node(12, 12, 0),
        node(13, 12, 2),
        node(14, 10, 2),
        node(21, 20, 0),
        node(22, 30, 0),
        node(23, 30, 10),
        node(24, 20, 10),
        node(31, 24, 4),
        node(32, 26, 4),
        node(33, 26, 6),
        node(34, 24, 6),
        node(35, 34, 4),
        node(36, 36, 4),
        node(37, 36, 6),
        node(38, 34, 6),
        node(41, 40, 0),
        node(42, 42, 0),
        node(43, 42, 2),
        node(44, 40, 2),
        node(30, 50, 0),
    ];
    let store = NodeStore::new(nodes);
    let pharmacy = TaggedNode {
        id: 30,
        position: store.get(30).expect("node 30 is in the store"),
        tags: Tags::from_pairs([("amenity", "pharmacy"), ("name", "Apteekki")]),
    };
    Extract {
        nodes: store,
        tagged_nodes: vec![pharmacy],
        ways: vec![
            way(1, &[1, 2, 3], &[]),
            way(2, &[1, 4, 3], &[]),
            way(3, &[5, 6, 7, 8, 5], &[]),
            way(4, &[1, 2, 99, 1], &[]),
            way(5, &[11, 12, 13, 14, 11], &[]),
            way(10, &[21, 22, 23, 24, 21], &[("landuse", "residential")]),
            way(11, &[31, 32, 33, 34, 31], &[("building", "yes")]),
            way(12, &[35, 36, 37, 38, 35], &[("building", "yes")]),
            way(
                20,
                &[41, 42, 43, 44, 41],
                &[("amenity", "hospital"), ("name", "General")],
            ),
        ],
        relations: vec![
            relation(
                1,
                &[(1, false), (3, true), (2, false)],
                &[("building", "apartments")],
            ),
            relation(2, &[(4, false)], &[("building", "yes")]),
            relation(3, &[(5, false), (404, true)], &[("building", "house")]),
        ],
        ..Extract::default()
    }
}

/// Area in m² of a box `di` × `dj` thousandths of a degree at the origin, on a sphere of
/// the mean Earth radius (within about 0.5 % of the ellipsoid there).
pub fn box_area_m2(di: f64, dj: f64) -> f64 {
    let metres_per_degree = 6_371_008.8 * std::f64::consts::PI / 180.0;
    let (w, h) = (di * 1e-3, dj * 1e-3);
    w * metres_per_degree * LAT0.to_radians().cos() * h * metres_per_degree
}

/// The local plane centred on the origin.
pub fn projection() -> LocalProjection {
    LocalProjection::centred_on(LON0, LAT0).expect("a valid centre")
}
