//! Parallel formatting, in-order writing: items are formatted into byte buffers chunk by chunk
//! on all threads and written in their original order, so the bytes never depend on the
//! thread count and only a bounded batch is held in memory.

use rayon::prelude::*;
use std::io::{self, Write};
use std::ops::Range;

/// Items per chunk formatted by one task.
const CHUNK: usize = 4096;
/// Chunks formatted before a batch is written.
const BATCH: usize = 64;

/// Formats items `0..count` with `format(range, buf)` in parallel chunks and writes the
/// buffers to `out` in order. Writing a batch overlaps with formatting the next one.
pub fn write_chunked<W, F>(out: &mut W, count: usize, format: F) -> io::Result<()>
where
    W: Write + Send,
    F: Fn(Range<usize>, &mut Vec<u8>) + Sync,
{
    let chunks = count.div_ceil(CHUNK);
    let format_batch = |batch_start: usize| -> Vec<Vec<u8>> {
        let batch_end = (batch_start + BATCH).min(chunks);
        (batch_start..batch_end)
            .into_par_iter()
            .map(|chunk| {
                let range = chunk * CHUNK..((chunk + 1) * CHUNK).min(count);
                let mut buf = Vec::with_capacity(range.len() * 256);
                format(range, &mut buf);
                buf
            })
            .collect()
    };
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let writer = scope.spawn(move || -> io::Result<()> {
            for batch in receiver {
                for buf in batch {
                    out.write_all(&buf)?;
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
        let mut out = Vec::new();
        write_chunked(&mut out, count, |range, buf| {
            for i in range {
                writeln!(buf, "{i}").unwrap();
            }
        })
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let numbers: Vec<usize> = text.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(numbers, (0..count).collect::<Vec<_>>());
    }
}
