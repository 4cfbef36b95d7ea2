//! Node coordinates of a whole extract, sorted by id: 16 bytes a node (a city of ten million
//! nodes takes 160 MB).

use geo_types::Coord;
use rayon::prelude::*;

/// Node coordinates in 1e-7 degrees (the PBF's own precision), looked up by id.
#[derive(Debug, Default)]
pub struct NodeStore {
    ids: Vec<i64>,
    coords: Vec<[i32; 2]>,
}

impl NodeStore {
    /// Builds the store from `(id, lon, lat)` in 1e-7 degrees, in any order; a repeated id
    /// keeps one of its positions.
    pub fn new(mut nodes: Vec<(i64, i32, i32)>) -> NodeStore {
        nodes.par_sort_unstable();
        nodes.dedup_by_key(|n| n.0);
        NodeStore {
            ids: nodes.iter().map(|n| n.0).collect(),
            coords: nodes.iter().map(|n| [n.1, n.2]).collect(),
        }
    }

    /// A node's position (x longitude, y latitude, degrees), if the extract has it.
    pub fn get(&self, id: i64) -> Option<Coord<f64>> {
        let i = self.ids.binary_search(&id).ok()?;
        Some(degrees(self.coords[i]))
    }

    /// Whether the extract has the node.
    pub fn contains(&self, id: i64) -> bool {
        self.ids.binary_search(&id).is_ok()
    }

    /// The positions of `refs`, or `None` when one is missing.
    pub fn line(&self, refs: &[i64]) -> Option<Vec<Coord<f64>>> {
        refs.iter().map(|&r| self.get(r)).collect()
    }

    /// The bounding box of every node: (min lon, min lat, max lon, max lat).
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let first = self.coords.first()?;
        let (mut lo, mut hi) = (*first, *first);
        for c in &self.coords {
            lo = [lo[0].min(c[0]), lo[1].min(c[1])];
            hi = [hi[0].max(c[0]), hi[1].max(c[1])];
        }
        let (lo, hi) = (degrees(lo), degrees(hi));
        Some((lo.x, lo.y, hi.x, hi.y))
    }
}

/// A position in 1e-7 degrees (longitude, latitude) as degrees (x, y).
pub fn degrees([lon, lat]: [i32; 2]) -> Coord<f64> {
    Coord {
        x: f64::from(lon) * 1e-7,
        y: f64::from(lat) * 1e-7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_sorted_and_reports_missing() {
        let store = NodeStore::new(vec![
            (5, 70_000_000, 430_000_000),
            (2, -10, 20),
            (9, 70_000_000, 430_000_000),
            (9, 70_000_001, 430_000_000),
        ]);
        assert!(store.contains(2) && store.contains(9));
        assert_eq!(store.get(2), Some(Coord { x: -1e-6, y: 2e-6 }));
        assert_eq!(store.get(9), store.get(5));
        assert!(store.contains(5) && !store.contains(3));
        assert!(store.line(&[2, 5]).is_some());
        assert!(store.line(&[2, 3]).is_none());
        assert_eq!(store.bounds(), Some((-1e-6, 2e-6, 7.0, 43.0)));
    }
}
