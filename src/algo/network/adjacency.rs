//! Compact (CSR) adjacency arrays for fast graph traversal.

/// One direction of an undirected edge: where it leads, which edge it is and how long it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arc {
    /// Node at the far end.
    pub(crate) target: u32,
    /// Id of the edge (its position in the edge list the adjacency was built from).
    pub(crate) edge: u32,
    /// Edge length in metres.
    pub(crate) length_m: f64,
}

// The edge id sits in what was padding: arcs stay 16 bytes.
const _: () = assert!(std::mem::size_of::<Arc>() == 16);

/// Compressed sparse row adjacency: the arcs of node `n` are `arcs[offsets[n]..offsets[n + 1]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    offsets: Vec<usize>,
    arcs: Vec<Arc>,
}

impl Adjacency {
    /// Builds both directions of every edge `(a, b, length)`; arcs keep the edge order per node
    /// and carry the edge's position in `edges` as its id.
    pub(crate) fn new(
        node_count: usize,
        edges: impl Iterator<Item = (u32, u32, f64)> + Clone,
    ) -> Self {
        let mut offsets = vec![0usize; node_count + 1];
        for (a, b, _) in edges.clone() {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut arcs = vec![
            Arc {
                target: 0,
                edge: 0,
                length_m: 0.0
            };
            offsets[node_count]
        ];
        for (edge, (a, b, length_m)) in edges.enumerate() {
            let edge = edge as u32;
            arcs[fill[a as usize]] = Arc {
                target: b,
                edge,
                length_m,
            };
            fill[a as usize] += 1;
            arcs[fill[b as usize]] = Arc {
                target: a,
                edge,
                length_m,
            };
            fill[b as usize] += 1;
        }
        Adjacency { offsets, arcs }
    }

    /// The arcs leaving `node` (empty for an unknown node).
    pub(crate) fn arcs(&self, node: usize) -> &[Arc] {
        match (self.offsets.get(node), self.offsets.get(node + 1)) {
            (Some(&start), Some(&end)) => &self.arcs[start..end],
            _ => &[],
        }
    }
}
