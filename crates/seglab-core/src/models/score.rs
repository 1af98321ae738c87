//! A health score: 3–6 measures, each normalised by percentile rank, oriented and weighted, averaged to
//! 0–100, cut into bands that become segments, and back-tested against an outcome.
//!
//! # Definitions
//! - **Percentile rank** of a user's value: `(mid-rank − 0.5) / n` among the `n` users with a value, so
//!   ties share one rank and the ranks spread evenly over (0, 1). "Lower is better" uses `1 − rank`.
//! - **Missing values** count as the median rank 0.5 (neither good nor bad); each measure reports how
//!   many users were missing ([`MissingScore::Median`]).
//! - **Score** = 100 × Σ wᵢ·rankᵢ / Σ wᵢ.
//! - **Bands**: at risk `< 25`, needs attention `< 50`, healthy `< 75`, champion from 75 (editable).
//!   Each band is a definition over the added population column [`SCORE_COLUMN`], e.g.
//!   `health_score >= 25 and health_score < 50`, and its members.
//! - **Back-test**: ROC AUC by the Mann–Whitney statistic with mid-ranks for ties (equal to
//!   scikit-learn's `roc_auc_score`), with the Hanley–McNeil (1982) and DeLong (1988) 95% intervals,
//!   clamped to 0–1 ([`auc_delong`]); the
//!   outcome rate per score decile (users with a known outcome sorted by score, ties in row order, cut
//!   into ten groups of equal size); each measure's own AUC and how much the score's AUC drops when the
//!   measure is left out. A numeric outcome is positive above a threshold (default: its median).
//!
//! # Text form (for URLs)
//! `count(Login, 30d):+:2;latest(nps.score):+:1;days_since_last_seen:-:1`, each part `name:direction:
//! weight` with `+` for higher is better and `-` for lower is better; non-default bands are a last part
//! `bands:20:50:80`. A measure written without the space after its comma (`count(Login,30d)`) is found
//! too.

use super::{ModelError, Numeric, mid_ranks, resolve_numeric};
use crate::bitset::Bitset;
use crate::dataset::Dataset;
use crate::stats::{CONFIDENCE, Interval, dist::normal_critical};
use crate::table::{Column, ColumnData, ColumnType};
use serde::{Deserialize, Serialize};

/// The population column a score is added as.
pub const SCORE_COLUMN: &str = "health_score";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// One measure of a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreMeasure {
    /// A numeric population column or a measure name.
    pub name: String,
    pub direction: Direction,
    /// A positive weight.
    pub weight: f64,
}

/// Band thresholds on the 0–100 score.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bands {
    pub at_risk: f64,
    pub needs_attention: f64,
    pub healthy: f64,
}

impl Default for Bands {
    fn default() -> Self {
        Self {
            at_risk: 25.0,
            needs_attention: 50.0,
            healthy: 75.0,
        }
    }
}

/// What a score is made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreDefinition {
    pub measures: Vec<ScoreMeasure>,
    #[serde(default)]
    pub bands: Bands,
}

impl std::fmt::Display for ScoreDefinition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, m) in self.measures.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            let sign = match m.direction {
                Direction::HigherIsBetter => '+',
                Direction::LowerIsBetter => '-',
            };
            write!(f, "{}:{sign}:{}", m.name, m.weight)?;
        }
        if self.bands != Bands::default() {
            let b = self.bands;
            write!(
                f,
                ";bands:{}:{}:{}",
                b.at_risk, b.needs_attention, b.healthy
            )?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ScoreDefinition {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, ModelError> {
        let mut measures = Vec::new();
        let mut bands = Bands::default();
        for (i, part) in text.split(';').enumerate() {
            let error = |message: &str| ModelError::ScoreText {
                part: i + 1,
                text: part.to_owned(),
                message: message.to_owned(),
            };
            let fields: Vec<&str> = part.rsplitn(4, ':').collect();
            if let [healthy, attention, risk, "bands"] = fields[..] {
                let number = |t: &str| {
                    t.trim()
                        .parse::<f64>()
                        .map_err(|_| error("band thresholds are numbers, e.g. bands:25:50:75"))
                };
                bands = Bands {
                    at_risk: number(risk)?,
                    needs_attention: number(attention)?,
                    healthy: number(healthy)?,
                };
                continue;
            }
            let mut fields = part.rsplitn(3, ':');
            let (Some(weight), Some(sign), Some(name)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(error("expected NAME:+:WEIGHT or NAME:-:WEIGHT"));
            };
            let direction = match sign.trim() {
                "+" => Direction::HigherIsBetter,
                "-" => Direction::LowerIsBetter,
                _ => {
                    return Err(error(
                        "the direction is + (higher is better) or - (lower is better)",
                    ));
                }
            };
            let weight: f64 = weight
                .trim()
                .parse()
                .map_err(|_| error("the weight is a number, e.g. 2 or 0.5"))?;
            if name.trim().is_empty() {
                return Err(error("the measure name is missing"));
            }
            measures.push(ScoreMeasure {
                name: name.to_owned(),
                direction,
                weight,
            });
        }
        Ok(Self { measures, bands })
    }
}

/// How missing values enter the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingScore {
    /// A missing value counts as percentile rank 0.5.
    Median,
}

