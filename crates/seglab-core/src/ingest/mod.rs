//! CSV ingestion: bytes of a user's export in; a typed `Table` and a report of every guess out.
//!
//! The pipeline runs in one pass over the bytes: `sniff` looks at the first MiB to guess the encoding,
//! the dialect and whether there is a header; `decode` turns the bytes into UTF-8 chunk by chunk; `parse`
//! appends every field to its column's arena (lines without quotes are split directly, the rest go
//! through `csv-core`'s state machine); `arena` keeps a column's distinct values once with a one- or
//! two-byte code per row while it has few of them, its cells' bytes back to back once it has many; at
//! the end `infer` types each column from its arena (a coded column from each distinct value once) and
//! converts it. Nothing is dropped quietly: ragged rows, replaced bytes, skipped blank lines, stray values and
//! ambiguous dates all become warnings in the [`FileReport`]. Reading a file whole or in chunks of any
//! size gives the same result (the fuzz target checks this).
//!
//! Decisions a user may want to know about (also stated in the report when they apply):
//! - The encoding is guessed from the first MiB: a BOM, the NUL pattern of UTF-16, valid UTF-8, else
//!   Windows-1252. When the first MiB is plain ASCII the guess stays open: the MiB starting at the first
//!   non-ASCII byte settles it (and the report says so). Bytes invalid in the guessed encoding later on
//!   become U+FFFD, with their lines.
//! - Fields quoted with single quotes (`'Smith, John'`) are read that way when the sniffed text quotes
//!   fields with `'` and never with `"`.
//! - Dates may name their month in English (`1 Mar 2025`, `01-Mar-2025`, `March 1, 2025`). Whole numbers
//!   written `YYYYMMDD` are dates when every one is a valid date from 1800 to 2200 under a header that says
//!   date, or from 1970 to 2100 under any other header (identifiers with an id-like header stay ids).
//! - Lines starting with `#` are comments only when the file's first line does.
//! - Blank lines are not rows (as in pandas); how many were skipped between rows is reported.
//! - Percentages are read as the number written: `12%` becomes 12, not 0.12.
//! - A column of only 0 and 1 is an integer column unless its header reads like a yes/no question
//!   (`is_…`, `has_…`, `converted`, `churned`, …); 0/1 mixed with yes/no words is a yes/no column.
//! - When every date fits both day-first and month-first, day-first is chosen (unless
//!   [`ReadOptions::date_order`] says otherwise) and the column carries a warning; one value that fits
//!   only one order settles the column.
//! - In a column of at least 1000 values, up to one value in a thousand that does not fit the column's
//!   type is read as missing and reported with its line; more than that makes the column text.
//! - Date-times without a zone are taken as UTC.
//! - [`ColumnProfile::distinct`] is exact up to 4096 distinct values, an estimate (about 1%) above.

mod arena;
mod decode;
mod infer;
mod json;
mod parse;
mod slots;
mod sniff;
pub(crate) mod values;

use crate::table::{self, Column, ColumnType, Table};
use serde::{Deserialize, Serialize};

pub use sniff::{FileKind, detect_binary};

/// How many bytes the sniffer looks at before parsing starts.
pub const SNIFF_BYTES: usize = 1 << 20;
/// The default limit on one record's length (an unclosed quote would otherwise swallow the file).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;

/// Which of day and month comes first in dates like `01/02/2025`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// What the user told us about the file; everything left `None` is guessed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    pub delimiter: Option<u8>,
    pub has_header: Option<bool>,
    /// An encoding label such as `windows-1252`, `utf-16le` or `latin1`.
    pub encoding: Option<String>,
    pub date_order: Option<DateOrder>,
    /// Forced column types, by column name (exact, else ignoring ASCII case).
    pub type_overrides: Vec<(String, ColumnType)>,
    /// Memory budget: a larger input fails with [`IngestError::TooLarge`].
    pub max_bytes: Option<usize>,
    /// The longest record accepted, in bytes; `None` means [`DEFAULT_MAX_RECORD_BYTES`].
    pub max_record_bytes: Option<usize>,
}

/// How far an incremental read has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes: u64,
    pub rows: u64,
}

/// A parsed file: the typed table and what was guessed on the way.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub table: Table,
    pub report: FileReport,
}

