//! `seglab inspect FILE...`: what Seglab makes of each file: its rows, its columns and their types.

use crate::error::CliError;
use crate::load::{self, LoadedFile};
use crate::output::{thousands, write_table};
use seglab_core::ColumnType;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The CSV files to inspect.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print JSON (`files[].path`, `rows`, `columns[].name`, `columns[].type`, ...) instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileSummary>,
}

#[derive(Serialize)]
struct FileSummary {
    path: String,
    rows: usize,
    columns: Vec<ColumnSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<String>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ColumnSummary {
    name: String,
    #[serde(rename = "type")]
    ty: ColumnType,
    /// Rows without a value.
    missing: usize,
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let files = load::read_all(&args.files)?;
    let report = Report { files: files.iter().map(summarize).collect() };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    for (i, file) in report.files.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_human(out, file)?;
    }
    Ok(())
}

fn summarize(file: &LoadedFile) -> FileSummary {
    let table = &file.table;
    FileSummary {
        path: file.path.display().to_string(),
        rows: table.rows(),
        columns: table
            .columns()
            .iter()
            .map(|c| ColumnSummary { name: c.name().to_owned(), ty: c.ty(), missing: c.missing() })
            .collect(),
        delimiter: file.delimiter.clone(),
        encoding: file.encoding.clone(),
        warnings: file.warnings.clone(),
    }
}

fn write_human(out: &mut impl Write, file: &FileSummary) -> std::io::Result<()> {
    let mut details =
        vec![format!("{} rows", thousands(file.rows)), format!("{} columns", thousands(file.columns.len()))];
    if let Some(delimiter) = &file.delimiter {
        details.push(format!("delimiter {}", describe_delimiter(delimiter)));
    }
    if let Some(encoding) = &file.encoding {
        details.push(encoding.clone());
    }
    writeln!(out, "{}: {}", file.path, details.join(", "))?;
    let mut rows = vec![vec!["column".to_owned(), "type".to_owned(), "missing".to_owned()]];
    for column in &file.columns {
        let missing = if column.missing == 0 { String::new() } else { thousands(column.missing) };
        rows.push(vec![column.name.clone(), column.ty.name().to_owned(), missing]);
    }
    write_table(out, "  ", &rows)?;
    for warning in &file.warnings {
        writeln!(out, "  warning: {warning}")?;
    }
    Ok(())
}

fn describe_delimiter(delimiter: &str) -> String {
    match delimiter {
        "\t" => "tab".to_owned(),
        "," => "comma".to_owned(),
        ";" => "semicolon".to_owned(),
        "|" => "pipe".to_owned(),
        other => format!("`{other}`"),
    }
}
