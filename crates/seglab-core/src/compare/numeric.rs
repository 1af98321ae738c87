//! Numeric and date columns: summaries, shared histograms, and Welch's or Mann–Whitney's test.

use super::select::gather_numbers;
use super::{DateSummary, Effect, Estimate, Finding, NumericSummary, Pair, Summary, TestKind};
use crate::bitset::Bitset;
use crate::stats::{self, NotEnough, describe};
use crate::table::Column;

/// Skewness beyond which means are not compared (see the module documentation of `compare`).
const SKEW_LIMIT: f64 = 1.0;

/// Beyond this magnitude squares overflow: such a column is reported, not summarised.
const LARGEST: f64 = 1e150;

/// One group's values of a column and the figures computed from them.
struct GroupValues {
    values: Vec<f64>,
    sorted: bool,
    missing: usize,
    sum: f64,
    mean: Option<f64>,
    sd: Option<f64>,
    skew: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    quantiles: Option<[f64; 5]>,
}

const PROBS: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

impl GroupValues {
    /// The values, with their minimum, maximum and sum (one pass).
    fn gather(column: &Column, members: &Bitset) -> Option<Self> {
        let values = gather_numbers(column, members)?;
        let missing = members.count() - values.len();
        let (mut min, mut max, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
        for &v in &values {
            min = min.min(v);
            max = max.max(v);
            sum += v;
        }
        let some = !values.is_empty();
        Some(Self {
            values,
            sorted: false,
            missing,
            sum,
            mean: None,
            sd: None,
            skew: None,
            min: some.then_some(min),
            max: some.then_some(max),
            quantiles: None,
        })
    }

    /// Moments, the histogram over `edges` and the quantiles, in one more pass over the values (plus one
    /// over those near each quantile).
    fn finish(&mut self, edges: &[f64]) -> Vec<u64> {
        let n = self.values.len();
        let (Some(min), Some(max)) = (self.min, self.max) else {
            return if edges.len() < 2 {
                Vec::new()
            } else {
                vec![0; edges.len() - 1]
            };
        };
        let mut histogram = Histogram::new(edges);
        let mut buckets = describe::Buckets::worthwhile(n, min, max);
        let nf = n as f64;
        let mean0 = self.sum / nf;
        let (mut m2, mut m3, mut comp) = (0.0, 0.0, 0.0);
        for &v in &self.values {
            let d = v - mean0;
            comp += d;
            m2 += d * d;
            m3 += d * d * d;
            if let Some(h) = &mut histogram {
                h.add(v);
            }
            if let Some(b) = &mut buckets {
                b.add(v);
            }
        }
        // Moments about the mean, corrected for the rounding of the first estimate `mean0`.
        let shift = comp / nf;
        self.mean = Some(mean0 + shift);
        if n > 1 {
            let m2c = m2 - comp * comp / nf;
            let m3c = m3 - 3.0 * shift * m2 + 2.0 * nf * shift * shift * shift;
            self.sd = Some((m2c / (nf - 1.0)).max(0.0).sqrt());
            self.skew = (n > 2 && min < max)
                .then(|| (m3c / nf) / (m2c / nf).powf(1.5))
                .filter(|s| s.is_finite());
        }
        let q = describe::quantiles_within(&mut self.values, &PROBS, buckets);
        self.quantiles = Some([q[0], q[1], q[2], q[3], q[4]]);
        histogram.map(|h| h.counts).unwrap_or_default()
    }

    fn n(&self) -> usize {
        self.values.len()
    }

    fn sort(&mut self) {
        if !self.sorted {
            describe::sort(&mut self.values);
            self.sorted = true;
        }
    }

    fn skewed(&self) -> bool {
        self.skew.is_some_and(|s| s.abs() > SKEW_LIMIT)
    }
}

/// Counts over shared bin edges.
pub(crate) struct Histogram<'e> {
    edges: &'e [f64],
    start: f64,
    inverse: f64,
    pub(crate) counts: Vec<u64>,
}

impl<'e> Histogram<'e> {
    pub(crate) fn new(edges: &'e [f64]) -> Option<Self> {
        if edges.len() < 2 {
            return None;
        }
        let step = edges[1] - edges[0];
        Some(Self {
            edges,
            start: edges[0],
            inverse: 1.0 / step,
            counts: vec![0; edges.len() - 1],
        })
    }

