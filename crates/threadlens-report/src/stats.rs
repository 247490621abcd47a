//! The uncertainty of a share: Wilson score intervals, and a seeded
//! generator for resampling (the conversation-clustered bootstrap).

/// z for a two-sided 95% interval (the 97.5th percentile of the normal).
pub const Z95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of `successes` out of `n`, as
/// `(low, high)`; `None` when `n` is 0 (a share of nothing has no
/// interval). Exact at the ends: 0 of n gives `(0, z²/(n+z²))`, n of n
/// gives `(n/(n+z²), 1)`.
pub fn wilson(successes: u64, n: u64) -> Option<(f64, f64)> {
    wilson_z(successes, n, Z95)
}

/// [`wilson`] for any `z`.
pub fn wilson_z(successes: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let successes = successes.min(n);
    let (k, n) = (successes as f64, n as f64);
    let z2 = z * z;
    if successes == 0 {
        return Some((0.0, z2 / (n + z2)));
    }
    if k == n {
        return Some((n / (n + z2), 1.0));
    }
    let p = k / n;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The `q` quantile (0..=1) of sorted `values`, linearly interpolated
/// between the two nearest ranks (R's type 7, numpy's default); `None`
/// when empty.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let weight = position - below as f64;
    Some(sorted[below] + (sorted[above] - sorted[below]) * weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    /// Worked by hand from the formula (and the usual tables): p̂ = k/n,
    /// centre = (p̂ + z²/2n) / (1 + z²/n), half-width =
    /// z·√(p̂(1-p̂)/n + z²/4n²) / (1 + z²/n).
    #[test]
    fn wilson_intervals_match_hand_worked_values() {
        // 8 of 10: centre 0.99207/1.38415 = 0.71674, half 0.31362/1.38415 = 0.22658.
        let (low, high) = wilson(8, 10).unwrap();
        assert!(close(low, 0.4902) && close(high, 0.9433), "{low} {high}");
        // 1 of 2: centre 0.5, half 1.95996·√(0.125+0.24009)/2.92073 = 0.40546.
        let (low, high) = wilson(1, 2).unwrap();
        assert!(close(low, 0.0945) && close(high, 0.9055), "{low} {high}");
        // 0 of 10 and 10 of 10: exact ends, z² = 3.84146.
        let (low, high) = wilson(0, 10).unwrap();
        assert_eq!(low, 0.0);
        assert!((high - 3.841458820694124 / 13.841458820694124).abs() < 1e-12);
        assert!(close(high, 0.2775));
        let (low, high) = wilson(10, 10).unwrap();
        assert_eq!(high, 1.0);
        assert!((low - 10.0 / 13.841458820694124).abs() < 1e-12);
        assert!(close(low, 0.7225));
        // Nothing to count: no interval.
        assert_eq!(wilson(0, 0), None);
        // 50 of 100: 0.40383..0.59617.
        let (low, high) = wilson(50, 100).unwrap();
        assert!(close(low, 0.4038) && close(high, 0.5962), "{low} {high}");
    }

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), Some(1.0));
        assert_eq!(quantile(&v, 1.0), Some(4.0));
        assert_eq!(quantile(&v, 0.5), Some(2.5));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
