//! Hypothesis tests on numbers and tables: Welch's t, Mann–Whitney U, chi-square tests and Cramér's V.

use super::describe::{check_finite, finite, mean_sd};
use super::dist::{chi2_sf, normal_sf, t_isf, t_sf};
use super::{CONFIDENCE, Interval, NotEnough};
use serde::{Deserialize, Serialize};

/// Welch's unequal-variance t-test of `mean_a − mean_b`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Welch {
    pub statistic: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    pub p_value: f64,
    pub difference: f64,
    /// 95% interval of the difference (scipy's `TtestResult.confidence_interval()`).
    pub ci: Interval,
}

/// Welch's t-test, two-sided (`scipy.stats.ttest_ind(a, b, equal_var=False)`); needs two values per group
/// and some spread in at least one.
pub fn welch_t_test(a: &[f64], b: &[f64]) -> Result<Welch, NotEnough> {
    check_finite(a)?;
    check_finite(b)?;
    let found = a.len().min(b.len());
    if found < 2 {
        return Err(NotEnough::TooFew { needed: 2, found });
    }
    let (ma, sa) = mean_sd(a);
    let (mb, sb) = mean_sd(b);
    welch_from((a.len(), ma, sa), (b.len(), mb, sb))
}

/// Welch's test from `(n, mean, sd)` of each group.
pub(crate) fn welch_from(a: (usize, f64, f64), b: (usize, f64, f64)) -> Result<Welch, NotEnough> {
    let (na, ma, sa) = a;
    let (nb, mb, sb) = b;
    let found = na.min(nb);
    if found < 2 {
        return Err(NotEnough::TooFew { needed: 2, found });
    }
    let va = sa * sa / na as f64;
    let vb = sb * sb / nb as f64;
    let var = va + vb;
    if var <= 0.0 {
        return Err(NotEnough::NoVariance);
    }
    let df = var * var / (va * va / (na as f64 - 1.0) + vb * vb / (nb as f64 - 1.0));
    let se = var.sqrt();
    let difference = ma - mb;
    let statistic = difference / se;
    let p_value = (2.0 * t_sf(statistic.abs(), df)).min(1.0);
    let half = t_isf((1.0 - CONFIDENCE) / 2.0, df) * se;
    let ci = Interval {
        low: difference - half,
        high: difference + half,
    };
    finite(
        Welch {
            statistic,
            df,
            p_value,
            difference,
            ci,
        },
        &[statistic, df, p_value, ci.low, ci.high],
    )
}

/// The Mann–Whitney U test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MannWhitney {
    /// U of the first sample: its rank sum minus `n_a (n_a + 1) / 2` (scipy's statistic).
    pub u: f64,
    /// The standardised statistic, with continuity and tie corrections.
    pub z: f64,
    pub p_value: f64,
    /// `U / (n_a n_b)`: the probability that a value from `a` exceeds one from `b` (ties count half).
    pub common_language: f64,
}

/// The Mann–Whitney U test, two-sided, normal approximation with tie and continuity corrections
/// (`scipy.stats.mannwhitneyu(a, b, method="asymptotic")`). Sorts copies of the inputs.
pub fn mann_whitney(a: &[f64], b: &[f64]) -> Result<MannWhitney, NotEnough> {
    check_finite(a)?;
    check_finite(b)?;
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    super::describe::sort(&mut a);
    super::describe::sort(&mut b);
    mann_whitney_sorted(&a, &b)
}

/// As `mann_whitney`, for inputs already sorted ascending: one merge, no allocation.
pub fn mann_whitney_sorted(a: &[f64], b: &[f64]) -> Result<MannWhitney, NotEnough> {
    if a.is_empty() || b.is_empty() {
        return Err(NotEnough::Empty);
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let n = na + nb;
    let (mut i, mut j) = (0usize, 0usize);
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut below = 0usize;
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let start_a = i;
        while i < a.len() && a[i] == v {
            i += 1;
        }
        let start_b = j;
        while j < b.len() && b[j] == v {
            j += 1;
        }
        let in_a = i - start_a;
        let run = (in_a + j - start_b) as f64;
        // Ranks below+1 ..= below+run share their average.
        let average = below as f64 + f64::midpoint(run, 1.0);
        rank_sum_a += average * in_a as f64;
        tie_term += run * run * run - run;
        below += run as usize;
    }
    let u1 = rank_sum_a - na * (na + 1.0) / 2.0;
    let u2 = na * nb - u1;
    let u = u1.max(u2);
    let mu = na * nb / 2.0;
    let s = (na * nb / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
    if s.is_nan() || s <= 0.0 {
        return Err(NotEnough::NoVariance);
    }
    let z = (u - mu - 0.5) / s;
    let p_value = (2.0 * normal_sf(z)).clamp(0.0, 1.0);
    Ok(MannWhitney {
        u: u1,
        z,
        p_value,
        common_language: u1 / (na * nb),
    })
}

/// A chi-square test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
    /// The smallest expected count, to judge whether the approximation holds (rule of thumb: ≥ 5).
    pub min_expected: f64,
}