    #[inline]
    pub(crate) fn add(&mut self, v: f64) {
        let bins = self.counts.len();
        // A float-to-int cast truncates toward zero and saturates negatives at 0: no call to `floor`.
        let mut b = (((v - self.start) * self.inverse) as usize).min(bins - 1);
        // The multiplication can round across an edge; the edges themselves decide (as numpy's do).
        if b > 0 && v < self.edges[b] {
            b -= 1;
        } else if b + 1 < bins && v >= self.edges[b + 1] {
            b += 1;
        }
        self.counts[b] += 1;
    }
}

// Exact equality is meant: a zero-width range, a maximum exactly on an edge.
#[allow(clippy::float_cmp)]
/// Bin edges at round numbers covering `[min, max]` in about `bins` steps; whole steps for whole numbers.
pub(crate) fn nice_edges(min: f64, max: f64, bins: usize, whole: bool) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || min > max {
        return Vec::new();
    }
    let bins = bins.max(1);
    if min == max {
        return if whole {
            vec![min, min + 1.0]
        } else {
            vec![min - 0.5, min + 0.5]
        };
    }
    let raw = (max - min) / bins as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.ceil().max(1.0);
    }
    let start = (min / step).floor() * step;
    let mut count = ((max - start) / step).floor() as usize + 1;
    // A maximum exactly on an edge closes the last bin instead of opening a new one.
    if count > 1 && start + (count - 1) as f64 * step == max && !whole {
        count -= 1;
    }
    (0..=count).map(|i| start + i as f64 * step).collect()
}

fn gather_all(column: &Column, sets: &[&Bitset]) -> Option<Vec<GroupValues>> {
    sets.iter()
        .map(|s| GroupValues::gather(column, s))
        .collect()
}

