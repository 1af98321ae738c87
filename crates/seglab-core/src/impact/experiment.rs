//! Experiments: arms, outcomes and lifts per segment, with sample-ratio, multiple-testing, interaction,
//! Simpson's-paradox and CUPED checks. Definitions are in the module docs of [`crate::impact`].

// Formulas keep their textbook names: y, x, theta, n, c (control), t (treatment).
#![allow(clippy::many_single_char_names)]

use super::{
    DAY, ImpactError, Selection, as_of, check_selections, column, event_code, events, time_column,
    with_everyone,
};
use crate::bitset::Bitset;
use crate::dataset::Dataset;
use crate::stats::dist::{chi2_sf, normal_critical, normal_sf};
use crate::stats::hypothesis::welch_from;
use crate::stats::{
    CONFIDENCE, ChiSquare, Interval, NotEnough, benjamini_hochberg, bonferroni,
    chisquare_goodness_of_fit, proportion_difference, proportion_ratio, two_proportion_z_test,
};
use crate::table::ColumnData;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who is in which arm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Assignment {
    /// A category, boolean or whole-number population column; each value is an arm.
    Column(String),
    /// Each selection is an arm; a user in two arms is left out.
    Selections(Vec<Selection>),
}

/// When a user was exposed, for event outcomes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Exposure {
    /// A date or date-time population column.
    Column(String),
    /// The user's first event.
    FirstEvent,
}

/// What an event outcome counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeKind {
    /// The number of events (a mean per user).
    Count,
    /// Whether the event happened at all (a rate).
    Any,
}

/// An outcome metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OutcomeSpec {
    /// A boolean column (a rate) or a numeric column (a mean).
    Column(String),
    /// An event (`None`: any event) in `(exposure, exposure + days]`.
    Event {
        event: Option<String>,
        days: u32,
        kind: OutcomeKind,
        exposure: Exposure,
    },
}

impl OutcomeSpec {
    /// The metric's name in results: the column, or e.g. `any(Upgrade, 14d after exposure)`.
    pub fn name(&self) -> String {
        match self {
            Self::Column(c) => c.clone(),
            Self::Event {
                event, days, kind, ..
            } => {
                let f = match kind {
                    OutcomeKind::Count => "count",
                    OutcomeKind::Any => "any",
                };
                format!(
                    "{f}({}, {days}d after exposure)",
                    event.as_deref().unwrap_or("*")
                )
            }
        }
    }
}

/// A pre-period covariate for CUPED.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Covariate {
    /// A numeric or boolean population column measured before the experiment.
    Column(String),
    /// For event outcomes: the same count in `[exposure − days, exposure)`.
    PrePeriod,
}

/// How p-values are adjusted across segments × metrics × arms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Correction {
    #[default]
    BenjaminiHochberg,
    Bonferroni,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentSpec {
    pub assignment: Assignment,
    /// The control arm's name; by default an arm named `control`, else the first in sorted order.
    pub control: Option<String>,
    pub outcomes: Vec<OutcomeSpec>,
    /// Segments to measure in, besides everyone.
    pub segments: Vec<Selection>,
    /// Expected share of each arm, in the order of the result's arms; equal when left out.
    pub expected_split: Option<Vec<f64>>,
    pub correction: Correction,
    pub covariate: Option<Covariate>,
}

impl ExperimentSpec {
    pub fn new(assignment: Assignment, outcomes: Vec<OutcomeSpec>) -> Self {
        Self {
            assignment,
            control: None,
            outcomes,
            segments: Vec::new(),
            expected_split: None,
            correction: Correction::default(),
            covariate: None,
        }
    }
}

/// An arm and its size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    pub name: String,
    pub users: usize,
}

/// A treatment arm's lift over control in one segment and metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", try_from = "LiftFields")]
pub enum Lift {
    /// This arm is the control.
    Control,
    Measured {
        /// `treatment − control` (a fraction for rates: 0.03 is 3 points).
        absolute: f64,
        absolute_ci: Interval,
        /// `treatment / control − 1`; missing when the control is 0.
        relative: Option<f64>,
        relative_ci: Option<Interval>,
        /// The unpooled standard error of `absolute`, used by the interaction tests.
        se: f64,
        p_value: f64,
        /// Adjusted across segments × metrics × arms.
        adjusted_p: f64,
    },
    /// Too few users to tell.
    TooFewToTell { reason: NotEnough },
}

