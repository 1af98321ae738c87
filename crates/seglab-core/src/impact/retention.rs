//! Retention: cohorts by start week or month, the share of each cohort that comes back in each period
//! since its start, and curves pooled over cohorts. Definitions are in the docs of [`crate::impact`].

use super::{
    DAY, ImpactError, Selection, as_of, check_selections, event_code, events, time_column,
    with_everyone,
};
use crate::dataset::Dataset;
use crate::segment::time::{civil_from_days, days_from_civil, format_date};
use crate::stats::{Interval, wilson};
use serde::{Deserialize, Serialize};

/// The cohort and period length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// Cohorts by calendar week (Monday first), periods of 7 days.
    #[default]
    Week,
    /// Cohorts by calendar month, periods of 30 days.
    Month,
}

impl Period {
    pub fn days(self) -> i64 {
        match self {
            Self::Week => 7,
            Self::Month => 30,
        }
    }
}

/// What a user's start is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CohortBy {
    /// A date or date-time column, e.g. `signup_date`.
    Column(String),
    /// The first occurrence of the start event.
    StartEvent,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionSpec {
    pub by: Period,
    pub cohort: CohortBy,
    /// The event that starts a user with [`CohortBy::StartEvent`] (`None`: any event).
    pub start_event: Option<String>,
    /// The event that counts as coming back (`None`: any event).
    pub return_event: Option<String>,
    /// How many periods to report; by default all that have ended for someone, at most 52.
    pub periods: Option<usize>,
    pub segments: Vec<Selection>,
}

impl RetentionSpec {
    pub fn new(by: Period, cohort: CohortBy) -> Self {
        Self {
            by,
            cohort,
            start_event: None,
            return_event: None,
            periods: None,
            segments: Vec::new(),
        }
    }
}

/// One period of a pooled retention curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionPoint {
    pub period: usize,
    /// Users whose period had ended by as-of.
    pub eligible: u64,
    pub retained: u64,
    pub rate: Option<f64>,
    /// Wilson 95% interval of the rate.
    pub ci: Option<Interval>,
}

/// One segment's cohort table, columnar: cell `(cohort c, period k)` is at `c * periods + k`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionSegment {
    pub segment: String,
    /// Users per cohort.
    pub size: Vec<u64>,
    pub eligible: Vec<u64>,
    pub retained: Vec<u64>,
    pub curve: Vec<RetentionPoint>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionResult {
    pub by: Period,
    pub periods: usize,
    /// First day of each cohort (days since the epoch), ascending.
    pub cohorts: Vec<i32>,
    /// The same as `YYYY-MM-DD`.
    pub cohort_labels: Vec<String>,
    pub as_of: i64,
    /// Users without a start (missing date, never did the start event, or started after as-of).
    pub without_start: usize,
    pub segments: Vec<RetentionSegment>,
}

const DEFAULT_MAX_PERIODS: usize = 52;
/// The most periods a table may have (ten years of weeks), so a typo cannot exhaust memory.
pub const MAX_PERIODS: usize = 520;

