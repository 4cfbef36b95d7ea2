//! Splitting single-linkage clusters that span too far: a chain of blocks can link a whole
//! quarter, which no district can act on as one zone.

use super::cluster;
use geo::{Coord, MultiPolygon};
use rayon::prelude::*;

/// The bounding box of a block's finite exterior vertices as (min x, min y, max x, max y);
/// `None` when it has none.
pub(crate) fn block_box(outline: &MultiPolygon<f64>) -> Option<[f64; 4]> {
    coords_box(outline.0.iter().flat_map(|p| &p.exterior().0))
}

/// The bounding box of the finite coordinates; `None` when there is none.
pub(crate) fn coords_box<'a>(coords: impl Iterator<Item = &'a Coord<f64>>) -> Option<[f64; 4]> {
    let mut bounds: Option<[f64; 4]> = None;
    for c in coords {
        if !(c.x.is_finite() && c.y.is_finite()) {
            continue;
        }
        bounds = Some(match bounds {
            None => [c.x, c.y, c.x, c.y],
            Some(b) => [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)],
        });
    }
    bounds
}

/// The union of boxes; `None` when there is none.
pub(crate) fn union(boxes: impl Iterator<Item = Option<[f64; 4]>>) -> Option<[f64; 4]> {
    boxes.flatten().reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    })
}

/// The span of a set of blocks: the larger side of the bounding box of their outlines
/// (finite exterior vertices), 0 when they have none.
///
/// # Examples
///
/// ```
/// use carecircle::algo::linkage::span_m;
/// use geo_types::{polygon, MultiPolygon};
///
/// let a = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 30.0)]]);
/// let b = MultiPolygon::new(vec![polygon![(x: 500.0, y: 100.0), (x: 540.0, y: 100.0), (x: 540.0, y: 130.0)]]);
/// assert_eq!(span_m([&a, &b]), 540.0);
/// assert_eq!(span_m([&a]), 40.0);
/// ```
pub fn span_m<'a>(outlines: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> f64 {
    union(outlines.into_iter().map(block_box)).map_or(0.0, |b| (b[2] - b[0]).max(b[3] - b[1]))
}

/// What [`split_to_span`] needs of the blocks.
pub(crate) struct SplitInput<'a> {
    /// Block centroids, indexed by block.
    pub centroids: &'a [Coord<f64>],
    /// Block outline boxes, indexed by block (see [`block_box`]).
    pub boxes: &'a [Option<[f64; 4]>],
    /// The single-linkage distance the parts are re-clustered with.
    pub link_m: f64,
    /// The largest span (see [`span_m`]) a part of more than one block may have.
    pub max_span_m: f64,
}

/// Splits one cluster (block indices, ascending) until every part of more than one block
/// spans at most `max_span_m`: a part too wide is cut across its longer side at the widest
/// gap between consecutive member centroids (sorted along that side, ties by block index)
/// whose middle lies in the middle half of the centroids' range (gaps equal to the
/// millimetre: the one nearest the middle of the range, then the first), or at the median
/// when there is none; each final part is then clustered again by single linkage, so that a
/// part never holds blocks the cuts left unlinked. Parts come out in a fixed order, each
/// ascending.
pub(crate) fn split_to_span(input: &SplitInput, members: Vec<u32>) -> Vec<Vec<u32>> {
    // A cut may leave blocks on one side that linked only through the other.
    let part = Part::new(input.centroids, &members);
    let parts = split_parts(input, part);
    if parts.len() == 1 {
        return parts;
    }
    parts
        .into_par_iter()
        .flat_map_iter(|part| match part.len() {
            1 => vec![part],
            _ => cluster(input.centroids, &part, input.link_m),
        })
        .collect()
}

/// Blocks as (coordinate along one axis, block), sorted (ties: block index).
type Order = Vec<(f64, u32)>;

/// A part of a cluster: its blocks sorted along x and along y, so that a cut needs no
/// sorting.
struct Part {
    by_x: Order,
    by_y: Order,
}

