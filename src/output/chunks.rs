//! Parallel formatting, in-order writing: items are formatted into byte buffers chunk by chunk
//! on all threads and written in their original order, so the bytes never depend on the
//! thread count and only a bounded batch is held in memory.

use rayon::prelude::*;
use std::io::{self, Write};
use std::ops::Range;

/// Items per chunk formatted by one task (small in unit tests, so they use several chunks).
const CHUNK: usize = if cfg!(test) { 64 } else { 4096 };
/// Chunks formatted before a batch is written.
const BATCH: usize = 64;

/// Separator written between the non-empty chunks of a GeoJSON feature list: a chunk
/// formats its own features separated by `,\n`, the first one without.
pub const FEATURE_SEPARATOR: &[u8] = b",\n";

/// Formats items `0..count` with `format(range, buffers)` in parallel chunks, one buffer per
/// output, and writes the buffers to `outs` in order, with the output's separator between
/// non-empty buffers (`separators`; see [`FEATURE_SEPARATOR`]). Writing a batch overlaps with
/// formatting the next one.
pub fn write_chunked<const N: usize, F>(
    outs: [&mut (dyn Write + Send); N],
    separators: [&[u8]; N],
    count: usize,
    format: F,
) -> io::Result<()>
where
    F: Fn(Range<usize>, &mut [Vec<u8>; N]) + Sync,
{
    let chunks = count.div_ceil(CHUNK);
    let format_batch = |batch_start: usize| -> Vec<[Vec<u8>; N]> {
        let batch_end = (batch_start + BATCH).min(chunks);
        (batch_start..batch_end)
            .into_par_iter()
            .map(|chunk| {
                let range = chunk * CHUNK..((chunk + 1) * CHUNK).min(count);
                let mut buffers: [Vec<u8>; N] =
                    std::array::from_fn(|_| Vec::with_capacity(range.len() * 256));
                format(range, &mut buffers);
                buffers
            })
            .collect()
    };
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<[Vec<u8>; N]>>(1);
        let writer = scope.spawn(move || -> io::Result<()> {
            let mut wrote_any = [false; N];
            for batch in receiver {
                for buffers in batch {
                    for (i, buf) in buffers.iter().enumerate().filter(|(_, b)| !b.is_empty()) {
                        if wrote_any[i] {
                            outs[i].write_all(separators[i])?;
                        }
                        outs[i].write_all(buf)?;
                        wrote_any[i] = true;
                    }
                }
            }
            Ok(())
        });
        for batch_start in (0..chunks).step_by(BATCH) {
            if sender.send(format_batch(batch_start)).is_err() {
                break; // the writer stopped on an error, reported below
            }
        }
        drop(sender);
        writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output writer thread panicked")))
    })
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
