//! `seglab segment FILE... --segment EXPR`: how many users a segment holds, which ones, or its SQL.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::output::thousands;
use seglab_core::Value;
use seglab_core::segment::{self, Dialect, Expr, SegmentError, SegmentSet};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// The segment, e.g. `plan = "enterprise" and did "Export report" at least 3 times in last 30 days`.
    #[arg(short, long, value_name = "EXPR")]
    segment: String,
    /// Print the segment as a SQL query over tables named after the files, instead of evaluating it.
    #[arg(long)]
    sql: bool,
    /// The SQL dialect: duckdb, postgres, bigquery or spark.
    #[arg(long, value_name = "DIALECT", default_value = "duckdb", value_parser = parse_dialect, requires = "sql")]
    dialect: Dialect,
    /// Print the id of every user in the segment, one per line.
    #[arg(long, conflicts_with = "sql")]
    ids: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    defines: Defines,
    #[command(flatten)]
    data: DataArgs,
}

/// Named segments that definitions can refer to with `in segment "NAME"`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Defines {
    /// A named segment for `in segment "NAME"`, e.g. `--define 'Trials=plan = "trial"'`; may be repeated.
    #[arg(long = "define", value_name = "NAME=EXPR", value_parser = parse_define)]
    defines: Vec<(String, String)>,
}

fn parse_define(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, definition)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), definition.trim().to_owned()))
        }
        _ => Err(format!(
            "`{text}`: expected NAME=DEFINITION, e.g. 'Trials=plan = \"trial\"'"
        )),
    }
}

impl Defines {
    /// The named segments, each parsed now so that a mistake is reported against its own text.
    pub fn set(&self) -> Result<SegmentSet, CliError> {
        let mut set = SegmentSet::new();
        for (name, definition) in &self.defines {
            let expr = segment::parse(definition)
                .map_err(|e| segment_error(definition, &e).in_named(name))?;
            set.insert_parsed(name, Ok(expr));
        }
        Ok(set)
    }
}

fn parse_dialect(text: &str) -> Result<Dialect, String> {
    match text.to_ascii_lowercase().as_str() {
        "duckdb" => Ok(Dialect::DuckDb),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "bigquery" => Ok(Dialect::BigQuery),
        "spark" | "sparksql" => Ok(Dialect::Spark),
        _ => Err(format!(
            "`{text}`: expected duckdb, postgres, bigquery or spark"
        )),
    }
}

#[derive(Serialize)]
struct Members<'a> {
    definition: &'a str,
    /// The definition as Seglab writes it.
    canonical: String,
    users: usize,
    population: usize,
    share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ids: Option<Vec<String>>,
    notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let expr = parse(&args.segment)?;
    let segments = args.defines.set()?;
    let data = data::load(&args.data)?;
    if args.sql {
        let sql = segment::to_sql(
            &expr,
            args.dialect,
            &data.dataset,
            &data.sql_tables(),
            &segments,
        )
        .map_err(|e| segment_error(&args.segment, &e))?;
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "sql": sql }))?;
            writeln!(out)?;
        } else {
            writeln!(out, "{sql};")?;
        }
        return Ok(());
    }
    let members = segment::evaluate(&expr, &data.dataset, &segments)
        .map_err(|e| segment_error(&args.segment, &e))?;
    let population = data.dataset.users();
    let ids = if args.ids {
        let key = data.key_column().ok_or_else(|| {
            CliError::Usage(
                "the users have no key column to list; pass a file with a user id column"
                    .to_owned(),
            )
        })?;
        Some(
            members
                .iter()
                .map(|row| match key.value(row) {
                    Value::Str(s) => s.to_owned(),
                    Value::Integer(n) => n.to_string(),
                    _ => String::new(),
                })
                .collect::<Vec<_>>(),
        )
    } else {
        None
    };
    if args.json {
        let report = Members {
            definition: &args.segment,
            canonical: expr.to_string(),
            users: members.count(),
            population,
            share: (population > 0).then(|| members.count() as f64 / population as f64),
            ids,
            notes: &data.notes,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    if let Some(ids) = ids {
        for id in ids {
            writeln!(out, "{id}")?;
        }
        return Ok(());
    }
    let share = if population > 0 {
        members.count() as f64 / population as f64 * 100.0
    } else {
        0.0
    };
    writeln!(
        out,
        "{}: {} of {} users ({share:.1}%)",
        expr,
        thousands(members.count()),
        thousands(population)
    )?;
    Ok(())
}

/// Parses a definition given on the command line.
pub fn parse(definition: &str) -> Result<Expr, CliError> {
    segment::parse(definition).map_err(|e| segment_error(definition, &e))
}

/// The engine's message, with the definition underlined where the problem is.
pub fn segment_error(definition: &str, error: &SegmentError) -> CliError {
    let mut message = format!("segment: {}", error.message);
    if let Some((start, end)) = error.span
        && let (Some(before), Some(marked)) = (
            definition.get(..start),
            definition.get(start..end.max(start)),
        )
        && !definition.contains('\n')
    {
        let pad = before.chars().count();
        let width = marked.chars().count().max(1);
        message = format!(
            "{message}\n    {definition}\n    {}{}",
            " ".repeat(pad),
            "^".repeat(width)
        );
    }
    CliError::Segment { message }
}
