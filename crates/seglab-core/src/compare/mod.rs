//! Side-by-side comparison of 2–8 segments: every column summarised per group, every difference against
//! the baseline tested, with an effect size, a confidence interval and a false-discovery-controlled
//! p-value, and told in one plain sentence.
//!
//! # Which test for which column
//! - **Boolean** columns and each shown value of a **categorical** column: the share in the group against
//!   the share in the baseline, by the pooled two-proportion z-test, or by Fisher's exact test when any
//!   expected count of the 2×2 table is below 5. Effects: the difference in percentage points with
//!   Newcombe's interval, the ratio with a log interval, and Cohen's h.
//! - The **mix of a categorical column** (top values plus "other"): the chi-square test of independence
//!   without Yates' correction, with Cramér's V. When an expected count is below 5 the test is not run and
//!   the finding says so (the per-value Fisher tests still are).
//! - **Numeric** columns: Welch's t-test of the means, with the difference's t interval and Cohen's d —
//!   unless either group is strongly skewed (|sample skewness| > 1, as revenue and counts of events
//!   usually are), where a mean is dominated by a few users; then the Mann–Whitney U test, whose effect is
//!   the probability that a user of the group has a higher value than one of the baseline. One test per
//!   column and group, so that the multiple-comparison correction is not diluted by duplicates.
//! - **Dates** are compared as numbers of days by the same rule.
//!
//! Every p-value in one comparison is adjusted together by Benjamini–Hochberg; a finding is significant
//! when its adjusted p-value is below 0.05. To rank findings of different kinds, each effect is also put
//! on Cohen's d scale (`magnitude`): Cohen's h as is, Mann–Whitney's probability `P` (clamped to
//! 0.001–0.999) as `√2 Φ⁻¹(P)`,
//! Cramér's V as `2V / √(1 − V²)`.
//!
//! # "Everyone else"
//! With `include_rest`, a group named "Everyone else" is added after the given ones: the rows in none of
//! them. With one segment that is "in the segment vs not"; the baseline index may point at it.

mod breakdown;
mod categorical;
mod numeric;
mod overlap;
mod panel;
mod select;
mod text;

pub use breakdown::{
    NpsComparison, NpsFinding, Pivot, PivotCell, PivotRow, breakdown, compare_nps, nps,
};
pub use overlap::{Intersection, Overlap, overlap};
pub use panel::{Panel, PanelGroup, panel};

use crate::bitset::Bitset;
use crate::stats::{self, Interval, NotEnough};
use crate::table::{ColumnType, Table};
use serde::{Deserialize, Serialize};

/// At most this many segments are compared at once (a rest group comes on top).
pub const MAX_GROUPS: usize = 8;

/// A significance threshold for adjusted p-values.
pub const ALPHA: f64 = 0.05;

/// One segment to compare.
#[derive(Clone, Debug)]
pub struct Group<'a> {
    pub name: String,
    /// A CSS colour for charts; passed through untouched.
    pub color: String,
    pub members: &'a Bitset,
}

/// How to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareOptions {
    /// Index of the group the others are compared against; `groups.len()` selects "Everyone else".
    pub baseline: usize,
    /// Add "Everyone else": the rows in none of the groups.
    pub include_rest: bool,
    /// Categorical columns show this many most frequent values; the rest are summed as "other".
    pub max_categories: usize,
    /// Number of histogram bins for numeric columns (the edges are rounded to nice numbers, so the
    /// actual count may differ by one or two).
    pub histogram_bins: usize,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            baseline: 0,
            include_rest: false,
            max_categories: 10,
            histogram_bins: 20,
        }
    }
}

