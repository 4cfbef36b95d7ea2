//! Walking distances: the street graph, every block and facility snapped onto it, and one
//! bounded multi-source search per requirement. Where a block's walk starts (its access
//! points, and the facilities it reaches without crossing a street) is [`super::doorstep`].

use super::doorstep::{barrier_between, block_access, shortcuts};
use super::straight::FacilityIndex;
use super::{DistanceModel, Distances, Measure};
use crate::algo::barriers::BarrierIndex;
use crate::algo::floating_catchment::Pair;
use crate::algo::network::{
    catchment_with, keep_nearest_distinct, nearest_facilities, nearest_facilities_from,
    piece_geometry, AccessPoints, CatchmentPiece, CatchmentScratch, Components, Snap, SnapIndex,
    StreetGraph,
};
use crate::analysis::plane::Plane;
use crate::analysis::requirements::ResolvedRequirement;
use crate::analysis::summary::NetworkSummary;
use crate::dataset::Dataset;
use geo::{Coord, LineString};
use rayon::prelude::*;
use std::ops::Range;

/// Walking searches look this many times the policy's largest reach far, so that a gap
/// reason can say how far the nearest facility really is on foot ("1,480 m on foot").
pub const SEARCH_FACTOR: f64 = 2.0;

/// The street graph, its connected components and its snapping index, in the plane's
/// metres: the first half of building a [`WalkNetwork`].
pub struct StreetNetwork {
    graph: StreetGraph,
    components: Components,
    index: SnapIndex,
}

impl StreetNetwork {
    /// Builds the graph from the plane's streets, joining ends closer than
    /// `merge_tolerance_m`.
    pub fn new(plane: &Plane, merge_tolerance_m: f64) -> StreetNetwork {
        let graph = StreetGraph::new(&plane.streets, merge_tolerance_m);
        StreetNetwork {
            components: graph.components(),
            index: SnapIndex::new(&graph),
            graph,
        }
    }

    /// Joins every block to the streets where `measure` says (see
    /// [`super::doorstep::block_access`]) and snaps every facility location of the plane
    /// onto them (no farther than `max_snap_m`); searches will look `search_m` far.
    pub fn snap(
        self,
        plane: &Plane,
        measure: Measure,
        max_snap_m: f64,
        search_m: f64,
    ) -> WalkNetwork<'_> {
        let barriers = BarrierIndex::new(&plane.barriers);
        let block_access = block_access(&self.index, plane, measure, max_snap_m, &barriers);
        let layer_snaps = plane
            .layer_locations
            .iter()
            .map(|locations| self.index.snap_points(locations, max_snap_m))
            .collect();
        WalkNetwork {
            plane,
            measure,
            streets: self,
            block_access,
            layer_snaps,
            search_m,
            max_snap_m,
            barriers,
        }
    }
}

/// The street network with every block and facility location snapped onto it.
pub struct WalkNetwork<'a> {
    plane: &'a Plane,
    /// Where distances are measured from: from the centroid, walks start at its snap and
    /// never take a shortcut.
    measure: Measure,
    streets: StreetNetwork,
    /// Each block's access points, shortest leg first; none when off-network.
    block_access: AccessPoints,
    /// Per layer, each facility location's snap.
    layer_snaps: Vec<Vec<Option<Snap>>>,
    /// How far searches look, in metres (walking distances beyond are unknown).
    search_m: f64,
    /// The largest access leg; farther blocks and facilities are off-network.
    max_snap_m: f64,
    /// The plane's barriers, which shortcuts may not cross.
    barriers: BarrierIndex,
}

/// Where an entity meets the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Access {
    /// Snapped onto the main component, with this access leg.
    Main(f64),
    /// Snapped onto a component cut off from the main one (of this many nodes).
    Isolated {
        /// The access leg, in metres.
        leg_m: f64,
        /// Nodes in the isolated component.
        component_nodes: usize,
    },
    /// No street within the snapping limit.
    OffNetwork,
}

/// A block or facility that cannot reach the main street network.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    /// `blocks` or the facility kind.
    pub role: String,
    /// The block or facility id.
    pub id: String,
    /// How it meets the network (never [`Access::Main`]).
    pub access: Access,
}

