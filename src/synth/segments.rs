//! Street segments: the straight pieces of the street lines between consecutive
//! intersections, where they exist, and how the river and the railway cut them. Segments
//! on primary north–south lines may cross the river and those on primary west–east lines
//! the railway (as bridges); every other segment ends at the bank or corridor edge.

use super::barriers::Band;
use super::grid::LineKind;
use super::layout::Plan;
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    Normal,
    Bridge,
    Blocked,
}

/// The pieces of one segment (parameter ranges 0..1 from its first to its second node).
#[derive(Debug, Clone)]
pub(crate) enum Seg {
    Missing,
    Plain,
    Split(Vec<(f64, f64, Class)>),
}

impl Seg {
    pub(crate) fn intact(&self) -> bool {
        match self {
            Seg::Missing => false,
            Seg::Plain => true,
            Seg::Split(parts) => parts.iter().all(|p| p.2 != Class::Blocked),
        }
    }
}

/// A street line: north–south (`vertical`) line `index`, whose segments join nodes
/// (index, k) and (index, k + 1), or west–east line `index` joining (k, index), (k + 1, index).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub(crate) vertical: bool,
    pub(crate) index: usize,
    pub(crate) primary: bool,
}

pub(crate) struct Network<'a> {
    plan: &'a Plan,
    pn: usize,
    qn: usize,
    /// Intersection positions, local metres, at `p * qn + q`.
    pub(crate) nodes: Vec<(f64, f64)>,
    /// North–south lines first, then west–east ones.
    pub(crate) lines: Vec<Line>,
}

impl<'a> Network<'a> {
    pub(crate) fn new(plan: &'a Plan) -> Self {
        let layout = &plan.layout;
        let (pn, qn) = (layout.cols.lines.len(), layout.rows.lines.len());
        let nodes = (0..pn * qn)
            .into_par_iter()
            .map(|id| layout.node(id / qn, id % qn))
            .collect();
        let lines = (0..pn)
            .map(|index| Line {
                vertical: true,
                index,
                primary: layout.cols.kinds[index] == LineKind::Primary,
            })
            .chain((0..qn).map(|index| Line {
                vertical: false,
                index,
                primary: layout.rows.kinds[index] == LineKind::Primary,
            }))
            .collect();
        Network {
            plan,
            pn,
            qn,
            nodes,
            lines,
        }
    }

    /// The segments of every line, in the order of `lines`.
    pub(crate) fn segments(&self) -> Vec<Vec<Seg>> {
        self.lines
            .par_iter()
            .map(|&line| {
                (0..self.len(line) - 1)
                    .map(|k| self.segment(line, k))
                    .collect()
            })
            .collect()
    }

    /// Which nodes belong to the largest connected part of the network (intact segments
    /// only; ties go to the part with the lowest node id).
    pub(crate) fn main_part(&self, segments: &[Vec<Seg>]) -> Vec<bool> {
        let count = self.pn * self.qn;
        let mut parent: Vec<u32> = (0..count as u32).collect();
        let mut touched = vec![false; count];
        for (&line, segs) in self.lines.iter().zip(segments) {
            for (k, seg) in segs.iter().enumerate() {
                let (a, b) = (self.node_id(line, k), self.node_id(line, k + 1));
                if !matches!(seg, Seg::Missing) {
                    touched[a] = true;
                    touched[b] = true;
                }
                if seg.intact() {
                    let (ra, rb) = (find(&mut parent, a as u32), find(&mut parent, b as u32));
                    parent[ra.max(rb) as usize] = ra.min(rb);
                }
            }
        }
        let roots: Vec<u32> = (0..count as u32).map(|x| find(&mut parent, x)).collect();
        let mut size = vec![0u32; count];
        for (id, &root) in roots.iter().enumerate() {
            size[root as usize] += u32::from(touched[id]);
        }
        let main = (0..count).fold(0, |best, id| if size[id] > size[best] { id } else { best });
        roots
            .iter()
            .zip(&touched)
            .map(|(&root, &t)| t && root as usize == main)
            .collect()
    }

