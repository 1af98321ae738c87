//! Descriptive statistics: mean with a t interval, quantiles, skewness and Cohen's d.

use super::dist::t_ppf;
use super::{CONFIDENCE, Interval, NotEnough};
use serde::{Deserialize, Serialize};

/// A mean with its sample standard deviation and 95% t interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeanCi {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (denominator n − 1).
    pub sd: f64,
    /// `scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=sd / sqrt(n))`. When all values are equal the
    /// interval is the single point `[mean, mean]` (scipy returns NaN there).
    pub ci: Interval,
}

/// Mean and standard deviation in two passes (the second pass corrects the rounding of the first).
pub(crate) fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean0 = values.iter().sum::<f64>() / n;
    let (mut ss, mut comp) = (0.0, 0.0);
    for &v in values {
        let d = v - mean0;
        ss += d * d;
        comp += d;
    }
    let mean = mean0 + comp / n;
    let var = (ss - comp * comp / n) / (n - 1.0);
    (mean, var.max(0.0).sqrt())
}

/// The mean of `values` with a 95% t confidence interval; needs two values.
pub fn mean_ci(values: &[f64]) -> Result<MeanCi, NotEnough> {
    check_finite(values)?;
    if values.len() < 2 {
        return Err(if values.is_empty() {
            NotEnough::Empty
        } else {
            NotEnough::TooFew {
                needed: 2,
                found: values.len(),
            }
        });
    }
    let (mean, sd) = mean_sd(values);
    let m = mean_ci_from(values.len(), mean, sd);
    finite(m, &[m.mean, m.sd, m.ci.low, m.ci.high])
}

/// `Ok(value)` when every figure of it is finite; overflow otherwise.
pub(crate) fn finite<T>(value: T, figures: &[f64]) -> Result<T, NotEnough> {
    if figures.iter().all(|f| f.is_finite()) {
        Ok(value)
    } else {
        Err(NotEnough::Overflow)
    }
}

/// The interval from summary figures.
pub(crate) fn mean_ci_from(n: usize, mean: f64, sd: f64) -> MeanCi {
    let half = t_ppf(0.5 + CONFIDENCE / 2.0, n as f64 - 1.0) * sd / (n as f64).sqrt();
    MeanCi {
        n,
        mean,
        sd,
        ci: Interval {
            low: mean - half,
            high: mean + half,
        },
    }
}

pub(crate) fn check_finite(values: &[f64]) -> Result<(), NotEnough> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(NotEnough::NotFinite)
    }
}

/// numpy's `a + (b - a) t`, computed from the nearer end as `numpy.quantile` does.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The `p`-quantile of sorted values by numpy's default definition (`method="linear"`, Hyndman–Fan
/// type 7): position `(n − 1) p`, interpolating linearly between neighbours. `None` when empty.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(lerp(sorted[lo], sorted[hi], h - lo as f64))
}

/// Several quantiles (type 7, as `quantile_sorted`) of unsorted values. `probs` may come in any order;
/// the result follows it. `values` may be reordered.
///
/// Small inputs use partial selection, divide and conquer over the ranks. Large ones first count the
/// values into equal-width buckets between the minimum and maximum (a monotone map, so the order
/// statistics are found in known buckets), then select within the few buckets that hold a wanted rank:
/// two linear passes instead of several selections over the whole slice.
pub fn quantiles(values: &mut [f64], probs: &[f64]) -> Result<Vec<f64>, NotEnough> {
    check_finite(values)?;
    if values.is_empty() {
        return Err(NotEnough::Empty);
    }
    Ok(quantiles_within(values, probs, None))
}

