//! A small, fast, deterministic hasher for integer grid cells.
//!
//! The keys hashed here come from the program's own geometry, not from an adversary,
//! so a multiplicative hash is enough and much faster than the default SipHash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hash map keyed by integer grid cells.
pub(crate) type CellMap<K, V> = HashMap<K, V, BuildHasherDefault<CellHasher>>;

/// Multiply-rotate hasher for integer keys.
#[derive(Default)]
pub(crate) struct CellHasher(u64);

impl CellHasher {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(Self::MULTIPLIER);
    }
}

impl Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }

    fn write_i64(&mut self, value: i64) {
        self.add(value as u64);
    }
}
