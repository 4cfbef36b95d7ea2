//! Parallel production, in-order consumption: items are turned into chunk results (formatted
//! bytes, encoded geometries) chunk by chunk on all threads and consumed in their original
//! order, so the output never depends on the thread count and only a bounded batch is held
//! in memory.

use rayon::prelude::*;
use std::io::{self, Write};
use std::ops::Range;

/// Items per chunk produced by one task (small in unit tests, so they use several chunks).
const CHUNK: usize = if cfg!(test) { 64 } else { 4096 };
/// Chunks produced before a batch is consumed.
const BATCH: usize = 64;

/// Separator written between the non-empty chunks of a GeoJSON feature list: a chunk
/// formats its own features separated by `,\n`, the first one without.
pub const FEATURE_SEPARATOR: &[u8] = b",\n";

/// Produces `produce(range)` for the chunks of `0..count` in parallel, a batch of chunks at a
/// time on a producer thread, and hands the results to `consume` in chunk order on the
/// calling thread, which consumes one batch while the next is produced. Chunk boundaries do
/// not depend on the thread count. The first error of `consume` stops both.
pub fn for_each_chunk<T, P, C>(count: usize, produce: P, mut consume: C) -> io::Result<()>
where
    T: Send,
    P: Fn(Range<usize>) -> T + Sync,
    C: FnMut(T) -> io::Result<()>,
{
    let chunks = count.div_ceil(CHUNK);
    let produce = &produce;
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
        let producer = scope.spawn(move || {
            for batch_start in (0..chunks).step_by(BATCH) {
                let batch_end = (batch_start + BATCH).min(chunks);
                let batch: Vec<T> = (batch_start..batch_end)
                    .into_par_iter()
                    .map(|chunk| produce(chunk * CHUNK..((chunk + 1) * CHUNK).min(count)))
                    .collect();
                if sender.send(batch).is_err() {
                    break; // the consumer stopped on an error, reported below
                }
            }
        });
        let result = receiver.iter().flatten().try_for_each(&mut consume);
        drop(receiver);
        if let Err(panic) = producer.join() {
            std::panic::resume_unwind(panic);
        }
        result
    })
}

/// Formats items `0..count` with `format(range, buffers)` in parallel chunks, one buffer per
/// output, and writes the buffers to `outs` in order, with the output's separator between
/// non-empty buffers (`separators`; see [`FEATURE_SEPARATOR`]). Writing a batch overlaps with
/// formatting the next one.
pub fn write_chunked<const N: usize, F>(
    mut outs: [&mut dyn Write; N],
    separators: [&[u8]; N],
    count: usize,
    format: F,
) -> io::Result<()>
where
    F: Fn(Range<usize>, &mut [Vec<u8>; N]) + Sync,
{
    let mut wrote_any = [false; N];
    for_each_chunk(
        count,
        |range| {
            let mut buffers: [Vec<u8>; N] =
                std::array::from_fn(|_| Vec::with_capacity(range.len() * 256));
            format(range, &mut buffers);
            buffers
        },
        |buffers| {
            for (i, buf) in buffers.iter().enumerate().filter(|(_, b)| !b.is_empty()) {
                if wrote_any[i] {
                    outs[i].write_all(separators[i])?;
                }
                outs[i].write_all(buf)?;
                wrote_any[i] = true;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_in_order_complete_and_separated() {
        let count = CHUNK * BATCH * 2 + 17;
        let (mut sparse, mut all) = (Vec::new(), Vec::new());
        // `sparse` gets only the multiples of 1000, so most of its chunks are empty; its
        // items are separated by `;` within and between chunks.
        write_chunked(
            [&mut sparse, &mut all],
            [b";", b""],
            count,
            |range, [some, every]| {
                for i in range {
                    if i % 1000 == 0 {
                        if !some.is_empty() {
                            some.push(b';');
                        }
                        write!(some, "{i}").unwrap();
                    }
                    writeln!(every, "{i}").unwrap();
                }
            },
        )
        .unwrap();
        let all: Vec<usize> = String::from_utf8(all)
            .unwrap()
            .lines()
            .map(|l| l.parse().unwrap())
            .collect();
        assert_eq!(all, (0..count).collect::<Vec<_>>());
        let sparse: Vec<usize> = String::from_utf8(sparse)
            .unwrap()
            .split(';')
            .map(|l| l.parse().unwrap())
            .collect();
        assert_eq!(sparse, (0..count).step_by(1000).collect::<Vec<_>>());
    }
}