/// The outcome to back-test against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// A yes/no column (positive = yes) or a numeric one.
    pub column: String,
    /// For a numeric outcome: positive when the value is above this; the median when left out.
    #[serde(default)]
    pub threshold: Option<f64>,
}

/// One band as a segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub name: String,
    /// In the segment language, over [`SCORE_COLUMN`].
    pub definition: String,
    /// Inclusive lower end (0 for the first band).
    pub low: f64,
    /// Exclusive upper end (`None` for the last band).
    pub high: Option<f64>,
    pub size: usize,
    pub members: Bitset,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureReport {
    pub name: String,
    pub direction: Direction,
    pub weight: f64,
    /// Users without a value (scored as 0.5).
    pub missing: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decile {
    /// 1 (lowest scores) to 10.
    pub decile: usize,
    pub low: f64,
    pub high: f64,
    pub n: usize,
    pub positives: usize,
    pub rate: f64,
}

/// Which measure carries the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureInfluence {
    pub name: String,
    /// The AUC of the measure's own oriented rank.
    pub auc: f64,
    /// The AUC of the score without this measure.
    pub auc_without: f64,
    /// `auc − auc_without` of the full score: how much the score loses without it.
    pub drop: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub outcome: String,
    /// The threshold a numeric outcome was cut at.
    pub threshold: Option<f64>,
    /// Users with a known outcome.
    pub n: usize,
    pub positives: usize,
    pub auc: f64,
    /// Hanley–McNeil 95% interval.
    pub ci: Interval,
    /// DeLong's 95% interval (DeLong, DeLong & Clarke-Pearson 1988): the variance from each user's
    /// placement among the other class, with no assumption about the score's distribution.
    pub ci_delong: Interval,
    pub deciles: Vec<Decile>,
    pub influence: Vec<MeasureInfluence>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    /// The population column the scores are meant to be added as ([`SCORE_COLUMN`]).
    pub column: String,
    /// One score (0–100) per population row.
    pub scores: Vec<f64>,
    pub missing: MissingScore,
    pub measures: Vec<MeasureReport>,
    pub bands: Vec<Band>,
    pub backtest: Option<Backtest>,
}

impl ScoreResult {
    /// The scores as a population column, for [`super::with_columns`].
    pub fn to_column(&self) -> Column {
        let len = self.scores.len();
        Column::new(
            self.column.clone(),
            ColumnType::Decimal,
            ColumnData::Decimal(self.scores.clone()),
            Bitset::full(len),
        )
    }
}

/// Computes the score of every user, its bands, and (with an outcome) the back-test.
pub fn score(
    dataset: &Dataset,
    definition: &ScoreDefinition,
    outcome: Option<&Outcome>,
) -> Result<ScoreResult, ModelError> {
    let found = definition.measures.len();
    if !(3..=6).contains(&found) {
        return Err(ModelError::MeasureCount { found });
    }
    let b = definition.bands;
    let ok = |x: f64| x.is_finite();
    if !(ok(b.at_risk) && ok(b.needs_attention) && ok(b.healthy))
        || !(0.0 < b.at_risk
            && b.at_risk < b.needs_attention
            && b.needs_attention < b.healthy
            && b.healthy < 100.0)
    {
        return Err(ModelError::Bands([b.at_risk, b.needs_attention, b.healthy]));
    }
    let users = dataset.users();
    let mut ranks = Vec::with_capacity(found);
    let mut reports = Vec::with_capacity(found);
    for m in &definition.measures {
        if !(m.weight.is_finite() && m.weight > 0.0) {
            return Err(ModelError::Weight {
                name: m.name.clone(),
                weight: m.weight,
            });
        }
        let (_, values) = resolve_numeric(dataset, &m.name)?;
        if values.valid.count() == 0 {
            return Err(ModelError::NoValues {
                name: m.name.clone(),
            });
        }
        let (rank, missing) = percentile_ranks(&values, m.direction);
        ranks.push(rank);
        reports.push(MeasureReport {
            name: m.name.clone(),
            direction: m.direction,
            weight: m.weight,
            missing,
        });
    }
    let weights: Vec<f64> = definition.measures.iter().map(|m| m.weight).collect();
    let scores = combine(&ranks, &weights, users, None);
    let bands = bands(&scores, b);
    let backtest = match outcome {
        Some(outcome) => Some(backtest(
            dataset, outcome, &scores, &ranks, &weights, &reports,
        )?),
        None => None,
    };
    Ok(ScoreResult {
        column: SCORE_COLUMN.to_owned(),
        scores,
        missing: MissingScore::Median,
        measures: reports,
        bands,
        backtest,
    })
}

