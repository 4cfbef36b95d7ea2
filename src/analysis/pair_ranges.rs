//! Block–source pairs taken a range of sources at a time, so that memory stays bounded
//! however many pairs a reach makes: the capacity (2SFCA) pairs of a requirement's
//! facilities and the cover lists of candidate sites are never one allocation of
//! blocks × sources.

use crate::algo::floating_catchment::Pair;
use std::ops::Range;

/// The pairs held at once, at most (16 bytes each, 128 MiB; the 2SFCA's weighted copy
/// doubles it), unless one source alone has more.
pub const PAIR_BUDGET: usize = 1 << 23;

/// Bytes a range may take per pair while it is made and used: the pair, the pieces a
/// parallel search collects it from, and a weighted copy.
const BYTES_PER_PAIR: usize = 3 * std::mem::size_of::<Pair>();

/// Takes the pairs of sources `0..sources` in consecutive ranges: `pairs_of(range)` gives a
/// range's pairs (their `facility` the source's index), `take(range, pairs)` consumes them.
///
/// The first range holds `budget / blocks` sources, which cannot make more than `budget`
/// pairs (a source pairs with each block at most once); each next range as many sources
/// as fit the budget at the most pairs one source has had so far. A city whose pairs all fit
/// the budget takes them in one or two ranges.
///
/// Before each range after the first, the memory it may take at the most pairs per source
/// seen so far is reserved and released (a fallible allocation): when there is not enough,
/// `out_of_memory(bytes)` is the error, before the search could stop the process. (The
/// first range is within the budget, and reserving its worst case would ask even a small
/// city for the whole budget.)
pub fn in_ranges<E>(
    sources: usize,
    blocks: usize,
    budget: usize,
    mut pairs_of: impl FnMut(Range<u32>) -> Vec<Pair>,
    mut take: impl FnMut(Range<u32>, Vec<Pair>) -> Result<(), E>,
    out_of_memory: impl Fn(usize) -> E,
) -> Result<(), E> {
    let sources = sources.min(u32::MAX as usize) as u32;
    let first = (budget / blocks.max(1)).max(1);
    let mut size = first;
    let mut most_per_source = 0;
    let mut start = 0;
    while start < sources {
        let end = start
            .saturating_add(size.min(u32::MAX as usize) as u32)
            .min(sources);
        if start > 0 {
            let bytes = ((end - start) as usize)
                .saturating_mul(most_per_source)
                .saturating_mul(BYTES_PER_PAIR);
            if crate::memory::fallibly(|| Vec::<u8>::new().try_reserve_exact(bytes)).is_err() {
                return Err(out_of_memory(bytes));
            }
        }
        let pairs = pairs_of(start..end);
        most_per_source = most_per_source.max(most_per_source_in(&pairs, start..end));
        take(start..end, pairs)?;
        size = first.max(budget / most_per_source.max(1));
        start = end;
    }
    Ok(())
}

/// The most pairs any one source of `range` has.
fn most_per_source_in(pairs: &[Pair], range: Range<u32>) -> usize {
    let mut counts = vec![0usize; range.len()];
    for pair in pairs {
        if let Some(count) = counts.get_mut(pair.facility.wrapping_sub(range.start) as usize) {
            *count += 1;
        }
    }
    counts.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Source `s` pairs with blocks `0..reach[s]`.
    fn pairs_of(reach: &[usize], range: Range<u32>) -> Vec<Pair> {
        range
            .flat_map(|s| {
                (0..reach[s as usize] as u32).map(move |block| Pair {
                    block,
                    facility: s,
                    distance_m: 1.0,
                })
            })
            .collect()
    }

    /// The ranges `in_ranges` takes, and checks that they hand every pair over once.
    fn ranges(reach: &[usize], blocks: usize, budget: usize) -> Vec<(Range<u32>, usize)> {
        let mut taken = Vec::new();
        let mut all = Vec::new();
        in_ranges::<()>(
            reach.len(),
            blocks,
            budget,
            |range| pairs_of(reach, range),
            |range, pairs| {
                taken.push((range, pairs.len()));
                all.extend(pairs);
                Ok(())
            },
            |_| panic!("out of memory"),
        )
        .unwrap();
        assert_eq!(all, pairs_of(reach, 0..reach.len() as u32));
        taken
    }

    #[test]
    fn sparse_pairs_come_in_two_ranges() {
        // 1,000 sources of 10 pairs among 1,000 blocks, a budget of 5,000 pairs: a first
        // range of 5 sources (5 × 1,000 blocks at most), then the rest (10 pairs each).
        let taken = ranges(&[10; 1000], 1000, 5000);
        assert_eq!(taken, [(0..5, 50), (5..505, 5000), (505..1000, 4950)]);
    }

    #[test]
    fn every_range_fits_the_budget_when_sources_are_alike() {
        let reach: Vec<usize> = (0..300).map(|s| 50 + s % 7).collect();
        let taken = ranges(&reach, 100, 1000);
        assert!(taken.len() > 10, "{taken:?}");
        assert!(taken.iter().all(|(_, pairs)| *pairs <= 1000), "{taken:?}");
        // A denser source later shrinks no range below one source.
        let taken = ranges(&[1, 1, 100, 100, 100], 100, 50);
        assert_eq!(taken.iter().map(|(r, _)| r.len()).sum::<usize>(), 5);
        assert!(taken.iter().all(|(r, _)| !r.is_empty()));
    }

    #[test]
    fn all_at_once_when_the_budget_allows() {
        assert_eq!(ranges(&[3, 4, 5], 10, 1000), [(0..3, 12)]);
        assert_eq!(ranges(&[], 10, 1000), []);
        assert_eq!(ranges(&[0, 0], 0, 1000), [(0..2, 0)]);
    }

    #[test]
    fn an_error_stops_the_ranges() {
        let mut calls = 0;
        let result = in_ranges(
            10,
            100,
            100,
            |range| pairs_of(&[100; 10], range),
            |_, _| {
                calls += 1;
                Err("stop")
            },
            |_| "out of memory",
        );
        assert_eq!((result, calls), (Err("stop"), 1));
    }

    #[test]
    fn a_range_beyond_the_memory_there_is_is_an_error_before_its_search() {
        // The first range, of 2^20 sources, has one of 1,000 pairs: the next would hold
        // 2^30 sources of up to 1,000 pairs (2^45 bytes), which cannot be reserved.
        let mut searches = 0;
        let result = in_ranges(
            u32::MAX as usize,
            1 << 20,
            1 << 40,
            |range| {
                searches += 1;
                pairs_of(&[1000], range.start..range.start + 1)
            },
            |_, _| Ok(()),
            |bytes| bytes,
        );
        assert!(result.unwrap_err() > 1 << 44);
        assert_eq!(searches, 1);
    }
}