/// Why a comparison could not be made, in words that say how to fix the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("nothing to compare: choose at least one segment")]
    NoGroups,
    #[error("{found} segments chosen; Seglab compares at most {MAX_GROUPS} at once")]
    TooManyGroups { found: usize },
    #[error(
        "segment `{name}` covers {found} rows, but the table has {expected}; rebuild it on this file"
    )]
    GroupLength {
        name: String,
        expected: usize,
        found: usize,
    },
    #[error("the baseline is group {baseline}, but the groups are numbered 0 to {last}")]
    Baseline { baseline: usize, last: usize },
    #[error("there is no column `{name}`; the columns are: {available}")]
    UnknownColumn { name: String, available: String },
    #[error("column `{name}` is {ty}; {needed}")]
    WrongType {
        name: String,
        ty: ColumnType,
        needed: &'static str,
    },
    #[error(
        "column `{column}`, row {row}: {value} is not an NPS score (a whole number from 0 to 10)"
    )]
    NotAScore {
        column: String,
        row: usize,
        value: String,
    },
    #[error("{0}")]
    NotEnough(#[from] NotEnough),
}

/// The result of `compare`, ready to render or print as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub rows: usize,
    pub groups: Vec<GroupInfo>,
    pub baseline: usize,
    pub columns: Vec<ColumnComparison>,
    /// Every difference against the baseline, in column order, with its adjusted p-value.
    pub findings: Vec<Finding>,
    /// Things a reader should know, e.g. that segments overlap.
    pub notes: Vec<String>,
}

/// A compared group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupInfo {
    pub name: String,
    pub color: String,
    pub size: usize,
    /// True for the automatic "Everyone else".
    pub rest: bool,
}

/// One column summarised per group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnComparison {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub summary: Summary,
}

/// A column's per-group summary; each vector has one entry per group, in group order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "SummaryFields")]
pub enum Summary {
    Numeric {
        groups: Vec<NumericSummary>,
        /// Shared bin edges (`bins + 1` of them), the same for every group.
        edges: Vec<f64>,
    },
    Categorical {
        /// The values shown, most frequent first; the last is "other" when `other` is true.
        values: Vec<String>,
        other: bool,
        groups: Vec<CategoricalSummary>,
    },
    Boolean {
        groups: Vec<RateSummary>,
    },
    Date {
        groups: Vec<DateSummary>,
        /// Labels of the histogram bins, shared by every group: months (`2025-03`) when the dates span
        /// less than 240 months, else years (`2025`) or runs of years (`1900–1909`).
        months: Vec<String>,
    },
    /// Not summarised, with the reason (e.g. free text with mostly distinct values).
    Skipped {
        reason: String,
    },
}

/// `Summary` as read back (see `crate::tagged`): the groups of every kind read as one flat struct too.
#[derive(Deserialize)]
struct SummaryFields {
    kind: String,
    groups: Option<Vec<GroupFields>>,
    edges: Option<Vec<f64>>,
    values: Option<Vec<String>>,
    other: Option<bool>,
    months: Option<Vec<String>>,
    reason: Option<String>,
}

/// A group of any kind of `Summary`: a numeric group's `min`, `median` and `max` are numbers, a date
/// group's are texts.
#[derive(Deserialize)]
struct GroupFields {
    n: u64,
    missing: u64,
    mean: Option<f64>,
    mean_ci: Option<Interval>,
    sd: Option<f64>,
    min: Option<NumberOrText>,
    p10: Option<f64>,
    p25: Option<f64>,
    median: Option<NumberOrText>,
    p75: Option<f64>,
    p90: Option<f64>,
    max: Option<NumberOrText>,
    histogram: Option<Vec<u64>>,
    counts: Option<Vec<u64>>,
    shares: Option<Vec<Option<Share>>>,
    count: Option<u64>,
    rate: Option<Share>,
}