fn percentile_ranks(values: &Numeric, direction: Direction) -> (Vec<f64>, usize) {
    let known: Vec<usize> = values.valid.iter().collect();
    let known_values: Vec<f64> = known.iter().map(|&i| values.values[i]).collect();
    let mid = mid_ranks(&known_values);
    let n = known.len() as f64;
    let mut out = vec![0.5; values.values.len()];
    for (&row, r) in known.iter().zip(mid) {
        let p = (r - 0.5) / n;
        out[row] = match direction {
            Direction::HigherIsBetter => p,
            Direction::LowerIsBetter => 1.0 - p,
        };
    }
    (out, values.values.len() - known.len())
}

fn combine(ranks: &[Vec<f64>], weights: &[f64], users: usize, skip: Option<usize>) -> Vec<f64> {
    let total: f64 = weights
        .iter()
        .enumerate()
        .filter(|&(i, _)| Some(i) != skip)
        .map(|(_, w)| w)
        .sum();
    let mut scores = vec![0.0; users];
    for (i, (rank, &w)) in ranks.iter().zip(weights).enumerate() {
        if Some(i) == skip {
            continue;
        }
        for (s, &r) in scores.iter_mut().zip(rank) {
            *s += w * r;
        }
    }
    for s in &mut scores {
        *s = 100.0 * *s / total;
    }
    scores
}

fn bands(scores: &[f64], b: Bands) -> Vec<Band> {
    let cuts = [
        ("At risk", 0.0, Some(b.at_risk)),
        ("Needs attention", b.at_risk, Some(b.needs_attention)),
        ("Healthy", b.needs_attention, Some(b.healthy)),
        ("Champion", b.healthy, None),
    ];
    cuts.iter()
        .enumerate()
        .map(|(i, &(name, low, high))| {
            let members = Bitset::from_fn(scores.len(), |r| {
                let s = scores[r];
                (i == 0 || s >= low) && high.is_none_or(|h| s < h)
            });
            let definition = match (i, high) {
                (0, Some(h)) => format!("{SCORE_COLUMN} < {h}"),
                (_, Some(h)) => format!("{SCORE_COLUMN} >= {low} and {SCORE_COLUMN} < {h}"),
                (_, None) => format!("{SCORE_COLUMN} >= {low}"),
            };
            Band {
                name: name.to_owned(),
                definition,
                low,
                high,
                size: members.count(),
                members,
            }
        })
        .collect()
}

/// ROC AUC of `scores` for `labels` (true = positive) with the Hanley–McNeil interval; `None` when
/// either class is empty.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<(f64, Interval)> {
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let ranks = mid_ranks(scores);
    let rank_sum: f64 = ranks
        .iter()
        .zip(labels)
        .filter(|&(_, &l)| l)
        .map(|(r, _)| r)
        .sum();
    let (np, nn) = (positives as f64, negatives as f64);
    let a = (rank_sum - np * (np + 1.0) / 2.0) / (np * nn);
    let q1 = a / (2.0 - a);
    let q2 = 2.0 * a * a / (1.0 + a);
    let variance =
        (a * (1.0 - a) + (np - 1.0) * (q1 - a * a) + (nn - 1.0) * (q2 - a * a)) / (np * nn);
    let half = normal_critical(CONFIDENCE) * variance.max(0.0).sqrt();
    Some((
        a,
        Interval {
            low: (a - half).max(0.0),
            high: (a + half).min(1.0),
        },
    ))
}