/// `Lift` as read back (see `crate::tagged`).
#[derive(Deserialize)]
struct LiftFields {
    status: String,
    absolute: Option<f64>,
    absolute_ci: Option<Interval>,
    relative: Option<f64>,
    relative_ci: Option<Interval>,
    se: Option<f64>,
    p_value: Option<f64>,
    adjusted_p: Option<f64>,
    reason: Option<NotEnough>,
}

impl TryFrom<LiftFields> for Lift {
    type Error = String;

    fn try_from(f: LiftFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.status.as_str();
        Ok(match tag {
            "control" => Self::Control,
            "measured" => Self::Measured {
                absolute: field(f.absolute, tag, "absolute")?,
                absolute_ci: field(f.absolute_ci, tag, "absolute_ci")?,
                relative: f.relative,
                relative_ci: f.relative_ci,
                se: field(f.se, tag, "se")?,
                p_value: field(f.p_value, tag, "p_value")?,
                adjusted_p: field(f.adjusted_p, tag, "adjusted_p")?,
            },
            "too_few_to_tell" => Self::TooFewToTell {
                reason: field(f.reason, tag, "reason")?,
            },
            _ => return Err(unknown(tag)),
        })
    }
}

/// CUPED's variance-reduced lift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", try_from = "CupedFields")]
pub enum Cuped {
    Measured {
        theta: f64,
        /// Users with both the outcome and the covariate.
        n: usize,
        absolute: f64,
        absolute_ci: Interval,
        p_value: f64,
        /// `1 − var(Y_adj) / var(Y)` over the segment's users with both values.
        variance_reduction: f64,
    },
    TooFewToTell {
        reason: NotEnough,
    },
}

/// `Cuped` as read back (see `crate::tagged`).
#[derive(Deserialize)]
struct CupedFields {
    status: String,
    theta: Option<f64>,
    n: Option<usize>,
    absolute: Option<f64>,
    absolute_ci: Option<Interval>,
    p_value: Option<f64>,
    variance_reduction: Option<f64>,
    reason: Option<NotEnough>,
}

impl TryFrom<CupedFields> for Cuped {
    type Error = String;

    fn try_from(f: CupedFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.status.as_str();
        Ok(match tag {
            "measured" => Self::Measured {
                theta: field(f.theta, tag, "theta")?,
                n: field(f.n, tag, "n")?,
                absolute: field(f.absolute, tag, "absolute")?,
                absolute_ci: field(f.absolute_ci, tag, "absolute_ci")?,
                p_value: field(f.p_value, tag, "p_value")?,
                variance_reduction: field(f.variance_reduction, tag, "variance_reduction")?,
            },
            "too_few_to_tell" => Self::TooFewToTell {
                reason: field(f.reason, tag, "reason")?,
            },
            _ => return Err(unknown(tag)),
        })
    }
}

/// One arm's outcome in one segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmResult {
    pub arm: String,
    /// Users of the arm in the segment with an outcome.
    pub n: usize,
    /// The rate or mean; missing without users.
    pub value: Option<f64>,
    pub lift: Lift,
    /// With a covariate, the variance-reduced lift (missing for the control and without a covariate).
    pub cuped: Option<Cuped>,
}

/// One metric in one segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentMetric {
    pub segment: String,
    pub arms: Vec<ArmResult>,
}

/// Whether a treatment's effect differs between the segments (everyone excluded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    try_from = "InteractionFields"
)]
pub enum Interaction {
    /// Two segments: z-test of the difference of effects.
    DifferenceZ {
        arm: String,
        difference: f64,
        statistic: f64,
        p_value: f64,
        simpson: bool,
    },
    /// More segments: Cochran's Q.
    CochranQ {
        arm: String,
        statistic: f64,
        df: usize,
        p_value: f64,
        simpson: bool,
    },
    TooFewToTell {
        arm: String,
        reason: NotEnough,
    },
}

