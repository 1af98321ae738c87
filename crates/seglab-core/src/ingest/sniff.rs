//! Guessing from a file's first bytes what it is, how its fields are separated and whether it has a header.

use super::{Diagnostic, Dialect, ReadOptions, values};
use serde::{Deserialize, Serialize};

/// What a non-CSV file dropped by mistake most likely is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    Xlsx,
    Xls,
    Numbers,
    OpenDocument,
    Zip,
    Pdf,
    Image,
    Gzip,
    Parquet,
    Sqlite,
    /// Other binary content (many NUL or control bytes).
    Binary,
}

impl FileKind {
    /// The explanation shown to the user, with what to do instead.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Xlsx => "an Excel workbook (.xlsx), not CSV: open it in Excel and save it as CSV",
            Self::Xls => {
                "an old-style Excel workbook (.xls), not CSV: open it in Excel and save it as CSV"
            }
            Self::Numbers => "an Apple Numbers document, not CSV: export it from Numbers as CSV",
            Self::OpenDocument => "an OpenDocument spreadsheet (.ods), not CSV: save it as CSV",
            Self::Zip => "a zip archive, not CSV: unpack it and choose the CSV file inside",
            Self::Pdf => "a PDF document, not CSV: export the data as CSV instead",
            Self::Image => "an image, not CSV: export the data as CSV instead",
            Self::Gzip => "gzip-compressed: unpack it first (the CSV file is inside)",
            Self::Parquet => "a Parquet file, not CSV: convert it to CSV first",
            Self::Sqlite => "an SQLite database, not CSV: export a table as CSV",
            Self::Binary => "a binary file, not text: choose the CSV export of the data",
        }
    }
}

/// Recognises files that are not CSV from their first bytes (a few KiB are enough).
pub fn detect_binary(bytes: &[u8]) -> Option<FileKind> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.starts_with(b"PK\x03\x04") {
        let contains = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
        return Some(
            if contains(b"Index/") || contains(b"Metadata/Properties") || contains(b".iwa") {
                FileKind::Numbers
            } else if contains(b"[Content_Types].xml") || contains(b"xl/") {
                FileKind::Xlsx
            } else if contains(b"opendocument") {
                FileKind::OpenDocument
            } else {
                FileKind::Zip
            },
        );
    }
    let magic: [(&[u8], FileKind); 9] = [
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", FileKind::Xls),
        (b"%PDF", FileKind::Pdf),
        (b"\x89PNG", FileKind::Image),
        (b"\xFF\xD8\xFF", FileKind::Image),
        (b"GIF8", FileKind::Image),
        (b"\x1F\x8B", FileKind::Gzip),
        (b"PAR1", FileKind::Parquet),
        (b"SQLite format 3\0", FileKind::Sqlite),
        (b"RIFF", FileKind::Image),
    ];
    if let Some((_, kind)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(*kind);
    }
    if encoding_rs::Encoding::for_bom(head).is_some() || looks_utf16(head) {
        return None;
    }
    // Text may hold a stray NUL or control byte; binary data holds many.
    let suspicious = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        .count();
    (suspicious * 20 > head.len()
        || head.iter().map(|&b| usize::from(b == 0)).sum::<usize>() * 100 > head.len().max(100))
    .then_some(FileKind::Binary)
}

fn looks_utf16(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096) & !1];
    if sample.len() < 8 {
        return false;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    (odd * 10 >= pairs * 7 && even * 10 < pairs) || (even * 10 >= pairs * 7 && odd * 10 < pairs)
}

/// What the sniffer decided.
pub(crate) struct Sniffed {
    pub dialect: Dialect,
    pub cr_only: bool,
    pub has_header: bool,
    /// Lines before the column names to skip: a report's title and when it was generated.
    pub preamble: usize,
    /// The number of columns: the header's fields, or the most common field count.
    pub columns: usize,
    /// Average bytes per field of each column in the sampled data rows, and per record.
    pub field_bytes: Vec<f64>,
    pub record_bytes: f64,
    pub warnings: Vec<Diagnostic>,
}