/// A number or a text, whichever the value is.
enum NumberOrText {
    Number(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for NumberOrText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = NumberOrText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or a text")
            }
            fn visit_f64<E>(self, v: f64) -> Result<NumberOrText, E> {
                Ok(NumberOrText::Number(v))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E>(self, v: i64) -> Result<NumberOrText, E> {
                Ok(NumberOrText::Number(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E>(self, v: u64) -> Result<NumberOrText, E> {
                Ok(NumberOrText::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<NumberOrText, E> {
                Ok(NumberOrText::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// An optional number (`None` when it is a text).
fn number(value: Option<&NumberOrText>, name: &str) -> Result<Option<f64>, String> {
    match value {
        None => Ok(None),
        Some(NumberOrText::Number(x)) => Ok(Some(*x)),
        Some(NumberOrText::Text(_)) => Err(format!("`{name}` must be a number")),
    }
}

/// An optional text (`None` when it is a number).
fn text(value: Option<NumberOrText>, name: &str) -> Result<Option<String>, String> {
    match value {
        None => Ok(None),
        Some(NumberOrText::Text(t)) => Ok(Some(t)),
        Some(NumberOrText::Number(_)) => Err(format!("`{name}` must be a text")),
    }
}

/// A count read as `u64` that the summary holds as `usize`.
fn size(value: u64) -> Result<usize, String> {
    usize::try_from(value).map_err(|_| format!("{value} is too large a count"))
}

impl TryFrom<SummaryFields> for Summary {
    type Error = String;

    fn try_from(f: SummaryFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.kind.as_str();
        if tag == "skipped" {
            return Ok(Self::Skipped {
                reason: field(f.reason, tag, "reason")?,
            });
        }
        let groups = field(f.groups, tag, "groups")?.into_iter();
        Ok(match tag {
            "numeric" => Self::Numeric {
                groups: groups
                    .map(|g| {
                        Ok(NumericSummary {
                            n: size(g.n)?,
                            missing: size(g.missing)?,
                            mean: g.mean,
                            mean_ci: g.mean_ci,
                            sd: g.sd,
                            min: number(g.min.as_ref(), "min")?,
                            p10: g.p10,
                            p25: g.p25,
                            median: number(g.median.as_ref(), "median")?,
                            p75: g.p75,
                            p90: g.p90,
                            max: number(g.max.as_ref(), "max")?,
                            histogram: field(g.histogram, tag, "histogram")?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                edges: field(f.edges, tag, "edges")?,
            },
            "categorical" => Self::Categorical {
                values: field(f.values, tag, "values")?,
                other: field(f.other, tag, "other")?,
                groups: groups
                    .map(|g| {
                        Ok(CategoricalSummary {
                            n: g.n,
                            missing: g.missing,
                            counts: field(g.counts, tag, "counts")?,
                            shares: field(g.shares, tag, "shares")?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            },
            "boolean" => Self::Boolean {
                groups: groups
                    .map(|g| {
                        Ok(RateSummary {
                            n: g.n,
                            missing: g.missing,
                            count: field(g.count, tag, "count")?,
                            rate: g.rate,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            },
            "date" => Self::Date {
                groups: groups
                    .map(|g| {
                        Ok(DateSummary {
                            n: size(g.n)?,
                            missing: size(g.missing)?,
                            min: text(g.min, "min")?,
                            median: text(g.median, "median")?,
                            max: text(g.max, "max")?,
                            histogram: field(g.histogram, tag, "histogram")?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                months: field(f.months, tag, "months")?,
            },
            _ => return Err(unknown(tag)),
        })
    }
}

/// A share with its Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub share: f64,
    pub ci: Interval,
}

impl Share {
    fn of(count: u64, n: u64) -> Option<Self> {
        let ci = stats::wilson(count, n).ok()?;
        Some(Self {
            share: count as f64 / n as f64,
            ci,
        })
    }
}

/// A numeric column within one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    pub n: usize,
    pub missing: usize,
    pub mean: Option<f64>,
    /// 95% t interval of the mean; absent below two values.
    pub mean_ci: Option<Interval>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    /// Quantiles by numpy's default (linear, type 7).
    pub p10: Option<f64>,
    pub p25: Option<f64>,
    pub median: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
    /// Counts per bin of the shared `edges`.
    pub histogram: Vec<u64>,
}

/// A categorical column within one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoricalSummary {
    /// Rows with a value.
    pub n: u64,
    pub missing: u64,
    /// Counts per shown value (and "other").
    pub counts: Vec<u64>,
    /// Shares among rows with a value; `None` when the group has none.
    pub shares: Vec<Option<Share>>,
}

/// A boolean column within one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateSummary {
    pub n: u64,
    pub missing: u64,
    pub count: u64,
    pub rate: Option<Share>,
}

/// A date column within one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateSummary {
    pub n: usize,
    pub missing: usize,
    /// `YYYY-MM-DD`.
    pub min: Option<String>,
    pub median: Option<String>,
    pub max: Option<String>,
    /// Counts per month of the shared `months`.
    pub histogram: Vec<u64>,
}

/// The test behind a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    TwoProportionZ,
    FisherExact,
    ChiSquare,
    WelchT,
    MannWhitneyU,
}

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    fn new(estimate: f64, ci: Interval) -> Self {
        Self {
            estimate,
            low: ci.low,
            high: ci.high,
        }
    }
}

/// What a finding measured, with the effect sizes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "EffectFields")]
pub enum Effect {
    /// A share (of `true`, or of one value of a categorical column).
    Proportions {
        /// The categorical value; `None` for a boolean column's rate of `true`.
        value: Option<String>,
        count: u64,
        n: u64,
        baseline_count: u64,
        baseline_n: u64,
        /// `share − baseline share` (fractions), Newcombe's interval.
        difference: Option<Estimate>,
        /// `share / baseline share`, log interval; absent when the baseline has none.
        ratio: Option<Estimate>,
        cohens_h: f64,
    },
    /// Means, by Welch's test.
    Means {
        mean: f64,
        baseline_mean: f64,
        difference: Estimate,
        cohens_d: Option<f64>,
        /// The values are days since 1970 (a date column).
        dates: bool,
    },
    /// Whole distributions, by Mann–Whitney U.
    Distributions {
        median: f64,
        baseline_median: f64,
        /// P(a group value > a baseline value) + ½ P(equal).
        probability_greater: f64,
        /// The values are days since 1970 (a date column).
        dates: bool,
    },
    /// The mix of a categorical column, by chi-square.
    Mix { cramers_v: f64, df: usize },
}

/// `Effect` as read back (see `crate::tagged`).
#[derive(Deserialize)]
struct EffectFields {
    kind: String,
    value: Option<String>,
    count: Option<u64>,
    n: Option<u64>,
    baseline_count: Option<u64>,
    baseline_n: Option<u64>,
    difference: Option<Estimate>,
    ratio: Option<Estimate>,
    cohens_h: Option<f64>,
    mean: Option<f64>,
    baseline_mean: Option<f64>,
    cohens_d: Option<f64>,
    dates: Option<bool>,
    median: Option<f64>,
    baseline_median: Option<f64>,
    probability_greater: Option<f64>,
    cramers_v: Option<f64>,
    df: Option<usize>,
}

impl TryFrom<EffectFields> for Effect {
    type Error = String;

    fn try_from(f: EffectFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.kind.as_str();
        Ok(match tag {
            "proportions" => Self::Proportions {
                value: f.value,
                count: field(f.count, tag, "count")?,
                n: field(f.n, tag, "n")?,
                baseline_count: field(f.baseline_count, tag, "baseline_count")?,
                baseline_n: field(f.baseline_n, tag, "baseline_n")?,
                difference: f.difference,
                ratio: f.ratio,
                cohens_h: field(f.cohens_h, tag, "cohens_h")?,
            },
            "means" => Self::Means {
                mean: field(f.mean, tag, "mean")?,
                baseline_mean: field(f.baseline_mean, tag, "baseline_mean")?,
                difference: field(f.difference, tag, "difference")?,
                cohens_d: f.cohens_d,
                dates: field(f.dates, tag, "dates")?,
            },
            "distributions" => Self::Distributions {
                median: field(f.median, tag, "median")?,
                baseline_median: field(f.baseline_median, tag, "baseline_median")?,
                probability_greater: field(f.probability_greater, tag, "probability_greater")?,
                dates: field(f.dates, tag, "dates")?,
            },
            "mix" => Self::Mix {
                cramers_v: field(f.cramers_v, tag, "cramers_v")?,
                df: field(f.df, tag, "df")?,
            },
            _ => return Err(unknown(tag)),
        })
    }
}

/// One tested (or untestable) difference between a group and the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub column: String,
    pub group: usize,
    pub baseline: usize,
    pub test: TestKind,
    pub effect: Option<Effect>,
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg across all findings of the comparison.
    pub p_adjusted: Option<f64>,
    pub significant: bool,
    /// The effect on Cohen's d scale, for ranking (see the module documentation).
    pub magnitude: Option<f64>,
    /// Why no test was run, when none was.
    pub not_tested: Option<String>,
    /// The finding in one plain sentence.
    pub sentence: String,
}

impl Finding {
    fn tested(
        column: &str,
        pair: Pair,
        test: TestKind,
        effect: Effect,
        statistic: Option<f64>,
        p_value: f64,
    ) -> Self {
        let magnitude = magnitude(&effect);
        Self {
            column: column.to_owned(),
            group: pair.group,
            baseline: pair.baseline,
            test,
            effect: Some(effect),
            statistic: statistic.filter(|s| s.is_finite()),
            p_value: Some(p_value),
            p_adjusted: None,
            significant: false,
            magnitude,
            not_tested: None,
            sentence: String::new(),
        }
    }

    fn untested(
        column: &str,
        pair: Pair,
        test: TestKind,
        effect: Option<Effect>,
        reason: String,
    ) -> Self {
        Self {
            column: column.to_owned(),
            group: pair.group,
            baseline: pair.baseline,
            test,
            effect,
            statistic: None,
            p_value: None,
            p_adjusted: None,
            significant: false,
            magnitude: None,
            not_tested: Some(reason),
            sentence: String::new(),
        }
    }
}

/// A group and the baseline it is compared with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pair {
    pub group: usize,
    pub baseline: usize,
}

fn magnitude(effect: &Effect) -> Option<f64> {
    let m = match effect {
        Effect::Proportions { cohens_h, .. } => cohens_h.abs(),
        Effect::Means { cohens_d, .. } => (*cohens_d)?.abs(),
        Effect::Distributions {
            probability_greater,
            ..
        } => {
            // Clamped to 0.1%–99.9% so that complete separation ranks as a very large effect, not an infinite one.
            let p = probability_greater.clamp(0.001, 0.999);
            (std::f64::consts::SQRT_2 * stats::dist::normal_ppf(p)).abs()
        }
        Effect::Mix { cramers_v, .. } => {
            let v = cramers_v.min(0.999);
            2.0 * v / (1.0 - v * v).sqrt()
        }
    };
    m.is_finite().then_some(m)
}

/// The groups of a comparison with their member sets, "Everyone else" included when asked for.
pub(crate) struct Groups<'a> {
    pub info: Vec<GroupInfo>,
    pub sets: Vec<std::borrow::Cow<'a, Bitset>>,
}

fn resolve<'a>(
    table: &Table,
    groups: &[Group<'a>],
    include_rest: bool,
) -> Result<Groups<'a>, CompareError> {
    if groups.is_empty() {
        return Err(CompareError::NoGroups);
    }
    if groups.len() > MAX_GROUPS {
        return Err(CompareError::TooManyGroups {
            found: groups.len(),
        });
    }
    let mut info = Vec::with_capacity(groups.len() + 1);
    let mut sets = Vec::with_capacity(groups.len() + 1);
    for g in groups {
        if g.members.len() != table.rows() {
            return Err(CompareError::GroupLength {
                name: g.name.clone(),
                expected: table.rows(),
                found: g.members.len(),
            });
        }
        info.push(GroupInfo {
            name: g.name.clone(),
            color: g.color.clone(),
            size: g.members.count(),
            rest: false,
        });
        sets.push(std::borrow::Cow::Borrowed(g.members));
    }
    if include_rest {
        let mut union = Bitset::new(table.rows());
        for g in groups {
            union.or_inplace(g.members);
        }
        let rest = union.not();
        info.push(GroupInfo {
            name: "Everyone else".to_owned(),
            color: "#9ca3af".to_owned(),
            size: rest.count(),
            rest: true,
        });
        sets.push(std::borrow::Cow::Owned(rest));
    }
    Ok(Groups { info, sets })
}

/// Compares `groups` over every column of `table`.
pub fn compare(
    table: &Table,
    groups: &[Group<'_>],
    options: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let resolved = resolve(table, groups, options.include_rest)?;
    let count = resolved.sets.len();
    if options.baseline >= count {
        return Err(CompareError::Baseline {
            baseline: options.baseline,
            last: count - 1,
        });
    }
    let pairs: Vec<Pair> = (0..count)
        .filter(|&g| g != options.baseline)
        .map(|group| Pair {
            group,
            baseline: options.baseline,
        })
        .collect();
    let sets: Vec<&Bitset> = resolved.sets.iter().map(AsRef::as_ref).collect();
    let mut columns = Vec::with_capacity(table.columns().len());
    let mut findings = Vec::new();
    for column in table.columns() {
        let summary = match column.ty() {
            ColumnType::Integer | ColumnType::Decimal => numeric::compare_numeric(
                column,
                &sets,
                &pairs,
                options.histogram_bins,
                &mut findings,
            ),
            ColumnType::Date | ColumnType::DateTime => {
                numeric::compare_dates(column, &sets, &pairs, &mut findings)
            }
            ColumnType::Boolean => {
                categorical::compare_boolean(column, &sets, &pairs, &mut findings)
            }
            ColumnType::Category | ColumnType::Text | ColumnType::Id => {
                categorical::compare_categorical(
                    column,
                    &sets,
                    &pairs,
                    options.max_categories,
                    &mut findings,
                )
            }
        };
        columns.push(ColumnComparison {
            name: column.name().to_owned(),
            ty: column.ty(),
            summary,
        });
    }
    adjust(&mut findings);
    for f in &mut findings {
        f.sentence = text::sentence(f, &resolved.info);
    }
    let notes = overlap_notes(&resolved.info, &sets);
    Ok(Comparison {
        rows: table.rows(),
        groups: resolved.info,
        baseline: options.baseline,
        columns,
        findings,
        notes,
    })
}

/// Benjamini–Hochberg over every tested finding.
fn adjust(findings: &mut [Finding]) {
    let tested: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].p_value.is_some())
        .collect();
    let p: Vec<f64> = tested.iter().filter_map(|&i| findings[i].p_value).collect();
    for (&i, q) in tested.iter().zip(stats::benjamini_hochberg(&p)) {
        findings[i].p_adjusted = Some(q);
        findings[i].significant = q < ALPHA;
    }
}

fn overlap_notes(info: &[GroupInfo], sets: &[&Bitset]) -> Vec<String> {
    let mut notes = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            let shared = sets[i].intersection_count(sets[j]);
            if shared > 0 {
                notes.push(format!(
                    "{shared} users are in both {} and {}; the tests assume independent groups, so their p-values are only approximate",
                    info[i].name, info[j].name
                ));
            }
        }
    }
    for g in info {
        if g.size == 0 {
            notes.push(format!("{} has no users", g.name));
        }
    }
    notes
}

/// What distinguishes `a` from `b`: the significant differences (Benjamini–Hochberg over every test of
/// the comparison), largest effect first.
pub fn distinguish(
    table: &Table,
    a: &Group<'_>,
    b: &Group<'_>,
) -> Result<Vec<Finding>, CompareError> {
    let options = CompareOptions {
        baseline: 1,
        ..CompareOptions::default()
    };
    let comparison = compare(table, &[a.clone(), b.clone()], &options)?;
    let mut findings: Vec<Finding> = comparison
        .findings
        .into_iter()
        .filter(|f| f.significant)
        .collect();
    crate::sorting::sort_by(&mut findings, |x, y| {
        y.magnitude
            .unwrap_or(0.0)
            .total_cmp(&x.magnitude.unwrap_or(0.0))
    });
    Ok(findings)
}

/// Resolves a column by name (exact, then ignoring case).
pub(crate) fn find_column<'t>(
    table: &'t Table,
    name: &str,
) -> Result<&'t crate::table::Column, CompareError> {
    table
        .column_loose(name)
        .ok_or_else(|| CompareError::UnknownColumn {
            name: name.to_owned(),
            available: table
                .columns()
                .iter()
                .map(|c| format!("`{}`", c.name()))
                .collect::<Vec<_>>()
                .join(", "),
        })
}