/// What Seglab guessed about a file and what it had to repair.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FileReport {
    pub file: String,
    pub encoding: String,
    /// `","`, `";"`, `"\t"`, `"|"`, any other single character, or `"fixed-width"`.
    pub delimiter: String,
    pub has_header: bool,
    pub rows: usize,
    pub columns: Vec<ColumnProfile>,
    pub warnings: Vec<Diagnostic>,
}

/// One column's inferred type and a short profile of its values.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ColumnProfile {
    pub name: String,
    pub ty: ColumnType,
    pub missing: usize,
    /// Distinct values among those present: exact up to 4096, above that an estimate (about 1% off).
    pub distinct: usize,
    /// Up to three distinct values as written (trimmed).
    pub examples: Vec<String>,
    pub warnings: Vec<String>,
}

/// A warning about the file, with the line (1-based, physical) and column it concerns when known.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

/// Why a file could not be read at all. Problems that leave the file readable are warnings instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("{file} is empty: export the data again, with at least one row")]
    Empty { file: String },
    #[error("{file} is {what}")]
    NotCsv { file: String, what: String },
    #[error("{file} is a binary file, not text: choose the CSV export of the data")]
    Binary { file: String },
    #[error(
        "{file} is larger than the memory budget of {limit} bytes (read {size} bytes so far): split the \
         file, or use the seglab command line"
    )]
    TooLarge { file: String, size: u64, limit: u64 },
    #[error(
        "{file}, line {line}: a record longer than {limit} bytes; is a quote (\") left open on that line?"
    )]
    LineTooLong {
        file: String,
        line: u64,
        limit: usize,
    },
    #[error("{file}, line {line}: a record with more than {limit} fields; is the delimiter right?")]
    TooManyFields {
        file: String,
        line: u64,
        limit: usize,
    },
    #[error("{file}: column `{column}` holds more than 4 GiB of text; split the file")]
    ColumnTooLarge { file: String, column: String },
    #[error("{file}: unknown encoding `{label}`; try utf-8, windows-1252 or utf-16le")]
    UnknownEncoding { file: String, label: String },
    #[error(
        "{file}: the delimiter {delimiter:?} cannot be used (a quote, a line end or a non-ASCII byte)"
    )]
    BadDelimiter { file: String, delimiter: char },
    #[error("{file} was already read to the end or failed; start a new reader")]
    Finished { file: String },
}

/// The dialect the file was read with: what Python's `csv` needs to read it the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
    pub escape: Option<u8>,
    pub comment: Option<u8>,
    /// Column start positions, in characters, when the file is space-aligned fixed-width text.
    pub fixed_width: Option<Vec<usize>>,
}

impl Dialect {
    /// The name shown in [`FileReport::delimiter`].
    pub fn name(&self) -> String {
        if self.fixed_width.is_some() {
            "fixed-width".to_owned()
        } else {
            char::from(self.delimiter).to_string()
        }
    }
}

/// The cells as text, before typing: header names as written, rows padded or cut to the column count.
/// Meant for tests and debugging; [`read_csv`] never builds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawTable {
    pub encoding: String,
    pub dialect: Dialect,
    /// Records skipped before the header: a report's title lines.
    pub preamble: usize,
    /// The header line's fields as written, when the file has a header.
    pub header: Option<Vec<String>>,
    /// The final column names (after filling empty and repeated names).
    pub names: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads a whole file held in memory.
