//! `seglab score FILE... --measure 'NAME:+:WEIGHT'...`: a health score from 3–6 measures, its bands as
//! segment definitions, and (with `--outcome`) how well it predicts an outcome.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::output::{thousands, write_table};
use seglab_core::models::{self, Backtest, Bands, MeasureReport, Outcome, ScoreDefinition};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// A measure, its direction (`+` higher is better, `-` lower is better) and weight, e.g.
    /// `'count(Login, 30d):+:2'` or `days_since_last_seen:-:1`; give 3 to 6.
    #[arg(long = "measure", value_name = "NAME:+:WEIGHT", required = true)]
    measures: Vec<String>,
    /// Band thresholds: at risk below the first, needs attention below the second, healthy below the third.
    #[arg(long, value_name = "A,B,C", value_parser = parse_bands)]
    bands: Option<Bands>,
    /// A yes/no (or numeric) column to back-test the score against, e.g. `converted`.
    #[arg(long, value_name = "COLUMN")]
    outcome: Option<String>,
    /// For a numeric outcome: positive above this value (default: its median).
    #[arg(long, value_name = "X", requires = "outcome")]
    threshold: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

fn parse_bands(text: &str) -> Result<Bands, String> {
    let numbers: Result<Vec<f64>, _> = text.split(',').map(|t| t.trim().parse::<f64>()).collect();
    match numbers.as_deref() {
        Ok([at_risk, needs_attention, healthy]) => Ok(Bands {
            at_risk: *at_risk,
            needs_attention: *needs_attention,
            healthy: *healthy,
        }),
        _ => Err(format!("`{text}`: expected three numbers, e.g. 25,50,75")),
    }
}

#[derive(Serialize)]
struct BandReport<'a> {
    name: &'a str,
    definition: &'a str,
    users: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    /// The score in its URL form.
    score: String,
    column: &'a str,
    measures: &'a [MeasureReport],
    bands: Vec<BandReport<'a>>,
    backtest: Option<&'a Backtest>,
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let mut definition: ScoreDefinition = args.measures.join(";").parse()?;
    if let Some(bands) = args.bands {
        definition.bands = bands;
    }
    let data = data::load(&args.data)?;
    let outcome = args.outcome.as_ref().map(|column| Outcome {
        column: column.clone(),
        threshold: args.threshold,
    });
    let result = models::score(&data.dataset, &definition, outcome.as_ref())?;
    let report = Report {
        score: definition.to_string(),
        column: &result.column,
        measures: &result.measures,
        bands: result
            .bands
            .iter()
            .map(|b| BandReport {
                name: &b.name,
                definition: &b.definition,
                users: b.size,
            })
            .collect(),
        backtest: result.backtest.as_ref(),
        join_notes: &data.notes,
    };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    let users = result.scores.len();
    writeln!(out, "score: {}", report.score)?;
    writeln!(
        out,
        "{} users scored 0-100 by percentile rank; a missing value counts as the median (0.5)",
        thousands(users)
    )?;
    let mut rows = vec![vec![
        "measure".to_owned(),
        "direction".to_owned(),
        "weight".to_owned(),
        "missing".to_owned(),
    ]];
    for m in &result.measures {
        rows.push(vec![
            m.name.clone(),
            match m.direction {
                models::Direction::HigherIsBetter => "higher is better".to_owned(),
                models::Direction::LowerIsBetter => "lower is better".to_owned(),
            },
            m.weight.to_string(),
            thousands(m.missing),
        ]);
    }
    write_table(out, "  ", &rows)?;
    writeln!(out)?;
    writeln!(out, "bands (segments over the column `{}`):", result.column)?;
    let mut rows = vec![vec![
        "band".to_owned(),
        "users".to_owned(),
        "definition".to_owned(),
    ]];
    for b in &result.bands {
        rows.push(vec![
            b.name.clone(),
            format!("{} ({:.1}%)", thousands(b.size), percent(b.size, users)),
            b.definition.clone(),
        ]);
    }
    write_table(out, "  ", &rows)?;
    if let Some(test) = &result.backtest {
        writeln!(out)?;
        let target = match test.threshold {
            Some(t) => format!("{} > {t}", test.outcome),
            None => format!("{} = yes", test.outcome),
        };
        writeln!(
            out,
            "back-test against {target} ({} of {} users): ROC AUC {:.3} (95% CI {:.3}-{:.3}, Hanley-McNeil)",
            thousands(test.positives),
            thousands(test.n),
            test.auc,
            test.ci.low,
            test.ci.high
        )?;
        let mut rows = vec![vec![
            "decile".to_owned(),
            "scores".to_owned(),
            "users".to_owned(),
            "rate".to_owned(),
        ]];
        for d in &test.deciles {
            rows.push(vec![
                d.decile.to_string(),
                format!("{:.1}-{:.1}", d.low, d.high),
                thousands(d.n),
                format!("{:.1}%", d.rate * 100.0),
            ]);
        }
        write_table(out, "  ", &rows)?;
        writeln!(out, "which measure carries the score:")?;
        let mut rows = vec![vec![
            "measure".to_owned(),
            "own AUC".to_owned(),
            "AUC without it".to_owned(),
        ]];
        for m in &test.influence {
            rows.push(vec![
                m.name.clone(),
                format!("{:.3}", m.auc),
                format!("{:.3} ({:+.3})", m.auc_without, -m.drop),
            ]);
        }
        write_table(out, "  ", &rows)?;
    }
    Ok(())
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
