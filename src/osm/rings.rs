//! Multipolygon rings: member ways joined end to end into closed rings, and inner rings put
//! into the outer ring that contains them.

use geo::{Area, Contains};
use geo_types::{LineString, MultiPolygon, Polygon};

/// Rings joined from ways, and how many ways could not be closed into a ring.
#[derive(Debug, Default, PartialEq)]
pub struct Joined {
    /// Closed rings of node ids (first = last, at least 4 ids).
    pub rings: Vec<Vec<i64>>,
    /// Chains of ways left open (an end met no other way).
    pub open_chains: usize,
}

/// Joins ways (node-id sequences) end to end into closed rings. A way is taken at most once,
/// reversed when needed; ways are tried in the given order, so the result is deterministic.
pub fn join_rings(ways: &[&[i64]]) -> Joined {
    let mut unused: Vec<&[i64]> = ways.iter().copied().filter(|w| w.len() >= 2).collect();
    let mut joined = Joined::default();
    while !unused.is_empty() {
        let mut ring: Vec<i64> = unused.remove(0).to_vec();
        loop {
            let (first, last) = (ring[0], ring[ring.len() - 1]);
            if first == last {
                if ring.len() >= 4 {
                    joined.rings.push(ring);
                } else {
                    joined.open_chains += 1;
                }
                break;
            }
            let next = unused
                .iter()
                .position(|w| w[0] == last || w[w.len() - 1] == last);
            let Some(k) = next else {
                joined.open_chains += 1;
                break;
            };
            let way = unused.remove(k);
            if way[0] == last {
                ring.extend_from_slice(&way[1..]);
            } else {
                ring.extend(way.iter().rev().skip(1));
            }
        }
    }
    joined
}

/// Polygons from outer rings, each inner ring becoming a hole of the smallest outer ring that
/// contains it. Also returns how many inner rings lay in no outer ring (they are dropped).
pub fn assemble(
    outers: Vec<LineString<f64>>,
    inners: Vec<LineString<f64>>,
) -> (MultiPolygon<f64>, usize) {
    let mut polygons: Vec<Polygon<f64>> = outers
        .into_iter()
        .map(|ring| Polygon::new(ring, Vec::new()))
        .collect();
    let mut stray = 0;
    for inner in inners {
        let home = polygons
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains(&inner))
            .min_by(|(_, a), (_, b)| a.unsigned_area().total_cmp(&b.unsigned_area()))
            .map(|(i, _)| i);
        match home {
            Some(i) => polygons[i].interiors_push(inner),
            None => stray += 1,
        }
    }
    (MultiPolygon(polygons), stray)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::line_string;

    #[test]
    fn joins_ways_in_any_direction_and_counts_open_chains() {
        let a: &[i64] = &[1, 2, 3];
        let b: &[i64] = &[5, 4, 3]; // reversed
        let c: &[i64] = &[5, 6, 1];
        let closed: &[i64] = &[10, 11, 12, 10];
        let dangling: &[i64] = &[20, 21];
        let j = join_rings(&[a, closed, b, dangling, c]);
        assert_eq!(
            j.rings,
            vec![vec![1, 2, 3, 4, 5, 6, 1], vec![10, 11, 12, 10]]
        );
        assert_eq!(j.open_chains, 1);
        let degenerate: &[i64] = &[1, 2, 1];
        assert_eq!(join_rings(&[degenerate]).open_chains, 1);
    }

    #[test]
    fn inner_rings_go_into_the_smallest_containing_outer() {
        let big = line_string![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.), (x: 0., y: 0.)];
        let small = line_string![(x: 2., y: 2.), (x: 8., y: 2.), (x: 8., y: 8.), (x: 2., y: 8.), (x: 2., y: 2.)];
        let hole = line_string![(x: 4., y: 4.), (x: 6., y: 4.), (x: 6., y: 6.), (x: 4., y: 6.), (x: 4., y: 4.)];
        let outside =
            line_string![(x: 20., y: 20.), (x: 21., y: 20.), (x: 21., y: 21.), (x: 20., y: 20.)];
        let (mp, stray) = assemble(vec![big, small], vec![hole, outside]);
        assert_eq!(stray, 1);
        assert_eq!(mp.0[0].interiors().len(), 0);
        assert_eq!(mp.0[1].interiors().len(), 1);
    }
}