/// `Interaction` as read back (see `crate::tagged`).
#[derive(Deserialize)]
struct InteractionFields {
    status: String,
    arm: String,
    difference: Option<f64>,
    statistic: Option<f64>,
    df: Option<usize>,
    p_value: Option<f64>,
    simpson: Option<bool>,
    reason: Option<NotEnough>,
}

impl TryFrom<InteractionFields> for Interaction {
    type Error = String;

    fn try_from(f: InteractionFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.status.as_str();
        Ok(match tag {
            "difference_z" => Self::DifferenceZ {
                arm: f.arm,
                difference: field(f.difference, tag, "difference")?,
                statistic: field(f.statistic, tag, "statistic")?,
                p_value: field(f.p_value, tag, "p_value")?,
                simpson: field(f.simpson, tag, "simpson")?,
            },
            "cochran_q" => Self::CochranQ {
                arm: f.arm,
                statistic: field(f.statistic, tag, "statistic")?,
                df: field(f.df, tag, "df")?,
                p_value: field(f.p_value, tag, "p_value")?,
                simpson: field(f.simpson, tag, "simpson")?,
            },
            "too_few_to_tell" => Self::TooFewToTell {
                arm: f.arm,
                reason: field(f.reason, tag, "reason")?,
            },
            _ => return Err(unknown(tag)),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricResult {
    pub name: String,
    /// A rate (true) or a mean (false).
    pub is_rate: bool,
    /// Users with an outcome.
    pub measured: usize,
    pub segments: Vec<SegmentMetric>,
    /// One per treatment arm; empty with fewer than two segments.
    pub interactions: Vec<Interaction>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentResult {
    pub arms: Vec<Arm>,
    pub control: usize,
    /// Users in no arm.
    pub unassigned: usize,
    /// Users in two or more arms (selections only), left out.
    pub ambiguous: usize,
    /// The sample-ratio check against the expected split.
    pub sample_ratio: Option<ChiSquare>,
    pub correction: Correction,
    pub metrics: Vec<MetricResult>,
    /// Sample-ratio mismatch, Simpson's paradox and the like, one sentence each.
    pub warnings: Vec<String>,
}

/// Below this sample-ratio p-value the split is reported as broken.
pub const SRM_ALPHA: f64 = 0.01;

const UNASSIGNED: u32 = u32::MAX;

/// Runs an experiment analysis.
pub fn experiment(
    dataset: &Dataset,
    spec: &ExperimentSpec,
) -> Result<ExperimentResult, ImpactError> {
    check_selections(dataset, &spec.segments)?;
    if spec.outcomes.is_empty() {
        return Err(ImpactError::NoOutcome);
    }
    let (names, arm_of, ambiguous) = assign(dataset, &spec.assignment)?;
    if names.len() < 2 {
        return Err(ImpactError::TooFewArms { found: names.len() });
    }
    let control = match &spec.control {
        Some(c) => {
            names
                .iter()
                .position(|n| n == c)
                .ok_or_else(|| ImpactError::UnknownControl {
                    control: c.clone(),
                    arms: names.join(", "),
                })?
        }
        None => names
            .iter()
            .position(|n| n.eq_ignore_ascii_case("control"))
            .unwrap_or(0),
    };
    let mut sizes = vec![0usize; names.len()];
    let mut unassigned = 0;
    for &a in &arm_of {
        if a == UNASSIGNED {
            unassigned += 1;
        } else {
            sizes[a as usize] += 1;
        }
    }
    unassigned -= ambiguous;
    let arms: Vec<Arm> = names
        .iter()
        .zip(&sizes)
        .map(|(name, &users)| Arm {
            name: name.clone(),
            users,
        })
        .collect();
    let shares = match &spec.expected_split {
        Some(s) if s.len() != arms.len() => {
            return Err(ImpactError::SplitLength {
                found: s.len(),
                arms: arms.len(),
                names: names.join(", "),
            });
        }
        Some(s) => {
            if let Some(&share) = s.iter().find(|&&x| !(x > 0.0 && x.is_finite())) {
                return Err(ImpactError::SplitShare { share });
            }
            s.clone()
        }
        None => vec![1.0; arms.len()],
    };
    let observed: Vec<u64> = sizes.iter().map(|&s| s as u64).collect();
    let sample_ratio = chisquare_goodness_of_fit(&observed, &shares).ok();
    let mut warnings = Vec::new();
    if let Some(srm) = &sample_ratio
        && srm.p_value < SRM_ALPHA
    {
        warnings.push(format!(
            "sample-ratio mismatch: the arms' sizes ({}) are unlikely under the expected split (chi-square p {}); the assignment may be broken, so treat the lifts with suspicion",
            sizes
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" / "),
            if srm.p_value < 1e-300 {
                "< 1e-300".to_owned()
            } else {
                format!("= {:.2e}", srm.p_value)
            }
        ));
    }
    if ambiguous > 0 {
        warnings.push(format!(
            "{ambiguous} users are in more than one arm and were left out"
        ));
    }

    let groups = with_everyone(dataset, &spec.segments);
    let mut metrics = Vec::with_capacity(spec.outcomes.len());
    for outcome in &spec.outcomes {
        let (values, valid, is_rate) = outcome_values(dataset, outcome, false)?;
        let covariate = match &spec.covariate {
            None => None,
            Some(Covariate::Column(name)) => {
                let (x, xv, _) = outcome_values(dataset, &OutcomeSpec::Column(name.clone()), false)
                    .map_err(|e| match e {
                        ImpactError::ColumnType { column, ty, .. } => ImpactError::ColumnType {
                            column,
                            ty,
                            expected: "a covariate must be a boolean or numeric column".to_owned(),
                        },
                        other => other,
                    })?;
                Some((x, xv))
            }
            Some(Covariate::PrePeriod) => match outcome {
                OutcomeSpec::Event { .. } => {
                    let (x, xv, _) = outcome_values(dataset, outcome, true)?;
                    Some((x, xv))
                }
                OutcomeSpec::Column(name) => {
                    warnings.push(format!(
                        "no CUPED for `{name}`: a pre-period covariate exists only for event outcomes; give a covariate column instead"
                    ));
                    None
                }
            },
        };
        let measured =
            valid.intersection_count(&Bitset::from_fn(arm_of.len(), |i| arm_of[i] != UNASSIGNED));
        let segments: Vec<SegmentMetric> = groups
            .iter()
            .map(|g| {
                segment_metric(
                    g,
                    &values,
                    &valid,
                    covariate.as_ref(),
                    &arm_of,
                    &names,
                    control,
                    is_rate,
                )
            })
            .collect();
        let name = outcome.name();
        let interactions = interactions(&segments, control, &names, &name, &mut warnings);
        metrics.push(MetricResult {
            name,
            is_rate,
            measured,
            segments,
            interactions,
        });
    }
    adjust(&mut metrics, spec.correction);
    Ok(ExperimentResult {
        arms,
        control,
        unassigned,
        ambiguous,
        sample_ratio,
        correction: spec.correction,
        metrics,
        warnings,
    })
}

/// Arm names, each user's arm (or `UNASSIGNED`), and how many users were in two arms.
fn assign(
    dataset: &Dataset,
    assignment: &Assignment,
) -> Result<(Vec<String>, Vec<u32>, usize), ImpactError> {
    let users = dataset.users();
    match assignment {
        Assignment::Selections(arms) => {
            check_selections(dataset, arms)?;
            let mut arm_of = vec![UNASSIGNED; users];
            let mut twice = Bitset::new(users);
            for (a, arm) in arms.iter().enumerate() {
                for u in arm.members.iter() {
                    if arm_of[u] == UNASSIGNED && !twice.get(u) {
                        arm_of[u] = a as u32;
                    } else {
                        arm_of[u] = UNASSIGNED;
                        twice.set(u, true);
                    }
                }
            }
            let names = arms.iter().map(|a| a.name.clone()).collect();
            Ok((names, arm_of, twice.count()))
        }
        Assignment::Column(name) => {
            let col = column(dataset, name)?;
            let valid = col.valid();
            let mut arm_of = vec![UNASSIGNED; users];
            let names = match col.data() {
                ColumnData::Boolean(bits) => {
                    for u in valid.iter() {
                        arm_of[u] = u32::from(bits.get(u));
                    }
                    vec!["false".to_owned(), "true".to_owned()]
                }
                ColumnData::Dictionary(dict) => {
                    let mut seen = vec![false; dict.values.len()];
                    for u in valid.iter() {
                        seen[dict.codes.get(u) as usize] = true;
                    }
                    let mut order: Vec<usize> = (0..seen.len()).filter(|&c| seen[c]).collect();
                    crate::sorting::sort_by(&mut order, |&a, &b| {
                        dict.values.get(a).cmp(dict.values.get(b))
                    });
                    let mut arm_of_code = vec![UNASSIGNED; seen.len()];
                    for (a, &c) in order.iter().enumerate() {
                        arm_of_code[c] = a as u32;
                    }
                    for u in valid.iter() {
                        arm_of[u] = arm_of_code[dict.codes.get(u) as usize];
                    }
                    order
                        .iter()
                        .map(|&c| dict.values.get(c).to_owned())
                        .collect()
                }
                ColumnData::Integer(ints) => {
                    let mut distinct: BTreeMap<i64, u32> = BTreeMap::new();
                    for u in valid.iter() {
                        distinct.insert(ints[u], 0);
                    }
                    for (a, v) in distinct.values_mut().enumerate() {
                        *v = a as u32;
                    }
                    for u in valid.iter() {
                        arm_of[u] = distinct[&ints[u]];
                    }
                    distinct.keys().map(i64::to_string).collect()
                }
                _ => {
                    return Err(ImpactError::ColumnType {
                        column: name.clone(),
                        ty: col.ty(),
                        expected:
                            "the variant column must be a category, boolean or whole-number column"
                                .to_owned(),
                    });
                }
            };
            Ok((names, arm_of, 0))
        }
    }
}

/// Each user's outcome, which users have one, and whether it is a rate. With `pre`, an event outcome's
/// pre-period count instead.
fn outcome_values(
    dataset: &Dataset,
    outcome: &OutcomeSpec,
    pre: bool,
) -> Result<(Vec<f64>, Bitset, bool), ImpactError> {
    let users = dataset.users();
    match outcome {
        OutcomeSpec::Column(name) => {
            let col = column(dataset, name)?;
            let valid = col.valid().clone();
            match col.data() {
                ColumnData::Boolean(bits) => Ok((
                    (0..users)
                        .map(|u| f64::from(u8::from(bits.get(u))))
                        .collect(),
                    valid,
                    true,
                )),
                ColumnData::Integer(v) => Ok((v.iter().map(|&x| x as f64).collect(), valid, false)),
                ColumnData::Decimal(v) => {
                    let finite = Bitset::from_fn(users, |u| valid.get(u) && v[u].is_finite());
                    Ok((v.clone(), finite, false))
                }
                _ => Err(ImpactError::ColumnType {
                    column: name.clone(),
                    ty: col.ty(),
                    expected: "an outcome must be a boolean or numeric column".to_owned(),
                }),
            }
        }
        OutcomeSpec::Event {
            event,
            days,
            kind,
            exposure,
        } => {
            if *days == 0 {
                return Err(ImpactError::Window);
            }
            let log = events(dataset)?;
            let code = event_code(log, event.as_deref())?;
            let now = as_of(dataset)?;
            let window = i64::from(*days) * DAY;
            let exposed: Vec<Option<i64>> = match exposure {
                Exposure::Column(name) => time_column(dataset, name)?,
                Exposure::FirstEvent => (0..users)
                    .map(|u| {
                        let r = log.user_range(u);
                        (!r.is_empty() && log.times[r.start] <= now).then(|| log.times[r.start])
                    })
                    .collect(),
            };
            let mut values = vec![0.0; users];
            let mut valid = Bitset::new(users);
            for u in 0..users {
                let Some(e) = exposed[u] else { continue };
                // Pre-period: [e − window, e); outcome: (e, e + window].
                let (after, until) = if pre {
                    (e - window, e)
                } else {
                    (e, e + window)
                };
                if !pre && until > now {
                    continue;
                }
                valid.set(u, true);
                let r = log.user_range(u);
                let times = &log.times[r.clone()];
                let codes = &log.events[r];
                let start = if pre {
                    times.partition_point(|&t| t < after)
                } else {
                    times.partition_point(|&t| t <= after)
                };
                let mut count = 0u32;
                for (&t, &c) in times[start..].iter().zip(&codes[start..]) {
                    if (pre && t >= until) || (!pre && t > until) {
                        break;
                    }
                    if code.is_none_or(|k| k == c) {
                        count += 1;
                    }
                }
                values[u] = match kind {
                    OutcomeKind::Count => f64::from(count),
                    OutcomeKind::Any => f64::from(u8::from(count > 0)),
                };
            }
            Ok((values, valid, *kind == OutcomeKind::Any && !pre))
        }
    }
}

/// n, mean and sd per arm over `members ∩ valid`, two passes.
fn arm_moments(
    members: &Bitset,
    valid: &Bitset,
    values: &[f64],
    arm_of: &[u32],
    arms: usize,
) -> Vec<(usize, f64, f64)> {
    let mut n = vec![0usize; arms];
    let mut sum = vec![0.0; arms];
    let both = members.and(valid);
    for u in both.iter() {
        let a = arm_of[u];
        if a != UNASSIGNED {
            n[a as usize] += 1;
            sum[a as usize] += values[u];
        }
    }
    let mean: Vec<f64> = (0..arms)
        .map(|a| if n[a] > 0 { sum[a] / n[a] as f64 } else { 0.0 })
        .collect();
    let mut ss = vec![0.0; arms];
    for u in both.iter() {
        let a = arm_of[u];
        if a != UNASSIGNED {
            let d = values[u] - mean[a as usize];
            ss[a as usize] += d * d;
        }
    }
    (0..arms)
        .map(|a| {
            let sd = if n[a] > 1 {
                (ss[a] / (n[a] - 1) as f64).sqrt()
            } else {
                0.0
            };
            (n[a], mean[a], sd)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn segment_metric(
    group: &Selection,
    values: &[f64],
    valid: &Bitset,
    covariate: Option<&(Vec<f64>, Bitset)>,
    arm_of: &[u32],
    names: &[String],
    control: usize,
    is_rate: bool,
) -> SegmentMetric {
    let moments = arm_moments(&group.members, valid, values, arm_of, names.len());
    let cuped = covariate.map(|(x, xv)| {
        cuped(
            &group.members,
            valid,
            values,
            x,
            xv,
            arm_of,
            names.len(),
            control,
        )
    });
    let c = moments[control];
    let arms = moments
        .iter()
        .enumerate()
        .map(|(a, &t)| ArmResult {
            arm: names[a].clone(),
            n: t.0,
            value: (t.0 > 0).then_some(t.1),
            lift: if a == control {
                Lift::Control
            } else if is_rate {
                rate_lift(t, c)
            } else {
                mean_lift(t, c)
            },
            // The control is what the others are measured against; it has no lift of its own.
            cuped: cuped
                .as_ref()
                .filter(|_| a != control)
                .map(|per_arm| per_arm[a].clone()),
        })
        .collect();
    SegmentMetric {
        segment: group.name.clone(),
        arms,
    }
}

fn too_few(t: (usize, f64, f64), c: (usize, f64, f64)) -> Option<Lift> {
    let found = t.0.min(c.0);
    (found < 2).then_some(Lift::TooFewToTell {
        reason: NotEnough::TooFew { needed: 2, found },
    })
}

fn rate_lift(t: (usize, f64, f64), c: (usize, f64, f64)) -> Lift {
    if let Some(lift) = too_few(t, c) {
        return lift;
    }
    // The mean of a 0/1 outcome times n is a whole count; rounding undoes summation error.
    let (ct, nt) = ((t.1 * t.0 as f64).round() as u64, t.0 as u64);
    let (cc, nc) = ((c.1 * c.0 as f64).round() as u64, c.0 as u64);
    let z = match two_proportion_z_test(ct, nt, cc, nc) {
        Ok(z) => z,
        Err(reason) => return Lift::TooFewToTell { reason },
    };
    let diff = match proportion_difference(ct, nt, cc, nc) {
        Ok(d) => d,
        Err(reason) => return Lift::TooFewToTell { reason },
    };
    let (pt, pc) = (ct as f64 / nt as f64, cc as f64 / nc as f64);
    let se = (pt * (1.0 - pt) / nt as f64 + pc * (1.0 - pc) / nc as f64).sqrt();
    let ratio = proportion_ratio(ct, nt, cc, nc).ok();
    Lift::Measured {
        absolute: diff.difference,
        absolute_ci: diff.ci,
        relative: ratio.map(|r| r.ratio - 1.0),
        relative_ci: ratio.map(|r| Interval {
            low: r.ci.low - 1.0,
            high: r.ci.high - 1.0,
        }),
        se,
        p_value: z.p_value,
        adjusted_p: z.p_value,
    }
}

fn mean_lift(t: (usize, f64, f64), c: (usize, f64, f64)) -> Lift {
    if let Some(lift) = too_few(t, c) {
        return lift;
    }
    let welch = match welch_from(t, c) {
        Ok(w) => w,
        Err(reason) => return Lift::TooFewToTell { reason },
    };
    let (vt, vc) = (t.2 * t.2 / t.0 as f64, c.2 * c.2 / c.0 as f64);
    let se = (vt + vc).sqrt();
    let (relative, relative_ci) = if c.1 == 0.0 {
        (None, None)
    } else {
        // Delta method for the ratio of two independent means.
        let r = t.1 / c.1;
        let se_r = (vt / (c.1 * c.1) + t.1 * t.1 * vc / c.1.powi(4)).sqrt();
        let half = normal_critical(CONFIDENCE) * se_r;
        (
            Some(r - 1.0),
            Some(Interval {
                low: r - 1.0 - half,
                high: r - 1.0 + half,
            }),
        )
    };
    Lift::Measured {
        absolute: welch.difference,
        absolute_ci: welch.ci,
        relative,
        relative_ci,
        se,
        p_value: welch.p_value,
        adjusted_p: welch.p_value,
    }
}

/// CUPED per arm (the control's entry is unused).
#[allow(clippy::too_many_arguments)]
fn cuped(
    members: &Bitset,
    valid: &Bitset,
    y: &[f64],
    x: &[f64],
    x_valid: &Bitset,
    arm_of: &[u32],
    arms: usize,
    control: usize,
) -> Vec<Cuped> {
    let both = members.and(valid).and(x_valid);
    let assigned = |u: usize| arm_of[u] != UNASSIGNED;
    let (mut n, mut sx, mut sy) = (0usize, 0.0, 0.0);
    for u in both.iter().filter(|&u| assigned(u)) {
        n += 1;
        sx += x[u];
        sy += y[u];
    }
    if n < 3 {
        return vec![
            Cuped::TooFewToTell {
                reason: NotEnough::TooFew {
                    needed: 3,
                    found: n
                }
            };
            arms
        ];
    }
    let (mx, my) = (sx / n as f64, sy / n as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for u in both.iter().filter(|&u| assigned(u)) {
        let (dx, dy) = (x[u] - mx, y[u] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return vec![
            Cuped::TooFewToTell {
                reason: NotEnough::NoVariance
            };
            arms
        ];
    }
    let theta = sxy / sxx;
    let variance_reduction = sxy * sxy / (sxx * syy);
    let adjusted: Vec<f64> = (0..y.len())
        .map(|u| {
            if both.get(u) {
                y[u] - theta * (x[u] - mx)
            } else {
                0.0
            }
        })
        .collect();
    let moments = arm_moments(&both, &Bitset::full(y.len()), &adjusted, arm_of, arms);
    let c = moments[control];
    moments
        .iter()
        .map(|&t| {
            let found = t.0.min(c.0);
            if found < 2 {
                return Cuped::TooFewToTell {
                    reason: NotEnough::TooFew { needed: 2, found },
                };
            }
            match welch_from(t, c) {
                Ok(w) => Cuped::Measured {
                    theta,
                    n: t.0 + c.0,
                    absolute: w.difference,
                    absolute_ci: w.ci,
                    p_value: w.p_value,
                    variance_reduction,
                },
                Err(reason) => Cuped::TooFewToTell { reason },
            }
        })
        .collect()
}

fn interactions(
    segments: &[SegmentMetric],
    control: usize,
    names: &[String],
    metric: &str,
    warnings: &mut Vec<String>,
) -> Vec<Interaction> {
    let user_segments = &segments[1..];
    if user_segments.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (a, arm) in names.iter().enumerate() {
        if a == control {
            continue;
        }
        let mut effects = Vec::with_capacity(user_segments.len());
        let mut missing = None;
        for s in user_segments {
            match &s.arms[a].lift {
                Lift::Measured { absolute, se, .. } if *se > 0.0 => effects.push((*absolute, *se)),
                Lift::Measured { .. } => missing = Some(NotEnough::NoVariance),
                Lift::TooFewToTell { reason } => missing = Some(reason.clone()),
                Lift::Control => {}
            }
        }
        if let Some(reason) = missing {
            out.push(Interaction::TooFewToTell {
                arm: arm.clone(),
                reason,
            });
            continue;
        }
        let simpson = match &segments[0].arms[a].lift {
            Lift::Measured { absolute, .. } if *absolute != 0.0 => effects
                .iter()
                .all(|&(e, _)| e != 0.0 && e.signum() != absolute.signum()),
            _ => false,
        };
        if simpson {
            warnings.push(format!(
                "Simpson's paradox in {metric}, {arm}: the effect over everyone points the other way from the effect in every segment; the segments' sizes differ between arms, so trust the per-segment effects"
            ));
        }
        if let [(e1, s1), (e2, s2)] = effects[..] {
            let difference = e1 - e2;
            let statistic = difference / (s1 * s1 + s2 * s2).sqrt();
            out.push(Interaction::DifferenceZ {
                arm: arm.clone(),
                difference,
                statistic,
                p_value: (2.0 * normal_sf(statistic.abs())).min(1.0),
                simpson,
            });
        } else {
            let w: Vec<f64> = effects.iter().map(|&(_, s)| 1.0 / (s * s)).collect();
            let total: f64 = w.iter().sum();
            let pooled = effects
                .iter()
                .zip(&w)
                .map(|(&(e, _), w)| w * e)
                .sum::<f64>()
                / total;
            let statistic: f64 = effects
                .iter()
                .zip(&w)
                .map(|(&(e, _), w)| w * (e - pooled).powi(2))
                .sum();
            let df = effects.len() - 1;
            out.push(Interaction::CochranQ {
                arm: arm.clone(),
                statistic,
                df,
                p_value: chi2_sf(statistic, df as f64),
                simpson,
            });
        }
    }
    out
}

fn adjust(metrics: &mut [MetricResult], correction: Correction) {
    let mut raw = Vec::new();
    for m in metrics.iter() {
        for s in &m.segments {
            for a in &s.arms {
                if let Lift::Measured { p_value, .. } = a.lift {
                    raw.push(p_value);
                }
            }
        }
    }
    let adjusted = match correction {
        Correction::BenjaminiHochberg => benjamini_hochberg(&raw),
        Correction::Bonferroni => bonferroni(&raw),
    };
    let mut next = adjusted.into_iter();
    for m in metrics.iter_mut() {
        for s in &mut m.segments {
            for a in &mut s.arms {
                if let Lift::Measured { adjusted_p, .. } = &mut a.lift
                    && let Some(p) = next.next()
                {
                    *adjusted_p = p;
                }
            }
        }
    }
}
