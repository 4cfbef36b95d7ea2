//! Small self-contained pseudo-random numbers, so the synthetic city never changes because an
//! external crate changed its algorithms.
//!
//! The generator is SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014): a 64-bit counter advanced by the golden-ratio constant and passed
//! through a bijective mixing function. Its mixer doubles as a hash, which is how every item
//! of the city (a grid cell, a street node, a street line) gets its own stream: the stream's
//! seed is a hash of the city seed, a domain tag and the item's integer coordinates. Nothing
//! draws from a shared sequential stream, so parallel generation gives identical results.

/// The golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijective 64-bit mixer with good avalanche.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of the city seed, a domain tag (one of the constants below) and two integers.
pub(crate) fn hash(seed: u64, domain: u64, a: i64, b: i64) -> u64 {
    let h = mix64(seed.wrapping_add(GAMMA.wrapping_mul(domain.wrapping_add(1))));
    let h = mix64(h ^ (a as u64));
    mix64(h.wrapping_add(GAMMA) ^ (b as u64))
}

/// A number in [0, 1) from a hash.
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Domain tags, so that different uses of the same coordinates get unrelated numbers.
pub(crate) mod domain {
    pub const COLUMN_WIDTH: u64 = 1;
    pub const ROW_HEIGHT: u64 = 2;
    pub const COLUMN_LINE_GAP: u64 = 3;
    pub const ROW_LINE_GAP: u64 = 4;
    pub const COLUMN_PRIMARY: u64 = 5;
    pub const ROW_PRIMARY: u64 = 6;
    pub const NODE_JITTER: u64 = 7;
    pub const CELL_KEY: u64 = 8;
    pub const SUPERBLOCK_KEY: u64 = 9;
    pub const BLOCK: u64 = 11;
    pub const CARE_BED: u64 = 12;
    pub const RESPONDER: u64 = 13;
    pub const STREET: u64 = 14;
    pub const CITY: u64 = 15;
}

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A stream for one item: see [`hash`].
    pub(crate) fn for_item(seed: u64, domain: u64, a: i64, b: i64) -> Self {
        Rng {
            state: hash(seed, domain, a, b),
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix64(self.state)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// Uniform in [lo, hi).
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in lo..=hi.
    pub(crate) fn int(&mut self, lo: u32, hi: u32) -> u32 {
        let span = u64::from(hi - lo) + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as u32
    }

    /// True with probability p.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_reference_values() {
        // Reference: SplitMix64 seeded with 1234567 (from the public-domain C code by Vigna).
        let mut rng = Rng { state: 1234567 };
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut rng = Rng::for_item(7, domain::CITY, -3, 4);
        for _ in 0..10_000 {
            let x = rng.range(2.0, 3.0);
            assert!((2.0..3.0).contains(&x));
            let k = rng.int(2, 20);
            assert!((2..=20).contains(&k));
        }
        assert_ne!(hash(1, 1, 0, 1), hash(1, 1, 1, 0));
    }
}
