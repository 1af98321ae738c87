//! `seglab funnel FILE... --step EVENT --step EVENT ... [--within 14d]`: how many users go through ordered
//! steps, per segment, with intervals, tests and the median time between steps.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::impact_args::{SegmentArgs, duration, p_value, parse_window, percent, percent_ci};
use crate::output::{thousands, write_table};
use seglab_core::impact::{self, FunnelBaseline, FunnelResult, FunnelSpec};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// An event name, in order; give at least two, e.g. `--step Signup --step "Create report"`.
    #[arg(long = "step", value_name = "EVENT", required = true)]
    steps: Vec<String>,
    /// How long after the first step the last may happen: e.g. `14d`, `2w`, `36h`.
    #[arg(long, value_name = "WINDOW", default_value = "14d", value_parser = parse_window)]
    within: i64,
    /// Test each segment against `rest` (everyone not in it) or `first` (the first --segment).
    #[arg(long = "vs", value_name = "BASELINE", default_value = "rest", value_parser = parse_baseline)]
    baseline: FunnelBaseline,
    /// Print the whole result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    segments: SegmentArgs,
    #[command(flatten)]
    data: DataArgs,
}

fn parse_baseline(text: &str) -> Result<FunnelBaseline, String> {
    match text {
        "rest" => Ok(FunnelBaseline::Rest),
        "first" => Ok(FunnelBaseline::FirstSegment),
        _ => Err(format!("`{text}`: expected `rest` or `first`")),
    }
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    funnel: &'a FunnelResult,
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let data = data::load(&args.data)?;
    let segments = args.segments.evaluate(&data.dataset)?;
    if args.baseline == FunnelBaseline::FirstSegment && segments.len() < 2 {
        return Err(CliError::Usage(
            "--vs first compares the other segments with the first; give at least two --segment"
                .to_owned(),
        ));
    }
    let spec = FunnelSpec {
        steps: args.steps.clone(),
        within: args.within,
        segments,
        baseline: args.baseline,
    };
    let result = impact::funnel(&data.dataset, &spec)?;
    let report = Report {
        funnel: &result,
        join_notes: &data.notes,
    };
    if crate::impact_args::json_or_notes(out, args.json, &report, &data.notes)? {
        return Ok(());
    }
    writeln!(
        out,
        "funnel: {} within {} of the first step",
        args.steps.join(" → "),
        duration(Some(args.within as f64))
    )?;
    for segment in &result.segments {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({} users)",
            segment.segment,
            thousands(segment.users as usize)
        )?;
        let mut rows = vec![
            [
                "step",
                "reached",
                "of step 1",
                "95% CI",
                "from previous",
                "median time",
                "adj. p",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        for (i, step) in segment.steps.iter().enumerate() {
            rows.push(vec![
                format!("{}. {}", i + 1, step.step),
                thousands(step.reached as usize),
                if i == 0 {
                    format!("{} of users", percent(step.conversion))
                } else {
                    percent(step.conversion)
                },
                percent_ci(step.ci),
                percent(step.step_conversion),
                duration(step.median_seconds),
                p_value(step.adjusted_p),
            ]);
        }
        write_table(out, "  ", &rows)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "adj. p: each segment's conversion against {}, two-proportion z-test, Benjamini-Hochberg adjusted",
        match args.baseline {
            FunnelBaseline::Rest => "everyone not in it",
            FunnelBaseline::FirstSegment => "the first segment",
        }
    )?;
    Ok(())
}
