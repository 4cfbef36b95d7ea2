//! The walking network: walkable ways, split at every node they share with another walkable
//! way (so each junction is a line end in every way through it) and at nodes missing from the
//! extract (a clipped way keeps its complete stretches).

use super::mapping::StreetRules;
use super::nodes::NodeStore;
use super::read::{Extract, Way};
use super::tags::TagSource;
use geo_types::Coord;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A stretch of a walkable way between junctions.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetPiece<'e> {
    /// The way's OSM id.
    pub way: i64,
    /// Its `highway` value.
    pub highway: &'e str,
    /// Its `name`, if tagged.
    pub name: Option<&'e str>,
    /// The positions, WGS 84; at least two.
    pub line: Vec<Coord<f64>>,
}

/// What became of the walkable ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StreetCounts {
    /// Walkable ways in the extract.
    pub walkable_ways: usize,
    /// Street features written (pieces).
    pub features: usize,
    /// Ways split at shared nodes into several pieces.
    pub split_ways: usize,
    /// Ways with nodes missing from the extract, kept as their complete stretches.
    pub truncated: usize,
    /// Ways left out: no two consecutive nodes of theirs are in the extract.
    pub dropped: usize,
    /// Pieces left out: no position of theirs within the boundary's margin.
    pub outside_boundary: usize,
}

/// The walkable ways' pieces, sorted by way id and position along the way.
pub fn walkable_streets<'e>(
    extract: &'e Extract,
    rules: &StreetRules,
) -> (Vec<StreetPiece<'e>>, StreetCounts) {
    let ways: Vec<&Way> = extract
        .ways
        .iter()
        .filter(|w| rules.walkable(&w.tags))
        .collect();
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for w in &ways {
        for &r in &w.refs {
            *uses.entry(r).or_default() += 1;
        }
    }
    let split: Vec<(Vec<Vec<Coord<f64>>>, bool)> = ways
        .par_iter()
        .map(|w| {
            split_way(&w.refs, &extract.nodes, |r| {
                uses.get(&r).copied().unwrap_or(0) >= 2
            })
        })
        .collect();
    let mut counts = StreetCounts {
        walkable_ways: ways.len(),
        ..StreetCounts::default()
    };
    let mut pieces = Vec::new();
    for (way, (lines, missing)) in ways.iter().zip(split) {
        counts.dropped += usize::from(lines.is_empty());
        counts.truncated += usize::from(missing && !lines.is_empty());
        counts.split_ways += usize::from(lines.len() > 1 && !missing);
        let highway = way.tags.tag("highway").unwrap_or_default();
        let name = way.tags.tag("name");
        pieces.extend(lines.into_iter().map(|line| StreetPiece {
            way: way.id,
            highway,
            name,
            line,
        }));
    }
    counts.features = pieces.len();
    (pieces, counts)
}

/// Splits a way's nodes at interior nodes where `shared` holds and around missing nodes;
/// keeps the pieces of at least two positions, and tells whether a node was missing.
fn split_way(
    refs: &[i64],
    nodes: &NodeStore,
    shared: impl Fn(i64) -> bool,
) -> (Vec<Vec<Coord<f64>>>, bool) {
    let mut pieces = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    let mut missing = false;
    let last = refs.len().saturating_sub(1);
    for (i, &r) in refs.iter().enumerate() {
        let Some(c) = nodes.get(r) else {
            missing = true;
            if current.len() >= 2 {
                pieces.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        };
        current.push(c);
        if i > 0 && i < last && shared(r) && current.len() >= 2 {
            pieces.push(std::mem::replace(&mut current, vec![c]));
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    (pieces, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> NodeStore {
        NodeStore::new((1..=9).map(|i| (i, i as i32 * 10, 0)).collect())
    }

    #[test]
    fn splits_at_shared_interior_nodes_only() {
        let (pieces, missing) = split_way(&[1, 2, 3, 4, 5], &store(), |r| r == 3 || r == 1);
        assert!(!missing);
        let ends: Vec<(f64, f64)> = pieces
            .iter()
            .map(|p| (p[0].x * 1e7, p[p.len() - 1].x * 1e7))
            .collect();
        assert_eq!(pieces.len(), 2);
        assert!((ends[0].0 - 10.0).abs() < 1e-6 && (ends[0].1 - 30.0).abs() < 1e-6);
        assert!((ends[1].0 - 30.0).abs() < 1e-6 && (ends[1].1 - 50.0).abs() < 1e-6);
    }

    #[test]
    fn missing_nodes_truncate_and_lone_nodes_drop() {
        // 42 and 43 are missing: 1-2 is kept, 5 alone is dropped, 6-7 is kept.
        let (pieces, missing) = split_way(&[1, 2, 42, 5, 43, 6, 7], &store(), |_| false);
        assert!(missing);
        assert_eq!(pieces.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
        let (pieces, missing) = split_way(&[42, 1, 43], &store(), |_| true);
        assert!(missing && pieces.is_empty());
        // A shared node right after a gap starts the next piece without an empty one.
        let (pieces, _) = split_way(&[42, 3, 4, 5], &store(), |r| r == 3 || r == 4);
        assert_eq!(pieces.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
    }
}
