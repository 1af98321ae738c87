//! Distribution functions: normal, Student's t, chi-square and hypergeometric.
//!
//! Tail probabilities are computed directly (never as `1 - cdf` of a value near 1) so that small p-values
//! keep their relative precision. The incomplete beta function behind Student's t is written here rather
//! than taken from `statrs`, whose version stops after 140 continued-fraction steps and loses digits in
//! its prefactor when the degrees of freedom are large (Welch's test over a million users).

use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};
use std::f64::consts::PI;

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

fn standard_normal() -> Normal {
    // Mean 0 and standard deviation 1 are always valid parameters.
    Normal::standard()
}

/// P(Z ≤ x) for a standard normal Z.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// P(Z > x) for a standard normal Z.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(x / std::f64::consts::SQRT_2)
}

/// The x with P(Z ≤ x) = p.
pub fn normal_ppf(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    standard_normal().inverse_cdf(p)
}

/// The x with P(Z > x) = p.
pub fn normal_isf(p: f64) -> f64 {
    -normal_ppf(p)
}

/// The two-sided critical value for a confidence level, e.g. 1.959964 for 0.95.
pub fn normal_critical(confidence: f64) -> f64 {
    normal_isf((1.0 - confidence) / 2.0)
}

/// `x ln(x/np) + np - x`, computed without cancellation when `x` is close to `np` (Loader, 2000).
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        return s;
    }
    x * (x / np).ln() + np - x
}

/// `ln Γ(z) - ((z - ½) ln z - z + ln √(2π))`: the small remainder of Stirling's formula.
fn stirling_remainder(z: f64) -> f64 {
    if z < 15.0 {
        return ln_gamma(z) - ((z - 0.5) * z.ln() - z + LN_SQRT_2PI);
    }
    let zz = z * z;
    (1.0 / 12.0
        - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * zz)) / zz) / zz) / zz)
        / z
}

/// `x^a y^b / (a B(a, b))` with `y = 1 - x` given separately to keep its digits.
fn beta_front(a: f64, b: f64, x: f64, y: f64) -> f64 {
    let ln = -bd0(a, x * (a + b)) - bd0(b, y * (a + b)) + 0.5 * (a * b / (a + b)).ln()
        - LN_SQRT_2PI
        - stirling_remainder(a)
        - stirling_remainder(b)
        + stirling_remainder(a + b);
    ln.exp() / a
}

/// Lentz's continued fraction for the incomplete beta function (Numerical Recipes' `betacf`).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..100_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() <= 1e-16 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function and its complement: `(I_x(a, b), 1 - I_x(a, b))`, with
/// `y = 1 - x` passed in by the caller, who can usually compute it without rounding.
pub fn beta_reg_pair(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = beta_front(a, b, x, y) * beta_fraction(a, b, x);
        (lower, 1.0 - lower)
    } else {
        let upper = beta_front(b, a, y, x) * beta_fraction(b, a, y);
        (1.0 - upper, upper)
    }
}

/// P(T ≤ t) for Student's t with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    t_sf(-t, df)
}

/// P(T > t) for Student's t with `df` degrees of freedom.
pub fn t_sf(t: f64, df: f64) -> f64 {
    if t.is_infinite() {
        return if t > 0.0 { 0.0 } else { 1.0 };
    }
    let tt = t * t;
    // Tail mass beyond |t| (one side) is ½ I_{df/(df+t²)}(df/2, ½).
    let x = df / (df + tt);
    let y = tt / (df + tt);
    let (lower, _) = beta_reg_pair(df / 2.0, 0.5, x, y);
    let tail = 0.5 * lower;
    if t > 0.0 { tail } else { 1.0 - tail }
}

/// The density of Student's t.
pub fn t_pdf(t: f64, df: f64) -> f64 {
    let ln = ln_gamma(f64::midpoint(df, 1.0))
        - ln_gamma(df / 2.0)
        - 0.5 * (df * PI).ln()
        - f64::midpoint(df, 1.0) * (t * t / df).ln_1p();
    ln.exp()
}

/// The t with P(T ≤ t) = p, for `0 < p < 1`.
pub fn t_ppf(p: f64, df: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return t_isf(1.0 - p, df);
    }
    if (p - 0.5).abs() < f64::EPSILON {
        return 0.0;
    }
    -t_isf(p, df)
}

/// The t > 0 with P(T > t) = q, for `0 < q ≤ ½`: Newton's method from the normal quantile, in logs.
pub fn t_isf(q: f64, df: f64) -> f64 {
    if q >= 0.5 {
        return if q >= 1.0 {
            f64::NEG_INFINITY
        } else {
            -t_isf(1.0 - q, df)
        };
    }
    if q <= 0.0 {
        return f64::INFINITY;
    }
    // Bracket the root, then refine with Newton steps on ln P(T > t), falling back to bisection.
    let mut lo = 0.0;
    let mut hi = normal_isf(q).max(1.0);
    while t_sf(hi, df) > q {
        lo = hi;
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    let mut t = 0.5 * (lo + hi);
    for _ in 0..200 {
        let sf = t_sf(t, df);
        if sf > q {
            lo = t;
        } else {
            hi = t;
        }
        let step = (sf.ln() - q.ln()) * sf / t_pdf(t, df);
        let mut next = t + step;
        if next <= lo || next >= hi || !next.is_finite() {
            next = 0.5 * (lo + hi);
        }
        if (next - t).abs() <= 1e-15 * t.abs() {
            return next;
        }
        t = next;
    }
    t
}

/// P(X ≤ x) for a chi-square variable with `df` degrees of freedom.
pub fn chi2_cdf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x.is_infinite() {
        return 1.0;
    }
    gamma_lr(df / 2.0, x / 2.0)
}

