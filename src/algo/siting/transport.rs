//! Served demand with a per-site capacity: a maximum flow kept up to date as sites are added.
//!
//! The network: source → point (capacity its weight), point → each chosen site covering it
//! (unbounded), site → sink (the capacity). The state is a maximum flow for the chosen set.
//! Adding a site adds one sink edge; a maximum flow for the bigger set is reached by augmenting
//! from the current one, and every augmenting path ends with the new site's sink edge (before
//! the addition no augmenting path existed, and augmenting along a path only adds residual
//! edges between nodes that were already reachable from the source). So the gain of a site is
//! the flow pushed into it:
//!
//! 1. first directly, from the unserved weight of the points it covers (the shortest paths);
//! 2. then along shortest residual paths found by breadth-first search backwards from the new
//!    site (Edmonds–Karp): the new site takes part of a point from a chosen site, which takes
//!    the same amount of unserved weight of another point it covers, possibly through a chain.
//!
//! Each augmentation empties its bottleneck residual exactly (`x − x = 0` in floating point),
//! so the Edmonds–Karp bound on the number of augmentations holds. Every change is logged so
//! that evaluating a gain, and the branch and bound's backtracking, can undo it.

use std::borrow::Cow;

use super::objective::Objective;
use super::problem::Prepared;

/// A maximum flow for the chosen sites, with an undo log.
#[derive(Debug)]
pub(super) struct Transport<'p, 'a> {
    prepared: &'p Prepared<'a>,
    /// Most demand one site serves.
    capacity: f64,
    /// Weight of each point not served yet.
    unserved: Vec<f64>,
    /// For each point, the chosen sites serving part of it and how much (amounts may be 0).
    served_by: Vec<Vec<(u32, f64)>>,
    /// Changes since the empty set, oldest first.
    log: Vec<Change>,
    /// Length of `log` before each push still in effect.
    marks: Vec<usize>,
    /// Scratch space of the path search.
    search: Search,
}

/// One logged change of a [`Transport`].
#[derive(Debug, Clone, Copy)]
enum Change {
    /// `unserved[point]` was `old`.
    Unserved { point: u32, old: f64 },
    /// `served_by[point][slot].1` was `old`.
    Amount { point: u32, slot: u32, old: f64 },
    /// An entry was appended to `served_by[point]`.
    Appended { point: u32 },
}

impl<'p, 'a> Transport<'p, 'a> {
    /// The empty set, with sites serving at most `capacity` each.
    pub(super) fn new(prepared: &'p Prepared<'a>, capacity: f64) -> Self {
        let points = prepared.weights.len();
        Transport {
            prepared,
            capacity,
            unserved: prepared.weights.clone(),
            served_by: vec![Vec::new(); points],
            log: Vec::new(),
            marks: Vec::new(),
            search: Search::new(points, prepared.candidates()),
        }
    }

    /// Pushes as much flow as possible into `site` and returns it.
    fn augment(&mut self, site: usize) -> f64 {
        let capacity = self.capacity;
        let mut load = 0.0;
        for &point in self.prepared.covers[site].iter() {
            if load >= capacity {
                break;
            }
            let unserved = self.unserved[point as usize];
            if unserved > 0.0 {
                let take = unserved.min(capacity - load);
                self.set_unserved(point, unserved - take);
                self.add_amount(point, site as u32, take);
                load += take;
            }
        }
        while load < capacity {
            let Some(start) = self.search.run(
                site as u32,
                &self.prepared.covers,
                &self.unserved,
                &self.served_by,
            ) else {
                break;
            };
            let delta = self.bottleneck(start, site as u32, capacity - load);
            if delta <= 0.0 {
                break;
            }
            self.apply(start, site as u32, delta);
            load += delta;
        }
        load.min(capacity)
    }

    /// The smallest residual along the path the search found from `start` to `site`.
    fn bottleneck(&self, start: u32, site: u32, room: f64) -> f64 {
        let mut delta = room.min(self.unserved[start as usize]);
        let mut point = start;
        loop {
            let via = self.search.point_via[point as usize];
            if via == site {
                return delta;
            }
            let handed = self.search.site_via[via as usize];
            delta = delta.min(self.amount(handed, via));
            point = handed;
        }
    }

