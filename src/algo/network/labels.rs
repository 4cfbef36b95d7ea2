//! Per-node labels of the k nearest distinct facilities.

/// For every node, up to `k` distinct facilities within the cutoff, nearest first
/// (ties: lower facility index), as found by [`node_labels`](super::node_labels).
///
/// Distances are network walks in metres from a facility's snap point, access leg included.
/// With `k = 1` this is the per-node best (facility, distance) a service area needs.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLabels {
    k: usize,
    cutoff_m: f64,
    /// Number of labels held per node (at most `k`).
    count: Vec<u32>,
    /// Facility of each label slot: node `n` owns slots `n * k .. n * k + count[n]`.
    facility: Vec<u32>,
    /// Distance of each label slot, sorted ascending within a node.
    dist: Vec<f64>,
}

impl NodeLabels {
    /// Empty labels for `node_count` nodes with `k` slots each.
    pub(crate) fn new(node_count: usize, k: usize, cutoff_m: f64) -> Self {
        let slots = node_count.saturating_mul(k);
        // Zero-filled vectors come straight from the allocator; untouched pages cost nothing.
        NodeLabels {
            k,
            cutoff_m,
            count: vec![0; node_count],
            facility: vec![0; slots],
            dist: vec![0.0; slots],
        }
    }

    /// The number of labels kept per node.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The search cutoff in metres.
    pub fn cutoff_m(&self) -> f64 {
        self.cutoff_m
    }

    /// Number of nodes labelled (the graph's node count).
    pub fn node_count(&self) -> usize {
        self.count.len()
    }

    /// The labels of `node` as (facility, metres), nearest first; empty for an unknown or
    /// unreached node.
    pub fn labels(&self, node: u32) -> impl ExactSizeIterator<Item = (u32, f64)> + '_ {
        let range = self.slots(node as usize);
        self.facility[range.clone()]
            .iter()
            .copied()
            .zip(self.dist[range].iter().copied())
    }

    /// The nearest facility of `node` and its distance, if any is within the cutoff.
    pub fn best(&self, node: u32) -> Option<(u32, f64)> {
        self.labels(node).next()
    }

    /// Offers facility `facility` at distance `dist` to `node`; returns whether the labels
    /// changed (a new facility entered the best `k`, or a known one got closer).
    pub(crate) fn offer(&mut self, node: usize, facility: u32, dist: f64) -> bool {
        if self.k == 0 || node >= self.count.len() {
            return false;
        }
        if self.k == 1 {
            // Fast path: one slot, replaced by anything that precedes it.
            if self.count[node] == 1
                && !precedes(dist, facility, self.dist[node], self.facility[node])
            {
                return false;
            }
            self.count[node] = 1;
            self.facility[node] = facility;
            self.dist[node] = dist;
            return true;
        }
        let base = node * self.k;
        let count = self.count[node] as usize;
        if count == self.k && dist > self.dist[base + count - 1] {
            // Worse than all k held labels: neither a new facility nor an improvement.
            return false;
        }
        let held = &self.facility[base..base + count];
        let slot = match held.iter().position(|&f| f == facility) {
            Some(i) if dist < self.dist[base + i] => i,
            Some(_) => return false,
            None if count < self.k => {
                self.count[node] += 1;
                count
            }
            None => {
                let last = base + self.k - 1;
                if precedes(dist, facility, self.dist[last], self.facility[last]) {
                    self.k - 1
                } else {
                    return false;
                }
            }
        };
        // The slot only improved, so restore the order by moving it towards the front.
        let mut i = base + slot;
        self.facility[i] = facility;
        self.dist[i] = dist;
        while i > base
            && precedes(
                self.dist[i],
                self.facility[i],
                self.dist[i - 1],
                self.facility[i - 1],
            )
        {
            self.facility.swap(i, i - 1);
            self.dist.swap(i, i - 1);
            i -= 1;
        }
        true
    }

    /// Whether `node` still holds `facility` at exactly `dist` (a heap entry is not stale).
    pub(crate) fn holds(&self, node: usize, facility: u32, dist: f64) -> bool {
        let range = self.slots(node);
        self.facility[range.clone()]
            .iter()
            .zip(&self.dist[range])
            .any(|(&f, &d)| f == facility && d == dist)
    }

    /// The label slots in use by `node`.
    fn slots(&self, node: usize) -> std::ops::Range<usize> {
        let count = self.count.get(node).map_or(0, |&c| c as usize);
        let base = if count == 0 { 0 } else { node * self.k };
        base..base + count
    }
}

/// Label order: by distance, then by facility index.
fn precedes(dist: f64, facility: u32, other_dist: f64, other_facility: u32) -> bool {
    dist < other_dist || (dist == other_dist && facility < other_facility)
}
