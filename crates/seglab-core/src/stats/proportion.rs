//! Proportions: Wilson intervals, the two-proportion z-test, Fisher's exact test, differences and
//! ratios of proportions with intervals, and the Net Promoter Score.

use super::dist::{Hypergeometric, normal_critical, normal_sf};
use super::{CONFIDENCE, Interval, NotEnough};
use serde::{Deserialize, Serialize};

/// The Wilson score interval for `count` successes in `n` trials
/// (statsmodels `proportion_confint(count, n, alpha=0.05, method="wilson")`, clipped to [0, 1]).
pub fn wilson(count: u64, n: u64) -> Result<Interval, NotEnough> {
    if n == 0 {
        return Err(NotEnough::Empty);
    }
    let nf = n as f64;
    let p = count as f64 / nf;
    let crit = normal_critical(CONFIDENCE);
    let crit2 = crit * crit;
    let denom = 1.0 + crit2 / nf;
    let center = (p + crit2 / (2.0 * nf)) / denom;
    let dist = crit * (p * (1.0 - p) / nf + crit2 / (4.0 * nf * nf)).sqrt() / denom;
    Ok(Interval {
        low: (center - dist).clamp(0.0, 1.0),
        high: (center + dist).clamp(0.0, 1.0),
    })
}

/// A two-sided test result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZTest {
    pub statistic: f64,
    pub p_value: f64,
}

/// The pooled two-proportion z-test of `a = count_a / n_a` against `b` (statsmodels
/// `proportions_ztest([count_a, count_b], [n_a, n_b])`, two-sided).
pub fn two_proportion_z_test(
    count_a: u64,
    n_a: u64,
    count_b: u64,
    n_b: u64,
) -> Result<ZTest, NotEnough> {
    if n_a == 0 || n_b == 0 {
        return Err(NotEnough::Empty);
    }
    let (na, nb) = (n_a as f64, n_b as f64);
    let pooled = (count_a + count_b) as f64 / (na + nb);
    let var = pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb);
    if var <= 0.0 {
        return Err(NotEnough::NoVariance);
    }
    let z = (count_a as f64 / na - count_b as f64 / nb) / var.sqrt();
    Ok(ZTest {
        statistic: z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
    })
}

/// Fisher's exact test of a 2×2 table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fisher {
    /// The sample odds ratio `a d / (b c)`; `None` when it is 0/0 or infinite.
    pub odds_ratio: Option<f64>,
    pub p_value: f64,
}

/// Fisher's exact test, two-sided, of `[[a, b], [c, d]]` (`scipy.stats.fisher_exact`): the probability of
/// every table with the same margins that is no more likely than the observed one. A table with an empty
/// row or column has p = 1, as in scipy.
pub fn fisher_exact(table: [[u64; 2]; 2]) -> Fisher {
    let [[a, b], [c, d]] = table;
    let odds_ratio = (b > 0 && c > 0).then(|| (a as f64 * d as f64) / (b as f64 * c as f64));
    let n1 = a + b;
    let n2 = c + d;
    let n = a + c;
    if n1 == 0 || n2 == 0 || n == 0 || b + d == 0 {
        return Fisher {
            odds_ratio,
            p_value: 1.0,
        };
    }
    let dist = Hypergeometric {
        total: n1 + n2,
        successes: n1,
        draws: n,
    };
    let mode = dist.mode();
    let p_exact = dist.pmf(a);
    let p_mode = dist.pmf(mode);
    let epsilon = 1e-14;
    let gamma = 1.0 + epsilon;
    if (p_exact - p_mode).abs() / p_exact.max(p_mode) <= epsilon {
        return Fisher {
            odds_ratio,
            p_value: 1.0,
        };
    }
    let (low, high) = dist.support();
    let threshold = p_exact * gamma;
    let p_value = if a < mode {
        let lower = dist.cdf(a);
        if dist.pmf(high) > threshold {
            lower
        } else {
            // First k ≥ mode whose probability is at most the observed one (pmf falls past the mode).
            let (mut lo, mut hi) = (mode, high);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if dist.pmf(mid) <= threshold {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lower + dist.sf(lo - 1)
        }
    } else {
        let upper = dist.sf(a - 1);
        if dist.pmf(low) > threshold {
            upper
        } else {
            // Last k ≤ mode whose probability is at most the observed one (pmf rises to the mode).
            let (mut lo, mut hi) = (low, mode);
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if dist.pmf(mid) <= threshold {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            upper + dist.cdf(lo)
        }
    };
    Fisher {
        odds_ratio,
        p_value: p_value.min(1.0),
    }
}

/// A difference of two proportions with its interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProportionDifference {
    /// `p_a − p_b`, as a fraction (0.31 is 31 percentage points).
    pub difference: f64,
    pub ci: Interval,
}

/// The difference `p_a − p_b` with Newcombe's hybrid score interval built from two Wilson intervals
/// (statsmodels `confint_proportions_2indep(..., compare="diff", method="newcomb")`, its default).
pub fn proportion_difference(
    count_a: u64,
    n_a: u64,
    count_b: u64,
    n_b: u64,
) -> Result<ProportionDifference, NotEnough> {
    let wa = wilson(count_a, n_a)?;
    let wb = wilson(count_b, n_b)?;
    let pa = count_a as f64 / n_a as f64;
    let pb = count_b as f64 / n_b as f64;
    let diff = pa - pb;
    let d_low = ((pa - wa.low).powi(2) + (wb.high - pb).powi(2)).sqrt();
    let d_high = ((pb - wb.low).powi(2) + (wa.high - pa).powi(2)).sqrt();
    Ok(ProportionDifference {
        difference: diff,
        ci: Interval {
            low: diff - d_low,
            high: diff + d_high,
        },
    })
}

/// A ratio of two proportions with its interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProportionRatio {
    /// `p_a / p_b` from the raw counts.
    pub ratio: f64,
    /// statsmodels `confint_proportions_2indep(..., compare="ratio", method="log-adjusted")` (its default):
    /// a log interval with ½ added to each count and each size.
    pub ci: Interval,
}

