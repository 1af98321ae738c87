//! Before/after: did a segment's behaviour change around a date more than everyone else's did?

use super::{DAY, ImpactError, Selection, check_selections, event_code, events};
use crate::dataset::Dataset;
use crate::stats::hypothesis::welch_from;
use crate::stats::{NotEnough, Welch};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfterSpec {
    /// The event counted per user (`None`: any event).
    pub event: Option<String>,
    /// The change's time, seconds since the epoch.
    pub at: i64,
    /// Length of each window, before and after.
    pub days: u32,
    pub segments: Vec<Selection>,
}

/// One segment against everyone else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfterSegment {
    pub segment: String,
    pub users: usize,
    pub rest: usize,
    /// Mean count per user before and after, in the segment and in the rest.
    pub before: f64,
    pub after: f64,
    pub rest_before: f64,
    pub rest_after: f64,
    /// The difference in differences: Welch's test of (after − before) in the segment minus the rest.
    pub did: Result<Welch, NotEnough>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfter {
    pub segments: Vec<BeforeAfterSegment>,
    /// E.g. that the after window runs past as-of.
    pub warnings: Vec<String>,
}

/// Per user, the event count in `[at − days, at)` and `[at, at + days)`; per segment, the difference
/// in differences against everyone not in it.
pub fn before_after(dataset: &Dataset, spec: &BeforeAfterSpec) -> Result<BeforeAfter, ImpactError> {
    check_selections(dataset, &spec.segments)?;
    if spec.days == 0 {
        return Err(ImpactError::Window);
    }
    let log = events(dataset)?;
    let code = event_code(log, spec.event.as_deref())?;
    let window = i64::from(spec.days) * DAY;
    let users = dataset.users();
    let mut before = vec![0.0; users];
    let mut after = vec![0.0; users];
    for u in 0..users {
        let r = log.user_range(u);
        let times = &log.times[r.clone()];
        let codes = &log.events[r];
        let start = times.partition_point(|&t| t < spec.at - window);
        for (&t, &c) in times[start..].iter().zip(&codes[start..]) {
            if t >= spec.at + window {
                break;
            }
            if code.is_none_or(|k| k == c) {
                if t < spec.at {
                    before[u] += 1.0;
                } else {
                    after[u] += 1.0;
                }
            }
        }
    }
    let mut warnings = Vec::new();
    if let Some(now) = dataset.as_of
        && spec.at + window > now
    {
        warnings.push(
            "the after window runs past the as-of time, so the after counts are incomplete for everyone"
                .to_owned(),
        );
    }
    let diff: Vec<f64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    let segments = spec
        .segments
        .iter()
        .map(|s| {
            let inside = moments(&s.members, &diff);
            let rest_set = s.members.not();
            let outside = moments(&rest_set, &diff);
            let mean = |set: &crate::Bitset, v: &[f64]| {
                let n = set.count();
                if n == 0 {
                    0.0
                } else {
                    set.iter().map(|u| v[u]).sum::<f64>() / n as f64
                }
            };
            BeforeAfterSegment {
                segment: s.name.clone(),
                users: inside.0,
                rest: outside.0,
                before: mean(&s.members, &before),
                after: mean(&s.members, &after),
                rest_before: mean(&rest_set, &before),
                rest_after: mean(&rest_set, &after),
                did: welch_from(inside, outside),
            }
        })
        .collect();
    Ok(BeforeAfter { segments, warnings })
}

/// n, mean and sd of `values` over `rows`, in two passes.
fn moments(rows: &crate::Bitset, values: &[f64]) -> (usize, f64, f64) {
    let (mut n, mut sum) = (0usize, 0.0);
    for u in rows.iter() {
        n += 1;
        sum += values[u];
    }
    if n == 0 {
        return (0, 0.0, 0.0);
    }
    let mean = sum / n as f64;
    let ss: f64 = rows.iter().map(|u| (values[u] - mean).powi(2)).sum();
    let sd = if n > 1 {
        (ss / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    (n, mean, sd)
}