const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
const SAMPLE_RECORDS: usize = 200;

/// Sniffs the dialect from decoded text. Fails with the delimiter when the user chose an unusable one.
pub(crate) fn sniff(text: &[u8], whole: bool, options: &ReadOptions) -> Result<Sniffed, u8> {
    let cr_only = memchr::memchr(b'\n', text).is_none() && memchr::memchr(b'\r', text).is_some();
    let quote = guess_quote(text);
    let escape = backslash_escapes(text, quote).then_some(b'\\');
    let comment = text_has_comment_lines(text).then_some(b'#');
    let mut warnings = Vec::new();
    let base = Dialect {
        delimiter: b',',
        quote,
        escape,
        comment,
        fixed_width: None,
    };
    let dialect = match options.delimiter {
        Some(d) if d == b'"' || d == b'\n' || d == b'\r' || !d.is_ascii() || Some(d) == escape => {
            return Err(d);
        }
        Some(d) => Dialect {
            delimiter: d,
            ..base
        },
        None => choose_delimiter(text, whole, &base),
    };
    if comment.is_some() {
        warnings.push(note(
            "the file starts with a `#` line: lines starting with `#` are skipped as comments",
        ));
    }
    if escape.is_some() {
        warnings.push(note(
            "quotes inside quoted fields are escaped with a backslash (\\\"): read that way",
        ));
    }
    if dialect.quote == b'\'' && dialect.fixed_width.is_none() {
        warnings.push(note(
            "fields are quoted with single quotes ('like this'): read that way",
        ));
    }
    let mut records = sample(text, whole, &dialect, SAMPLE_RECORDS);
    let preamble = if options.has_header.is_none() && dialect.fixed_width.is_none() {
        preamble_records(&records)
    } else {
        0
    };
    if preamble > 0 {
        let first = records[0]
            .iter()
            .find(|f| !f.trim().is_empty())
            .map_or("", |f| f.trim());
        let first: String = first.chars().take(60).collect();
        warnings.push(Diagnostic {
            line: None,
            column: None,
            message: if preamble == 1 {
                format!("the line before the column names (\"{first}\") was skipped: a title, not data")
            } else {
                format!(
                    "the {preamble} lines before the column names (\"{first}\", …) were skipped: a title, \
                     not data"
                )
            },
        });
        records.drain(..preamble);
    }
    let modal = modal_count(&records);
    let has_header = options.has_header.unwrap_or_else(|| guess_header(&records));
    let header_len = if has_header {
        records.first().map_or(0, Vec::len)
    } else {
        0
    };
    let columns = header_len.max(modal).max(1);
    if !has_header && options.has_header.is_none() {
        warnings.push(note(
            "the first line looks like data, not column names: columns are named column_1, column_2, …",
        ));
    }
    let data = &records[usize::from(has_header).min(records.len())..];
    let count = data.len().max(1) as f64;
    let field_bytes: Vec<f64> = (0..columns)
        .map(|j| {
            data.iter()
                .map(|r| r.get(j).map_or(0, String::len))
                .sum::<usize>() as f64
                / count
        })
        .collect();
    let record_bytes = field_bytes.iter().map(|w| w + 1.0).sum::<f64>().max(1.0);
    Ok(Sniffed {
        dialect,
        cr_only,
        has_header,
        preamble,
        columns,
        field_bytes,
        record_bytes,
        warnings,
    })
}

fn note(message: &str) -> Diagnostic {
    Diagnostic {
        line: None,
        column: None,
        message: message.to_owned(),
    }
}

