//! Funnels: how many users go through ordered steps within a window from the first, per segment, with
//! intervals, tests against a baseline and the median time between steps. Definitions are in the docs of
//! [`crate::impact`].

use super::{
    ImpactError, Selection, as_of, check_selections, event_code, events, median, with_everyone,
};
use crate::dataset::Dataset;
use crate::stats::{Interval, NotEnough, benjamini_hochberg, two_proportion_z_test, wilson};
use serde::{Deserialize, Serialize};

/// What each segment's conversion is tested against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunnelBaseline {
    /// Everyone not in the segment.
    #[default]
    Rest,
    /// The first segment given (it is then not tested itself).
    FirstSegment,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelSpec {
    /// Event names, in order.
    pub steps: Vec<String>,
    /// Seconds from step 1 within which every later step must happen.
    pub within: i64,
    pub segments: Vec<Selection>,
    pub baseline: FunnelBaseline,
}

/// One step in one segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub step: String,
    pub reached: u64,
    /// `reached / reached at step 1` (for step 1: `reached / segment size`).
    pub conversion: Option<f64>,
    /// Wilson 95% interval of `conversion`.
    pub ci: Option<Interval>,
    /// `reached / reached at the previous step`.
    pub step_conversion: Option<f64>,
    /// Median seconds from the previous step, over users who reached this one.
    pub median_seconds: Option<f64>,
    /// The two-proportion z-test of `conversion` against the baseline (steps 2 on).
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg across segments × steps.
    pub adjusted_p: Option<f64>,
    /// Why there is no test, when there is none.
    pub untested: Option<NotEnough>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelSegment {
    pub segment: String,
    pub users: u64,
    pub steps: Vec<FunnelStep>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelResult {
    pub steps: Vec<String>,
    pub within: i64,
    pub baseline: FunnelBaseline,
    /// "everyone" first.
    pub segments: Vec<FunnelSegment>,
}

/// Computes the funnel per segment.
pub fn funnel(dataset: &Dataset, spec: &FunnelSpec) -> Result<FunnelResult, ImpactError> {
    check_selections(dataset, &spec.segments)?;
    if spec.steps.is_empty() {
        return Err(ImpactError::NoSteps);
    }
    if spec.within <= 0 {
        return Err(ImpactError::Window);
    }
    let log = events(dataset)?;
    let now = as_of(dataset)?;
    let codes: Vec<u32> = spec
        .steps
        .iter()
        .map(|s| event_code(log, Some(s)).map(|c| c.unwrap_or(u32::MAX)))
        .collect::<Result<_, _>>()?;
    let steps = codes.len();
    let groups = with_everyone(dataset, &spec.segments);
    let users = dataset.users();

    // Per group: users, reached per step, and the gaps before each step (durations of reaching users).
    let mut reached = vec![0u64; groups.len() * steps];
    let mut gaps: Vec<Vec<f64>> = vec![Vec::new(); groups.len() * steps];
    let mut sizes = vec![0u64; groups.len()];
    let mut times = vec![0i64; steps];
    for u in 0..users {
        let r = log.user_range(u);
        let ts = &log.times[r.clone()];
        let es = &log.events[r];
        let mut depth = 0;
        let mut deadline = i64::MAX;
        for (&t, &e) in ts.iter().zip(es) {
            if t > now || t > deadline {
                break;
            }
            if e != codes[depth] || (depth > 0 && t <= times[depth - 1]) {
                continue;
            }
            times[depth] = t;
            if depth == 0 {
                deadline = t.saturating_add(spec.within);
            }
            depth += 1;
            if depth == steps {
                break;
            }
        }
        for (g, group) in groups.iter().enumerate() {
            if !group.members.get(u) {
                continue;
            }
            sizes[g] += 1;
            for k in 0..depth {
                reached[g * steps + k] += 1;
                if k > 0 {
                    gaps[g * steps + k].push((times[k] - times[k - 1]) as f64);
                }
            }
        }
    }

    let mut segments: Vec<FunnelSegment> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let row = &reached[g * steps..(g + 1) * steps];
            FunnelSegment {
                segment: group.name.clone(),
                users: sizes[g],
                steps: (0..steps)
                    .map(|k| {
                        let base = if k == 0 { sizes[g] } else { row[0] };
                        FunnelStep {
                            step: spec.steps[k].clone(),
                            reached: row[k],
                            conversion: (base > 0).then(|| row[k] as f64 / base as f64),
                            ci: wilson(row[k], base).ok(),
                            step_conversion: (k > 0 && row[k - 1] > 0)
                                .then(|| row[k] as f64 / row[k - 1] as f64),
                            median_seconds: median(&mut gaps[g * steps + k]),
                            p_value: None,
                            adjusted_p: None,
                            untested: None,
                        }
                    })
                    .collect(),
            }
        })
        .collect();

    // Tests: each user segment against its baseline, steps 2 on.
    let first_tested = match spec.baseline {
        FunnelBaseline::Rest => 1,
        FunnelBaseline::FirstSegment => 2,
    };
    let mut raw = Vec::new();
    for g in first_tested..groups.len() {
        for k in 1..steps {
            let (ca, na) = (reached[g * steps + k], reached[g * steps]);
            let (cb, nb) = match spec.baseline {
                FunnelBaseline::Rest => (reached[k] - ca, reached[0] - na),
                FunnelBaseline::FirstSegment => (reached[steps + k], reached[steps]),
            };
            let step = &mut segments[g].steps[k];
            match two_proportion_z_test(ca, na, cb, nb) {
                Ok(z) => {
                    step.p_value = Some(z.p_value);
                    raw.push((g, k, z.p_value));
                }
                Err(reason) => step.untested = Some(reason),
            }
        }
    }
    let adjusted = benjamini_hochberg(&raw.iter().map(|r| r.2).collect::<Vec<_>>());
    for (&(g, k, _), p) in raw.iter().zip(adjusted) {
        segments[g].steps[k].adjusted_p = Some(p);
    }
    Ok(FunnelResult {
        steps: spec.steps.clone(),
        within: spec.within,
        baseline: spec.baseline,
        segments,
    })
}