    /// Augments by `delta` along the path the search found from `start` to `site`.
    fn apply(&mut self, start: u32, site: u32, delta: f64) {
        self.set_unserved(start, self.unserved[start as usize] - delta);
        let mut point = start;
        loop {
            let via = self.search.point_via[point as usize];
            self.add_amount(point, via, delta);
            if via == site {
                return;
            }
            let handed = self.search.site_via[via as usize];
            self.add_amount(handed, via, -delta);
            point = handed;
        }
    }

    /// How much of `point` the chosen `site` serves.
    fn amount(&self, point: u32, site: u32) -> f64 {
        self.served_by[point as usize]
            .iter()
            .find(|entry| entry.0 == site)
            .map_or(0.0, |entry| entry.1)
    }

    /// Sets the unserved weight of `point`, logging the change.
    fn set_unserved(&mut self, point: u32, value: f64) {
        let slot = &mut self.unserved[point as usize];
        self.log.push(Change::Unserved { point, old: *slot });
        *slot = value;
    }

    /// Adds `delta` to what `site` serves of `point`, logging the change.
    fn add_amount(&mut self, point: u32, site: u32, delta: f64) {
        let entries = &mut self.served_by[point as usize];
        match entries.iter().position(|entry| entry.0 == site) {
            Some(slot) => {
                let old = entries[slot].1;
                self.log.push(Change::Amount {
                    point,
                    slot: slot as u32,
                    old,
                });
                entries[slot].1 = old + delta;
            }
            None => {
                entries.push((site, delta));
                self.log.push(Change::Appended { point });
            }
        }
    }

    /// Undoes the logged changes past the first `len`.
    fn undo_to(&mut self, len: usize) {
        while self.log.len() > len {
            match self.log.pop() {
                Some(Change::Unserved { point, old }) => self.unserved[point as usize] = old,
                Some(Change::Amount { point, slot, old }) => {
                    self.served_by[point as usize][slot as usize].1 = old;
                }
                Some(Change::Appended { point }) => {
                    self.served_by[point as usize].pop();
                }
                None => {}
            }
        }
    }
}

impl Objective for Transport<'_, '_> {
    fn gain(&mut self, site: usize) -> f64 {
        let mark = self.log.len();
        let gain = self.augment(site);
        self.undo_to(mark);
        gain
    }

    fn push(&mut self, site: usize) -> f64 {
        self.marks.push(self.log.len());
        self.augment(site)
    }

    fn pop(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.undo_to(mark);
        }
    }
}

/// Breadth-first search backwards through the residual network, from the site being added to
/// a point with unserved weight.
#[derive(Debug)]
struct Search {
    /// Current search number; a node is seen when its stamp equals it.
    stamp: u32,
    point_seen: Vec<u32>,
    /// The site each seen point was reached from: the point may send flow to it.
    point_via: Vec<u32>,
    site_seen: Vec<u32>,
    /// The point each seen chosen site was reached from: the site serves part of that point
    /// and may hand it over.
    site_via: Vec<u32>,
    /// Sites in search order.
    queue: Vec<u32>,
}

impl Search {
    fn new(points: usize, sites: usize) -> Self {
        Search {
            stamp: 0,
            point_seen: vec![0; points],
            point_via: vec![0; points],
            site_seen: vec![0; sites],
            site_via: vec![0; sites],
            queue: Vec::new(),
        }
    }

    /// The first point with unserved weight found from `site`, along a shortest path; the
    /// path is left in `point_via` and `site_via`.
    fn run(
        &mut self,
        site: u32,
        covers: &[Cow<'_, [u32]>],
        unserved: &[f64],
        served_by: &[Vec<(u32, f64)>],
    ) -> Option<u32> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.point_seen.fill(0);
            self.site_seen.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        self.site_seen[site as usize] = stamp;
        self.queue.clear();
        self.queue.push(site);
        let mut head = 0;
        while let Some(&reached) = self.queue.get(head) {
            head += 1;
            for &point in covers[reached as usize].iter() {
                let p = point as usize;
                if self.point_seen[p] == stamp {
                    continue;
                }
                self.point_seen[p] = stamp;
                self.point_via[p] = reached;
                if unserved[p] > 0.0 {
                    return Some(point);
                }
                for &(other, amount) in &served_by[p] {
                    let o = other as usize;
                    if amount > 0.0 && self.site_seen[o] != stamp {
                        self.site_seen[o] = stamp;
                        self.site_via[o] = point;
                        self.queue.push(other);
                    }
                }
            }
        }
        None
    }
}
