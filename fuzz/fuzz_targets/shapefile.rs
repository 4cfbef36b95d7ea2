//! Fuzz target: one input through [`carecircle_fuzz::shapefile`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| carecircle_fuzz::shapefile(data));
