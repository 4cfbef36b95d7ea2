//! Connected components of the street graph.

use super::adjacency::Adjacency;

/// The connected components of a [`StreetGraph`](super::StreetGraph).
///
/// Component ids are numbered in order of their lowest node index, so component 0 holds
/// node 0. The main component is the largest; among equally large ones, the lowest id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components {
    of_node: Vec<u32>,
    sizes: Vec<usize>,
}

impl Components {
    /// Labels every node of the adjacency with its component by breadth-first search.
    pub(crate) fn new(adjacency: &Adjacency, node_count: usize) -> Self {
        const UNSEEN: u32 = u32::MAX;
        let mut of_node = vec![UNSEEN; node_count];
        let mut sizes = Vec::new();
        let mut queue = Vec::new();
        for start in 0..node_count {
            if of_node[start] != UNSEEN {
                continue;
            }
            let id = sizes.len() as u32;
            of_node[start] = id;
            queue.clear();
            queue.push(start as u32);
            let mut head = 0;
            while let Some(&node) = queue.get(head) {
                head += 1;
                for arc in adjacency.arcs(node as usize) {
                    let seen = &mut of_node[arc.target as usize];
                    if *seen == UNSEEN {
                        *seen = id;
                        queue.push(arc.target);
                    }
                }
            }
            sizes.push(queue.len());
        }
        Components { of_node, sizes }
    }

    /// Number of components.
    pub fn count(&self) -> usize {
        self.sizes.len()
    }

    /// The component of `node`, or `None` for an unknown node.
    pub fn component_of(&self, node: u32) -> Option<u32> {
        self.of_node.get(node as usize).copied()
    }

    /// The component of every node, indexed by node.
    pub fn node_components(&self) -> &[u32] {
        &self.of_node
    }

    /// Number of nodes in each component, indexed by component id.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The largest component (ties: lowest id), or `None` for an empty graph.
    pub fn main(&self) -> Option<u32> {
        let mut best: Option<u32> = None;
        let mut best_size = 0;
        for (id, &size) in self.sizes.iter().enumerate() {
            if best.is_none() || size > best_size {
                best = Some(id as u32);
                best_size = size;
            }
        }
        best
    }
}