/// `quantiles` of non-empty, finite values; `counted` may hold
/// their bucket counts already (the comparison counts them in a pass it makes anyway).
pub(crate) fn quantiles_within(
    values: &mut [f64],
    probs: &[f64],
    counted: Option<Buckets>,
) -> Vec<f64> {
    let n = values.len();
    let position = |p: f64| {
        let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
        let lo = h.floor() as usize;
        (lo, (lo + 1).min(n - 1), h - lo as f64)
    };
    // Every rank the interpolation reads, in increasing order.
    let mut ranks: Vec<usize> = probs
        .iter()
        .flat_map(|&p| {
            let (lo, hi, _) = position(p);
            [lo, hi]
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    let order_statistics = match counted {
        Some(buckets) => buckets.order_statistics(values, &ranks),
        None => order_statistics(values, &ranks),
    };
    let at = |rank: usize| {
        // Every rank read here was collected above, so the search always finds it.
        order_statistics[ranks.binary_search(&rank).unwrap_or(0)]
    };
    probs
        .iter()
        .map(|&p| {
            let (lo, hi, fraction) = position(p);
            lerp(at(lo), at(hi), fraction)
        })
        .collect()
}

/// Puts the order statistic of each rank in `ranks` (absolute, offset by `offset`) at its place.
fn select_ranks(values: &mut [f64], ranks: &[usize], offset: usize) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid] - offset;
    values.select_nth_unstable_by(r, f64::total_cmp);
    let (left, rest) = values.split_at_mut(r);
    select_ranks(left, &ranks[..mid], offset);
    select_ranks(&mut rest[1..], &ranks[mid + 1..], offset + r + 1);
}

/// Counts of values in equal-width buckets between the minimum and maximum. The map from value to bucket
/// is monotone, so the k-th smallest value lies in the bucket where the running count passes k: order
/// statistics then need a selection within one small bucket, not over all values.
pub(crate) struct Buckets {
    min: f64,
    scale: f64,
    counts: Vec<usize>,
}

impl Buckets {
    /// Inputs at least this long are worth bucketing.
    const FROM: usize = 8192;
    const COUNT: usize = 4096;

    /// Empty buckets for `n` values in `[min, max]`, when `n` is large and the range not degenerate.
    pub(crate) fn worthwhile(n: usize, min: f64, max: f64) -> Option<Self> {
        let scale = Self::COUNT as f64 / (max - min);
        (n >= Self::FROM && scale.is_finite()).then(|| Self {
            min,
            scale,
            counts: vec![0; Self::COUNT],
        })
    }

    #[inline]
    fn index(&self, v: f64) -> usize {
        // A float-to-int cast truncates and saturates: monotone, and no call to `floor`.
        (((v - self.min) * self.scale) as usize).min(Self::COUNT - 1)
    }

    #[inline]
    pub(crate) fn add(&mut self, v: f64) {
        let b = self.index(v);
        self.counts[b] += 1;
    }

    /// The order statistics of `ranks` (increasing) among `values`, which were all added.
    fn order_statistics(&self, values: &[f64], ranks: &[usize]) -> Vec<f64> {
        // For each rank: its bucket and its rank within the bucket.
        let mut targets = Vec::with_capacity(ranks.len());
        let (mut b, mut start) = (0usize, 0usize);
        for &r in ranks {
            while start + self.counts[b] <= r {
                start += self.counts[b];
                b += 1;
            }
            targets.push((b, r - start));
        }
        let mut slot_of = vec![u32::MAX; Self::COUNT];
        let mut slots: Vec<Vec<f64>> = Vec::new();
        for &(b, _) in &targets {
            if slot_of[b] == u32::MAX {
                slot_of[b] = slots.len() as u32;
                slots.push(Vec::with_capacity(self.counts[b]));
            }
        }
        for &v in values {
            let s = slot_of[self.index(v)];
            if s != u32::MAX {
                slots[s as usize].push(v);
            }
        }
        // Each slot answers its own ranks, bucketed again when it is still large (skewed data crowds
        // into the first buckets).
        let mut out = Vec::with_capacity(targets.len());
        let mut i = 0;
        while i < targets.len() {
            let b = targets[i].0;
            let j = i + targets[i..].iter().take_while(|t| t.0 == b).count();
            let within: Vec<usize> = targets[i..j].iter().map(|t| t.1).collect();
            out.extend(order_statistics(&mut slots[slot_of[b] as usize], &within));
            i = j;
        }
        out
    }
}

/// The order statistics of `ranks` (increasing, distinct) among finite `values`, which may be reordered.
fn order_statistics(values: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values.iter() {
        min = min.min(v);
        max = max.max(v);
    }
    if let Some(mut buckets) = Buckets::worthwhile(values.len(), min, max) {
        for &v in values.iter() {
            buckets.add(v);
        }
        return buckets.order_statistics(values, ranks);
    }
    select_ranks(values, ranks, 0);
    ranks.iter().map(|&r| values[r]).collect()
}

