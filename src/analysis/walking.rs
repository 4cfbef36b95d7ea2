//! Walking distances: the street graph, every block and facility snapped onto it, and one
//! bounded multi-source search per requirement.

use crate::algo::floating_catchment::Pair;
use crate::algo::network::{
    catchment_with, nearest_facilities, CatchmentScratch, Components, Snap, SnapIndex, StreetGraph,
};
use crate::analysis::coverage::{DistanceMode, Distances};
use crate::analysis::plane::Plane;
use crate::analysis::summary::NetworkSummary;
use crate::config::{Manifest, Policy, Requirement};
use crate::dataset::Dataset;
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Walking searches look this many times the policy's largest reach far, so that a gap
/// reason can say how far the nearest facility really is on foot ("1,480 m on foot").
pub const SEARCH_FACTOR: f64 = 2.0;

/// The street network with every block and facility location snapped onto it.
pub struct WalkNetwork {
    /// The street graph, in the plane's metres.
    pub graph: StreetGraph,
    /// Its connected components.
    pub components: Components,
    /// The R-tree of street edges, for snapping more points later (such as candidate sites).
    pub index: SnapIndex,
    /// Each block centroid's snap; `None` when off-network.
    pub block_snaps: Vec<Option<Snap>>,
    /// Per layer, each facility location's snap.
    pub layer_snaps: Vec<Vec<Option<Snap>>>,
    /// How far searches look, in metres (walking distances beyond are unknown).
    pub search_m: f64,
    /// The largest access leg; farther blocks and facilities are off-network.
    pub max_snap_m: f64,
    /// Time to build the graph and its snapping index.
    pub build_time: Duration,
    /// Time to snap blocks and facilities.
    pub snap_time: Duration,
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

impl WalkNetwork {
    /// Builds the graph from the plane's streets and snaps every block centroid and facility
    /// location onto it.
    pub fn build(
        plane: &Plane,
        merge_tolerance_m: f64,
        max_snap_m: f64,
        search_m: f64,
    ) -> WalkNetwork {
        let started = Instant::now();
        let graph = StreetGraph::new(&plane.streets, merge_tolerance_m);
        let components = graph.components();
        let index = SnapIndex::new(&graph);
        let build_time = started.elapsed();
        let started = Instant::now();
        let block_snaps = index.snap_points(&plane.block_centroids, max_snap_m);
        let layer_snaps = plane
            .layer_locations
            .iter()
            .map(|locations| index.snap_points(locations, max_snap_m))
            .collect();
        let snap_time = started.elapsed();
        WalkNetwork {
            graph,
            components,
            index,
            block_snaps,
            layer_snaps,
            search_m,
            max_snap_m,
            build_time,
            snap_time,
        }
    }

    /// The walking network of a city when `mode` walks (the manifest then has streets), with
    /// searches looking [`SEARCH_FACTOR`] times the policy's largest reach far.
    pub fn for_city(
        manifest: &Manifest,
        policy: &Policy,
        plane: &Plane,
        mode: DistanceMode,
    ) -> Option<WalkNetwork> {
        let streets = manifest.streets.as_ref().filter(|_| mode.walks())?;
        let search_m = SEARCH_FACTOR * policy.largest_reach_m();
        Some(WalkNetwork::build(
            plane,
            streets.merge_tolerance_m,
            streets.max_snap_m,
            search_m,
        ))
    }

    /// How a snap meets the network.
    pub fn access(&self, snap: Option<&Snap>) -> Access {
        let Some(snap) = snap else {
            return Access::OffNetwork;
        };
        let component = self
            .graph
            .edge(snap.edge)
            .and_then(|e| self.components.component_of(e.a));
        match component {
            Some(c) if Some(c) != self.components.main() => Access::Isolated {
                leg_m: snap.leg_m,
                component_nodes: self.components.sizes()[c as usize],
            },
            _ => Access::Main(snap.leg_m),
        }
    }

    /// Walking distances of one requirement for every block: one bounded multi-source search
    /// over the facilities of layer `layer` marked in `keep`, keeping the `min_count`
    /// nearest distinct facilities.
    pub fn distances(
        &self,
        requirement: &Requirement,
        dataset: &Dataset,
        layer: usize,
        keep: &[bool],
    ) -> Distances {
        let location_facility = &dataset.layers[layer].location_facility;
        let sources: Vec<(u32, Snap)> = self.layer_snaps[layer]
            .iter()
            .zip(location_facility)
            .filter(|(_, &f)| keep[f as usize])
            .filter_map(|(snap, &f)| Some((f, (*snap)?)))
            .collect();
        let nearest = nearest_facilities(
            &self.graph,
            &sources,
            &self.block_snaps,
            self.search_m,
            requirement.min_count,
        );
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
        }
    }
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

impl WalkNetwork {
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
        for (id, snap) in dataset.blocks.ids.iter().zip(&self.block_snaps) {
            note("blocks", id, snap.as_ref());
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
            nodes: self.graph.node_count(),
            edges: self.graph.edge_count(),
            components: self.components.count(),
            main_component_nodes: self
                .components
                .main()
                .map_or(0, |m| self.components.sizes()[m as usize]),
            search_m: self.search_m,
            max_snap_m: self.max_snap_m,
            blocks_off_network: count(true, false),
            blocks_isolated: count(true, true),
            facilities_off_network: count(false, false),
            facilities_isolated: count(false, true),
        }
    }
}

impl WalkNetwork {
    /// The entrances (snaps) of each facility of layer `layer` marked in `keep`, as
    /// (facility, entrances), in facility order; facilities with no entrance on the network
    /// are left out.
    pub fn entrances(
        &self,
        dataset: &Dataset,
        layer: usize,
        keep: &[bool],
    ) -> Vec<(u32, Vec<Snap>)> {
        let mut by_facility: Vec<Vec<Snap>> = vec![Vec::new(); keep.len()];
        for (snap, &f) in self.layer_snaps[layer]
            .iter()
            .zip(&dataset.layers[layer].location_facility)
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
}

impl WalkNetwork {
    /// Every (block, facility) pair within `reach_m` on foot, for the facilities of layer
    /// `layer` marked in `keep` (see [`WalkNetwork::blocks_within`]).
    pub fn pairs_within(
        &self,
        dataset: &Dataset,
        layer: usize,
        keep: &[bool],
        reach_m: f64,
    ) -> Vec<Pair> {
        self.blocks_within(&self.entrances(dataset, layer, keep), reach_m)
    }

    /// Every (block, source) pair within `reach_m` on foot, for sources given as (index,
    /// entrances): one small bounded search (a catchment) per source, then the blocks snapped
    /// onto the street pieces it reaches, each with its access leg added. Sorted by block,
    /// then source.
    pub fn blocks_within(&self, sources: &[(u32, Vec<Snap>)], reach_m: f64) -> Vec<Pair> {
        let mut by_edge: Vec<(u32, f64, f64, u32)> = self
            .block_snaps
            .iter()
            .enumerate()
            .filter_map(|(b, s)| s.map(|s| (s.edge, s.offset_m, s.leg_m, b as u32)))
            .collect();
        by_edge.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.cmp(&b.3)));
        let mut pairs: Vec<Pair> = sources
            .par_iter()
            .map_init(CatchmentScratch::new, |scratch, (source, snaps)| {
                let mut best: Vec<(u32, f64)> = Vec::new();
                for piece in catchment_with(&self.graph, snaps, reach_m, scratch) {
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
                }
                // A block at a piece boundary appears twice: keep its shorter walk.
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
