//! Boolean and categorical columns: shares with Wilson intervals, proportion tests and chi-square.

use super::numeric::reason;
use super::select::for_each_row;
use super::{
    CategoricalSummary, Effect, Estimate, Finding, Pair, RateSummary, Share, Summary, TestKind,
};
use crate::bitset::Bitset;
use crate::stats;
use crate::table::{Column, ColumnData, ColumnType};
use std::collections::HashMap;

/// Expected count below which the normal approximations are not trusted.
const MIN_EXPECTED: f64 = 5.0;

/// Text and id columns with more distinct values than this, and more than half as many as rows, are
/// identifiers or free text: not summarised.
const DISTINCT_LIMIT: usize = 50;

/// The finding for one share against the baseline's: z-test, or Fisher's exact test for small counts.
pub(crate) fn proportion_finding(
    name: &str,
    pair: Pair,
    value: Option<String>,
    a: (u64, u64),
    b: (u64, u64),
) -> Finding {
    let ((ca, na), (cb, nb)) = (a, b);
    if na == 0 || nb == 0 {
        let reason = format!("no values to compare (n = {na} and {nb})");
        return Finding::untested(name, pair, TestKind::TwoProportionZ, None, reason);
    }
    let (pa, pb) = (ca as f64 / na as f64, cb as f64 / nb as f64);
    let effect = Effect::Proportions {
        value,
        count: ca,
        n: na,
        baseline_count: cb,
        baseline_n: nb,
        difference: stats::proportion_difference(ca, na, cb, nb)
            .ok()
            .map(|d| Estimate::new(d.difference, d.ci)),
        ratio: stats::proportion_ratio(ca, na, cb, nb)
            .ok()
            .map(|r| Estimate::new(r.ratio, r.ci)),
        cohens_h: 2.0 * pa.sqrt().asin() - 2.0 * pb.sqrt().asin(),
    };
    let (yes, no) = (ca + cb, (na - ca) + (nb - cb));
    if yes == 0 || no == 0 {
        let reason = if yes == 0 {
            "none in either group"
        } else {
            "all in both groups"
        };
        return Finding::untested(
            name,
            pair,
            TestKind::TwoProportionZ,
            Some(effect),
            format!("nothing to test: {reason}"),
        );
    }
    let total = (na + nb) as f64;
    let min_expected = [na, nb]
        .iter()
        .flat_map(|&r| [yes, no].map(|c| r as f64 * c as f64 / total))
        .fold(f64::INFINITY, f64::min);
    if min_expected < MIN_EXPECTED {
        let f = stats::fisher_exact([[ca, na - ca], [cb, nb - cb]]);
        return Finding::tested(name, pair, TestKind::FisherExact, effect, None, f.p_value);
    }
    match stats::two_proportion_z_test(ca, na, cb, nb) {
        Ok(z) => Finding::tested(
            name,
            pair,
            TestKind::TwoProportionZ,
            effect,
            Some(z.statistic),
            z.p_value,
        ),
        Err(e) => Finding::untested(
            name,
            pair,
            TestKind::TwoProportionZ,
            Some(effect),
            reason(&e),
        ),
    }
}

/// Rate of `true` per group and a proportion test per pair.
pub(crate) fn compare_boolean(
    column: &Column,
    sets: &[&Bitset],
    pairs: &[Pair],
    findings: &mut Vec<Finding>,
) -> Summary {
    let ColumnData::Boolean(data) = column.data() else {
        return Summary::Skipped {
            reason: "not a yes/no column".to_owned(),
        };
    };
    let valid = column.valid();
    let counts: Vec<(u64, u64, u64)> = sets
        .iter()
        .map(|s| {
            let (mut n, mut yes) = (0u64, 0u64);
            for ((m, v), d) in s.words().iter().zip(valid.words()).zip(data.words()) {
                let present = m & v;
                n += u64::from(present.count_ones());
                yes += u64::from((present & d).count_ones());
            }
            (yes, n, s.count() as u64 - n)
        })
        .collect();
    for &pair in pairs {
        let (ca, na, _) = counts[pair.group];
        let (cb, nb, _) = counts[pair.baseline];
        findings.push(proportion_finding(
            column.name(),
            pair,
            None,
            (ca, na),
            (cb, nb),
        ));
    }
    let groups = counts
        .iter()
        .map(|&(count, n, missing)| RateSummary {
            n,
            missing,
            count,
            rate: Share::of(count, n),
        })
        .collect();
    Summary::Boolean { groups }
}