/// Sorts finite values ascending (`-0.0` before `0.0`, as `f64::total_cmp`). Long inputs take a radix
/// sort over the bit patterns, several times faster than a comparison sort on a million values.
pub fn sort(values: &mut [f64]) {
    const BITS: usize = 11;
    const RADIX: usize = 1 << BITS;
    const PASSES: usize = 64_usize.div_ceil(BITS);
    let n = values.len();
    if n < 1 << 12 {
        values.sort_unstable_by(f64::total_cmp);
        return;
    }
    // Keys whose unsigned order is the numeric order: flip all bits of negatives, the sign of the rest.
    let key = |v: f64| {
        let bits = v.to_bits();
        if bits >> 63 == 1 {
            !bits
        } else {
            bits ^ (1 << 63)
        }
    };
    let mut keys: Vec<u64> = values.iter().map(|&v| key(v)).collect();
    let mut counts = vec![[0usize; RADIX]; PASSES];
    for &k in &keys {
        for (pass, c) in counts.iter_mut().enumerate() {
            c[(k >> (pass * BITS)) as usize & (RADIX - 1)] += 1;
        }
    }
    let mut buffer = vec![0u64; n];
    for (pass, c) in counts.iter().enumerate() {
        // A digit shared by every key leaves the order as it is.
        if c.contains(&n) {
            continue;
        }
        let mut offsets = [0usize; RADIX];
        let mut running = 0;
        for (o, &count) in offsets.iter_mut().zip(c.iter()) {
            *o = running;
            running += count;
        }
        for &k in &keys {
            let digit = (k >> (pass * BITS)) as usize & (RADIX - 1);
            buffer[offsets[digit]] = k;
            offsets[digit] += 1;
        }
        std::mem::swap(&mut keys, &mut buffer);
    }
    for (v, &k) in values.iter_mut().zip(&keys) {
        let bits = if k >> 63 == 1 { k ^ (1 << 63) } else { !k };
        *v = f64::from_bits(bits);
    }
}

/// Sample skewness, the biased moment estimator `m3 / m2^1.5` (`scipy.stats.skew(bias=True)`).
pub fn skewness(values: &[f64]) -> Result<f64, NotEnough> {
    check_finite(values)?;
    if values.len() < 3 {
        return Err(NotEnough::TooFew {
            needed: 3,
            found: values.len(),
        });
    }
    let n = values.len() as f64;
    let (mean, _) = mean_sd(values);
    let (mut m2, mut m3) = (0.0, 0.0);
    for &v in values {
        let d = v - mean;
        m2 += d * d;
        m3 += d * d * d;
    }
    m2 /= n;
    m3 /= n;
    let first = values[0];
    if values.iter().all(|&v| v == first) {
        return Err(NotEnough::NoVariance);
    }
    let skew = m3 / m2.powf(1.5);
    finite(skew, &[skew])
}

/// Cohen's d with the pooled standard deviation: `(mean_a − mean_b) / s_pooled`,
/// `s_pooled² = ((n_a − 1) s_a² + (n_b − 1) s_b²) / (n_a + n_b − 2)`.
pub fn cohens_d(a: &[f64], b: &[f64]) -> Result<f64, NotEnough> {
    check_finite(a)?;
    check_finite(b)?;
    if a.is_empty() || b.is_empty() {
        return Err(NotEnough::Empty);
    }
    if a.len() + b.len() < 3 {
        return Err(NotEnough::TooFew {
            needed: 3,
            found: a.len() + b.len(),
        });
    }
    let (ma, sa) = if a.len() > 1 { mean_sd(a) } else { (a[0], 0.0) };
    let (mb, sb) = if b.len() > 1 { mean_sd(b) } else { (b[0], 0.0) };
    cohens_d_from((a.len(), ma, sa), (b.len(), mb, sb))
}

/// Cohen's d from `(n, mean, sd)` of each group.
pub(crate) fn cohens_d_from(a: (usize, f64, f64), b: (usize, f64, f64)) -> Result<f64, NotEnough> {
    let (na, ma, sa) = a;
    let (nb, mb, sb) = b;
    if na + nb < 3 || na == 0 || nb == 0 {
        return Err(NotEnough::TooFew {
            needed: 3,
            found: na + nb,
        });
    }
    let pooled =
        (((na as f64 - 1.0) * sa * sa + (nb as f64 - 1.0) * sb * sb) / (na + nb - 2) as f64).sqrt();
    if pooled == 0.0 {
        return Err(NotEnough::NoVariance);
    }
    let d = (ma - mb) / pooled;
    finite(d, &[d, pooled])
}
