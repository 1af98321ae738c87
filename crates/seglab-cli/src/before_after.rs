//! `seglab before-after FILE... --at DATE --segment NAME=EXPR`: did a segment's usage change around a date
//! more than everyone else's did (a difference in differences, per user)?

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::impact_args::{SegmentArgs, p_value, parse_window};
use crate::output::{thousands, write_table};
use seglab_core::impact::{self, BeforeAfter, BeforeAfterSpec};
use seglab_core::segment::time::days_from_civil;
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// The day of the change, `YYYY-MM-DD` (midnight UTC): before is the window up to it, after from it.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    at: i64,
    /// The length of each window, before and after, in days: e.g. `14d`, `4w`.
    #[arg(long, value_name = "WINDOW", default_value = "14d", value_parser = parse_window)]
    window: i64,
    /// The event counted per user (default: any event).
    #[arg(long, value_name = "EVENT")]
    event: Option<String>,
    /// Print the whole result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    segments: SegmentArgs,
    #[command(flatten)]
    data: DataArgs,
}

fn parse_day(text: &str) -> Result<i64, String> {
    let usage = || format!("`{text}`: expected a date like 2025-03-01");
    let mut parts = text.trim().splitn(3, '-').map(str::parse::<i32>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return Err(usage());
    };
    days_from_civil(y, m, d)
        .map(|days| i64::from(days) * 86_400)
        .ok_or_else(usage)
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    result: &'a BeforeAfter,
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    if args.window % 86_400 != 0 {
        return Err(CliError::Usage(
            "--window is counted in whole days, e.g. 14d or 2w".to_owned(),
        ));
    }
    let data = data::load(&args.data)?;
    let segments = args.segments.evaluate(&data.dataset)?;
    if segments.is_empty() {
        return Err(CliError::Usage(
            "give a --segment to compare with everyone else, e.g. --segment 'Paying=converted = yes'"
                .to_owned(),
        ));
    }
    let spec = BeforeAfterSpec {
        event: args.event.clone(),
        at: args.at,
        days: u32::try_from(args.window / 86_400).unwrap_or(u32::MAX),
        segments,
    };
    let result = impact::before_after(&data.dataset, &spec)?;
    let report = Report {
        result: &result,
        join_notes: &data.notes,
    };
    if crate::impact_args::json_or_notes(out, args.json, &report, &data.notes)? {
        return Ok(());
    }
    writeln!(
        out,
        "{} per user in the {} days before and after the change",
        args.event.as_deref().unwrap_or("events"),
        spec.days
    )?;
    let mut rows = vec![
        [
            "segment",
            "users",
            "before",
            "after",
            "rest before",
            "rest after",
            "change vs rest",
            "95% CI",
            "p",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for s in &result.segments {
        let mut row = vec![
            s.segment.clone(),
            thousands(s.users),
            format!("{:.3}", s.before),
            format!("{:.3}", s.after),
            format!("{:.3}", s.rest_before),
            format!("{:.3}", s.rest_after),
        ];
        match &s.did {
            Ok(w) => row.extend([
                format!("{:+.3}", w.difference),
                format!("[{:+.3}, {:+.3}]", w.ci.low, w.ci.high),
                p_value(Some(w.p_value)),
            ]),
            Err(reason) => row.push(format!("too few to tell: {reason}")),
        }
        rows.push(row);
    }
    write_table(out, "  ", &rows)?;
    writeln!(
        out,
        "change vs rest: the segment's mean (after − before) minus everyone else's, Welch's t-test"
    )?;
    for warning in &result.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}
