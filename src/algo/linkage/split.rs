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
    let parts = split_parts(input, members);
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

/// `part` cut in two while it is too wide, recursively (the two sides in parallel), low side
/// first.
fn split_parts(input: &SplitInput, part: Vec<u32>) -> Vec<Vec<u32>> {
    let bounds = union(part.iter().map(|&b| input.boxes[b as usize]));
    let Some(b) = bounds.filter(|_| part.len() > 1) else {
        return vec![part];
    };
    let (width, height) = (b[2] - b[0], b[3] - b[1]);
    if width.max(height) <= input.max_span_m {
        return vec![part];
    }
    let (low, high) = cut(input.centroids, &part, width >= height);
    let (mut low, high) = rayon::join(|| split_parts(input, low), || split_parts(input, high));
    low.extend(high);
    low
}

/// Cuts `part` (at least two blocks) in two along x (`along_x`) or y, as [`split_to_span`]
/// says; both sides are non-empty.
fn cut(centroids: &[Coord<f64>], part: &[u32], along_x: bool) -> (Vec<u32>, Vec<u32>) {
    let key = |b: u32| {
        let c = centroids[b as usize];
        if along_x {
            c.x
        } else {
            c.y
        }
    };
    let mut order: Vec<(f64, u32)> = part.iter().map(|&b| (key(b), b)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
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
    // Cut after position `at`: the widest gap, else the median.
    let at = best.map_or(order.len() / 2 - 1, |(_, _, i)| i);
    let mut low: Vec<u32> = order[..=at].iter().map(|&(_, b)| b).collect();
    let mut high: Vec<u32> = order[at + 1..].iter().map(|&(_, b)| b).collect();
    low.sort_unstable();
    high.sort_unstable();
    (low, high)
}