/// The chi-square test of independence of a contingency table given row by row
/// (`scipy.stats.chi2_contingency(table, correction=yates)`). Yates' correction, when asked for, applies
/// only to tables with one degree of freedom (2×2), as in scipy; Seglab's comparisons use `yates = false`.
/// Rows and columns must all be non-empty.
pub fn chi2_contingency(table: &[Vec<u64>], yates: bool) -> Result<ChiSquare, NotEnough> {
    let rows = table.len();
    let cols = table.first().map_or(0, Vec::len);
    if rows < 2 || cols < 2 || table.iter().any(|r| r.len() != cols) {
        return Err(NotEnough::Shape);
    }
    let row_sums: Vec<f64> = table.iter().map(|r| r.iter().sum::<u64>() as f64).collect();
    let col_sums: Vec<f64> = (0..cols)
        .map(|c| table.iter().map(|r| r[c]).sum::<u64>() as f64)
        .collect();
    if row_sums.iter().chain(&col_sums).any(|&s| s == 0.0) {
        return Err(NotEnough::EmptyMargin);
    }
    let total: f64 = row_sums.iter().sum();
    let df = (rows - 1) * (cols - 1);
    let mut statistic = 0.0;
    let mut min_expected = f64::INFINITY;
    for (r, row) in table.iter().enumerate() {
        for (c, &observed) in row.iter().enumerate() {
            let expected = row_sums[r] * col_sums[c] / total;
            min_expected = min_expected.min(expected);
            let mut diff = observed as f64 - expected;
            if yates && df == 1 {
                diff = diff.signum() * (diff.abs() - 0.5).max(0.0);
            }
            statistic += diff * diff / expected;
        }
    }
    Ok(ChiSquare {
        statistic,
        df,
        p_value: chi2_sf(statistic, df as f64),
        min_expected,
    })
}

/// Cramér's V of a contingency table, without bias correction
/// (`scipy.stats.contingency.association(table, method="cramer")`): `sqrt(χ² / (n (min(r, c) − 1)))`.
pub fn cramers_v(table: &[Vec<u64>]) -> Result<f64, NotEnough> {
    let chi = chi2_contingency(table, false)?;
    let n: u64 = table.iter().flatten().sum();
    let k = table.len().min(table.first().map_or(0, Vec::len)) - 1;
    Ok((chi.statistic / (n as f64 * k as f64)).sqrt())
}

/// The chi-square goodness-of-fit test of observed counts against expected shares, e.g. a sample-ratio
/// check of an experiment's arms (`scipy.stats.chisquare(observed, expected_shares / sum * n)`).
pub fn chisquare_goodness_of_fit(
    observed: &[u64],
    expected_shares: &[f64],
) -> Result<ChiSquare, NotEnough> {
    if observed.len() < 2 || observed.len() != expected_shares.len() {
        return Err(NotEnough::Shape);
    }
    check_finite(expected_shares)?;
    let n: u64 = observed.iter().sum();
    if n == 0 {
        return Err(NotEnough::Empty);
    }
    let share_total: f64 = expected_shares.iter().sum();
    if expected_shares.iter().any(|&s| s <= 0.0) || share_total <= 0.0 {
        return Err(NotEnough::EmptyMargin);
    }
    let mut statistic = 0.0;
    let mut min_expected = f64::INFINITY;
    for (&o, &share) in observed.iter().zip(expected_shares) {
        let expected = share / share_total * n as f64;
        min_expected = min_expected.min(expected);
        let d = o as f64 - expected;
        statistic += d * d / expected;
    }
    let df = observed.len() - 1;
    Ok(ChiSquare {
        statistic,
        df,
        p_value: chi2_sf(statistic, df as f64),
        min_expected,
    })
}
