//! Reading files from disk and handing their bytes to the engine: the only place the CLI touches files.
//!
//! Files are fed to the engine's incremental reader in chunks, so a file is never held twice in memory
//! (once as bytes, once as columns).

use crate::error::CliError;
use crate::output::thousands;
use seglab_core::ColumnType;
use seglab_core::Table;
use seglab_core::ingest::{CsvReader, DateOrder, Diagnostic, FileReport, ReadOptions};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

/// How files are read; everything left out is guessed from the file.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ReadArgs {
    /// The field delimiter, e.g. `;` or `tab` (guessed when left out).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// The text encoding, e.g. `utf-8`, `windows-1252` or `utf-16le` (guessed when left out).
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// How to read dates like 01/02/2025 when both orders fit: `day-first` or `month-first`.
    #[arg(long, value_name = "ORDER", value_parser = parse_date_order)]
    date_order: Option<DateOrder>,
    /// Force a column's type, e.g. `--type zip=id`; may be repeated.
    #[arg(long = "type", value_name = "COLUMN=TYPE", value_parser = parse_type_override)]
    types: Vec<(String, ColumnType)>,
}

impl ReadArgs {
    fn options(&self) -> ReadOptions {
        ReadOptions {
            delimiter: self.delimiter,
            encoding: self.encoding.clone(),
            date_order: self.date_order,
            type_overrides: self.types.clone(),
            ..ReadOptions::default()
        }
    }
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        _ if text.len() == 1 && text.is_ascii() => Ok(text.as_bytes()[0]),
        _ => Err(format!(
            "`{text}` is not one ASCII character; use e.g. `;`, `,`, `|` or `tab`"
        )),
    }
}

fn parse_date_order(text: &str) -> Result<DateOrder, String> {
    match text.to_ascii_lowercase().as_str() {
        "day-first" | "dmy" => Ok(DateOrder::DayFirst),
        "month-first" | "mdy" => Ok(DateOrder::MonthFirst),
        _ => Err(format!("`{text}`: expected `day-first` or `month-first`")),
    }
}

fn parse_type_override(text: &str) -> Result<(String, ColumnType), String> {
    let Some((column, ty)) = text.rsplit_once('=') else {
        return Err(format!("`{text}`: expected COLUMN=TYPE, e.g. `zip=id`"));
    };
    let names = ColumnType::ALL.map(ColumnType::name).join(", ");
    let ty = ColumnType::from_name(ty.trim())
        .ok_or_else(|| format!("`{ty}` is not a type; the types are {names}"))?;
    Ok((column.trim().to_owned(), ty))
}

/// A file read into a table, with what the reader noticed on the way.
pub struct LoadedFile {
    pub path: PathBuf,
    /// The name the engine knows the file by (its file name, e.g. `users.csv`).
    pub name: String,
    pub table: Table,
    pub report: FileReport,
}

/// Reads every file, stopping at the first that cannot be read so that no partial output is printed.
pub fn read_all(paths: &[PathBuf], args: &ReadArgs) -> Result<Vec<LoadedFile>, CliError> {
    let options = args.options();
    paths.iter().map(|path| read(path, &options)).collect()
}

const CHUNK: usize = 1 << 20;
/// Bytes between two progress lines.
const PROGRESS_EVERY: u64 = 32 << 20;

pub fn read(path: &Path, options: &ReadOptions) -> Result<LoadedFile, CliError> {
    let mut file = std::fs::File::open(path).map_err(|e| CliError::read(path, e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(CliError::read(
            path,
            std::io::Error::other("it is a folder, not a file"),
        ));
    }
    // The engine names the file in its messages; the whole path tells the user which file it is.
    let shown = path.display().to_string();
    let mut reader = CsvReader::new(&shown, options.clone());
    let mut buffer = vec![0; CHUNK];
    // Progress for people waiting on big files; scripts and pipes get none.
    let show_progress = std::io::stderr().is_terminal();
    let mut shown_at = 0;
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CliError::read(path, e)),
        };
        let progress = reader.feed(&buffer[..n]).map_err(CliError::Engine)?;
        if show_progress && progress.bytes >= shown_at + PROGRESS_EVERY {
            shown_at = progress.bytes;
            eprint!(
                "\rreading {shown}: {} MB, {} rows",
                progress.bytes >> 20,
                thousands(progress.rows as usize)
            );
        }
    }
    if shown_at > 0 {
        eprint!("\r\x1b[K");
    }
    let loaded = reader.finish().map_err(CliError::Engine)?;
    let name = path
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    Ok(LoadedFile {
        path: path.to_owned(),
        name,
        table: loaded.table,
        report: loaded.report,
    })
}

/// A reader's warning as one line: `line 12, column `amount`: …`.
pub fn describe(diagnostic: &Diagnostic) -> String {
    match (&diagnostic.line, &diagnostic.column) {
        (Some(line), Some(column)) => {
            format!("line {line}, column `{column}`: {}", diagnostic.message)
        }
        (Some(line), None) => format!("line {line}: {}", diagnostic.message),
        (None, Some(column)) => format!("column `{column}`: {}", diagnostic.message),
        (None, None) => diagnostic.message.clone(),
    }
}
