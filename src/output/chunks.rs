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
/// buffers to `out` in order.
pub fn write_chunked<W, F>(out: &mut W, count: usize, format: F) -> io::Result<()>
where
    W: Write,
    F: Fn(Range<usize>, &mut Vec<u8>) + Sync,
{
    let chunks = count.div_ceil(CHUNK);
    for batch_start in (0..chunks).step_by(BATCH) {
        let batch_end = (batch_start + BATCH).min(chunks);
        let buffers: Vec<Vec<u8>> = (batch_start..batch_end)
            .into_par_iter()
            .map(|chunk| {
                let range = chunk * CHUNK..((chunk + 1) * CHUNK).min(count);
                let mut buf = Vec::with_capacity(range.len() * 256);
                format(range, &mut buf);
                buf
            })
            .collect();
        for buf in buffers {
            out.write_all(&buf)?;
        }
    }
    Ok(())
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
