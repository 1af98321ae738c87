//! `seglab inspect FILE...`: what Seglab makes of each file: its rows, its columns and their types.

use crate::error::CliError;
use crate::load::{self, LoadedFile, ReadArgs};
use crate::output::{thousands, write_table};
use seglab_core::ColumnType;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The CSV files to inspect.
    #[arg(long = "data", value_name = "FILE", num_args = 1..)]
    data: Vec<PathBuf>,
    /// The same files given without `--data`.
    #[arg(value_name = "FILE", required_unless_present = "data")]
    files: Vec<PathBuf>,
    /// Print JSON (`files[].path`, `rows`, `columns[].name`, `columns[].type`, ...) instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    read: ReadArgs,
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
    /// `,`, `;`, a tab, ... or `fixed-width`.
    delimiter: String,
    encoding: String,
    has_header: bool,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ColumnSummary {
    name: String,
    #[serde(rename = "type")]
    ty: ColumnType,
    /// Rows without a value.
    missing: usize,
    distinct: usize,
    /// Up to three values as written.
    examples: Vec<String>,
    warnings: Vec<String>,
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let paths: Vec<PathBuf> = args.files.iter().chain(&args.data).cloned().collect();
    let files = load::read_all(&paths, &args.read)?;
    let report = Report {
        files: files.iter().map(summarize).collect(),
    };
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
    let report = &file.report;
    FileSummary {
        path: file.path.display().to_string(),
        rows: file.table.rows(),
        columns: report
            .columns
            .iter()
            .map(|c| ColumnSummary {
                name: c.name.clone(),
                ty: c.ty,
                missing: c.missing,
                distinct: c.distinct,
                examples: c.examples.clone(),
                warnings: c.warnings.clone(),
            })
            .collect(),
        delimiter: report.delimiter.clone(),
        encoding: report.encoding.clone(),
        has_header: report.has_header,
        warnings: report.warnings.iter().map(load::describe).collect(),
    }
}

fn write_human(out: &mut impl Write, file: &FileSummary) -> std::io::Result<()> {
    let mut details = vec![
        format!("{} rows", thousands(file.rows)),
        format!("{} columns", thousands(file.columns.len())),
        format!("{} delimited", describe_delimiter(&file.delimiter)),
        file.encoding.clone(),
    ];
    if !file.has_header {
        details.push("no header line".to_owned());
    }
    writeln!(out, "{}: {}", file.path, details.join(", "))?;
    let mut rows = vec![
        ["column", "type", "missing", "distinct", "examples"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for column in &file.columns {
        let missing = if column.missing == 0 {
            String::new()
        } else {
            thousands(column.missing)
        };
        rows.push(vec![
            column.name.clone(),
            column.ty.name().to_owned(),
            missing,
            thousands(column.distinct),
            column
                .examples
                .iter()
                .map(|e| printable(e))
                .collect::<Vec<_>>()
                .join(" | "),
        ]);
    }
    write_table(out, "  ", &rows)?;
    for column in &file.columns {
        for warning in &column.warnings {
            writeln!(out, "  warning: column `{}`: {warning}", column.name)?;
        }
    }
    for warning in &file.warnings {
        writeln!(out, "  warning: {warning}")?;
    }
    Ok(())
}

/// An example value on one line, shortened to fit a table cell.
fn printable(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(30) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

fn describe_delimiter(delimiter: &str) -> String {
    match delimiter {
        "\t" => "tab".to_owned(),
        "," => "comma".to_owned(),
        ";" => "semicolon".to_owned(),
        "|" => "pipe".to_owned(),
        "fixed-width" => "fixed-width".to_owned(),
        other => format!("`{other}`"),
    }
}