impl<'a> WalkNetwork<'a> {
    /// Builds the street network from the plane's streets and joins every block and
    /// facility location to it (see [`StreetNetwork::new`] and [`StreetNetwork::snap`]).
    pub fn build(
        plane: &'a Plane,
        measure: Measure,
        merge_tolerance_m: f64,
        max_snap_m: f64,
        search_m: f64,
    ) -> WalkNetwork<'a> {
        StreetNetwork::new(plane, merge_tolerance_m).snap(plane, measure, max_snap_m, search_m)
    }

    /// How far searches look, in metres.
    pub fn search_m(&self) -> f64 {
        self.search_m
    }

    /// The largest access leg, in metres.
    pub fn max_snap_m(&self) -> f64 {
        self.max_snap_m
    }

    /// Block `b`'s shortest access leg onto the streets; `None` when it is off-network.
    pub fn block_leg_m(&self, b: usize) -> Option<f64> {
        self.block_access.of(b).first().map(|s| s.leg_m)
    }

    /// The street graph, for independent checks of the searches.
    pub fn graph(&self) -> &StreetGraph {
        &self.streets.graph
    }

    /// Each block's access points, for independent checks of the searches.
    pub fn block_access(&self) -> &AccessPoints {
        &self.block_access
    }

    /// Whether a straight walk from `from` to `to` crosses a street.
    pub fn crosses_street(&self, from: Coord<f64>, to: Coord<f64>) -> bool {
        self.streets.index.crosses(from, to)
    }

    /// The barrier (its number in the plane) between block `b` and its nearest facility of
    /// `index` within `within_m` in a straight line (see [`super::doorstep::barrier_between`]).
    pub fn barrier_between(&self, index: &FacilityIndex, b: usize, within_m: f64) -> Option<u32> {
        barrier_between(self.plane, index, &self.barriers, b, within_m)
    }

    /// The (at most `at_most` nearest) facilities of `index` within `within_m` of block
    /// `b`'s outline that it reaches without crossing a street or a barrier (see
    /// [`super::doorstep::shortcuts`]); none under `--measure centroid`.
    pub fn shortcuts(
        &self,
        index: &FacilityIndex,
        b: usize,
        within_m: f64,
        at_most: usize,
    ) -> Vec<(u32, f64)> {
        if self.measure == Measure::Centroid {
            return Vec::new();
        }
        shortcuts(self.plane, index, b, (within_m, at_most), &|from, to| {
            self.crosses_street(from, to) || self.barriers.crosses(from, to)
        })
    }

    /// Per layer, each facility location's snap, for independent checks of the searches.
    pub fn layer_snaps(&self) -> &[Vec<Option<Snap>>] {
        &self.layer_snaps
    }

    /// How a snap meets the network.
    fn access(&self, snap: Option<&Snap>) -> Access {
        let Some(snap) = snap else {
            return Access::OffNetwork;
        };
        let components = &self.streets.components;
        let component = self
            .streets
            .graph
            .edge(snap.edge)
            .and_then(|e| components.component_of(e.a));
        match component {
            Some(c) if Some(c) != components.main() => Access::Isolated {
                leg_m: snap.leg_m,
                component_nodes: components.sizes()[c as usize],
            },
            _ => Access::Main(snap.leg_m),
        }
    }

    /// The access point that tells how block `b` meets the network: its first on the main
    /// component, else its first.
    fn block_entry(&self, b: usize) -> Option<&Snap> {
        let access = self.block_access.of(b);
        access
            .iter()
            .find(|s| matches!(self.access(Some(s)), Access::Main(_)))
            .or(access.first())
    }

    /// Every block and facility location that is off-network or on an isolated component,
    /// blocks first, then layers in order.
    pub fn unreachable(&self, dataset: &Dataset) -> Vec<Unreachable> {
        let mut found = Vec::new();
        let mut note = |role: &str, id: &str, snap: Option<&Snap>| {
            let access = self.access(snap);
            if !matches!(access, Access::Main(_)) {
                found.push(Unreachable {
                    role: role.to_string(),
                    id: id.to_string(),
                    access,
                });
            }
        };
        for (b, id) in dataset.blocks.ids.iter().enumerate() {
            note("blocks", id, self.block_entry(b));
        }
        for (layer, snaps) in dataset.layers.iter().zip(&self.layer_snaps) {
            for (snap, &f) in snaps.iter().zip(&layer.location_facility) {
                note(&layer.kind, &layer.ids[f as usize], snap.as_ref());
            }
        }
        found
    }

    /// The network's size and what cannot reach it.
    pub fn summary(&self, unreachable: &[Unreachable]) -> NetworkSummary {
        let count = |blocks: bool, isolated: bool| {
            unreachable
                .iter()
                .filter(|u| (u.role == "blocks") == blocks)
                .filter(|u| matches!(u.access, Access::Isolated { .. }) == isolated)
                .count()
        };
        NetworkSummary {
            nodes: self.streets.graph.node_count(),
            edges: self.streets.graph.edge_count(),
            components: self.streets.components.count(),
            main_component_nodes: self
                .streets
                .components
                .main()
                .map_or(0, |m| self.streets.components.sizes()[m as usize]),
            search_m: self.search_m,
            max_snap_m: self.max_snap_m,
            blocks_off_network: count(true, false),
            blocks_isolated: count(true, true),
            facilities_off_network: count(false, false),
            facilities_isolated: count(false, true),
        }
    }

    /// The entrances (snaps) of each facility the requirement keeps, as (facility,
    /// entrances), in facility order; facilities with no entrance on the network are left
    /// out.
    pub fn entrances(&self, resolved: &ResolvedRequirement) -> Vec<(u32, Vec<Snap>)> {
        let keep = &resolved.keep;
        let mut by_facility: Vec<Vec<Snap>> = vec![Vec::new(); keep.len()];
        for (snap, &f) in self.layer_snaps[resolved.layer_index]
            .iter()
            .zip(&resolved.layer.location_facility)
        {
            if let (true, Some(snap)) = (keep[f as usize], snap) {
                by_facility[f as usize].push(*snap);
            }
        }
        by_facility
            .into_iter()
            .enumerate()
            .filter(|(_, e)| !e.is_empty())
            .map(|(f, e)| (f as u32, e))
            .collect()
    }

    /// The street pieces within `reach_m` on foot of `entrances` (a catchment), each as its
    /// line in the plane with the walking distance at its start and end.
    pub fn catchment(
        &self,
        entrances: &[Snap],
        reach_m: f64,
        scratch: &mut CatchmentScratch,
    ) -> Vec<(LineString<f64>, f64, f64)> {
        let graph = &self.streets.graph;
        catchment_with(graph, entrances, reach_m, scratch)
            .into_iter()
            .map(|piece| {
                (
                    piece_geometry(graph, &piece),
                    piece.from_dist_m,
                    piece.to_dist_m,
                )
            })
            .collect()
    }

    /// Every (block, source) pair within `reach_m` on foot, for sources given as (index,
    /// entrances): one small bounded search (a catchment) per source, then the blocks whose
    /// access points lie on the street pieces it reaches, each with its access leg added (a
    /// block keeps its shortest walk). Sorted by block, then source.
    pub fn blocks_within(&self, sources: &[(u32, Vec<Snap>)], reach_m: f64) -> Vec<Pair> {
        let mut by_edge: Vec<(u32, f64, f64, u32)> = self
            .block_access
            .iter()
            .map(|(b, s)| (s.edge, s.offset_m, s.leg_m, b))
            .collect();
        by_edge.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.cmp(&b.3)).then(a.1.total_cmp(&b.1)));
        let mut stretches: Vec<(u32, f64, f64, f64, u32)> = (0..self.block_access.len())
            .flat_map(|b| {
                self.block_access
                    .stretches(b)
                    .map(move |(edge, from_m, to_m, leg_m)| (edge, from_m, to_m, leg_m, b as u32))
            })
            .collect();
        stretches.sort_by(|a, b| a.0.cmp(&b.0).then(a.4.cmp(&b.4)));
        let mut pairs: Vec<Pair> = sources
            .par_iter()
            .map_init(CatchmentScratch::new, |scratch, (source, snaps)| {
                let mut best: Vec<(u32, f64)> = Vec::new();
                for piece in catchment_with(&self.streets.graph, snaps, reach_m, scratch) {
                    let start = by_edge.partition_point(|e| e.0 < piece.edge);
                    for &(_, offset_m, leg_m, block) in
                        by_edge[start..].iter().take_while(|e| e.0 == piece.edge)
                    {
                        if let Some(d) = piece
                            .distance_at(offset_m)
                            .map(|d| d + leg_m)
                            .filter(|&d| d <= reach_m)
                        {
                            best.push((block, d));
                        }
                    }
                    best.extend(across_stretches(&piece, &stretches, reach_m));
                }
                // A block at a piece boundary or with several access points appears more
                // than once: keep its shortest walk.
                best.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                best.dedup_by_key(|(block, _)| *block);
                best.into_iter()
                    .map(|(block, distance_m)| Pair {
                        block,
                        facility: *source,
                        distance_m,
                    })
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        pairs.sort_by_key(|p| (p.block, p.facility));
        pairs
    }
}