/// The ratio `p_a / p_b`; needs at least one success in the baseline `b`.
pub fn proportion_ratio(
    count_a: u64,
    n_a: u64,
    count_b: u64,
    n_b: u64,
) -> Result<ProportionRatio, NotEnough> {
    if n_a == 0 || n_b == 0 {
        return Err(NotEnough::Empty);
    }
    if count_b == 0 {
        return Err(NotEnough::ZeroBaseline);
    }
    let ratio = (count_a as f64 / n_a as f64) / (count_b as f64 / n_b as f64);
    let (ca, na, cb, nb) = (
        count_a as f64 + 0.5,
        n_a as f64 + 0.5,
        count_b as f64 + 0.5,
        n_b as f64 + 0.5,
    );
    let adjusted = (ca / na) / (cb / nb);
    let var = 1.0 / ca - 1.0 / na + 1.0 / cb - 1.0 / nb;
    let d = normal_critical(CONFIDENCE) * var.max(0.0).sqrt();
    Ok(ProportionRatio {
        ratio,
        ci: Interval {
            low: (adjusted.ln() - d).exp(),
            high: (adjusted.ln() + d).exp(),
        },
    })
}

/// The Net Promoter Score of a group.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nps {
    pub n: u64,
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// `100 (promoters − detractors) / n`, from −100 to 100.
    pub score: f64,
    /// `score ± 1.96 · 100 · sqrt((p_P + p_D − (p_P − p_D)²) / n)`: the normal interval with the variance
    /// of a difference of two shares of one multinomial sample. When every answer is of one kind the
    /// variance is zero and so is the interval's width.
    pub ci: Interval,
}

/// The NPS of 0–10 scores: promoters answer 9–10, passives 7–8, detractors 0–6. Scores outside 0–10 are
/// rejected by the caller; here they count by the same thresholds.
pub fn nps(scores: impl IntoIterator<Item = f64>) -> Result<Nps, NotEnough> {
    let (mut promoters, mut passives, mut detractors) = (0u64, 0u64, 0u64);
    for s in scores {
        if !s.is_finite() {
            return Err(NotEnough::NotFinite);
        }
        if s >= 9.0 {
            promoters += 1;
        } else if s >= 7.0 {
            passives += 1;
        } else {
            detractors += 1;
        }
    }
    nps_from_counts(promoters, passives, detractors)
}

/// The NPS from counts of promoters, passives and detractors.
pub fn nps_from_counts(promoters: u64, passives: u64, detractors: u64) -> Result<Nps, NotEnough> {
    let n = promoters + passives + detractors;
    if n == 0 {
        return Err(NotEnough::Empty);
    }
    let nf = n as f64;
    let (pp, pd) = (promoters as f64 / nf, detractors as f64 / nf);
    let score = pp - pd;
    let var = ((pp + pd - score * score) / nf).max(0.0);
    let half = normal_critical(CONFIDENCE) * var.sqrt();
    Ok(Nps {
        n,
        promoters,
        passives,
        detractors,
        score: 100.0 * score,
        ci: Interval {
            low: 100.0 * (score - half),
            high: 100.0 * (score + half),
        },
    })
}

/// The difference between two groups' NPS.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NpsDifference {
    /// `score_a − score_b`, in NPS points.
    pub difference: f64,
    /// `difference ± 1.96 · sqrt(se_a² + se_b²)`, each standard error as in `Nps::ci` (independent groups).
    pub ci: Interval,
    /// `difference / sqrt(se_a² + se_b²)`.
    pub z: f64,
    /// Two-sided, from the normal distribution.
    pub p_value: f64,
}

/// Compares the NPS of two independent groups by a normal (Wald) test on the difference.
pub fn nps_difference(a: &Nps, b: &Nps) -> Result<NpsDifference, NotEnough> {
    let variance = |x: &Nps| {
        let n = x.n as f64;
        let (pp, pd) = (x.promoters as f64 / n, x.detractors as f64 / n);
        ((pp + pd - (pp - pd).powi(2)) / n).max(0.0)
    };
    let se = 100.0 * (variance(a) + variance(b)).sqrt();
    if se <= 0.0 {
        return Err(NotEnough::NoVariance);
    }
    let difference = a.score - b.score;
    let z = difference / se;
    let half = normal_critical(CONFIDENCE) * se;
    Ok(NpsDifference {
        difference,
        ci: Interval {
            low: difference - half,
            high: difference + half,
        },
        z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
    })
}