/// The quote character: `'` when fields are quoted with single quotes and never with double quotes,
/// else `"`. A quoted field opens at a line start or after a delimiter and closes on the same line
/// before a delimiter or a line end, so apostrophes inside words (`O'Brien`, `'s-Hertogenbosch`) do not
/// count.
fn guess_quote(text: &[u8]) -> u8 {
    if quoted_fields(text, b'"').0 == 0 && quoted_fields(text, b'\'').1 > 0 {
        b'\''
    } else {
        b'"'
    }
}

/// Quotes that open a field, and the fields among them that also close on the same line.
fn quoted_fields(text: &[u8], quote: u8) -> (usize, usize) {
    let boundary =
        |b: Option<&u8>| matches!(b, None | Some(b',' | b';' | b'\t' | b'|' | b'\n' | b'\r'));
    let (mut opened, mut count) = (0, 0);
    let mut from = 0;
    while let Some(i) = memchr::memchr(quote, &text[from..]).map(|i| from + i) {
        from = i + 1;
        if !boundary(i.checked_sub(1).map(|p| &text[p])) {
            continue;
        }
        opened += 1;
        let line_end =
            memchr::memchr2(b'\n', b'\r', &text[i + 1..]).map_or(text.len(), |e| i + 1 + e);
        let closes = memchr::memchr_iter(quote, &text[i + 1..line_end])
            .map(|j| i + 1 + j)
            .find(|&j| boundary(text.get(j + 1)));
        if let Some(j) = closes {
            count += 1;
            from = j + 1;
        }
    }
    (opened, count)
}

/// `\"` inside the text, not followed by a delimiter or a line end (a Windows path like `"C:\"`), nor
/// by another quote: with quotes doubled, JSON's `\"` inside a quoted field is written `\""` (an event's
/// properties, `"{""note"": ""a \""quoted\"" word""}"`), and a backslash before a doubled quote is
/// always followed by that quote's second half.
fn backslash_escapes(text: &[u8], quote: u8) -> bool {
    memchr::memmem::find_iter(text, &[b'\\', quote]).any(|i| {
        let next = text.get(i + 2).copied();
        !matches!(
            next,
            None | Some(b',' | b';' | b'\t' | b'|' | b'\n' | b'\r')
        ) && next != Some(quote)
    })
}

/// How many records open the file before its column names: a report's title, when and by whom it was
/// generated (`Contacts report`, `Generated 2026-11-28`), each with at most one field filled (a
/// spreadsheet pads them with empty fields). They count only when a record with two or more fields
/// filled follows within the first 20, reads as column names over the records after it, and most of
/// those have its number of fields; otherwise nothing is skipped.
fn preamble_records(records: &[Vec<String>]) -> usize {
    let filled = |r: &Vec<String>| r.iter().filter(|f| !f.trim().is_empty()).count();
    let Some(k) = records.iter().position(|r| filled(r) >= 2) else {
        return 0;
    };
    if k == 0 || k > 20 {
        return 0;
    }
    let rest = &records[k..];
    let width = rest[0].len();
    let alike = rest.iter().filter(|r| r.len() == width).count();
    if alike * 10 < rest.len() * 8 || !guess_header(rest) {
        return 0;
    }
    k
}

/// A file that opens with a `#` line (an exporter's banner) has comment lines. Only the first line
/// decides: elsewhere a leading `#` is more likely data (`#1234`) than a comment.
fn text_has_comment_lines(text: &[u8]) -> bool {
    text.first() == Some(&b'#')
}

fn choose_delimiter(text: &[u8], whole: bool, base: &Dialect) -> Dialect {
    let mut best: Option<(Score, u8)> = None;
    for &d in &CANDIDATES {
        let dialect = Dialect {
            delimiter: d,
            ..base.clone()
        };
        let records = sample(text, whole, &dialect, SAMPLE_RECORDS);
        let score = score(&records, d);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, d));
        }
    }
    let (score, delimiter) = best.unwrap_or((Score::default(), b','));
    if score.columns <= 1
        && let Some(starts) = fixed_width_columns(text, whole, base.comment)
    {
        return Dialect {
            delimiter: b' ',
            quote: b'"',
            escape: None,
            comment: base.comment,
            fixed_width: Some(starts),
        };
    }
    Dialect {
        delimiter,
        ..base.clone()
    }
}

