//! `seglab retention FILE... [--by week|month] [--start EVENT] [--return EVENT]`: cohorts by start week or
//! month, the share that comes back in each period since, and the pooled curve per segment.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::impact_args::{SegmentArgs, percent, percent_ci};
use crate::output::{thousands, write_table};
use seglab_core::impact::{self, CohortBy, Period, RetentionResult, RetentionSpec};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// Cohort and period length: `week` (7 days) or `month` (30 days).
    #[arg(long, value_name = "PERIOD", default_value = "week", value_parser = parse_period)]
    by: Period,
    /// A date column that starts each user (e.g. `signup_date`); by default the first --start event.
    #[arg(long, value_name = "COLUMN", conflicts_with = "start")]
    cohort_column: Option<String>,
    /// The event that starts a user (default: any event).
    #[arg(long, value_name = "EVENT")]
    start: Option<String>,
    /// The event that counts as coming back (default: any event).
    #[arg(long = "return", value_name = "EVENT")]
    return_event: Option<String>,
    /// How many periods to show (default: all that have ended for someone, at most 52).
    #[arg(long, value_name = "N")]
    periods: Option<usize>,
    /// Print the whole result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    segments: SegmentArgs,
    #[command(flatten)]
    data: DataArgs,
}

fn parse_period(text: &str) -> Result<Period, String> {
    match text {
        "week" | "weekly" | "w" => Ok(Period::Week),
        "month" | "monthly" | "m" => Ok(Period::Month),
        _ => Err(format!("`{text}`: expected `week` or `month`")),
    }
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    retention: &'a RetentionResult,
    join_notes: &'a [String],
}

/// Periods shown per cohort in text; the JSON has them all.
const SHOWN_PERIODS: usize = 12;

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    if args.periods == Some(0) {
        return Err(CliError::Usage("--periods must be at least 1".to_owned()));
    }
    let data = data::load(&args.data)?;
    let segments = args.segments.evaluate(&data.dataset)?;
    let cohort = match &args.cohort_column {
        Some(column) => CohortBy::Column(column.clone()),
        None => CohortBy::StartEvent,
    };
    let mut spec = RetentionSpec::new(args.by, cohort);
    spec.start_event.clone_from(&args.start);
    spec.return_event.clone_from(&args.return_event);
    spec.periods = args.periods;
    spec.segments = segments;
    let result = impact::retention(&data.dataset, &spec)?;
    let report = Report {
        retention: &result,
        join_notes: &data.notes,
    };
    if crate::impact_args::json_or_notes(out, args.json, &report, &data.notes)? {
        return Ok(());
    }
    let unit = match args.by {
        Period::Week => "week",
        Period::Month => "month (30 days)",
    };
    writeln!(
        out,
        "retention by {unit}: started by {}, returned with {}",
        args.cohort_column.as_ref().map_or_else(
            || format!("the first {}", args.start.as_deref().unwrap_or("event")),
            |c| format!("`{c}`")
        ),
        args.return_event.as_deref().unwrap_or("any event")
    )?;
    if result.without_start > 0 {
        writeln!(
            out,
            "{} users have no start and are left out",
            thousands(result.without_start)
        )?;
    }
    let shown = result.periods.min(SHOWN_PERIODS);
    for segment in &result.segments {
        writeln!(out)?;
        writeln!(
            out,
            "{}: retained per {} since start, all cohorts",
            segment.segment,
            args.by.days_word()
        )?;
        let mut rows = vec![
            ["period", "eligible", "retained", "rate", "95% CI"]
                .map(str::to_owned)
                .to_vec(),
        ];
        for p in &segment.curve {
            rows.push(vec![
                p.period.to_string(),
                thousands(p.eligible as usize),
                thousands(p.retained as usize),
                percent(p.rate),
                percent_ci(p.ci),
            ]);
        }
        write_table(out, "  ", &rows)?;
        writeln!(out)?;
        writeln!(
            out,
            "  by cohort (share retained in period 0, 1, …; – not yet ended):"
        )?;
        let mut header = vec!["cohort".to_owned(), "users".to_owned()];
        header.extend((0..shown).map(|k| k.to_string()));
        let mut rows = vec![header];
        for (c, label) in result.cohort_labels.iter().enumerate() {
            let size = segment.size[c];
            if size == 0 {
                continue;
            }
            let mut row = vec![label.clone(), thousands(size as usize)];
            for k in 0..shown {
                let i = c * result.periods + k;
                let eligible = segment.eligible[i];
                row.push(if eligible == 0 {
                    "–".to_owned()
                } else {
                    format!(
                        "{:.0}%",
                        segment.retained[i] as f64 * 100.0 / eligible as f64
                    )
                });
            }
            rows.push(row);
        }
        write_table(out, "  ", &rows)?;
    }
    if result.periods > shown {
        writeln!(
            out,
            "(periods {shown} to {} are in --json)",
            result.periods - 1
        )?;
    }
    Ok(())
}

trait PeriodWord {
    fn days_word(self) -> &'static str;
}

impl PeriodWord for Period {
    fn days_word(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "30 days",
        }
    }
}