/// Cohort retention per segment ("everyone" first).
pub fn retention(dataset: &Dataset, spec: &RetentionSpec) -> Result<RetentionResult, ImpactError> {
    check_selections(dataset, &spec.segments)?;
    if let Some(asked) = spec.periods
        && !(1..=MAX_PERIODS).contains(&asked)
    {
        return Err(ImpactError::Periods { asked });
    }
    let log = events(dataset)?;
    let now = as_of(dataset)?;
    let start_code = event_code(log, spec.start_event.as_deref())?;
    let return_code = event_code(log, spec.return_event.as_deref())?;
    let users = dataset.users();
    let len = spec.by.days() * DAY;

    // Pass 1: each user's start and cohort.
    let mut start: Vec<Option<i64>> = match &spec.cohort {
        CohortBy::Column(name) => time_column(dataset, name)?,
        CohortBy::StartEvent => (0..users)
            .map(|u| {
                let r = log.user_range(u);
                r.clone()
                    .find(|&i| start_code.is_none_or(|k| k == log.events[i]))
                    .map(|i| log.times[i])
            })
            .collect(),
    };
    let mut keys: Vec<i32> = Vec::new();
    let mut most = 0usize;
    for s in &mut start {
        if let Some(t) = *s {
            if t > now {
                *s = None;
                continue;
            }
            keys.push(cohort_day(t, spec.by));
            most = most.max(((now + 1 - t) / len) as usize);
        }
    }
    let without_start = start.iter().filter(|s| s.is_none()).count();
    keys.sort_unstable();
    keys.dedup();
    let periods = spec.periods.unwrap_or(most.min(DEFAULT_MAX_PERIODS)).max(1);
    let cohorts = keys.len();

    let groups = with_everyone(dataset, &spec.segments);
    let cells = cohorts * periods;
    let mut tables: Vec<RetentionSegment> = groups
        .iter()
        .map(|g| RetentionSegment {
            segment: g.name.clone(),
            size: vec![0; cohorts],
            eligible: vec![0; cells],
            retained: vec![0; cells],
            curve: Vec::new(),
        })
        .collect();

    // Pass 2: one walk over each user's events; `hit` is reused, never reallocated past `periods`.
    let mut hit: Vec<usize> = Vec::with_capacity(periods);
    for (u, s) in start.iter().enumerate() {
        let Some(s) = *s else { continue };
        let Ok(c) = keys.binary_search(&cohort_day(s, spec.by)) else {
            continue;
        };
        let ended = (((now + 1 - s) / len) as usize).min(periods);
        hit.clear();
        let r = log.user_range(u);
        let times = &log.times[r.clone()];
        let codes = &log.events[r];
        let from = times.partition_point(|&t| t < s);
        for (&t, &code) in times[from..].iter().zip(&codes[from..]) {
            if t > now {
                break;
            }
            let k = ((t - s) / len) as usize;
            if k >= ended {
                break;
            }
            if return_code.is_none_or(|want| want == code) && hit.last() != Some(&k) {
                hit.push(k);
            }
        }
        for (g, table) in groups.iter().zip(&mut tables) {
            if !g.members.get(u) {
                continue;
            }
            table.size[c] += 1;
            // Counted by how many periods have ended; turned into per-period counts below.
            if ended > 0 {
                table.eligible[c * periods + ended - 1] += 1;
            }
            let row = c * periods;
            for &k in &hit {
                table.retained[row + k] += 1;
            }
        }
    }
    for table in &mut tables {
        // `eligible[c][e − 1]` holds the users with exactly `e` ended periods; every one of them is
        // eligible in periods 0..e, so a suffix sum gives the per-period counts.
        for row in table.eligible.chunks_mut(periods) {
            let mut running = 0;
            for cell in row.iter_mut().rev() {
                running += *cell;
                *cell = running;
            }
        }
        table.curve = (0..periods)
            .map(|k| {
                let eligible: u64 = (0..cohorts).map(|c| table.eligible[c * periods + k]).sum();
                let retained: u64 = (0..cohorts).map(|c| table.retained[c * periods + k]).sum();
                RetentionPoint {
                    period: k,
                    eligible,
                    retained,
                    rate: (eligible > 0).then(|| retained as f64 / eligible as f64),
                    ci: wilson(retained, eligible).ok(),
                }
            })
            .collect();
    }
    Ok(RetentionResult {
        by: spec.by,
        periods,
        cohort_labels: keys.iter().map(|&d| format_date(d)).collect(),
        cohorts: keys,
        as_of: now,
        without_start,
        segments: tables,
    })
}

/// The first day of the week (Monday) or month containing `t`.
fn cohort_day(t: i64, by: Period) -> i32 {
    let day = t.div_euclid(DAY) as i32;
    match by {
        // 1970-01-01 was a Thursday: day + 3 is 0 on Mondays, mod 7.
        Period::Week => day - (day + 3).rem_euclid(7),
        Period::Month => {
            let (y, m, _) = civil_from_days(day);
            days_from_civil(y, m, 1).unwrap_or(day)
        }
    }
}