pub fn read_csv(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Loaded, IngestError> {
    let mut reader = CsvReader::new(file_name, options.clone());
    reader.size_hint(bytes.len() as u64);
    reader.feed(bytes)?;
    reader.finish()
}

/// Reads a whole file into untyped cells.
pub fn read_raw(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<RawTable, IngestError> {
    let mut reader = CsvReader::new(file_name, options.clone());
    reader.feed(bytes)?;
    let parsed = reader.finish_parse()?;
    let arenas = parsed.parser.columns;
    let rows = (0..parsed.parser.rows)
        .map(|r| arenas.iter().map(|a| a.cell(r).to_owned()).collect())
        .collect();
    Ok(RawTable {
        encoding: parsed.encoding,
        dialect: parsed.dialect,
        preamble: parsed.parser.preamble,
        header: parsed.parser.header,
        names: parsed.names,
        rows,
        warnings: parsed.warnings,
    })
}

/// An incremental reader: feed it chunks as they are read from a file; drop it to cancel.
pub struct CsvReader {
    file: String,
    options: ReadOptions,
    fed: u64,
    expected: Option<u64>,
    state: State,
}

enum State {
    /// Collecting the first bytes for the sniffer.
    Buffering(Vec<u8>),
    Running(Box<Running>),
    Failed(IngestError),
}

struct Running {
    field_bytes: Vec<f64>,
    record_bytes: f64,
    encoding: String,
    dialect: Dialect,
    decoder: decode::Decoder,
    parser: parse::Parser,
    warnings: Vec<Diagnostic>,
}

/// Everything parsed, before typing.
struct Parsed {
    encoding: String,
    dialect: Dialect,
    parser: parse::Finished,
    names: Vec<String>,
    warnings: Vec<Diagnostic>,
}

impl CsvReader {
    pub fn new(file_name: &str, options: ReadOptions) -> Self {
        Self {
            file: file_name.to_owned(),
            options,
            fed: 0,
            expected: None,
            state: State::Buffering(Vec::new()),
        }
    }

    /// Tells the reader the file's size (when known, as for a browser `File`), so that it can allocate
    /// its buffers once. Call it before the first [`CsvReader::feed`].
    pub fn size_hint(&mut self, total_bytes: u64) {
        self.expected = Some(total_bytes);
    }

    /// Takes the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Progress, IngestError> {
        let result = self.feed_inner(chunk);
        if let Err(e) = &result {
            self.state = State::Failed(e.clone());
        }
        result
    }

    fn feed_inner(&mut self, chunk: &[u8]) -> Result<Progress, IngestError> {
        self.fed += chunk.len() as u64;
        if let Some(limit) = self.options.max_bytes
            && self.fed > limit as u64
        {
            return Err(IngestError::TooLarge {
                file: self.file.clone(),
                size: self.fed,
                limit: limit as u64,
            });
        }
        match &mut self.state {
            State::Failed(e) => return Err(e.clone()),
            State::Buffering(buf) if buf.is_empty() && chunk.len() > SNIFF_BYTES => {
                // A large first chunk (or a whole file) is parsed where it is, without a copy.
                self.start(chunk, false)?;
            }
            State::Buffering(buf) => {
                buf.extend_from_slice(chunk);
                if buf.len() > SNIFF_BYTES {
                    let buf = std::mem::take(buf);
                    self.start(&buf, false)?;
                }
            }
            State::Running(run) => run.push(chunk, false)?,
        }
        Ok(self.progress())
    }

    pub fn progress(&self) -> Progress {
        let rows = match &self.state {
            State::Running(run) => run.parser.rows() as u64,
            _ => 0,
        };
        Progress {
            bytes: self.fed,
            rows,
        }
    }

    /// Sniffs the buffered prefix and parses everything buffered so far.
    fn start(&mut self, buf: &[u8], whole: bool) -> Result<(), IngestError> {
        let mut run = Running::start(&self.file, &self.options, buf, whole)?;
        if let Some(total) = self.expected {
            run.reserve(total);
        }
        self.state = State::Running(Box::new(run));
        if let State::Running(run) = &mut self.state {
            run.push(buf, false)?;
        }
        Ok(())
    }

    fn finish_parse(&mut self) -> Result<Parsed, IngestError> {
        if let State::Buffering(buf) = &mut self.state {
            let buf = std::mem::take(buf);
            if buf.iter().all(u8::is_ascii_whitespace) {
                return Err(IngestError::Empty {
                    file: self.file.clone(),
                });
            }
            self.start(&buf, true)?;
        }
        let state = std::mem::replace(
            &mut self.state,
            State::Failed(IngestError::Finished {
                file: self.file.clone(),
            }),
        );
        let mut run = match state {
            State::Running(run) => run,
            State::Failed(e) => return Err(e),
            State::Buffering(_) => {
                return Err(IngestError::Finished {
                    file: self.file.clone(),
                });
            }
        };
        run.push(&[], true)?;
        if let Some(encoding) = run.decoder.switched_to() {
            run.encoding = encoding.name().to_lowercase();
            run.warnings.push(Diagnostic {
                line: None,
                column: None,
                message: format!(
                    "the first MiB is plain ASCII, but bytes further on are not UTF-8: the file was read as {}",
                    run.encoding
                ),
            });
        }
        let parser = run.parser.finish()?;
        if parser.header.is_none() && parser.rows == 0 {
            return Err(IngestError::Empty {
                file: self.file.clone(),
            });
        }
        let mut warnings = run.warnings;
        warnings.extend(parser.warnings.iter().cloned());
        let names = parse::column_names(
            parser.header.as_deref(),
            parser.columns.len(),
            &mut warnings,
        );
        Ok(Parsed {
            encoding: run.encoding,
            dialect: run.dialect,
            parser,
            names,
            warnings,
        })
    }

    /// Ends the input and builds the typed table.
    pub fn finish(mut self) -> Result<Loaded, IngestError> {
        let parsed = self.finish_parse()?;
        let Parsed {
            encoding,
            dialect,
            mut parser,
            names,
            mut warnings,
        } = parsed;
        if parser.rows == 0 {
            warnings.push(Diagnostic {
                line: None,
                column: None,
                message: "the file has a header line but no data rows".to_owned(),
            });
        }
        let context = infer::Context {
            delimiter: if dialect.fixed_width.is_some() {
                b' '
            } else {
                dialect.delimiter
            },
            date_order: self.options.date_order,
            lines: &parser.lines,
        };
        let mut columns = Vec::with_capacity(names.len());
        let mut profiles = Vec::with_capacity(names.len());
        let mut used_overrides = vec![false; self.options.type_overrides.len()];
        // Each column's raw cells are dropped as soon as it is typed, so that the raw and the typed
        // form of the whole file are never held at once.
        let arenas = std::mem::take(&mut parser.columns);
        for (i, (name, mut arena)) in names.iter().zip(arenas).enumerate() {
            let forced = find_override(
                &self.options.type_overrides,
                name,
                &names,
                i,
                &mut used_overrides,
            );
            // A column of JSON objects (an event's properties) becomes a column per key, unless the
            // user set its type.
            let expanded = (forced.is_none() && json::looks_like_objects(&arena))
                .then(|| json::expand(&arena, parser.rows))
                .flatten();
            if let Some(expanded) = expanded {
                drop(arena);
                let mut read = Vec::with_capacity(expanded.keys.len());
                for (key, mut cells) in expanded.keys {
                    let key_name = unused_name(name, &key, &names, &columns);
                    let forced = self
                        .options
                        .type_overrides
                        .iter()
                        .position(|(n, _)| *n == key_name)
                        .map(|o| {
                            used_overrides[o] = true;
                            self.options.type_overrides[o].1
                        });
                    let (column, profile) = infer::build(
                        &key_name,
                        &mut cells,
                        parser.rows,
                        forced,
                        &context,
                        &mut warnings,
                    );
                    read.push(key_name);
                    columns.push(column);
                    profiles.push(profile);
                }
                let listed = values::quoted_list(read.iter().map(String::as_str));
                let skipped = match expanded.skipped {
                    0 => String::new(),
                    n => format!(
                        "; {n} more {} not read (at most {} keys become columns)",
                        if n == 1 { "key was" } else { "keys were" },
                        json::MAX_KEYS
                    ),
                };
                warnings.push(Diagnostic {
                    line: None,
                    column: Some(name.clone()),
                    message: format!(
                        "holds JSON objects: each key read as a column of its own, {listed}{skipped}"
                    ),
                });
                continue;
            }
            let (column, profile) = infer::build(
                name,
                &mut arena,
                parser.rows,
                forced,
                &context,
                &mut warnings,
            );
            columns.push(column);
            profiles.push(profile);
        }
        odd_rows(&columns, &parser.lines, &mut warnings);
        for ((name, _), used) in self.options.type_overrides.iter().zip(used_overrides) {
            if !used {
                warnings.push(Diagnostic {
                    line: None,
                    column: Some(name.clone()),
                    message: format!("type override for `{name}`: the file has no such column"),
                });
            }
        }
        let table = Table::new(columns).map_err(|e| IngestError::NotCsv {
            file: self.file.clone(),
            what: format!("not readable as a table ({e})"),
        })?;
        let report = FileReport {
            file: self.file.clone(),
            encoding,
            delimiter: dialect.name(),
            has_header: parser.header.is_some(),
            rows: parser.rows,
            columns: profiles,
            warnings,
        };
        Ok(Loaded { table, report })
    }
}

/// A text value, trimmed; `None` for a number, a date or a missing value.
fn text_at(c: &Column, row: usize) -> Option<&str> {
    match c.value(row) {
        table::Value::Str(s) => Some(s.trim()),
        _ => None,
    }
}

/// Words a spreadsheet report's totals row starts with.
const TOTAL_WORDS: [&str; 9] = [
    "total",
    "totals",
    "grand total",
    "sum",
    "summe",
    "gesamt",
    "totalt",
    "summa",
    "totaal",
];

/// Rows that are read as data but are not: the column names again (exports pasted one after another)
/// and a totals row at the end. They stay in the table, as removing rows silently would be worse; the
/// warning says where they are and what to do.
fn odd_rows(columns: &[Column], lines: &parse::RowLines, warnings: &mut Vec<Diagnostic>) {
    let Some(first) = columns.first() else {
        return;
    };
    let rows = first.len();
    if rows == 0 {
        return;
    }
    // The column names again: the first column holds its own name, and so does every other text column
    // of that row (a number column cannot hold a name).
    let names_again = |row: usize| {
        columns.iter().all(|c| {
            !c.ty().is_textual()
                || text_at(c, row).is_some_and(|t| t.eq_ignore_ascii_case(c.name()))
        })
    };
    if first.ty().is_textual() {
        let candidates: Vec<usize> = match first.data() {
            table::ColumnData::Dictionary(d) => match d
                .values
                .iter()
                .position(|v| v.trim().eq_ignore_ascii_case(first.name()))
            {
                Some(code) => {
                    let code = code as u32;
                    (0..rows).filter(|&r| d.codes.get(r) == code).collect()
                }
                None => Vec::new(),
            },
            // Values are trimmed when typed; a length check first keeps this a quick pass over ids.
            table::ColumnData::Strings(strings) => strings
                .iter()
                .enumerate()
                .filter(|(r, v)| {
                    v.len() == first.name().len()
                        && v.eq_ignore_ascii_case(first.name())
                        && first.valid().get(*r)
                })
                .map(|(r, _)| r)
                .collect(),
            _ => Vec::new(),
        };
        let repeated: Vec<u64> = candidates
            .into_iter()
            .filter(|&r| names_again(r))
            .map(|r| lines.line(r))
            .collect();
        if let Some(&line) = repeated.first() {
            let message = if repeated.len() == 1 {
                "repeats the column names (exports pasted one after another?): it is read as a row; \
                 remove it from the file"
                    .to_owned()
            } else {
                let more = match repeated.len() - 1 {
                    1 => "as does 1 more line".to_owned(),
                    n => format!("as do {n} more lines"),
                };
                format!(
                    "repeats the column names, {more} (exports pasted one after another?): they are read \
                     as rows; remove them from the file"
                )
            };
            warnings.push(Diagnostic {
                line: Some(line),
                column: None,
                message,
            });
        }
    }
    let last = rows - 1;
    let total = columns
        .iter()
        .filter(|c| c.ty().is_textual())
        .take(2)
        .find_map(|c| {
            text_at(c, last).filter(|t| TOTAL_WORDS.iter().any(|w| t.eq_ignore_ascii_case(w)))
        });
    if let Some(word) = total {
        warnings.push(Diagnostic {
            line: Some(lines.line(last)),
            column: None,
            message: format!(
                "the last row starts with \"{word}\" and looks like a totals row: it is read as a row (a \
                 user or an event); remove it from the file"
            ),
        });
    }
}

/// A name for the column of key `key` of JSON column `column`: the key itself, unless the file or an
/// earlier column has it; then `column.key`, with a number after it while that is taken too.
fn unused_name(column: &str, key: &str, names: &[String], columns: &[Column]) -> String {
    let taken = |n: &str| names.iter().any(|m| m == n) || columns.iter().any(|c| c.name() == n);
    if !key.is_empty() && !taken(key) {
        return key.to_owned();
    }
    let dotted = format!("{column}.{key}");
    let mut name = dotted.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{dotted}_{n}");
        n += 1;
    }
    name
}