/// Counts per distinct value and group; the value names in code order.
pub(crate) struct Tally<'c> {
    pub names: Vec<&'c str>,
    /// `counts[group][code]`.
    pub counts: Vec<Vec<u64>>,
    /// Rows with a value, per group.
    pub present: Vec<u64>,
}

pub(crate) fn tally<'c>(column: &'c Column, sets: &[&Bitset]) -> Option<Tally<'c>> {
    let valid = column.valid();
    match column.data() {
        ColumnData::Dictionary(dict) => {
            let names: Vec<&str> = dict.values.iter().collect();
            let mut counts = Vec::with_capacity(sets.len());
            let mut present = Vec::with_capacity(sets.len());
            for s in sets {
                let mut c = vec![0u64; names.len()];
                crate::with_codes!(&dict.codes, |codes| for_each_row(s, valid, |r| {
                    c[crate::table::Code::index(codes[r])] += 1;
                }));
                present.push(c.iter().sum());
                counts.push(c);
            }
            Some(Tally {
                names,
                counts,
                present,
            })
        }
        ColumnData::Strings(strings) => {
            let mut codes: HashMap<&str, usize> = HashMap::new();
            let mut names = Vec::new();
            let mut per_group: Vec<Vec<u64>> = Vec::with_capacity(sets.len());
            for s in sets {
                let mut c = vec![0u64; names.len()];
                for_each_row(s, valid, |r| {
                    let text = strings.get(r);
                    let code = *codes.entry(text).or_insert_with(|| {
                        names.push(text);
                        names.len() - 1
                    });
                    if code >= c.len() {
                        c.resize(code + 1, 0);
                    }
                    c[code] += 1;
                });
                per_group.push(c);
            }
            for c in &mut per_group {
                c.resize(names.len(), 0);
            }
            let present = per_group.iter().map(|c| c.iter().sum()).collect();
            Some(Tally {
                names,
                counts: per_group,
                present,
            })
        }
        _ => None,
    }
}

/// The most frequent values per group, the rest as "other"; chi-square and per-value tests per pair.
pub(crate) fn compare_categorical(
    column: &Column,
    sets: &[&Bitset],
    pairs: &[Pair],
    max_categories: usize,
    findings: &mut Vec<Finding>,
) -> Summary {
    if let Some(reason) = mostly_distinct(column) {
        return Summary::Skipped { reason };
    }
    let Some(tally) = tally(column, sets) else {
        return Summary::Skipped {
            reason: "not a text column".to_owned(),
        };
    };
    let codes = tally.names.len();
    let totals: Vec<u64> = (0..codes)
        .map(|c| tally.counts.iter().map(|g| g[c]).sum())
        .collect();
    let distinct = totals.iter().filter(|&&t| t > 0).count();
    let rows: u64 = tally.present.iter().sum();
    if column.ty() != ColumnType::Category
        && distinct > DISTINCT_LIMIT
        && distinct as u64 * 2 > rows
    {
        return Summary::Skipped {
            reason: format!(
                "{distinct} distinct values in {rows} rows: identifiers or free text, not categories"
            ),
        };
    }
    let mut order: Vec<usize> = (0..codes).filter(|&c| totals[c] > 0).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| {
        totals[b].cmp(&totals[a]).then(a.cmp(&b))
    });
    let shown = &order[..order.len().min(max_categories.max(1))];
    let other = order.len() > shown.len();
    let mut values: Vec<String> = shown.iter().map(|&c| tally.names[c].to_owned()).collect();
    if other {
        values.push("other".to_owned());
    }
    let group_counts: Vec<Vec<u64>> = tally
        .counts
        .iter()
        .zip(&tally.present)
        .map(|(c, &n)| {
            let mut row: Vec<u64> = shown.iter().map(|&code| c[code]).collect();
            if other {
                row.push(n - row.iter().sum::<u64>());
            }
            row
        })
        .collect();
    for &pair in pairs {
        findings.push(mix_finding(column.name(), pair, &group_counts));
        let (na, nb) = (tally.present[pair.group], tally.present[pair.baseline]);
        if na == 0 || nb == 0 {
            // The mix finding already says there is nothing to compare.
            continue;
        }
        for (i, value) in values.iter().enumerate().take(shown.len()) {
            let (ca, cb) = (group_counts[pair.group][i], group_counts[pair.baseline][i]);
            findings.push(proportion_finding(
                column.name(),
                pair,
                Some(value.clone()),
                (ca, na),
                (cb, nb),
            ));
        }
    }
    let groups = group_counts
        .iter()
        .zip(&tally.present)
        .zip(sets)
        .map(|((counts, &n), s)| CategoricalSummary {
            n,
            missing: s.count() as u64 - n,
            shares: counts.iter().map(|&c| Share::of(c, n)).collect(),
            counts: counts.clone(),
        })
        .collect();
    Summary::Categorical {
        values,
        other,
        groups,
    }
}