/// How well a delimiter splits the sample: rows with the usual field count first, then fields that hold
/// no other candidate delimiter unless they read as numbers (which settles `1,5;2,5` in favour of `;`),
/// then more columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    consistent: usize,
    clean: usize,
    columns: usize,
}

fn score(records: &[Vec<String>], delimiter: u8) -> Score {
    let modal = modal_count(records);
    if records.is_empty() || modal <= 1 {
        return Score {
            columns: modal,
            ..Score::default()
        };
    }
    let consistent = records.iter().filter(|r| r.len() == modal).count();
    let decimal = if delimiter == b',' { b'.' } else { b',' };
    let fields = records.iter().map(Vec::len).sum::<usize>().max(1);
    let clean = records
        .iter()
        .flatten()
        .filter(|f| {
            !f.bytes().any(|b| b != delimiter && CANDIDATES.contains(&b))
                || values::parse_number(f.trim().as_bytes(), decimal).is_some()
        })
        .count();
    // Rounded so that a single odd line does not outweigh a much better split.
    Score {
        consistent: consistent * 20 / records.len(),
        clean: clean * 20 / fields,
        columns: modal,
    }
}

fn modal_count(records: &[Vec<String>]) -> usize {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for r in records {
        match counts.iter_mut().find(|(len, _)| *len == r.len()) {
            Some((_, n)) => *n += 1,
            None => counts.push((r.len(), 1)),
        }
    }
    // The most frequent count; among equals, the larger.
    counts
        .into_iter()
        .max_by_key(|&(len, n)| (n, len))
        .map_or(0, |(len, _)| len)
}

/// The first records of the text as strings.
pub(crate) fn sample(
    text: &[u8],
    whole: bool,
    dialect: &Dialect,
    limit: usize,
) -> Vec<Vec<String>> {
    if let Some(starts) = &dialect.fixed_width {
        let mut lines: Vec<&[u8]> = split_lines(text).collect();
        if !whole {
            lines.pop();
        }
        return lines
            .into_iter()
            .filter(|l| {
                !is_blank(l) && (dialect.comment.is_none() || l.first() != dialect.comment.as_ref())
            })
            .take(limit)
            .map(|l| {
                split_fixed(l, starts)
                    .into_iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            })
            .collect();
    }
    let mut reader = builder(dialect).build();
    let mut records = Vec::new();
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 64];
    let (mut nout, mut nend) = (0, 0);
    let mut input = text;
    let mut at_end = false;
    while records.len() < limit {
        let (res, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[nin..];
        nout += o;
        nend += e;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {
                if !whole || at_end {
                    break;
                }
                at_end = input.is_empty();
            }
            csv_core::ReadRecordResult::OutputFull => {
                if out.len() > 1 << 24 {
                    break;
                }
                out.resize(out.len() * 2, 0);
            }
            csv_core::ReadRecordResult::OutputEndsFull => {
                if ends.len() > 1 << 16 {
                    break;
                }
                ends.resize(ends.len() * 2, 0);
            }
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let record = ends[..nend]
                    .iter()
                    .map(|&end| {
                        let field = String::from_utf8_lossy(&out[start..end]).into_owned();
                        start = end;
                        field
                    })
                    .collect();
                records.push(record);
                (nout, nend) = (0, 0);
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    records
}

pub(crate) fn builder(dialect: &Dialect) -> csv_core::ReaderBuilder {
    let mut builder = csv_core::ReaderBuilder::new();
    builder
        .delimiter(dialect.delimiter)
        .quote(dialect.quote)
        .escape(dialect.escape)
        .double_quote(true)
        .comment(dialect.comment);
    builder
}

/// Lines split at `\n`, `\r\n` or `\r`, without their terminators.
pub(crate) fn split_lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(i) = memchr::memchr2(b'\n', b'\r', rest) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..i];
        let skip = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[i + skip..];
        Some(line)
    })
}

pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b == b' ' || b == b'\t')
}

/// Splits a line at character positions; every field is trimmed of spaces.
pub(crate) fn split_fixed<'a>(line: &'a [u8], starts: &[usize]) -> Vec<&'a [u8]> {
    let mut byte_starts = Vec::with_capacity(starts.len());
    let mut chars = 0;
    let mut next = 0;
    for (i, &b) in line.iter().enumerate() {
        if b & 0xC0 == 0x80 {
            continue;
        }
        while next < starts.len() && starts[next] <= chars {
            byte_starts.push(i);
            next += 1;
        }
        chars += 1;
    }
    while byte_starts.len() < starts.len() {
        byte_starts.push(line.len());
    }
    (0..starts.len())
        .map(|j| {
            let end = byte_starts.get(j + 1).copied().unwrap_or(line.len());
            trim_spaces(&line[byte_starts[j]..end])
        })
        .collect()
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Column starts of space-aligned text: character positions blank on every sampled line separate columns.
fn fixed_width_columns(text: &[u8], whole: bool, comment: Option<u8>) -> Option<Vec<usize>> {
    let mut lines: Vec<Vec<char>> = split_lines(text)
        .filter(|l| !is_blank(l) && (comment.is_none() || l.first() != comment.as_ref()))
        .take(SAMPLE_RECORDS + 1)
        .map(|l| String::from_utf8_lossy(l).chars().collect())
        .collect();
    if !whole && lines.len() > SAMPLE_RECORDS {
        lines.pop();
    }
    if lines.len() < 3 {
        return None;
    }
    let width = lines.iter().map(Vec::len).max()?;
    let mut used = vec![false; width];
    for line in &lines {
        for (i, c) in line.iter().enumerate() {
            if !c.is_whitespace() {
                used[i] = true;
            }
        }
    }
    let starts: Vec<usize> = (0..width)
        .filter(|&i| used[i] && (i == 0 || !used[i - 1]))
        .collect();
    if starts.len() < 2 || starts[0] != 0 {
        return None;
    }
    // Every line should fill (almost) every column, or this is prose rather than a table.
    let full = lines
        .iter()
        .filter(|l| {
            let s: String = l.iter().collect();
            split_fixed(s.as_bytes(), &starts)
                .iter()
                .all(|f| !f.is_empty())
        })
        .count();
    (full * 10 >= lines.len() * 9).then_some(starts)
}

/// A header is a first row that does not fit the types of the rows below it.
fn guess_header(records: &[Vec<String>]) -> bool {
    let Some((first, rest)) = records.split_first() else {
        return true;
    };
    if rest.is_empty() {
        // A lone line is a header unless it holds numbers or dates, which no header is made of.
        return !first.iter().any(|f| {
            let f = f.trim().as_bytes();
            values::parse_number(f, b'.').is_some() || values::parse_date(f).is_some()
        });
    }
    let mut votes = 0i32;
    for (j, head) in first.iter().enumerate() {
        let column: Vec<&str> = rest
            .iter()
            .filter_map(|r| r.get(j))
            .map(|s| s.trim())
            .filter(|s| !values::is_missing(s.as_bytes()))
            .collect();
        if column.is_empty() {
            continue;
        }
        let head = head.trim().as_bytes();
        let kinds: [fn(&[u8]) -> bool; 3] = [
            |s| values::parse_number(s, b'.').is_some() || values::parse_number(s, b',').is_some(),
            |s| values::parse_date(s).is_some(),
            |s| values::bool_word(s).is_some(),
        ];
        for kind in kinds {
            if column.iter().all(|s| kind(s.as_bytes())) {
                if values::is_missing(head) {
                    break;
                }
                votes += if kind(head) { -1 } else { 1 };
                break;
            }
        }
    }
    votes >= 0
}
