//! Served demand without capacity: the weight of the covered points.

use super::objective::Objective;
use super::problem::Prepared;

/// How many chosen sites cover each point.
#[derive(Debug)]
pub(super) struct Coverage<'p, 'a> {
    prepared: &'p Prepared<'a>,
    /// Number of chosen sites covering each point.
    count: Vec<u32>,
    /// The chosen sites, in order (for `pop`).
    chosen: Vec<usize>,
}

impl<'p, 'a> Coverage<'p, 'a> {
    /// The empty set.
    pub(super) fn new(prepared: &'p Prepared<'a>) -> Self {
        Coverage {
            prepared,
            count: vec![0; prepared.weights.len()],
            chosen: Vec::new(),
        }
    }
}

impl Objective for Coverage<'_, '_> {
    fn gain(&mut self, site: usize) -> f64 {
        let weights = &self.prepared.weights;
        self.prepared.covers[site]
            .iter()
            .filter(|&&p| self.count[p as usize] == 0)
            .map(|&p| weights[p as usize])
            .sum()
    }

    fn push(&mut self, site: usize) -> f64 {
        let gain = self.gain(site);
        for &p in self.prepared.covers[site].iter() {
            self.count[p as usize] += 1;
        }
        self.chosen.push(site);
        gain
    }

    fn pop(&mut self) {
        if let Some(site) = self.chosen.pop() {
            for &p in self.prepared.covers[site].iter() {
                self.count[p as usize] -= 1;
            }
        }
    }
}