    pub(crate) fn node_id(&self, line: Line, k: usize) -> usize {
        if line.vertical {
            line.index * self.qn + k
        } else {
            k * self.qn + line.index
        }
    }

    pub(crate) fn len(&self, line: Line) -> usize {
        if line.vertical {
            self.qn
        } else {
            self.pn
        }
    }

    /// A segment exists where a block is next to it; near the river and the railway (and
    /// on primary streets) also where one is within two superblocks along the line, so that
    /// streets run on to the bank and arterials bridge the gap the river leaves.
    fn exists(&self, line: Line, k: usize) -> bool {
        let reach = if line.primary || self.near_barrier(line, k) {
            2
        } else {
            0
        };
        let (i, k) = (line.index as i64, k as i64);
        (-reach..=reach).any(|d| {
            (i - 1..=i).any(|side| {
                if line.vertical {
                    self.plan.occupied(side, k + d)
                } else {
                    self.plan.occupied(k + d, side)
                }
            })
        })
    }

    fn near_barrier(&self, line: Line, k: usize) -> bool {
        let a = self.nodes[self.node_id(line, k)];
        let b = self.nodes[self.node_id(line, k + 1)];
        let layout = &self.plan.layout;
        !(layout.river.segment_clear(a, b, 250.0) && layout.railway.segment_clear(a, b, 250.0))
    }

    fn classify(&self, line: Line, p: (f64, f64)) -> Class {
        let layout = &self.plan.layout;
        let river = layout.river.depth(p) > 0.0;
        let rail = layout.railway.depth(p) > 0.0;
        let river_ok = line.primary && line.vertical;
        let rail_ok = line.primary && !line.vertical;
        if (river && !river_ok) || (rail && !rail_ok) {
            Class::Blocked
        } else if river || rail {
            Class::Bridge
        } else {
            Class::Normal
        }
    }

    fn segment(&self, line: Line, k: usize) -> Seg {
        if !self.exists(line, k) {
            return Seg::Missing;
        }
        let a = self.nodes[self.node_id(line, k)];
        let b = self.nodes[self.node_id(line, k + 1)];
        let layout = &self.plan.layout;
        if layout.river.segment_clear(a, b, 0.0) && layout.railway.segment_clear(a, b, 0.0) {
            return Seg::Plain;
        }
        let at = |t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        let steps = (length / 1.0).ceil().max(1.0) as usize;
        let mut parts: Vec<(f64, f64, Class)> = Vec::new();
        let mut start = 0.0;
        let mut class = self.classify(line, a);
        for s in 1..=steps {
            let t = s as f64 / steps as f64;
            let next = self.classify(line, at(t));
            if next != class {
                // bisect for the boundary between the two samples
                let (mut lo, mut hi) = ((s - 1) as f64 / steps as f64, t);
                for _ in 0..40 {
                    let mid = (lo + hi) / 2.0;
                    if self.classify(line, at(mid)) == class {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                push_part(&mut parts, (start, hi, class), length);
                start = hi;
                class = next;
            }
        }
        push_part(&mut parts, (start, 1.0, class), length);
        if parts.len() == 1 && parts[0].2 == Class::Normal {
            Seg::Plain
        } else {
            Seg::Split(parts)
        }
    }
}

/// Appends a part, folding a passable sliver (< 0.5 m) into a passable neighbour before it.
fn push_part(parts: &mut Vec<(f64, f64, Class)>, part: (f64, f64, Class), length: f64) {
    if let Some(last) = parts.last_mut() {
        let passable = |c: Class| c != Class::Blocked;
        if passable(last.2) && passable(part.2) && (last.1 - last.0) * length < 0.5 {
            *last = (last.0, part.1, part.2);
            return;
        }
        if passable(last.2) && passable(part.2) && (part.1 - part.0) * length < 0.5 {
            last.1 = part.1;
            return;
        }
    }
    parts.push(part);
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}