/// The chi-square test of the whole mix of values, group against baseline.
fn mix_finding(name: &str, pair: Pair, group_counts: &[Vec<u64>]) -> Finding {
    let (a, b) = (&group_counts[pair.group], &group_counts[pair.baseline]);
    let table: Vec<Vec<u64>> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| **x + **y > 0)
        .map(|(&x, &y)| vec![x, y])
        .collect();
    let (na, nb): (u64, u64) = (a.iter().sum(), b.iter().sum());
    if na == 0 || nb == 0 {
        return Finding::untested(
            name,
            pair,
            TestKind::ChiSquare,
            None,
            format!("no values to compare (n = {na} and {nb})"),
        );
    }
    if table.len() < 2 {
        return Finding::untested(
            name,
            pair,
            TestKind::ChiSquare,
            None,
            "only one value occurs in these groups".to_owned(),
        );
    }
    match stats::chi2_contingency(&table, false) {
        Ok(chi) if chi.min_expected < MIN_EXPECTED => {
            let reason = format!(
                "too few users for a chi-square test of the whole mix (smallest expected count {:.1}, needs 5); see the per-value tests",
                chi.min_expected
            );
            Finding::untested(name, pair, TestKind::ChiSquare, None, reason)
        }
        Ok(chi) => {
            let cramers_v = stats::cramers_v(&table).unwrap_or(0.0);
            let effect = Effect::Mix {
                cramers_v,
                df: chi.df,
            };
            Finding::tested(
                name,
                pair,
                TestKind::ChiSquare,
                effect,
                Some(chi.statistic),
                chi.p_value,
            )
        }
        Err(e) => Finding::untested(name, pair, TestKind::ChiSquare, None, reason(&e)),
    }
}

/// Rows sampled to recognise identifiers and free text before counting every value.
const SAMPLE: usize = 1024;

/// Why a text or id column is not summarised, judged cheaply before counting: a dictionary with more
/// entries than half the rows, or strings that are mostly distinct in the first rows.
fn mostly_distinct(column: &Column) -> Option<String> {
    if column.ty() == ColumnType::Category {
        return None;
    }
    let rows = column.valid().count();
    let distinct = match column.data() {
        ColumnData::Dictionary(dict) => dict.values.len(),
        ColumnData::Strings(strings) => {
            let mut seen = std::collections::HashSet::new();
            for row in column.valid().iter().take(SAMPLE) {
                seen.insert(strings.get(row));
            }
            let sampled = rows.min(SAMPLE);
            if seen.len() > DISTINCT_LIMIT && seen.len() * 2 > sampled {
                return Some(format!(
                    "{} distinct values in the first {sampled} rows: identifiers or free text, not categories",
                    seen.len()
                ));
            }
            return None;
        }
        _ => return None,
    };
    (distinct > DISTINCT_LIMIT && distinct * 2 > rows).then(|| {
        format!(
            "{distinct} distinct values in {rows} rows: identifiers or free text, not categories"
        )
    })
}