/// The blocks facing a stretch of the piece's edge, with the shortest walk from anywhere on
/// the stretch (the piece's distance is least at an end of the part it covers) plus the leg,
/// when within `reach_m`.
fn across_stretches<'s>(
    piece: &'s CatchmentPiece,
    stretches: &'s [(u32, f64, f64, f64, u32)],
    reach_m: f64,
) -> impl Iterator<Item = (u32, f64)> + 's {
    let start = stretches.partition_point(|s| s.0 < piece.edge);
    stretches[start..]
        .iter()
        .take_while(move |s| s.0 == piece.edge)
        .filter_map(move |&(_, from_m, to_m, leg_m, block)| {
            let (lo, hi) = (from_m.max(piece.from_offset_m), to_m.min(piece.to_offset_m));
            let d = piece.distance_at(lo)?.min(piece.distance_at(hi)?) + leg_m;
            (lo <= hi && d <= reach_m).then_some((block, d))
        })
}

impl WalkNetwork<'_> {
    /// Per block, its `k` nearest facilities on foot with the shortcuts (see
    /// [`WalkNetwork::shortcuts`]) within `reach_m` that beat them.
    ///
    /// With the straight-line distances of the same requirement (`straight`), blocks whose
    /// nearest facility in a straight line is beyond that are not searched: no shortcut can
    /// be shorter than the straight line from the outline.
    fn with_shortcuts(
        &self,
        index: &FacilityIndex,
        mut nearest: Vec<Vec<(u32, f64)>>,
        (reach_m, k): (f64, usize),
        straight: Option<&Distances>,
    ) -> Vec<Vec<(u32, f64)>> {
        if self.measure == Measure::Centroid || k == 0 {
            return nearest;
        }
        nearest.par_iter_mut().enumerate().for_each(|(b, found)| {
            let kth_m = found.get(k - 1).map_or(f64::INFINITY, |&(_, d)| d);
            let within_m = reach_m.min(kth_m);
            if straight.is_some_and(|s| self.outline_at_least_m(s, b) > within_m) {
                return;
            }
            let extra = self.shortcuts(index, b, within_m, k);
            if !extra.is_empty() {
                found.extend(extra);
                keep_nearest_distinct(found, k);
            }
        });
        nearest
    }

    /// A lower bound on block `b`'s distance from its outline to any facility, from the
    /// straight-line model's nearest distance (measured from the outline under `edge`, from
    /// the centroid otherwise).
    fn outline_at_least_m(&self, straight: &Distances, b: usize) -> f64 {
        match self.measure {
            Measure::Edge => straight.nearest_m[b],
            Measure::Centroid | Measure::Area => {
                straight.nearest_m[b] - self.plane.block_radius_m[b]
            }
        }
    }

    /// Per block: the nearest facility of the requirement on foot, its distance, how many
    /// are within reach and whether the requirement is met (see
    /// [`DistanceModel::distances`]), given the requirement's straight-line distances when
    /// they are known (they spare searching for shortcuts that cannot exist).
    pub fn distances_beside(
        &self,
        resolved: &ResolvedRequirement,
        straight: Option<&Distances>,
    ) -> Distances {
        let requirement = resolved.requirement;
        let sources: Vec<(u32, Snap)> = self.layer_snaps[resolved.layer_index]
            .iter()
            .zip(&resolved.layer.location_facility)
            .filter(|(_, &f)| resolved.keep[f as usize])
            .filter_map(|(snap, &f)| Some((f, (*snap)?)))
            .collect();
        let nearest = nearest_facilities_from(
            &self.streets.graph,
            &sources,
            &self.block_access,
            self.search_m,
            requirement.min_count,
        );
        let reach = (requirement.reach_m, requirement.min_count);
        let nearest = self.with_shortcuts(&resolved.index, nearest, reach, straight);
        let counts: Vec<u32> = nearest
            .iter()
            .map(|found| {
                found
                    .iter()
                    .filter(|&&(_, d)| d <= requirement.reach_m)
                    .count() as u32
            })
            .collect();
        Distances {
            nearest_facility: nearest
                .iter()
                .map(|found| found.first().map(|&(f, _)| f))
                .collect(),
            nearest_m: nearest
                .iter()
                .map(|found| found.first().map_or(f64::INFINITY, |&(_, d)| d))
                .collect(),
            met: counts
                .iter()
                .map(|&c| c as usize >= requirement.min_count)
                .collect(),
            count_within: (requirement.min_count > 1).then_some(counts),
            kth_nearest: (requirement.min_count > 1).then(|| {
                nearest
                    .iter()
                    .map(|found| found.get(requirement.min_count - 1).copied())
                    .collect()
            }),
        }
    }

    /// `pairs` (sorted by block, then facility) with the shortcuts within `reach_m` of the
    /// blocks in `blocks` added; a pair found both ways keeps its shorter distance.
    fn pairs_with_shortcuts(
        &self,
        mut pairs: Vec<Pair>,
        index: &FacilityIndex,
        blocks: &[u32],
        reach_m: f64,
    ) -> Vec<Pair> {
        if self.measure == Measure::Centroid {
            return pairs;
        }
        let extra: Vec<Pair> = blocks
            .par_iter()
            .flat_map_iter(|&b| {
                self.shortcuts(index, b as usize, reach_m, usize::MAX)
                    .into_iter()
                    .map(move |(facility, distance_m)| Pair {
                        block: b,
                        facility,
                        distance_m,
                    })
            })
            .collect();
        pairs.extend(extra);
        pairs.sort_by(|x, y| {
            (x.block, x.facility)
                .cmp(&(y.block, y.facility))
                .then(x.distance_m.total_cmp(&y.distance_m))
        });
        pairs.dedup_by_key(|p| (p.block, p.facility));
        pairs
    }
}

