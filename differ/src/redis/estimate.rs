//! Population estimates from a sampled prefix of a `SCAN`.
//!
//! seadiff counts, per family, how many of the `sampled` keys were hits (keys
//! of the family, or violations) and scales that to a keyspace of known size
//! (`DBSIZE`). The interval is a 95% Wilson score interval; when the sample is
//! a large share of the population the finite population correction is
//! applied through the effective sample size `n · (N − 1) / (N − n)`, which
//! narrows the interval and moves its centre towards the observed proportion,
//! reaching zero width when the whole population has been seen.

/// Two-sided 95% standard normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// A proportion estimate with a 95% Wilson score interval, scaled to the
/// population (all values are key counts, not proportions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Point estimate: `hits / sampled · population`.
    pub point: f64,
    /// Lower bound of the 95% interval; never below `hits`.
    pub low: f64,
    /// Upper bound of the 95% interval; never above
    /// `hits + (population − sampled)`.
    pub high: f64,
    /// Whether the whole population was seen (then `low = high = point`).
    pub exact: bool,
}

/// Estimates how many of `population` keys are hits, given `hits` of
/// `sampled` keys.
///
/// * `sampled >= population` (including `population = 0`): the count is
///   exact and `low = high = point = hits`.
/// * `sampled = 0` (and `population > 0`): nothing is known; `point = 0`,
///   `low = 0`, `high = population`.
/// * otherwise a Wilson score interval with the finite population correction,
///   scaled to the population and clamped to what is logically possible:
///   at least the `hits` seen, at most `hits` plus every unseen key.
///
/// `hits` greater than `sampled` is treated as `sampled`.
pub fn estimate(hits: u64, sampled: u64, population: u64) -> Estimate {
    let hits = hits.min(sampled);
    if sampled >= population {
        let h = hits as f64;
        return Estimate {
            point: h,
            low: h,
            high: h,
            exact: true,
        };
    }
    let big_n = population as f64;
    if sampled == 0 {
        return Estimate {
            point: 0.0,
            low: 0.0,
            high: big_n,
            exact: false,
        };
    }

    let n = sampled as f64;
    let x = hits as f64;
    let p = x / n;
    // Here 0 < sampled < population, so population >= 2 and both factors of
    // the correction are positive.
    let fpc = (population - sampled) as f64 / (population - 1) as f64;
    let n_eff = n / fpc;

    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_eff;
    let centre = (p + z2 / (2.0 * n_eff)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)).sqrt();

    let unseen = (population - sampled) as f64;
    // The Wilson bounds are exactly 0 when no hit was seen and exactly 1 when
    // every sampled key was a hit; set them so rounding does not show.
    let low = if hits == 0 {
        0.0
    } else {
        ((centre - half).max(0.0) * big_n).max(x)
    };
    let high = if hits == sampled {
        x + unseen
    } else {
        ((centre + half).min(1.0) * big_n).min(x + unseen)
    };
    let point = (p * big_n).clamp(low, high);
    Estimate {
        point,
        low,
        high,
        exact: false,
    }
}

impl Estimate {
    /// `≈1,250 (95%: 1,130–1,380)`, or `12` when exact, with thousands
    /// separators. The point is rounded to nearest, the lower bound down and
    /// the upper bound up.
    pub fn show(&self) -> String {
        if self.exact {
            return count(self.point.round());
        }
        format!(
            "≈{} (95%: {}–{})",
            count(self.point.round()),
            count(self.low.floor()),
            count(self.high.ceil()),
        )
    }
}

