//! `seglab segment --data FILE... 'DEFINITION'`: how many users a segment holds, which ones, their rows as
//! CSV, or the segment as SQL.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::output::thousands;
use seglab_core::Value;
use seglab_core::segment::{self, Dialect, Expr, SegmentError, SegmentSet};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(
    override_usage = "seglab segment --data FILE... [OPTIONS] 'DEFINITION'\n       \
                            seglab segment [OPTIONS] -s 'DEFINITION' FILE..."
)]
#[command(after_help = "\
The definition is the last argument, in quotes: `seglab segment --data users.csv events.csv 'plan = \"pro\"'`. \
When it is not given with -s, the last plain argument, or else the last --data value, is taken as the \
definition if it is not an existing file (and does not end in .csv, .tsv or .txt).")]
pub struct Args {
    /// The segment, instead of giving it as the last argument, e.g.
    /// `plan = "enterprise" and did "Export report" at least 3 times in last 30 days`.
    #[arg(short, long, value_name = "DEFINITION")]
    segment: Option<String>,
    /// Print only the number of users in the segment.
    #[arg(long, conflicts_with_all = ["ids", "sql", "dialect", "json"])]
    count: bool,
    /// Print the segment as a SQL query over tables named after the files, instead of evaluating it:
    /// duckdb (the default), postgres, bigquery or spark.
    #[arg(long, value_name = "DIALECT", num_args = 0..=1, default_missing_value = "")]
    sql: Option<String>,
    /// The same as `--sql DIALECT`.
    #[arg(long, value_name = "DIALECT", value_parser = parse_dialect)]
    dialect: Option<Dialect>,
    /// Print the id of every user in the segment, one per line.
    #[arg(long, conflicts_with_all = ["sql", "dialect"])]
    ids: bool,
    /// Write the members' rows of the user file as CSV to OUT (`-` for standard output). Text cells that
    /// start with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'` so that a spreadsheet
    /// does not run them as formulas.
    #[arg(long, value_name = "OUT", conflicts_with_all = ["sql", "dialect"])]
    members_csv: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    defines: Defines,
    #[command(flatten)]
    data: DataArgs,
}

/// What the command line asks for once the definition is told apart from the files.
struct Request {
    definition: String,
    files: Vec<PathBuf>,
    /// Print SQL in this dialect instead of evaluating.
    dialect: Option<Dialect>,
}

/// Whether `text`, given where a file or the definition may stand, names a file.
fn names_a_file(text: &Path) -> bool {
    text.exists()
        || text.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            [
                "csv", "tsv", "txt", "tab", "psv", "xlsx", "xls", "gz", "zip",
            ]
            .contains(&e.as_str())
        })
}

fn resolve(args: &Args) -> Result<Request, CliError> {
    let mut dialect = args.dialect;
    // `--sql` takes an optional dialect, so `--sql 'plan = "x"'` or `--sql users.csv` lands here too.
    let mut stray = None;
    if let Some(value) = &args.sql {
        match parse_dialect(value) {
            // A bare `--sql`: the dialect of `--dialect`, or DuckDB.
            _ if value.is_empty() => dialect = dialect.or(Some(Dialect::DuckDb)),
            Ok(d) => {
                if dialect.is_some_and(|other| other != d) {
                    return Err(CliError::Usage(
                        "--sql and --dialect name different dialects; give one".to_owned(),
                    ));
                }
                dialect = Some(d);
            }
            Err(_) => {
                dialect = dialect.or(Some(Dialect::DuckDb));
                stray = Some(PathBuf::from(value));
            }
        }
    }
    let positional = args.data.positional();
    let flagged = args.data.data();
    let mut files: Vec<PathBuf> = positional.iter().chain(flagged).cloned().collect();
    let definition = if let Some(definition) = &args.segment {
        if let Some(stray) = stray {
            if !names_a_file(&stray) {
                return Err(CliError::Usage(format!(
                    "--sql {}: expected duckdb, postgres, bigquery or spark",
                    stray.display()
                )));
            }
            files.push(stray);
        }
        definition.clone()
    } else if let Some(stray) = stray.filter(|s| !names_a_file(s)) {
        stray.to_string_lossy().into_owned()
    } else {
        // The last plain argument, else the last --data value (which a greedy `--data` swallowed).
        let candidate = [positional.last(), flagged.last()]
            .into_iter()
            .flatten()
            .find(|p| !names_a_file(p))
            .cloned()
            .ok_or_else(|| {
                CliError::Usage(
                    "no segment definition; give it after the files, in quotes, e.g. \
                     `seglab segment --data users.csv 'plan = \"pro\"'`, or with -s"
                        .to_owned(),
                )
            })?;
        if let Some(i) = files.iter().rposition(|f| *f == candidate) {
            files.remove(i);
        }
        candidate.to_str().map(str::to_owned).ok_or_else(|| {
            CliError::Usage("the segment definition is not valid UTF-8".to_owned())
        })?
    };
    Ok(Request {
        definition,
        files,
        dialect,
    })
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
    if args
        .members_csv
        .as_deref()
        .is_some_and(|p| p.as_os_str() == "-")
        && (args.count || args.ids || args.json)
    {
        return Err(CliError::Usage(
            "--members-csv - writes the rows to standard output, which --count, --ids or --json also use; \
             write the rows to a file instead"
                .to_owned(),
        ));
    }
    let request = resolve(args)?;
    let definition = request.definition.as_str();
    let expr = parse(definition)?;
    let segments = args.defines.set()?;
    let data = data::load_files(&args.data, &request.files)?;
    if let Some(dialect) = request.dialect {
        let sql = segment::to_sql(&expr, dialect, &data.dataset, &data.sql_tables(), &segments)
            .map_err(|e| notes_then(&data.notes, segment_error(definition, &e)))?;
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "sql": sql }))?;
            writeln!(out)?;
        } else {
            writeln!(out, "{sql};")?;
        }
        return Ok(());
    }
    let members = segment::evaluate(&expr, &data.dataset, &segments)
        .map_err(|e| notes_then(&data.notes, segment_error(definition, &e)))?;
    let population = data.dataset.users();
    if let Some(path) = &args.members_csv {
        let table = &data.dataset.population;
        let csv = seglab_core::report::members_csv(table, &members);
        if path.as_os_str() == "-" {
            out.write_all(csv.as_bytes())?;
            return Ok(());
        }
        std::fs::write(path, csv).map_err(|e| CliError::write(path, e))?;
    }
    if args.count {
        for note in &data.notes {
            eprintln!("note: {note}");
        }
        writeln!(out, "{}", members.count())?;
        return Ok(());
    }
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
            definition,
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

/// The engine's message, with its suggestions when the message does not already offer them, and the
/// definition underlined where the problem is.
/// Prints the join's notes (a file left out, and why) ahead of an error they may explain: a condition on
/// events fails when the event file was loaded but could not be joined.
fn notes_then(notes: &[String], error: CliError) -> CliError {
    for note in notes {
        eprintln!("note: {note}");
    }
    error
}

pub fn segment_error(definition: &str, error: &SegmentError) -> CliError {
    let mut message = format!("segment: {}", error.message);
    if !error.suggestions.is_empty() && !error.message.contains("did you mean") {
        let quoted: Vec<String> = error
            .suggestions
            .iter()
            .map(|s| {
                if s.starts_with(['`', '"']) {
                    s.clone()
                } else {
                    format!("`{s}`")
                }
            })
            .collect();
        message = format!("{message}; did you mean {}?", quoted.join(" or "));
    }
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