/// ROC AUC of `scores` for `labels` with DeLong's interval; `None` when either class is empty.
///
/// With `m` positives and `n` negatives, each positive's placement is the share of negatives it
/// outranks (ties count half), `V10 = (rank among all − rank among positives) / n`, and each negative's is
/// `V01 = 1 − (rank among all − rank among negatives) / m` (mid-ranks throughout). The variance of the
/// AUC is `var(V10) / m + var(V01) / n`, each with `m − 1` and `n − 1` in the denominator; with one user in
/// a class that class contributes nothing.
pub fn auc_delong(scores: &[f64], labels: &[bool]) -> Option<(f64, Interval)> {
    let (positive, negative): (Vec<f64>, Vec<f64>) = {
        let mut p = Vec::new();
        let mut n = Vec::new();
        for (&s, &l) in scores.iter().zip(labels) {
            if l { p.push(s) } else { n.push(s) }
        }
        (p, n)
    };
    let (m, n) = (positive.len(), negative.len());
    if m == 0 || n == 0 {
        return None;
    }
    let all: Vec<f64> = positive.iter().chain(&negative).copied().collect();
    let ranks = mid_ranks(&all);
    let (within_p, within_n) = (mid_ranks(&positive), mid_ranks(&negative));
    let (mf, nf) = (m as f64, n as f64);
    let v10: Vec<f64> = (0..m).map(|i| (ranks[i] - within_p[i]) / nf).collect();
    let v01: Vec<f64> = (0..n)
        .map(|j| 1.0 - (ranks[m + j] - within_n[j]) / mf)
        .collect();
    let a = v10.iter().sum::<f64>() / mf;
    let sample_variance = |v: &[f64]| {
        if v.len() < 2 {
            return 0.0;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (v.len() - 1) as f64
    };
    let variance = sample_variance(&v10) / mf + sample_variance(&v01) / nf;
    let half = normal_critical(CONFIDENCE) * variance.max(0.0).sqrt();
    Some((
        a,
        Interval {
            low: (a - half).max(0.0),
            high: (a + half).min(1.0),
        },
    ))
}

fn backtest(
    dataset: &Dataset,
    outcome: &Outcome,
    scores: &[f64],
    ranks: &[Vec<f64>],
    weights: &[f64],
    reports: &[MeasureReport],
) -> Result<Backtest, ModelError> {
    let (column, values) = resolve_numeric(dataset, &outcome.column)?;
    let rows: Vec<usize> = values.valid.iter().collect();
    let threshold = if column.ty() == ColumnType::Boolean {
        None
    } else {
        Some(outcome.threshold.unwrap_or_else(|| {
            let mut known: Vec<f64> = rows.iter().map(|&r| values.values[r]).collect();
            known.sort_by(f64::total_cmp);
            crate::stats::quantile_sorted(&known, 0.5).unwrap_or(0.0)
        }))
    };
    let labels: Vec<bool> = rows
        .iter()
        .map(|&r| match threshold {
            None => values.values[r] > 0.5,
            Some(t) => values.values[r] > t,
        })
        .collect();
    let pick = |all: &[f64]| -> Vec<f64> { rows.iter().map(|&r| all[r]).collect() };
    let known_scores = pick(scores);
    let Some((auc_all, ci)) = auc(&known_scores, &labels) else {
        return Err(ModelError::OneClass {
            name: outcome.column.clone(),
        });
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| {
        known_scores[a].total_cmp(&known_scores[b])
    });
    let n = rows.len();
    let mut deciles = Vec::with_capacity(10);
    for d in 0..10 {
        let (start, end) = (d * n / 10, (d + 1) * n / 10);
        if start == end {
            continue;
        }
        let slice = &order[start..end];
        let positives = slice.iter().filter(|&&i| labels[i]).count();
        deciles.push(Decile {
            decile: d + 1,
            low: known_scores[slice[0]],
            high: known_scores[slice[slice.len() - 1]],
            n: slice.len(),
            positives,
            rate: positives as f64 / slice.len() as f64,
        });
    }
    let users = scores.len();
    let influence = reports
        .iter()
        .enumerate()
        .map(|(i, report)| {
            let own = auc(&pick(&ranks[i]), &labels).map_or(0.5, |(a, _)| a);
            let without = combine(ranks, weights, users, Some(i));
            let auc_without = auc(&pick(&without), &labels).map_or(0.5, |(a, _)| a);
            MeasureInfluence {
                name: report.name.clone(),
                auc: own,
                auc_without,
                drop: auc_all - auc_without,
            }
        })
        .collect();
    Ok(Backtest {
        outcome: column.name().to_owned(),
        threshold,
        n,
        positives: labels.iter().filter(|&&l| l).count(),
        auc: auc_all,
        ci,
        ci_delong: auc_delong(&known_scores, &labels).map_or(ci, |(_, ci)| ci),
        deciles,
        influence,
    })
}
