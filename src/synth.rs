//! TEMPORARY stub.
use std::path::Path;
pub struct SynthOptions {
    pub blocks: usize,
    pub seed: u64,
}
pub struct SynthSummary {
    pub blocks: usize,
}
pub fn write_city(_dir: &Path, o: &SynthOptions) -> std::io::Result<SynthSummary> {
    Ok(SynthSummary { blocks: o.blocks })
}
