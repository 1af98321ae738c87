//! Measuring impact per segment: experiments, before/after comparisons, retention cohorts and funnels.
//!
//! The last step of segmentation is to change something and learn whether it moved a segment. Every
//! function here takes a [`Dataset`] and named selections ([`Selection`]), makes one pass over the event
//! log's per-user CSR, and returns a columnar, serialisable result whose statistics come from
//! [`crate::stats`]. Where the data cannot support an answer the result says so in words
//! ([`NotEnough`](crate::stats::NotEnough)), never with a NaN.
//!
//! # Definitions
//!
//! **Time.** Events later than the dataset's as-of are ignored everywhere. A day is 86 400 s, a week 7 days,
//! a month 30 days (as in the segment language). A date column counts as midnight UTC of that day.
//!
//! **Experiments** ([`experiment`]). Arms come from a variant column (category, boolean or whole number;
//! missing values are unassigned) or from a list of selections (a user in two arms is left out and
//! counted). The control is the given value, else a value named `control` (any case), else the first arm in
//! sorted order. Outcomes are a boolean column (a rate), a numeric column (a mean) or an event measure: the
//! count or any-occurrence of an event in `(exposure, exposure + window]`, where exposure is a date or
//! date-time column or the user's first event. A user whose window has not ended by as-of, or who has no
//! exposure, has no outcome and is left out of that metric. Per arm and per segment (the first segment is
//! always "everyone"): the rate or mean; the absolute lift `treatment − control` with Newcombe's interval
//! and the pooled two-proportion z-test (rates) or Welch's interval and test (means); the relative lift
//! `treatment / control − 1` with statsmodels' log-adjusted ratio interval (rates) or the delta-method
//! interval of a ratio of independent means (means). Checks: the sample-ratio mismatch test (chi-square
//! goodness of fit of the arms' sizes against the expected split, warned below p = 0.01); p-values adjusted
//! across segments × metrics × arms (Benjamini–Hochberg, or Bonferroni); whether the effect differs
//! between the user's segments (two segments: a z-test of the difference of the two effects with
//! `SE = √(se₁² + se₂²)`; more: Cochran's Q, `Σ wᵢ(eᵢ − ē)²` with `wᵢ = 1/seᵢ²` and `ē` the
//! inverse-variance weighted mean, against χ² with k − 1 degrees of freedom; both treat the segments as
//! independent samples, which overlapping segments are not); Simpson's paradox (the pooled effect's sign
//! is opposite to every segment's effect, with at least two segments); and CUPED when a pre-period
//! covariate is given: `θ = cov(Y, X) / var(X)` over all arms of the segment, `Y − θ (X − X̄)` compared by
//! Welch, with the variance reduction `1 − var(Y_adj) / var(Y)`. The effect's standard error for the
//! interaction tests is the unpooled Wald one (`√(p₁q₁/n₁ + p₀q₀/n₀)`, or `√(s₁²/n₁ + s₀²/n₀)`).
//!
//! **Before/after** ([`before_after`]). Per user, the count of an event in `[date − window, date)` and in
//! `[date, date + window)`; the per-user difference after − before is compared between the segment and
//! everyone else by Welch's test: the difference in differences.
//!
//! **Retention** ([`retention`]). A user's start `s` is a date column's day or the first occurrence of the
//! start event (any event by default). The cohort is the calendar week (Monday to Sunday, UTC) or calendar
//! month containing `s`. Period `k` is `[s + k·len, s + (k+1)·len)` with `len` 7 or 30 days; the user is
//! retained in period `k` if they performed the return event (any event by default) in it — in period 0
//! the start event itself counts. Period `k` counts for a user only once it has ended by as-of
//! (`s + (k+1)·len ≤ as_of + 1 s`); users whose period has not ended are left out of that period's
//! denominator ("eligible"). Curves pool every cohort per period, with Wilson intervals.
//!
//! **Funnels** ([`funnel`]). Step 1 is the user's first occurrence of the first event. Each next step is
//! the first occurrence of its event strictly later in time than the previous step's occurrence (an event
//! in the same second does not follow it) and no later than step 1's time plus the window. Earliest
//! matching is greedy, which is optimal: an earlier match never rules out a later step. Conversion to step
//! `i` is `reached_i / reached_1`; the share entering is `reached_1 / segment size`. Each segment's
//! conversion to each step from the second on is tested against a baseline (the first segment after
//! "everyone", or everyone not in the segment) by the pooled two-proportion z-test, Benjamini–Hochberg
//! adjusted across segments × steps. The median time between consecutive steps is over users who reached
//! both (the mean of the two middle values for an even count).

mod before_after;
mod experiment;
mod funnel;
mod retention;

pub use before_after::{BeforeAfter, BeforeAfterSegment, BeforeAfterSpec, before_after};
pub use experiment::{
    Arm, ArmResult, Assignment, Correction, Covariate, Cuped, ExperimentResult, ExperimentSpec,
    Exposure, Interaction, Lift, MetricResult, OutcomeKind, OutcomeSpec, SRM_ALPHA, SegmentMetric,
    experiment,
};
pub use funnel::{FunnelBaseline, FunnelResult, FunnelSegment, FunnelSpec, FunnelStep, funnel};
pub use retention::{
    CohortBy, Period, RetentionPoint, RetentionResult, RetentionSegment, RetentionSpec, retention,
};

