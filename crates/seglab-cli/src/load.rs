//! Reading files from disk and handing their bytes to the engine: the only place the CLI touches files.
//!
//! Files are fed to the engine's incremental reader in chunks, so a file is never held twice in memory
//! (once as bytes, once as columns).

use crate::error::CliError;
use crate::output::thousands;
use seglab_core::ColumnType;
use seglab_core::Table;
use seglab_core::ingest::{
    CsvReader, DateOrder, Diagnostic, FileReport, Part, PartReader, PartSpec, ReadOptions,
};
use std::io::{IsTerminal, Read};
use std::io::{Seek, SeekFrom};
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
/// Files from this size on are read in two halves at once, when two processors are free.
const TWO_HALVES_FROM: u64 = 32 << 20;
/// The bytes read before the second half is handed out: enough for the reader to settle the dialect.
const FIRST_BYTES: u64 = 8 << 20;

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
    let size = file
        .metadata()
        .map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    if size > 0 {
        reader.size_hint(size);
    }
    let mut feeder = Feeder {
        path,
        shown: &shown,
        buffer: vec![0; CHUNK],
        // Progress for people waiting on big files; scripts and pipes get none.
        show_progress: std::io::stderr().is_terminal(),
        shown_at: 0,
    };
    let two_halves =
        size >= TWO_HALVES_FROM && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if two_halves {
        feeder.feed(&mut file, &mut reader, Some(FIRST_BYTES))?;
        let half = match reader.part_spec() {
            Some(spec) => second_half(path, size, &spec),
            None => None,
        };
        if let Some((start, thread)) = half {
            feeder.feed(&mut file, &mut reader, Some(start - FIRST_BYTES.min(start)))?;
            let taken = match thread.join() {
                Ok(Ok(part)) => reader.append_part(&part).map_err(CliError::Engine)?,
                // A failed half is read again here, where its error gets reported in order.
                _ => false,
            };
            if !taken {
                feeder.feed(&mut file, &mut reader, None)?;
            }
        } else {
            feeder.feed(&mut file, &mut reader, None)?;
        }
    } else {
        feeder.feed(&mut file, &mut reader, None)?;
    }
    if feeder.shown_at > 0 {
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

/// Reads a file into a reader chunk by chunk, showing progress on a terminal.
struct Feeder<'a> {
    path: &'a Path,
    shown: &'a str,
    buffer: Vec<u8>,
    show_progress: bool,
    shown_at: u64,
}

impl Feeder<'_> {
    /// Feeds the next `limit` bytes of `file` (all that is left when `None`).
    fn feed(
        &mut self,
        file: &mut std::fs::File,
        reader: &mut CsvReader,
        limit: Option<u64>,
    ) -> Result<(), CliError> {
        let mut left = limit.unwrap_or(u64::MAX);
        while left > 0 {
            let want = self
                .buffer
                .len()
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = match file.read(&mut self.buffer[..want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CliError::read(self.path, e)),
            };
            left -= n as u64;
            let progress = reader.feed(&self.buffer[..n]).map_err(CliError::Engine)?;
            if self.show_progress && progress.bytes >= self.shown_at + PROGRESS_EVERY {
                self.shown_at = progress.bytes;
                eprint!(
                    "\rreading {}: {} MB, {} rows",
                    self.shown,
                    progress.bytes >> 20,
                    thousands(progress.rows as usize)
                );
            }
        }
        Ok(())
    }
}

type HalfThread = std::thread::JoinHandle<Result<Part, CliError>>;

/// Starts reading the second half of the file in a thread of its own: from just past the first line
/// end after the middle. Returns where the half starts, or `None` when no line end is near the middle.
fn second_half(path: &Path, size: u64, spec: &PartSpec) -> Option<(u64, HalfThread)> {
    let mut file = std::fs::File::open(path).ok()?;
    let middle = size / 2;
    file.seek(SeekFrom::Start(middle)).ok()?;
    let mut probe = vec![0; CHUNK];
    let n = file.read(&mut probe).ok()?;
    let start = middle + probe[..n].iter().position(|&b| b == b'\n')? as u64 + 1;
    if start >= size || start <= FIRST_BYTES {
        return None;
    }
    let path = path.to_owned();
    let spec = spec.clone();
    let thread = std::thread::spawn(move || {
        let mut file = std::fs::File::open(&path).map_err(|e| CliError::read(&path, e))?;
        file.seek(SeekFrom::Start(start))
            .map_err(|e| CliError::read(&path, e))?;
        let mut reader = PartReader::new(&spec);
        reader.size_hint(&spec, size - start);
        let mut buffer = vec![0; CHUNK];
        loop {
            let n = match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CliError::read(&path, e)),
            };
            reader.feed(&buffer[..n]).map_err(CliError::Engine)?;
        }
        reader.finish().map_err(CliError::Engine)
    });
    Some((start, thread))
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