/// Formats an integral value with `,` thousands separators (`?` if not finite).
fn count(v: f64) -> String {
    if !v.is_finite() {
        return "?".to_string();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    // `as` saturates, which is fine for display.
    let digits = (v.abs() as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    out.push_str(sign);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            // xorshift64*
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            // Modulo bias is < n / 2^64: negligible here.
            self.next() % n
        }
    }

    /// Draws `trials` simple random samples (without replacement) of size
    /// `sample` from a population of `population` keys of which exactly
    /// `round(rate · population)` are hits; returns (true count, number of
    /// intervals containing it, mean interval width).
    fn coverage(
        population: u64,
        sample: u64,
        rate: f64,
        trials: u32,
        seed: u64,
    ) -> (u64, u32, f64) {
        let truth = (rate * population as f64).round() as u64;
        let mut keys: Vec<bool> = (0..population).map(|i| i < truth).collect();
        let mut rng = XorShift(seed);
        let mut covered = 0;
        let mut width = 0.0;
        for _ in 0..trials {
            // Partial Fisher–Yates: the first `sample` slots become a uniform
            // sample; the array stays a permutation of the population.
            let mut hits = 0;
            for i in 0..sample {
                let j = i + rng.below(population - i);
                keys.swap(i as usize, j as usize);
                if keys[i as usize] {
                    hits += 1;
                }
            }
            let e = estimate(hits, sample, population);
            assert!(!e.exact);
            assert!(e.low <= e.point && e.point <= e.high, "{e:?}");
            if e.low <= truth as f64 && truth as f64 <= e.high {
                covered += 1;
            }
            width += e.high - e.low;
        }
        (truth, covered, width / f64::from(trials))
    }

    #[test]
    fn coverage_small_share() {
        for (rate, seed) in [(0.005, 1), (0.05, 2), (0.30, 3)] {
            let (truth, covered, _) = coverage(200_000, 2_000, rate, 400, seed);
            assert!(
                covered >= 360,
                "rate {rate}: truth {truth} covered {covered}/400"
            );
        }
    }

    #[test]
    fn coverage_large_share_uses_fpc() {
        // Sampling 80% of the keyspace: without the correction the interval
        // would be more than twice as wide.
        for (rate, seed) in [(0.005, 4), (0.05, 5), (0.30, 6)] {
            let (truth, covered, width) = coverage(20_000, 16_000, rate, 400, seed);
            assert!(
                covered >= 360,
                "rate {rate}: truth {truth} covered {covered}/400"
            );
            let p = rate;
            let srs_width = 2.0 * Z95 * (p * (1.0 - p) / 16_000.0).sqrt() * 20_000.0;
            assert!(
                width < 0.6 * srs_width,
                "rate {rate}: width {width} vs {srs_width}"
            );
        }
    }

    #[test]
    fn exact_when_everything_seen() {
        let e = estimate(12, 100, 100);
        assert_eq!(
            e,
            Estimate {
                point: 12.0,
                low: 12.0,
                high: 12.0,
                exact: true
            }
        );
        assert_eq!(e.show(), "12");
        // DBSIZE taken before keys were added: still exact, point = hits.
        let e = estimate(1_234_567, 2_000_000, 1_999_000);
        assert!(e.exact);
        assert_eq!(e.show(), "1,234,567");
        // population = 0
        let e = estimate(0, 0, 0);
        assert_eq!(
            e,
            Estimate {
                point: 0.0,
                low: 0.0,
                high: 0.0,
                exact: true
            }
        );
        assert_eq!(e.show(), "0");
        assert_eq!(estimate(3, 5, 0).show(), "3");
    }

    #[test]
    fn nothing_sampled() {
        let e = estimate(0, 0, 200_000);
        assert!(!e.exact);
        assert_eq!((e.point, e.low, e.high), (0.0, 0.0, 200_000.0));
        assert_eq!(e.show(), "≈0 (95%: 0–200,000)");
        // hits is clamped to sampled.
        assert_eq!(estimate(5, 0, 10), e_with(0.0, 0.0, 10.0));
    }

    fn e_with(point: f64, low: f64, high: f64) -> Estimate {
        Estimate {
            point,
            low,
            high,
            exact: false,
        }
    }

    #[test]
    fn zero_hits() {
        let e = estimate(0, 2_000, 200_000);
        assert_eq!(e.point, 0.0);
        assert_eq!(e.low, 0.0);
        // Wilson upper bound for 0/n is z²/(n + z²): 0.001917 for n = 2000,
        // 0.001898 with the effective n = 2000 · 199,999 / 198,000 ≈ 2020.2.
        assert!((e.high - 379.58).abs() < 0.01, "{e:?}");
        assert_eq!(e.show(), format!("≈0 (95%: 0–{})", count(e.high.ceil())));
    }

    #[test]
    fn all_hits() {
        let e = estimate(2_000, 2_000, 200_000);
        assert_eq!(e.point, 200_000.0);
        assert_eq!(e.high, 200_000.0);
        assert!(e.low > 0.998 * 200_000.0 && e.low < 200_000.0, "{e:?}");
        // Never below what was seen, even for tiny samples.
        let e = estimate(1, 1, 1_000_000);
        assert!(e.low >= 1.0);
        assert_eq!(e.high, 1_000_000.0);
    }

    #[test]
    fn known_wilson_value() {
        // 50/1000 with a negligible correction: Wilson (0.03817, 0.06527).
        let e = estimate(50, 1_000, 1_000_000_000);
        let n = 1e9;
        assert!((e.point / n - 0.05).abs() < 1e-12);
        assert!((e.low / n - 0.03817).abs() < 1e-4, "{e:?}");
        assert!((e.high / n - 0.06527).abs() < 1e-4, "{e:?}");
    }

    #[test]
    fn bounds_are_logically_possible() {
        for (hits, sampled, population) in [
            (0, 1, 2),
            (1, 1, 2),
            (3, 9, 10),
            (9, 9, 10),
            (0, 999, 1_000),
            (500, 999, 1_000),
            (1, 3, 1_000_000),
            (7, 10, u64::MAX),
        ] {
            let e = estimate(hits, sampled, population);
            let unseen = (population - sampled) as f64;
            assert!(!e.exact);
            assert!(e.low >= hits as f64, "{e:?}");
            assert!(e.high <= hits as f64 + unseen, "{e:?}");
            assert!(e.low <= e.point && e.point <= e.high, "{e:?}");
            assert!(e.low.is_finite() && e.high.is_finite());
        }
        // One unseen key: the interval is within [hits, hits + 1].
        let e = estimate(500, 999, 1_000);
        assert!(e.low >= 500.0 && e.high <= 501.0, "{e:?}");
    }

    #[test]
    fn interval_shrinks_as_share_grows() {
        let mut last = f64::INFINITY;
        for sampled in [1_000, 10_000, 50_000, 90_000, 99_000, 99_900] {
            let e = estimate(sampled / 10, sampled, 100_000);
            let width = e.high - e.low;
            assert!(width < last, "{sampled}: {width} !< {last}");
            last = width;
        }
    }

    #[test]
    fn show_formats() {
        assert_eq!(
            e_with(1_250.4, 1_130.2, 1_379.1).show(),
            "≈1,250 (95%: 1,130–1,380)"
        );
        assert_eq!(e_with(0.0, 0.0, 3.2).show(), "≈0 (95%: 0–4)");
        assert_eq!(estimate(1, 2_000, 200_000).show(), {
            let e = estimate(1, 2_000, 200_000);
            format!(
                "≈100 (95%: {}–{})",
                count(e.low.floor()),
                count(e.high.ceil())
            )
        });
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1_000.0), "1,000");
        assert_eq!(count(123_456_789.0), "123,456,789");
        assert_eq!(count(-1_234.0), "-1,234");
        assert_eq!(count(f64::NAN), "?");
        assert_eq!(count(u64::MAX as f64), "18,446,744,073,709,551,615");
    }
}