use crate::bitset::Bitset;
use crate::dataset::{Dataset, EventLog};
use crate::table::{ColumnData, ColumnType};
use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A named set of users: a segment, an arm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    pub name: String,
    pub members: Bitset,
}

impl Selection {
    pub fn new(name: impl Into<String>, members: Bitset) -> Self {
        Self {
            name: name.into(),
            members,
        }
    }
}

/// Why an impact measurement could not be set up; each names what to change.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ImpactError {
    #[error("there is no column `{column}`; the columns are {available}")]
    UnknownColumn { column: String, available: String },
    #[error("column `{column}` holds {ty} values; {expected}")]
    ColumnType {
        column: String,
        ty: ColumnType,
        expected: String,
    },
    #[error("no event log is loaded; add a file with one row per event (user, event name, time)")]
    NoEvents,
    #[error("no event is named `{event}`{hint}")]
    UnknownEvent { event: String, hint: String },
    #[error("the control `{control}` is not one of the arms: {arms}")]
    UnknownControl { control: String, arms: String },
    #[error("an experiment needs at least two arms; found {found}")]
    TooFewArms { found: usize },
    #[error("`{name}` covers {len} rows, but the data has {users} users")]
    SelectionLength {
        name: String,
        len: usize,
        users: usize,
    },
    #[error(
        "the expected split has {found} shares, but there are {arms} arms ({names}); give one share per arm"
    )]
    SplitLength {
        found: usize,
        arms: usize,
        names: String,
    },
    #[error("the expected split has a share that is not a positive number: {share}")]
    SplitShare { share: f64 },
    #[error("a funnel needs at least one step")]
    NoSteps,
    #[error("the window must be positive, e.g. 14d")]
    Window,
    #[error("the data has no as-of time (no events and no --as-of); give one")]
    NoAsOf,
    #[error("{asked} periods: choose between 1 and 520")]
    Periods { asked: usize },
    #[error("an experiment needs at least one outcome")]
    NoOutcome,
}

/// Checks that every selection ranges over the population's rows.
fn check_selections(dataset: &Dataset, selections: &[Selection]) -> Result<(), ImpactError> {
    let users = dataset.users();
    for s in selections {
        if s.members.len() != users {
            return Err(ImpactError::SelectionLength {
                name: s.name.clone(),
                len: s.members.len(),
                users,
            });
        }
    }
    Ok(())
}

/// "everyone" followed by the given selections.
fn with_everyone(dataset: &Dataset, segments: &[Selection]) -> Vec<Selection> {
    let mut all = Vec::with_capacity(segments.len() + 1);
    all.push(Selection::new("everyone", Bitset::full(dataset.users())));
    all.extend(segments.iter().cloned());
    all
}

fn events(dataset: &Dataset) -> Result<&EventLog, ImpactError> {
    dataset.events.as_ref().ok_or(ImpactError::NoEvents)
}

/// An event name's code; `None` (any event) stays `None`.
fn event_code(log: &EventLog, event: Option<&str>) -> Result<Option<u32>, ImpactError> {
    let Some(name) = event else { return Ok(None) };
    log.event_code(name)
        .map(Some)
        .ok_or_else(|| ImpactError::UnknownEvent {
            event: name.to_owned(),
            hint: {
                let near = crate::segment::nearest(name, log.names.iter().map(String::as_str));
                if near.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean `{}`?", near.join("`, `"))
                }
            },
        })
}

/// The as-of time: the dataset's, else the latest event.
fn as_of(dataset: &Dataset) -> Result<i64, ImpactError> {
    dataset
        .as_of
        .or_else(|| {
            dataset
                .events
                .as_ref()
                .and_then(|e| e.times.iter().max().copied())
        })
        .ok_or(ImpactError::NoAsOf)
}

fn column<'a>(dataset: &'a Dataset, name: &str) -> Result<&'a crate::Column, ImpactError> {
    dataset
        .population
        .column(name)
        .or_else(|| dataset.population.column_loose(name))
        .ok_or_else(|| ImpactError::UnknownColumn {
            column: name.to_owned(),
            available: crate::join::column_list(&dataset.population),
        })
}

/// A date or date-time column as seconds since the epoch per user; `None` where missing.
fn time_column(dataset: &Dataset, name: &str) -> Result<Vec<Option<i64>>, ImpactError> {
    let col = column(dataset, name)?;
    let valid = col.valid();
    match col.data() {
        ColumnData::Date(days) => Ok(days
            .iter()
            .enumerate()
            .map(|(i, &d)| valid.get(i).then_some(i64::from(d) * DAY))
            .collect()),
        ColumnData::DateTime(secs) => Ok(secs
            .iter()
            .enumerate()
            .map(|(i, &s)| valid.get(i).then_some(s))
            .collect()),
        _ => Err(ImpactError::ColumnType {
            column: name.to_owned(),
            ty: col.ty(),
            expected: "choose a date or date-time column".to_owned(),
        }),
    }
}

/// The median of `values` (mean of the two middle values for an even count), reordering them.
fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (left, &mut mid, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(mid);
    }
    let below = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(f64::midpoint(below, mid))
}