fn find_override(
    overrides: &[(String, ColumnType)],
    name: &str,
    names: &[String],
    index: usize,
    used: &mut [bool],
) -> Option<ColumnType> {
    let exact = overrides.iter().position(|(n, _)| n == name);
    let loose = || {
        // A case-insensitive match counts only when no column matches exactly and this is the first
        // column matching loosely.
        overrides.iter().position(|(n, _)| {
            n.eq_ignore_ascii_case(name)
                && !names.iter().any(|m| m == n)
                && names.iter().position(|m| m.eq_ignore_ascii_case(n)) == Some(index)
        })
    };
    let found = exact.or_else(loose)?;
    used[found] = true;
    Some(overrides[found].1)
}

impl Running {
    fn start(
        file: &str,
        options: &ReadOptions,
        buf: &[u8],
        whole: bool,
    ) -> Result<Self, IngestError> {
        let prefix = &buf[..buf.len().min(SNIFF_BYTES)];
        let whole = whole && buf.len() <= SNIFF_BYTES;
        if let Some(kind) = detect_binary(prefix) {
            return Err(match kind {
                FileKind::Binary => IngestError::Binary {
                    file: file.to_owned(),
                },
                other => IngestError::NotCsv {
                    file: file.to_owned(),
                    what: other.describe().to_owned(),
                },
            });
        }
        let encoding = match &options.encoding {
            Some(label) => {
                decode::for_label(label).ok_or_else(|| IngestError::UnknownEncoding {
                    file: file.to_owned(),
                    label: label.clone(),
                })?
            }
            None => decode::guess(prefix, whole),
        };
        // A prefix of plain ASCII says little: non-ASCII bytes further on settle the encoding.
        let provisional = options.encoding.is_none()
            && !whole
            && encoding == encoding_rs::UTF_8
            && prefix.is_ascii();
        let mut warnings = Vec::new();
        let text = decode::decode_all(encoding, prefix, whole);
        if text.iter().all(u8::is_ascii_whitespace) && whole {
            return Err(IngestError::Empty {
                file: file.to_owned(),
            });
        }
        let sniffed =
            sniff::sniff(&text, whole, options).map_err(|delimiter| IngestError::BadDelimiter {
                file: file.to_owned(),
                delimiter: char::from(delimiter),
            })?;
        warnings.extend(sniffed.warnings);
        let max_record = options
            .max_record_bytes
            .unwrap_or(DEFAULT_MAX_RECORD_BYTES)
            .max(1);
        let parser = parse::Parser::new(
            file,
            &sniffed.dialect,
            sniffed.cr_only,
            sniffed.has_header,
            sniffed.preamble,
            sniffed.columns,
            max_record,
        );
        Ok(Self {
            field_bytes: sniffed.field_bytes,
            record_bytes: sniffed.record_bytes,
            encoding: encoding.name().to_lowercase(),
            dialect: sniffed.dialect,
            decoder: if provisional {
                decode::Decoder::provisional()
            } else {
                decode::Decoder::new(encoding)
            },
            parser,
            warnings,
        })
    }

    fn reserve(&mut self, total: u64) {
        // UTF-16 shrinks when decoded; the estimate would be twice too large.
        if !self.encoding.starts_with("utf-16") {
            self.parser
                .reserve(total, &self.field_bytes, self.record_bytes);
        }
    }

    fn push(&mut self, chunk: &[u8], last: bool) -> Result<(), IngestError> {
        let parser = &mut self.parser;
        self.decoder
            .decode(chunk, last, &mut |text, bad| parser.feed(text, bad))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// Texts of every length from 0 to `max_len`, 40 of each length, over a few bytes with NUL and high
    /// bytes among them: for tests of what compares texts by their bytes.
    pub(crate) fn random_texts(max_len: usize) -> Vec<Vec<u8>> {
        let alphabet = [b'a', b'b', 0x00, 0xFF, b'0'];
        let mut state = 987_654_321u64;
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=max_len {
            for _ in 0..40 {
                texts.push(
                    (0..len)
                        .map(|_| {
                            state = state
                                .wrapping_mul(6_364_136_223_846_793_005)
                                .wrapping_add(1);
                            alphabet[(state >> 33) as usize % alphabet.len()]
                        })
                        .collect(),
                );
            }
        }
        texts
    }
}
