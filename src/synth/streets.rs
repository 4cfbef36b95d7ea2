//! The walking network as street features: the kept segments of each street line joined
//! into runs, split into features of two to five intersections each (bridges are features
//! of their own, from bank to bank). Intersections are vertices shared exactly by the
//! crossing streets. Only the largest connected part of the network is kept.

use super::layout::Plan;
use super::rng::{domain, hash, unit};
use super::segments::{Class, Line, Network, Seg};
use geo_types::{Coord, LineString};
use rayon::prelude::*;

/// The OpenStreetMap-style kind of a street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Highway {
    /// A residential street.
    Residential,
    /// A footpath.
    Footway,
    /// A main road.
    Primary,
}

impl Highway {
    /// The property value: "residential", "footway" or "primary".
    pub fn as_str(self) -> &'static str {
        match self {
            Highway::Residential => "residential",
            Highway::Footway => "footway",
            Highway::Primary => "primary",
        }
    }
}

/// One street feature, spanning a few intersections.
#[derive(Debug, Clone, PartialEq)]
pub struct Street {
    /// Unique id such as "S0000001".
    pub id: String,
    /// Its kind.
    pub highway: Highway,
    /// Whether this piece crosses the river or the railway (it then spans bank to bank).
    pub bridge: bool,
    /// WGS 84 longitude/latitude; intersections are vertices shared exactly with the
    /// crossing streets.
    pub line: LineString<f64>,
}

/// A run of connected pieces along one line.
#[derive(Default)]
struct Chain {
    points: Vec<(f64, f64)>,
    /// Whether each point is an intersection.
    node: Vec<bool>,
    /// Whether each edge (points k to k + 1) is a bridge.
    bridge: Vec<bool>,
}

impl Chain {
    fn starting_at(point: (f64, f64), node: bool) -> Self {
        Chain {
            points: vec![point],
            node: vec![node],
            bridge: vec![false],
        }
    }

    /// Extends the chain along `parts` of the segment through `at(t)`.
    fn extend(&mut self, parts: &[(f64, f64, Class)], at: impl Fn(f64) -> (f64, f64)) {
        for &(_, t1, class) in parts {
            *self.bridge.last_mut().unwrap() = class == Class::Bridge;
            self.points.push(at(t1));
            self.node.push(t1 == 1.0);
            self.bridge.push(false);
        }
    }
}

/// Minimum length of a dead-end piece at a bank, metres.
const MIN_PIECE_M: f64 = 2.0;

/// The runs of kept pieces along one line. A cut segment contributes the piece attached to
/// its first node (ending a run) and the one attached to its second (starting one).
fn chains(net: &Network, main: &[bool], line: Line, segments: &[Seg]) -> Vec<Chain> {
    let mut chains = Vec::new();
    let mut current: Option<Chain> = None;
    for (k, seg) in segments.iter().enumerate() {
        let (ida, idb) = (net.node_id(line, k), net.node_id(line, k + 1));
        let (a, b) = (net.nodes[ida], net.nodes[idb]);
        // exact node coordinates at the ends, so that crossing streets share vertices
        let at = |t: f64| {
            if t == 0.0 {
                a
            } else if t == 1.0 {
                b
            } else {
                (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
            }
        };
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        let plain = [(0.0, 1.0, Class::Normal)];
        let parts: &[(f64, f64, Class)] = match seg {
            Seg::Missing => &[],
            Seg::Plain => &plain,
            Seg::Split(parts) => parts,
        };
        if parts.is_empty() || !main[ida] {
            chains.extend(current.take());
            if parts.is_empty() {
                continue;
            }
        }
        let first_block = parts.iter().position(|p| p.2 == Class::Blocked);
        let head = &parts[..first_block.unwrap_or(parts.len())];
        if main[ida] && !head.is_empty() && head.last().unwrap().1 * length >= MIN_PIECE_M {
            current
                .get_or_insert_with(|| Chain::starting_at(a, true))
                .extend(head, at);
        }
        let Some(first_block) = first_block else {
            continue;
        };
        chains.extend(current.take());
        let last_block = parts.iter().rposition(|p| p.2 == Class::Blocked).unwrap();
        debug_assert!(last_block >= first_block);
        let tail = &parts[last_block + 1..];
        if main[idb] && !tail.is_empty() && (1.0 - tail[0].0) * length >= MIN_PIECE_M {
            let mut chain = Chain::starting_at(at(tail[0].0), false);
            chain.extend(tail, at);
            current = Some(chain);
        }
    }
    chains.extend(current.take());
    chains
}

/// A street feature before ids and WGS 84: kind, bridge flag, local-metre points.
type Piece = (Highway, bool, Vec<(f64, f64)>);

/// Splits a chain into features of 2–5 intersections, cutting also where a bridge begins
/// or ends. `salt(k)` draws the feature lengths and kinds.
fn split(chain: &Chain, line: Line, core: f64, salt: impl Fn(usize) -> f64) -> Vec<Piece> {
    let wanted = |v: usize| 2 + (salt(v) * 4.0) as usize;
    let (mut start, mut passed, mut target) = (0, 0, wanted(0));
    let n = chain.points.len();
    let mut pieces = Vec::new();
    for v in 1..n {
        passed += usize::from(chain.node[v]);
        let last = v + 1 == n;
        let bridge_changes = !last && chain.bridge[v] != chain.bridge[v - 1];
        if last || bridge_changes || (chain.node[v] && passed >= target) {
            let points = &chain.points[start..=v];
            let (x, y) = points[0];
            let u = salt(n + start);
            let highway = if line.primary {
                Highway::Primary
            } else if (x.hypot(y) < core && u < 0.3) || u < 0.04 {
                Highway::Footway
            } else {
                Highway::Residential
            };
            pieces.push((highway, chain.bridge[start], points.to_vec()));
            (start, passed, target) = (v, 0, wanted(v));
        }
    }
    pieces
}

/// The street features of the plan, in WGS 84.
pub(crate) fn streets(plan: &Plan) -> Vec<Street> {
    let layout = &plan.layout;
    let net = Network::new(plan);
    let segments = net.segments();
    let main = net.main_part(&segments);
    let pieces: Vec<Vec<Piece>> = net
        .lines
        .par_iter()
        .zip(&segments)
        .map(|(&line, segs)| {
            let line_key = 2 * line.index as i64 + i64::from(!line.vertical);
            chains(&net, &main, line, segs)
                .iter()
                .enumerate()
                .flat_map(|(c, chain)| {
                    let salt = |v: usize| {
                        unit(hash(
                            layout.seed,
                            domain::STREET,
                            line_key,
                            ((c as i64) << 24) + v as i64,
                        ))
                    };
                    split(chain, line, layout.core_radius, salt)
                })
                .collect()
        })
        .collect();
    pieces
        .into_iter()
        .flatten()
        .enumerate()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(k, (highway, bridge, points))| Street {
            id: format!("S{:07}", k + 1),
            highway,
            bridge,
            line: LineString(
                points
                    .into_iter()
                    .map(|p| layout.frame.lon_lat(p))
                    .collect::<Vec<Coord<f64>>>(),
            ),
        })
        .collect()
}
