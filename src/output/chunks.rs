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

/// Formats items `0..count` with `format(range, buffers)` in parallel chunks, one buffer per
/// output, and writes the buffers to `outs` in order. Writing a batch overlaps with
/// formatting the next one.
pub fn write_chunked<const N: usize, F>(
    outs: [&mut (dyn Write + Send); N],
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
            let mut outs = outs;
            for batch in receiver {
                for buffers in batch {
                    for (out, buf) in outs.iter_mut().zip(&buffers) {
                        out.write_all(buf)?;
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
    fn output_is_in_order_and_complete() {
        let count = CHUNK * BATCH * 2 + 17;
        let (mut even, mut all) = (Vec::new(), Vec::new());
        write_chunked([&mut even, &mut all], count, |range, [evens, alls]| {
            for i in range {
                if i % 2 == 0 {
                    writeln!(evens, "{i}").unwrap();
                }
                writeln!(alls, "{i}").unwrap();
            }
        })
        .unwrap();
        let numbers = |out: Vec<u8>| -> Vec<usize> {
            String::from_utf8(out)
                .unwrap()
                .lines()
                .map(|l| l.parse().unwrap())
                .collect()
        };
        assert_eq!(numbers(all), (0..count).collect::<Vec<_>>());
        assert_eq!(numbers(even), (0..count).step_by(2).collect::<Vec<_>>());
    }
}