fn range(groups: &[GroupValues]) -> (f64, f64) {
    let min = groups
        .iter()
        .filter_map(|g| g.min)
        .fold(f64::INFINITY, f64::min);
    let max = groups
        .iter()
        .filter_map(|g| g.max)
        .fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// Summarises a numeric column per group and tests each pair.
pub(crate) fn compare_numeric(
    column: &Column,
    sets: &[&Bitset],
    pairs: &[Pair],
    bins: usize,
    findings: &mut Vec<Finding>,
) -> Summary {
    let Some(mut groups) = gather_all(column, sets) else {
        return Summary::Skipped {
            reason: "not a numeric column".to_owned(),
        };
    };
    let (min, max) = range(&groups);
    if min.is_finite() && max.is_finite() && min.abs().max(max.abs()) > LARGEST {
        let largest = if min.abs() > max.abs() { min } else { max };
        return Summary::Skipped {
            reason: format!(
                "values as large as {largest:e} cannot be averaged; check the column for corrupt numbers"
            ),
        };
    }
    let whole = matches!(column.ty(), crate::table::ColumnType::Integer);
    let edges = nice_edges(min, max, bins, whole);
    let mut summaries = Vec::with_capacity(groups.len());
    for g in &mut groups {
        let hist = g.finish(&edges);
        let q = g.quantiles;
        let n = g.n();
        summaries.push(NumericSummary {
            n,
            missing: g.missing,
            mean: g.mean,
            mean_ci: match (g.mean, g.sd) {
                (Some(mean), Some(sd)) if n >= 2 => Some(describe::mean_ci_from(n, mean, sd).ci),
                _ => None,
            },
            sd: g.sd,
            min: g.min,
            p10: q.map(|q| q[0]),
            p25: q.map(|q| q[1]),
            median: q.map(|q| q[2]),
            p75: q.map(|q| q[3]),
            p90: q.map(|q| q[4]),
            max: g.max,
            histogram: hist,
        });
    }
    for &pair in pairs {
        findings.push(test_pair(column.name(), &mut groups, pair, false));
    }
    Summary::Numeric {
        groups: summaries,
        edges,
    }
}

/// Welch's t or Mann–Whitney's U for one pair, by the skewness rule.
fn test_pair(name: &str, groups: &mut [GroupValues], pair: Pair, dates: bool) -> Finding {
    let (na, nb) = (groups[pair.group].n(), groups[pair.baseline].n());
    let skewed = groups[pair.group].skewed() || groups[pair.baseline].skewed();
    let kind = if skewed {
        TestKind::MannWhitneyU
    } else {
        TestKind::WelchT
    };
    if na < 2 || nb < 2 {
        return Finding::untested(
            name,
            pair,
            kind,
            None,
            format!("too few values to compare (n = {na} and {nb}; needs 2 in each)"),
        );
    }
    if skewed {
        groups[pair.group].sort();
        groups[pair.baseline].sort();
        let (a, b) = (&groups[pair.group], &groups[pair.baseline]);
        let median = stats::quantile_sorted(&a.values, 0.5).unwrap_or(0.0);
        let baseline_median = stats::quantile_sorted(&b.values, 0.5).unwrap_or(0.0);
        return match stats::mann_whitney_sorted(&a.values, &b.values) {
            Ok(m) => Finding::tested(
                name,
                pair,
                kind,
                Effect::Distributions {
                    median,
                    baseline_median,
                    probability_greater: m.common_language,
                    dates,
                },
                Some(m.z),
                m.p_value,
            ),
            Err(e) => Finding::untested(name, pair, kind, None, reason(&e)),
        };
    }
    let (a, b) = (&groups[pair.group], &groups[pair.baseline]);
    let sa = (na, a.mean.unwrap_or(0.0), a.sd.unwrap_or(0.0));
    let sb = (nb, b.mean.unwrap_or(0.0), b.sd.unwrap_or(0.0));
    match stats::hypothesis::welch_from(sa, sb) {
        Ok(w) => Finding::tested(
            name,
            pair,
            kind,
            Effect::Means {
                mean: sa.1,
                baseline_mean: sb.1,
                difference: Estimate::new(w.difference, w.ci),
                cohens_d: describe::cohens_d_from(sa, sb).ok(),
                dates,
            },
            Some(w.statistic),
            w.p_value,
        ),
        Err(e) => Finding::untested(name, pair, kind, None, reason(&e)),
    }
}

pub(crate) fn reason(e: &NotEnough) -> String {
    e.to_string()
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

pub(crate) fn format_day(days: f64) -> String {
    let (y, m, d) = civil_from_days(days.floor() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// At most this many histogram bins for dates: months, else years, else runs of years.
const MAX_BINS: i64 = 240;

/// Summarises a date or date-time column per group (by day) and tests each pair.
pub(crate) fn compare_dates(
    column: &Column,
    sets: &[&Bitset],
    pairs: &[Pair],
    findings: &mut Vec<Finding>,
) -> Summary {
    let Some(mut groups) = gather_all(column, sets) else {
        return Summary::Skipped {
            reason: "not a date column".to_owned(),
        };
    };
    let (min, max) = range(&groups);
    let month_of = |days: f64| {
        let (y, m, _) = civil_from_days(days as i64);
        y * 12 + i64::from(m) - 1
    };
    // Bins of `step` months from `first`: months, whole years, or runs of years for very long spans.
    let (labels, first, step) = if min.is_finite() {
        let (first, last) = (month_of(min), month_of(max));
        if last - first < MAX_BINS {
            let labels = (first..=last)
                .map(|m| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1))
                .collect();
            (labels, first, 1)
        } else {
            let (fy, ly) = (first.div_euclid(12), last.div_euclid(12));
            let needed = (ly - fy + 1 + MAX_BINS - 1) / MAX_BINS;
            let years = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
                .into_iter()
                .find(|&y| y >= needed)
                .unwrap_or(needed);
            let fy = fy.div_euclid(years) * years;
            let labels = (fy..=ly)
                .step_by(years as usize)
                .map(|y| {
                    if years == 1 {
                        format!("{y:04}")
                    } else {
                        format!("{y:04}–{:04}", y + years - 1)
                    }
                })
                .collect();
            (labels, fy * 12, 12 * years)
        }
    } else {
        (Vec::new(), 0, 1)
    };
    let mut summaries = Vec::with_capacity(groups.len());
    for g in &mut groups {
        let mut hist = vec![0u64; labels.len()];
        for &v in &g.values {
            let bin = (month_of(v) - first).div_euclid(step);
            if let Some(c) = usize::try_from(bin).ok().and_then(|b| hist.get_mut(b)) {
                *c += 1;
            }
        }
        g.finish(&[]);
        summaries.push(DateSummary {
            n: g.n(),
            missing: g.missing,
            min: g.min.map(format_day),
            median: g.quantiles.map(|q| format_day(q[2])),
            max: g.max.map(format_day),
            histogram: hist,
        });
    }
    for &pair in pairs {
        findings.push(test_pair(column.name(), &mut groups, pair, true));
    }
    Summary::Date {
        groups: summaries,
        months: labels,
    }
}
