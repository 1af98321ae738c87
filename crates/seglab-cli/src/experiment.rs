//! `seglab experiment FILE... --variant COLUMN --outcome SPEC`: each arm's outcome and lift over control,
//! overall and per segment, with the checks an experiment needs (sample ratio, multiple testing,
//! interaction, Simpson's paradox, CUPED).

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::impact_args::{SegmentArgs, evaluate_named, p_value, parse_named, percent};
use crate::output::{thousands, write_table};
use seglab_core::impact::{
    self, Assignment, Correction, Covariate, Cuped, ExperimentResult, ExperimentSpec, Exposure,
    Interaction, Lift, OutcomeKind, OutcomeSpec,
};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// The column that says which arm a user is in (category, yes/no or whole number).
    #[arg(
        long,
        value_name = "COLUMN",
        required_unless_present = "arms",
        conflicts_with = "arms"
    )]
    variant: Option<String>,
    /// Arms as segments instead of a column, e.g. `--arm 'old=signup_date < 2025-03-01'`; repeat per arm.
    #[arg(long = "arm", value_name = "NAME=EXPR", value_parser = parse_named)]
    arms: Vec<(String, String)>,
    /// The control arm (default: an arm named `control`, else the first in sorted order).
    #[arg(long, value_name = "VALUE")]
    control: Option<String>,
    /// What to measure: a yes/no or numeric column (e.g. `converted`), or an event after exposure:
    /// `any(Upgrade, 14d)` (did it at all) or `count("Create report", 7d)` (how often); `*` is any event.
    /// May be repeated.
    #[arg(long = "outcome", value_name = "SPEC", required = true, value_parser = parse_outcome)]
    outcomes: Vec<OutcomeArg>,
    /// When a user was exposed, for event outcomes: a date or date-time column, or `first-event`.
    #[arg(long, value_name = "COLUMN", default_value = "first-event")]
    exposure: String,
    /// A pre-experiment covariate for CUPED: a numeric column, or `pre-period` (the same event count in
    /// the window before exposure).
    #[arg(long, value_name = "COLUMN")]
    covariate: Option<String>,
    /// The expected split of the arms, in sorted order, e.g. `50,50` or `1,1,2` (default: equal).
    #[arg(long, value_name = "SHARES", value_delimiter = ',')]
    split: Option<Vec<f64>>,
    /// Adjust p-values with Bonferroni instead of Benjamini-Hochberg.
    #[arg(long)]
    bonferroni: bool,
    /// Print the whole result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    segments: SegmentArgs,
    #[command(flatten)]
    data: DataArgs,
}

/// An outcome as typed; the exposure is filled in from `--exposure`.
#[derive(Clone, Debug)]
enum OutcomeArg {
    Column(String),
    Event {
        event: Option<String>,
        days: u32,
        kind: OutcomeKind,
    },
}

fn parse_outcome(text: &str) -> Result<OutcomeArg, String> {
    let t = text.trim();
    let (kind, rest) = if let Some(rest) = t.strip_prefix("any(") {
        (OutcomeKind::Any, rest)
    } else if let Some(rest) = t.strip_prefix("count(") {
        (OutcomeKind::Count, rest)
    } else if t.is_empty() {
        return Err("expected a column name or e.g. any(Upgrade, 14d)".to_owned());
    } else {
        return Ok(OutcomeArg::Column(t.to_owned()));
    };
    let usage =
        || format!("`{text}`: expected e.g. any(Upgrade, 14d) or count(\"Create report\", 7d)");
    let inner = rest.strip_suffix(')').ok_or_else(usage)?;
    let (event, window) = inner.rsplit_once(',').ok_or_else(usage)?;
    let event = event.trim().trim_matches('"').trim();
    if event.is_empty() {
        return Err(usage());
    }
    let window = window.trim();
    let days = window
        .strip_suffix('d')
        .unwrap_or(window)
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|&d| d > 0 && d <= 36_500)
        .ok_or_else(|| {
            format!("`{window}` in `{text}`: expected a window in whole days, e.g. 14d")
        })?;
    Ok(OutcomeArg::Event {
        event: (event != "*").then(|| event.to_owned()),
        days,
        kind,
    })
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    experiment: &'a ExperimentResult,
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let data = data::load(&args.data)?;
    let segments = args.segments.evaluate(&data.dataset)?;
    let assignment = match &args.variant {
        Some(column) => Assignment::Column(column.clone()),
        None => Assignment::Selections(evaluate_named(&args.arms, &data.dataset)?),
    };
    let exposure = if args.exposure == "first-event" {
        Exposure::FirstEvent
    } else {
        Exposure::Column(args.exposure.clone())
    };
    let outcomes = args
        .outcomes
        .iter()
        .map(|o| match o {
            OutcomeArg::Column(c) => OutcomeSpec::Column(c.clone()),
            OutcomeArg::Event { event, days, kind } => OutcomeSpec::Event {
                event: event.clone(),
                days: *days,
                kind: *kind,
                exposure: exposure.clone(),
            },
        })
        .collect();
    let mut spec = ExperimentSpec::new(assignment, outcomes);
    spec.control.clone_from(&args.control);
    spec.segments = segments;
    spec.expected_split.clone_from(&args.split);
    spec.correction = if args.bonferroni {
        Correction::Bonferroni
    } else {
        Correction::BenjaminiHochberg
    };
    spec.covariate = args.covariate.as_deref().map(|c| match c {
        "pre-period" => Covariate::PrePeriod,
        column => Covariate::Column(column.to_owned()),
    });
    let result = impact::experiment(&data.dataset, &spec)?;
    let report = Report {
        experiment: &result,
        join_notes: &data.notes,
    };
    if crate::impact_args::json_or_notes(out, args.json, &report, &data.notes)? {
        return Ok(());
    }
    write_human(out, &result)
}