impl Part {
    fn new(centroids: &[Coord<f64>], blocks: &[u32]) -> Part {
        let sorted = |key: fn(Coord<f64>) -> f64| {
            let mut order: Order = blocks
                .iter()
                .map(|&b| (key(centroids[b as usize]), b))
                .collect();
            order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order
        };
        Part {
            by_x: sorted(|c| c.x),
            by_y: sorted(|c| c.y),
        }
    }

    /// The blocks, ascending.
    fn blocks(&self) -> Vec<u32> {
        let mut blocks: Vec<u32> = self.by_x.iter().map(|&(_, b)| b).collect();
        blocks.sort_unstable();
        blocks
    }
}

/// `part` cut in two while it is too wide, recursively (the two sides in parallel), low side
/// first; each part's blocks ascending.
fn split_parts(input: &SplitInput, part: Part) -> Vec<Vec<u32>> {
    let bounds = union(part.by_x.iter().map(|&(_, b)| input.boxes[b as usize]));
    let Some(b) = bounds.filter(|_| part.by_x.len() > 1) else {
        return vec![part.blocks()];
    };
    let (width, height) = (b[2] - b[0], b[3] - b[1]);
    if width.max(height) <= input.max_span_m {
        return vec![part.blocks()];
    }
    let (low, high) = cut(input.centroids, part, width >= height);
    let (mut low, high) = rayon::join(|| split_parts(input, low), || split_parts(input, high));
    low.extend(high);
    low
}

/// Cuts `part` (at least two blocks) in two along x (`along_x`) or y, as [`split_to_span`]
/// says; both sides are non-empty.
fn cut(centroids: &[Coord<f64>], part: Part, along_x: bool) -> (Part, Part) {
    let (order, across) = match along_x {
        true => (&part.by_x, &part.by_y),
        false => (&part.by_y, &part.by_x),
    };
    let at = widest_gap(order);
    // The low side: the blocks up to `at` in the order along the cut, (coordinate, block).
    let last = order[at];
    let key = |b: u32| match along_x {
        true => centroids[b as usize].x,
        false => centroids[b as usize].y,
    };
    let is_low = |b: u32| key(b).total_cmp(&last.0).then(b.cmp(&last.1)).is_le();
    let (low_across, high_across): (Order, Order) = across.iter().partition(|&&(_, b)| is_low(b));
    let (low_along, high_along) = (order[..=at].to_vec(), order[at + 1..].to_vec());
    let side = |along: Order, across: Order| match along_x {
        true => Part {
            by_x: along,
            by_y: across,
        },
        false => Part {
            by_x: across,
            by_y: along,
        },
    };
    (side(low_along, low_across), side(high_along, high_across))
}

/// Where to cut an order (at least two entries): after the widest gap between consecutive
/// coordinates whose middle lies in the middle half of their range, else after the median.
fn widest_gap(order: &[(f64, u32)]) -> usize {
    let (lo, hi) = (order[0].0, order[order.len() - 1].0);
    let (quarter, middle_of_range) = ((hi - lo) / 4.0, (lo + hi) / 2.0);
    // Gaps are compared in whole millimetres, so that float noise does not pick among
    // equal gaps; among equal gaps the one nearest the middle wins, then the first.
    let mut best: Option<(i64, f64, usize)> = None;
    for (i, pair) in order.windows(2).enumerate() {
        let (gap, middle) = (pair[1].0 - pair[0].0, (pair[0].0 + pair[1].0) / 2.0);
        if !(gap > 0.0 && middle >= lo + quarter && middle <= hi - quarter) {
            continue;
        }
        let (gap_mm, off) = (
            (gap * 1000.0).round() as i64,
            (middle - middle_of_range).abs(),
        );
        if best.is_none_or(|(widest, nearest, _)| {
            gap_mm > widest || (gap_mm == widest && off < nearest)
        }) {
            best = Some((gap_mm, off, i));
        }
    }
    best.map_or(order.len() / 2 - 1, |(_, _, i)| i)
}