impl DistanceModel for WalkNetwork<'_> {
    /// One bounded multi-source search over the requirement's facilities, keeping the
    /// `min_count` nearest distinct facilities of every block.
    fn distances(&self, resolved: &ResolvedRequirement) -> Distances {
        self.distances_beside(resolved, None)
    }

    fn pairs_within(&self, resolved: &ResolvedRequirement, facilities: Range<u32>) -> Vec<Pair> {
        let reach_m = resolved.requirement.reach_m;
        let mut entrances = self.entrances(resolved);
        entrances.retain(|(f, _)| facilities.contains(f));
        let pairs = self.blocks_within(&entrances, reach_m);
        let blocks: Vec<u32> = (0..self.block_access.len() as u32).collect();
        let index = FacilityIndex::of_range(resolved, self.plane, facilities);
        self.pairs_with_shortcuts(pairs, &index, &blocks, reach_m)
    }

    fn pairs_from_points(&self, points: &[Coord<f64>], blocks: &[u32], reach_m: f64) -> Vec<Pair> {
        let snaps = self.streets.index.snap_points(points, self.max_snap_m);
        let sources: Vec<(u32, Vec<Snap>)> = snaps
            .into_iter()
            .enumerate()
            .filter_map(|(s, snap)| Some((s as u32, vec![snap?])))
            .collect();
        let mut wanted = vec![false; self.block_access.len()];
        for &b in blocks {
            wanted[b as usize] = true;
        }
        let mut pairs = self.blocks_within(&sources, reach_m);
        pairs.retain(|p| wanted[p.block as usize]);
        self.pairs_with_shortcuts(pairs, &FacilityIndex::from_points(points), blocks, reach_m)
    }

    /// Searches [`SEARCH_FACTOR`] times `within_m` far.
    fn nearest_between_layers(
        &self,
        dataset: &Dataset,
        from: usize,
        to: usize,
        within_m: f64,
    ) -> Vec<f64> {
        let sources: Vec<(u32, Snap)> = self.layer_snaps[to]
            .iter()
            .zip(&dataset.layers[to].location_facility)
            .filter_map(|(s, &f)| Some((f, (*s)?)))
            .collect();
        let found = nearest_facilities(
            &self.streets.graph,
            &sources,
            &self.layer_snaps[from],
            SEARCH_FACTOR * within_m,
            1,
        );
        found
            .iter()
            .map(|near| near.first().map_or(f64::INFINITY, |&(_, d)| d))
            .collect()
    }
}
