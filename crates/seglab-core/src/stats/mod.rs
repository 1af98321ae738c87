//! Statistics for comparing segments: distributions, tests, intervals and multiple-comparison correction.
//!
//! Every function here matches a named reference (scipy.stats or statsmodels) to a relative 1e-9; the
//! reference is given on each function and checked by the oracle tests in `tests/stats_oracle.rs`.
//! Nothing returns NaN: where the data cannot support an answer the result is `Err(NotEnough)`, whose
//! message says why in words a product manager understands.

// Formulas keep their textbook names (a, b, c, d of a 2×2 table; n, p, q, x), and exact float comparisons
// are deliberate here: ties between ranks, constant samples, convergence of series.
#![allow(clippy::many_single_char_names, clippy::float_cmp)]

pub mod adjust;
pub mod describe;
pub mod dist;
pub mod hypothesis;
pub mod proportion;

use serde::{Deserialize, Serialize};

pub use adjust::{benjamini_hochberg, bonferroni};
pub use describe::{MeanCi, cohens_d, mean_ci, quantile_sorted, quantiles, skewness, sort};
pub use hypothesis::{
    ChiSquare, MannWhitney, Welch, chi2_contingency, chisquare_goodness_of_fit, cramers_v,
    mann_whitney, mann_whitney_sorted, welch_t_test,
};
pub use proportion::{
    Fisher, Nps, NpsDifference, ProportionDifference, ProportionRatio, ZTest, fisher_exact, nps,
    nps_difference, nps_from_counts, proportion_difference, proportion_ratio,
    two_proportion_z_test, wilson,
};

/// The confidence level of every interval Seglab shows.
pub const CONFIDENCE: f64 = 0.95;

/// A two-sided confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Why a statistic could not be computed from the data at hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(
    tag = "reason",
    rename_all = "snake_case",
    try_from = "NotEnoughFields"
)]
pub enum NotEnough {
    #[error("no values")]
    Empty,
    #[error("too few values: needs at least {needed}, has {found}")]
    TooFew { needed: usize, found: usize },
    #[error(
        "the values do not vary within the groups, so there is no spread to measure a difference against"
    )]
    NoVariance,
    #[error("the baseline has no cases, so a ratio to it is undefined")]
    ZeroBaseline,
    #[error("a row or column of the table is empty, so there is nothing to compare there")]
    EmptyMargin,
    #[error(
        "expected counts are too small for a chi-square test (smallest {smallest}, needs 5); merge rare values"
    )]
    SmallExpected { smallest: String },
    #[error("needs at least two categories and two groups")]
    Shape,
    #[error("the values include something that is not a finite number")]
    NotFinite,
    #[error(
        "the values are too large to compute with (beyond 1e150); check the column for corrupt numbers"
    )]
    Overflow,
}

/// `NotEnough` as read back (see `crate::tagged`).
#[derive(Deserialize)]
struct NotEnoughFields {
    reason: String,
    needed: Option<usize>,
    found: Option<usize>,
    smallest: Option<String>,
}

impl TryFrom<NotEnoughFields> for NotEnough {
    type Error = String;

    fn try_from(f: NotEnoughFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.reason.as_str();
        Ok(match tag {
            "empty" => Self::Empty,
            "too_few" => Self::TooFew {
                needed: field(f.needed, tag, "needed")?,
                found: field(f.found, tag, "found")?,
            },
            "no_variance" => Self::NoVariance,
            "zero_baseline" => Self::ZeroBaseline,
            "empty_margin" => Self::EmptyMargin,
            "small_expected" => Self::SmallExpected {
                smallest: field(f.smallest, tag, "smallest")?,
            },
            "shape" => Self::Shape,
            "not_finite" => Self::NotFinite,
            "overflow" => Self::Overflow,
            _ => return Err(unknown(tag)),
        })
    }
}
