//! The report's CSV files: UTF-8, and with a byte-order mark when asked (`--csv-bom`), so
//! that a spreadsheet in a Chinese locale reads them as UTF-8 rather than GBK and shows the
//! names right.

use super::atomic::{write_atomically, ProtectedInputs};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer over the file being written.
pub type CsvWriter<'a> = csv::Writer<&'a mut BufWriter<File>>;

/// A CSV file to write.
#[derive(Debug, Clone, Copy)]
pub struct CsvTarget<'a> {
    /// Where.
    pub path: &'a Path,
    /// Whether it starts with the UTF-8 byte-order mark.
    pub bom: bool,
}

impl CsvTarget<'_> {
    /// Writes the byte-order mark when the file should start with one.
    pub fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.bom {
            out.write_all(BOM)?;
        }
        Ok(())
    }
}

/// Writes the CSV file `target` atomically: the byte-order mark when it has one, then the
/// records `fill` writes.
pub fn write_csv<F>(target: CsvTarget, protected: &ProtectedInputs, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut CsvWriter) -> io::Result<()>,
{
    write_atomically(target.path, protected, |out| {
        target.start(out)?;
        let mut writer = csv::Writer::from_writer(out);
        fill(&mut writer)?;
        writer.flush()
    })
}
