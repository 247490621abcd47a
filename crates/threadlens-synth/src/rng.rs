//! A small, fixed pseudo-random generator, so output never changes with a
//! dependency's version.

/// SplitMix64 (Steele, Lea and Flood 2014): 64 bits of state, good enough
/// for made-up text and fully reproducible.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`; 0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// An index in `0..n` drawn with Zipf-like weights (rank r has weight
    /// about 1/r): a few items very often, most rarely.
    pub fn zipf(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Inverse of the continuous 1/x law on [1, n+1): x = (n+1)^u.
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x = ((n + 1) as f64).powf(u);
        (x as usize).saturating_sub(1).min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproducible_and_in_range() {
        let mut a = SplitMix64::new(1);
        let mut b = SplitMix64::new(1);
        assert_eq!(a.next_u64(), b.next_u64());
        // The first output of SplitMix64 seeded with 0 (reference value).
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        for _ in 0..1000 {
            assert!(a.below(7) < 7);
            assert!(a.zipf(50) < 50);
        }
        assert_eq!(a.below(0), 0);
    }

    #[test]
    fn zipf_favours_low_ranks() {
        let mut r = SplitMix64::new(3);
        let mut counts = [0u32; 10];
        for _ in 0..10_000 {
            counts[r.zipf(10)] += 1;
        }
        assert!(counts[0] > counts[4] && counts[4] > counts[9], "{counts:?}");
    }
}