/// P(X > x) for a chi-square variable with `df` degrees of freedom.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    gamma_ur(df / 2.0, x / 2.0)
}

/// `ln n! - ((n + ½) ln n - n + ln √(2π))`, the remainder of Stirling's formula for n!.
fn stirlerr(n: f64) -> f64 {
    if n <= 15.0 {
        return ln_factorial_small(n) - ((n + 0.5) * n.ln() - n + LN_SQRT_2PI);
    }
    // Stirling's series for ln n! has the same coefficients as the one for ln Γ(z).
    stirling_remainder(n)
}

fn ln_factorial_small(n: f64) -> f64 {
    let mut product = 1.0;
    let mut k = 2.0;
    while k <= n {
        product *= k;
        k += 1.0;
    }
    product.ln()
}

/// The binomial probability of `x` successes in `n` trials, in Loader's saddle-point form, which keeps
/// full relative precision for large `n` (R's `dbinom_raw`).
fn binomial_pmf(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 1.0 } else { 0.0 };
    }
    if q == 0.0 {
        return if x == n { 1.0 } else { 0.0 };
    }
    if x == 0.0 {
        if n == 0.0 {
            return 1.0;
        }
        let lc = if p < 0.1 {
            -bd0(n, n * q) - n * p
        } else {
            n * q.ln()
        };
        return lc.exp();
    }
    if x == n {
        let lc = if q < 0.1 {
            -bd0(n, n * p) - n * q
        } else {
            n * p.ln()
        };
        return lc.exp();
    }
    if x < 0.0 || x > n {
        return 0.0;
    }
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    let lf = 2.0 * LN_SQRT_2PI + x.ln() + (-x / n).ln_1p();
    (lc - 0.5 * lf).exp()
}

/// The hypergeometric distribution in scipy's parametrisation: `total` items of which `successes` are
/// marked, `draws` drawn without replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hypergeometric {
    pub total: u64,
    pub successes: u64,
    pub draws: u64,
}

impl Hypergeometric {
    /// Smallest and largest possible count of marked items among the draws.
    pub fn support(self) -> (u64, u64) {
        let low = (self.draws + self.successes).saturating_sub(self.total);
        (low, self.draws.min(self.successes))
    }

    /// P(X = k).
    pub fn pmf(self, k: u64) -> f64 {
        let (low, high) = self.support();
        if k < low || k > high {
            return 0.0;
        }
        let n = self.draws as f64;
        let total = self.total as f64;
        if self.draws == 0 || self.total == 0 {
            return 1.0;
        }
        let r = self.successes as f64;
        let b = total - r;
        let p = n / total;
        let q = (total - n) / total;
        let k = k as f64;
        let p1 = binomial_pmf(k, r, p, q);
        let p2 = binomial_pmf(n - k, b, p, q);
        let p3 = binomial_pmf(n, total, p, q);
        p1 * p2 / p3
    }

    /// The most likely count (scipy's `fisher_exact` uses this formula).
    pub fn mode(self) -> u64 {
        let mode = (self.draws + 1) as f64 * (self.successes + 1) as f64 / (self.total + 2) as f64;
        let (low, high) = self.support();
        (mode as u64).clamp(low, high)
    }

    /// Sum of the pmf over `from..=to`, walking away from the mode and stopping once terms no longer
    /// change the sum.
    fn tail_sum(self, from: u64, to: u64) -> f64 {
        if from > to {
            return 0.0;
        }
        let mode = self.mode();
        let mut sum = 0.0;
        if to <= mode {
            let mut k = to;
            loop {
                let term = self.pmf(k);
                sum += term;
                if k == from || term <= sum * 1e-18 {
                    break;
                }
                k -= 1;
            }
        } else if from >= mode {
            let mut k = from;
            loop {
                let term = self.pmf(k);
                sum += term;
                if k == to || term <= sum * 1e-18 {
                    break;
                }
                k += 1;
            }
        } else {
            sum = self.tail_sum(from, mode) + self.tail_sum(mode + 1, to);
        }
        sum
    }

    /// P(X ≤ k).
    pub fn cdf(self, k: u64) -> f64 {
        let (low, high) = self.support();
        if k >= high {
            return 1.0;
        }
        if k < low {
            return 0.0;
        }
        if k < self.mode() {
            self.tail_sum(low, k)
        } else {
            (1.0 - self.tail_sum(k + 1, high)).max(0.0)
        }
    }

    /// P(X > k).
    pub fn sf(self, k: u64) -> f64 {
        let (low, high) = self.support();
        if k >= high {
            return 0.0;
        }
        if k < low {
            return 1.0;
        }
        if k >= self.mode() {
            self.tail_sum(k + 1, high)
        } else {
            (1.0 - self.tail_sum(low, k)).max(0.0)
        }
    }
}