fn write_human(out: &mut impl Write, result: &ExperimentResult) -> Result<(), CliError> {
    let arms: Vec<String> = result
        .arms
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let role = if i == result.control {
                " (control)"
            } else {
                ""
            };
            format!("{} {}{role}", a.name, thousands(a.users))
        })
        .collect();
    writeln!(out, "arms: {}", arms.join(", "))?;
    if result.unassigned > 0 {
        writeln!(out, "{} users are in no arm", thousands(result.unassigned))?;
    }
    if let Some(srm) = &result.sample_ratio {
        writeln!(
            out,
            "sample ratio: chi-square p = {}",
            p_value(Some(srm.p_value))
        )?;
    }
    let adjusted = match result.correction {
        Correction::BenjaminiHochberg => "Benjamini-Hochberg",
        Correction::Bonferroni => "Bonferroni",
    };
    for metric in &result.metrics {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({}, {} users measured)",
            metric.name,
            if metric.is_rate { "rate" } else { "mean" },
            thousands(metric.measured)
        )?;
        let mut rows = vec![
            [
                "segment",
                "arm",
                "users",
                "value",
                "lift",
                "95% CI",
                "relative",
                "adj. p",
                "CUPED lift",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        let value = |v: Option<f64>| match v {
            None => "–".to_owned(),
            Some(v) if metric.is_rate => percent(Some(v)),
            Some(v) => format!("{v:.4}"),
        };
        let diff = |v: f64| {
            if metric.is_rate {
                format!("{:+.1} pt", v * 100.0)
            } else {
                format!("{v:+.4}")
            }
        };
        for segment in &metric.segments {
            for arm in &segment.arms {
                let mut row = vec![
                    segment.segment.clone(),
                    arm.arm.clone(),
                    thousands(arm.n),
                    value(arm.value),
                ];
                match &arm.lift {
                    Lift::Control => row.push("(control)".to_owned()),
                    Lift::Measured {
                        absolute,
                        absolute_ci,
                        relative,
                        adjusted_p,
                        ..
                    } => row.extend([
                        diff(*absolute),
                        format!("[{}, {}]", diff(absolute_ci.low), diff(absolute_ci.high)),
                        relative.map_or_else(|| "–".to_owned(), |r| format!("{:+.1}%", r * 100.0)),
                        p_value(Some(*adjusted_p)),
                    ]),
                    Lift::TooFewToTell { reason } => {
                        row.push(format!("too few to tell: {reason}"));
                    }
                }
                if let Some(Cuped::Measured {
                    absolute,
                    variance_reduction,
                    ..
                }) = &arm.cuped
                    && !matches!(arm.lift, Lift::Control)
                {
                    row.resize(8, String::new());
                    row.push(format!(
                        "{} (variance −{:.0}%)",
                        diff(*absolute),
                        variance_reduction * 100.0
                    ));
                }
                rows.push(row);
            }
        }
        write_table(out, "  ", &rows)?;
        for interaction in &metric.interactions {
            match interaction {
                Interaction::DifferenceZ {
                    arm, p_value: p, ..
                } => writeln!(
                    out,
                    "  does {arm}'s effect differ between the two segments? z-test p = {}",
                    p_value(Some(*p))
                )?,
                Interaction::CochranQ {
                    arm,
                    p_value: p,
                    df,
                    ..
                } => writeln!(
                    out,
                    "  does {arm}'s effect differ between the {} segments? Cochran's Q p = {}",
                    df + 1,
                    p_value(Some(*p))
                )?,
                Interaction::TooFewToTell { arm, reason } => writeln!(
                    out,
                    "  whether {arm}'s effect differs between segments: too few to tell ({reason})"
                )?,
            }
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "lift: treatment − control; rates by two-proportion z-test (Newcombe interval), means by Welch's t-test; p adjusted by {adjusted}"
    )?;
    for warning in &result.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}
