//! Splitting decoded text into records and appending each field to its column's arena.
//!
//! `csv-core` does the quoting state machine; this module feeds it, keeps line numbers, fits ragged
//! rows to the column count and logs what it had to repair.

use super::arena::Arena;
use super::{Diagnostic, Dialect, IngestError, sniff};
use std::collections::VecDeque;

/// The most lines listed per kind of problem; the rest are counted.
const LISTED: usize = 10;
const MAX_FIELDS: usize = 100_000;
/// A record spanning more lines than this is reported: it usually hides an unbalanced quote.
const LONG_SPAN: u64 = 100;

/// Maps data rows to the physical line where they start; stored sparsely, as the rows where the
/// line number jumps (after multi-line records, blank or comment lines).
#[derive(Debug, Default)]
pub(crate) struct RowLines {
    points: Vec<(u64, u64)>,
}

impl RowLines {
    fn record(&mut self, row: u64, line: u64) {
        let expected = self.points.last().map(|&(r, l)| l + (row - r));
        if expected != Some(line) {
            self.points.push((row, line));
        }
    }

    pub(crate) fn line(&self, row: usize) -> u64 {
        let row = row as u64;
        let i = self.points.partition_point(|&(r, _)| r <= row);
        match i.checked_sub(1).map(|i| self.points[i]) {
            Some((r, l)) => l + (row - r),
            None => row + 1,
        }
    }
}

/// Lines with one kind of problem: the first few listed, all counted.
#[derive(Debug, Default)]
struct LineLog {
    count: u64,
    lines: Vec<(u64, String)>,
}

impl LineLog {
    fn add(&mut self, line: u64, detail: impl FnOnce() -> String) {
        self.count += 1;
        if self.lines.len() < LISTED {
            self.lines.push((line, detail()));
        }
    }

    fn report(&self, warnings: &mut Vec<Diagnostic>, summary: impl FnOnce(u64) -> String) {
        for (line, message) in &self.lines {
            warnings.push(Diagnostic {
                line: Some(*line),
                column: None,
                message: message.clone(),
            });
        }
        if self.count > self.lines.len() as u64 {
            warnings.push(Diagnostic {
                line: None,
                column: None,
                message: summary(self.count),
            });
        }
    }
}

/// The parse result, before typing.
pub(crate) struct Finished {
    /// Records skipped before the header: a title.
    pub preamble: usize,
    pub header: Option<Vec<String>>,
    pub columns: Vec<Arena>,
    pub rows: usize,
    pub lines: RowLines,
    pub warnings: Vec<Diagnostic>,
}

pub(crate) struct Parser {
    /// Records to skip before the header, as the sniffer found them.
    preamble: usize,
    reader: csv_core::Reader,
    fixed: Option<Vec<usize>>,
    comment: Option<u8>,
    quote: u8,
    delimiter: u8,
    cr_only: bool,
    terminator: u8,
    max_record: usize,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// Lines counted by hand when the file ends lines with a lone CR, which `csv-core` does not count.
    cr_lines: u64,
    /// Lines read by the fast path, which `csv-core` never sees.
    fast_lines: u64,
    /// Fixed-width input: the current unfinished line, and whether the previous chunk ended in CR.
    pending_line: Vec<u8>,
    after_cr: bool,
    fixed_line: u64,
    sink: Sink,
}

/// Where records go: the header, the column arenas, and the logs of what was repaired.
struct Sink {
    file: String,
    /// Records still to skip before the header (a title the sniffer found).
    preamble: usize,
    header_pending: bool,
    header: Option<Vec<String>>,
    columns: Vec<Arena>,
    rows: u64,
    lines: RowLines,
    /// Decoded bytes consumed so far, to place replaced bytes on their lines.
    consumed: u64,
    bad: VecDeque<u64>,
    bad_lines: LineLog,
    short: LineLog,
    long: LineLog,
    trailing_empty: u64,
    spans: LineLog,
    /// The line the last record ended on, and the blank or comment lines skipped between records.
    last_end_line: u64,
    skipped_lines: u64,
}

impl Parser {
    pub(crate) fn new(
        file: &str,
        dialect: &Dialect,
        cr_only: bool,
        has_header: bool,
        preamble: usize,
        columns: usize,
        max_record: usize,
    ) -> Self {
        Self {
            preamble,
            reader: sniff::builder(dialect).build(),
            fixed: dialect.fixed_width.clone(),
            comment: dialect.comment,
            quote: dialect.quote,
            delimiter: dialect.delimiter,
            cr_only,
            terminator: if cr_only { b'\r' } else { b'\n' },
            max_record,
            out: vec![0; 4096.min(max_record)],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            cr_lines: 0,
            fast_lines: 0,
            pending_line: Vec::new(),
            after_cr: false,
            fixed_line: 0,
            sink: Sink {
                file: file.to_owned(),
                preamble,
                header_pending: has_header,
                header: None,
                columns: (0..columns).map(|_| Arena::default()).collect(),
                rows: 0,
                lines: RowLines::default(),
                consumed: 0,
                bad: VecDeque::new(),
                bad_lines: LineLog::default(),
                short: LineLog::default(),
                long: LineLog::default(),
                trailing_empty: 0,
                spans: LineLog::default(),
                last_end_line: 0,
                skipped_lines: 0,
            },
        }
    }

    /// Reserves the arenas for a file of `bytes` bytes, so that they do not grow by copying.
    pub(crate) fn reserve(&mut self, bytes: u64, field_bytes: &[f64], record_bytes: f64) {
        // A little more than the estimate: a short estimate would double an arena, a long one only
        // holds memory until the columns are typed.
        let rows = (bytes as f64 / record_bytes * 1.1) as usize + 16;
        for (arena, width) in self.sink.columns.iter_mut().zip(field_bytes) {
            arena.reserve(rows, width * 1.05);
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.sink.rows as usize
    }

    fn line_now(&self) -> u64 {
        if self.cr_only {
            1 + self.cr_lines
        } else {
            self.reader.line() + self.fast_lines
        }
    }

    /// Parses the next piece of decoded text; `bad` holds stream offsets of replaced bytes in it.
    pub(crate) fn feed(&mut self, text: &[u8], bad: &[u64]) -> Result<(), IngestError> {
        self.sink.bad.extend(bad);
        if self.fixed.is_some() {
            return self.feed_fixed(text, false);
        }
        let fast = !self.cr_only;
        let mut input = text;
        while !input.is_empty() {
            if fast
                && self.out_len == 0
                && self.ends_len == 0
                && !self.sink.header_pending
                && self.sink.preamble == 0
            {
                let taken = self.fast_path(input)?;
                input = &input[taken..];
                if input.is_empty() {
                    break;
                }
            }
            self.make_room()?;
            let (res, nin, nout, nend) = self.reader.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            if self.cr_only {
                self.cr_lines += memchr::memchr_iter(b'\r', &input[..nin]).count() as u64;
            }
            let terminated = nin > 0 && input[nin - 1] == self.terminator;
            input = &input[nin..];
            self.sink.consumed += nin as u64;
            self.out_len += nout;
            self.ends_len += nend;
            if res == csv_core::ReadRecordResult::Record {
                self.csv_record(terminated)?;
            }
        }
        Ok(())
    }

    /// Reads whole lines without quotes straight off the input, which is most of a typical file and
    /// several times faster than the general state machine. Stops (returning the bytes taken) at the
    /// first line that needs `csv-core`: quotes, a comment, a stray CR, or no line end yet.
    fn fast_path(&mut self, input: &[u8]) -> Result<usize, IngestError> {
        let mut taken = 0;
        while let Some(len) = memchr::memchr(b'\n', &input[taken..]) {
            let mut line = &input[taken..taken + len];
            if let Some(i) = memchr::memchr2(self.quote, b'\r', line) {
                if i + 1 != line.len() || line[i] != b'\r' {
                    break;
                }
                line = &line[..i];
            }
            if line.len() > self.out.len() || self.comment.is_some_and(|c| line.first() == Some(&c))
            {
                break;
            }
            let line_no = self.line_now();
            taken += len + 1;
            self.sink.consumed += len as u64 + 1;
            self.fast_lines += 1;
            if line.is_empty() {
                continue;
            }
            let room = self.ends.len() - 1;
            let Some(fields) = find_delimiters(line, self.delimiter, &mut self.ends[..room]) else {
                // Too many fields for the buffer: give the line back to csv-core, which grows it.
                taken -= len + 1;
                self.sink.consumed -= len as u64 + 1;
                self.fast_lines -= 1;
                break;
            };
            self.ends[fields] = line.len();
            let rest = &input[taken - len - 1..];
            self.sink
                .record(rest, &self.ends[..=fields], 1, line_no, line_no)?;
        }
        Ok(taken)
    }

    fn make_room(&mut self) -> Result<(), IngestError> {
        if self.out_len == self.out.len() {
            if self.out.len() >= self.max_record {
                return Err(IngestError::LineTooLong {
                    file: self.sink.file.clone(),
                    line: self.start_line(false),
                    limit: self.max_record,
                });
            }
            let size = (self.out.len() * 2).min(self.max_record);
            self.out.resize(size, 0);
        }
        if self.ends_len == self.ends.len() {
            if self.ends.len() > MAX_FIELDS {
                return Err(IngestError::TooManyFields {
                    file: self.sink.file.clone(),
                    line: self.start_line(false),
                    limit: MAX_FIELDS,
                });
            }
            self.ends.resize(self.ends.len() * 2, 0);
        }
        Ok(())
    }

    /// The physical line where the record now in `out` started.
    fn start_line(&self, terminated: bool) -> u64 {
        let end_line = self.line_now() - u64::from(terminated);
        let out = &self.out[..self.out_len];
        let inside = if memchr::memchr(self.terminator, out).is_some() {
            memchr::memchr_iter(self.terminator, out).count() as u64
        } else {
            0
        };
        end_line.saturating_sub(inside).max(1)
    }

    fn csv_record(&mut self, terminated: bool) -> Result<(), IngestError> {
        let line = self.start_line(terminated);
        let end_line = self.line_now() - u64::from(terminated);
        if self.sink.preamble > 0 {
            self.sink.skip_title(line);
        } else {
            self.sink
                .record(&self.out, &self.ends[..self.ends_len], 0, line, end_line)?;
        }
        self.out_len = 0;
        self.ends_len = 0;
        Ok(())
    }

    fn feed_fixed(&mut self, text: &[u8], last: bool) -> Result<(), IngestError> {
        let mut rest = text;
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
            self.sink.consumed += 1;
        }
        self.after_cr = false;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', rest) {
            let mut line = std::mem::take(&mut self.pending_line);
            line.extend_from_slice(&rest[..i]);
            let mut skip = 1;
            if rest[i] == b'\r' {
                match rest.get(i + 1) {
                    Some(b'\n') => skip = 2,
                    None => self.after_cr = true,
                    Some(_) => {}
                }
            }
            rest = &rest[i + skip..];
            self.sink.consumed += (i + skip) as u64;
            self.fixed_record(&line)?;
            self.pending_line = line;
            self.pending_line.clear();
        }
        if self.pending_line.len() + rest.len() > self.max_record {
            return Err(IngestError::LineTooLong {
                file: self.sink.file.clone(),
                line: self.fixed_line + 1,
                limit: self.max_record,
            });
        }
        self.pending_line.extend_from_slice(rest);
        self.sink.consumed += rest.len() as u64;
        if last && !self.pending_line.is_empty() {
            let line = std::mem::take(&mut self.pending_line);
            self.fixed_record(&line)?;
        }
        Ok(())
    }

    fn fixed_record(&mut self, line: &[u8]) -> Result<(), IngestError> {
        self.fixed_line += 1;
        if sniff::is_blank(line)
            || (self.comment.is_some() && line.first() == self.comment.as_ref())
        {
            return Ok(());
        }
        let Some(starts) = &self.fixed else {
            return Ok(());
        };
        self.out.clear();
        self.ends.clear();
        // Text after the last column start belongs to the last column, so fixed-width rows never run long.
        for field in sniff::split_fixed(line, starts) {
            self.out.extend_from_slice(field);
            self.ends.push(self.out.len());
        }
        self.sink
            .record(&self.out, &self.ends, 0, self.fixed_line, self.fixed_line)
    }

    /// Ends the input.
    pub(crate) fn finish(mut self) -> Result<Finished, IngestError> {
        if self.fixed.is_some() {
            self.feed_fixed(&[], true)?;
        } else {
            loop {
                self.make_room()?;
                let (res, _, nout, nend) = self.reader.read_record(
                    &[],
                    &mut self.out[self.out_len..],
                    &mut self.ends[self.ends_len..],
                );
                self.out_len += nout;
                self.ends_len += nend;
                match res {
                    csv_core::ReadRecordResult::Record => self.csv_record(false)?,
                    csv_core::ReadRecordResult::End | csv_core::ReadRecordResult::InputEmpty => {
                        break;
                    }
                    csv_core::ReadRecordResult::OutputFull
                    | csv_core::ReadRecordResult::OutputEndsFull => {}
                }
            }
        }
        let mut sink = self.sink;
        let mut warnings = Vec::new();
        let width = sink.columns.len();
        sink.short.report(&mut warnings, |n| {
            format!("{n} lines in all have fewer than {width} fields")
        });
        sink.long.report(&mut warnings, |n| {
            format!("{n} lines in all have more than {width} fields")
        });
        if sink.trailing_empty > 0 {
            warnings.push(Diagnostic {
                line: None,
                column: None,
                message: format!(
                    "{} line(s) end with an extra delimiter; the empty field after it is ignored",
                    sink.trailing_empty
                ),
            });
        }
        if sink.skipped_lines > 0 {
            warnings.push(Diagnostic {
                line: None,
                column: None,
                message: format!(
                    "{} blank or comment line(s) between rows were skipped (a file of one column writes a \
                     missing value as a blank line: use NA instead)",
                    sink.skipped_lines
                ),
            });
        }
        sink.bad_lines.report(&mut warnings, |n| {
            format!("{n} places in all had bytes replaced by \u{FFFD}")
        });
        sink.spans.report(&mut warnings, |n| {
            format!("{n} records in all run over many lines")
        });
        for arena in &mut sink.columns {
            arena.seal();
        }
        Ok(Finished {
            preamble: self.preamble,
            header: sink.header,
            columns: sink.columns,
            rows: sink.rows as usize,
            lines: sink.lines,
            warnings,
        })
    }
}

impl Sink {
    /// Logs replaced bytes read so far (up to `consumed`) on `line`.
    #[inline]
    fn note_replaced_bytes(&mut self, line: u64) {
        while self.bad.front().is_some_and(|&b| b < self.consumed) {
            self.bad.pop_front();
            self.bad_lines.add(line, || {
                "a NUL byte or bytes invalid in the file's encoding were replaced by \u{FFFD}"
                    .to_owned()
            });
        }
    }

    /// Skips a title line the sniffer found before the header (only the general reader sees them: the
    /// fast path waits for the header). Kept out of [`Sink::record`], which the fast path inlines.
    fn skip_title(&mut self, line: u64) {
        self.preamble -= 1;
        self.note_replaced_bytes(line);
        // Blank lines after a title are part of it, not blank lines between rows.
        self.last_end_line = 0;
    }

    /// Takes one record: fields end at `ends` in `out`, each starting `gap` bytes after the previous end.
    /// `out` may go on past the record (the rest of the input): the arenas copy fields by whole words.
    fn record(
        &mut self,
        out: &[u8],
        ends: &[usize],
        gap: usize,
        line: u64,
        end_line: u64,
    ) -> Result<(), IngestError> {
        if end_line - line > LONG_SPAN {
            self.spans.add(line, || {
                format!(
                    "this record runs over {} lines: check for an unbalanced quote (\")",
                    end_line - line + 1
                )
            });
        }
        self.note_replaced_bytes(line);
        // Counted from line numbers, so that the count does not depend on which path read the lines.
        if self.last_end_line > 0 {
            self.skipped_lines += line.saturating_sub(self.last_end_line + 1);
        }
        self.last_end_line = end_line;
        let start = |i: usize| if i == 0 { 0 } else { ends[i - 1] + gap };
        let field = |i: usize| &out[start(i)..ends[i]];
        if self.header_pending {
            self.header_pending = false;
            self.header = Some(
                (0..ends.len())
                    .map(|i| String::from_utf8_lossy(field(i)).into_owned())
                    .collect(),
            );
            return Ok(());
        }
        let width = self.columns.len();
        for (i, arena) in self.columns.iter_mut().enumerate() {
            let (from, to) = if i < ends.len() {
                (start(i), ends[i])
            } else {
                (0, 0)
            };
            if !arena.push(out, from, to) {
                return Err(IngestError::ColumnTooLarge {
                    file: self.file.clone(),
                    column: format!("{}", i + 1),
                });
            }
        }
        let found = ends.len();
        if found < width {
            self.short.add(line, || {
                format!("{found} fields instead of {width}: the missing ones are left empty")
            });
        } else if found > width {
            if (width..found).all(|i| field(i).is_empty()) {
                self.trailing_empty += 1;
            } else {
                self.long.add(line, || {
                    let extra: Vec<_> = (width..found)
                        .map(|i| String::from_utf8_lossy(field(i)))
                        .collect();
                    let extra: String = extra.join(", ").chars().take(60).collect();
                    format!(
                        "{found} fields instead of {width}: the extra ones are dropped ({extra})"
                    )
                });
            }
        }
        self.lines.record(self.rows, line);
        self.rows += 1;
        Ok(())
    }
}

/// Writes the positions of `delimiter` in `line` to `out`; `None` when there are more than fit.
/// Eight bytes at a time: most fields are short, and a search call per field costs more than the field.
fn find_delimiters(line: &[u8], delimiter: u8, out: &mut [usize]) -> Option<usize> {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let pattern = u64::from_ne_bytes([delimiter; 8]);
    let mut found = 0;
    let mut words = line.chunks_exact(8);
    let mut base = 0;
    for word in words.by_ref() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ pattern;
        // The high bit of each byte of `hits` is set exactly where `x` has a zero byte (no carries
        // cross bytes, unlike the shorter `(x - 0x01..) & !x & 0x80..` trick).
        let mut hits = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while hits != 0 {
            *out.get_mut(found)? = base + (hits.trailing_zeros() / 8) as usize;
            found += 1;
            hits &= hits - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == delimiter {
            *out.get_mut(found)? = base + i;
            found += 1;
        }
    }
    Some(found)
}

/// Final column names: the header's, trimmed, with empty names filled and repeated ones numbered.
pub(crate) fn column_names(
    header: Option<&[String]>,
    count: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(count);
    for i in 0..count {
        let written = header.and_then(|h| h.get(i)).map_or("", |s| s.trim());
        let mut name = if written.is_empty() {
            format!("column_{}", i + 1)
        } else {
            written.to_owned()
        };
        if written.is_empty() && header.is_some() {
            warnings.push(Diagnostic {
                line: Some(1),
                column: Some(name.clone()),
                message: format!("column {} has no name in the header: named `{name}`", i + 1),
            });
        }
        if names.iter().any(|n| n == &name) {
            let base = name.clone();
            let mut k = 2;
            while names.iter().any(|n| n == &name)
                || header.is_some_and(|h| h.iter().any(|n| n.trim() == name))
            {
                name = format!("{base}_{k}");
                k += 1;
            }
            warnings.push(Diagnostic {
                line: Some(1),
                column: Some(name.clone()),
                message: format!(
                    "column {} repeats the name `{base}`: renamed `{name}`",
                    i + 1
                ),
            });
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::find_delimiters;

    #[test]
    fn delimiters_found_word_by_word_match_a_plain_search() {
        // Bytes next to the delimiter that differ from it by one bit, high bytes, UTF-8 and every length.
        let alphabet = [b',', b'-', b'.', b'm', 0x80, 0xAC, 0xFF, 0x00, b';', 0x2D];
        let mut state = 12_345u64;
        for len in 0..80 {
            for _ in 0..20 {
                let line: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for delimiter in [b',', b';', 0xFF] {
                    let want: Vec<usize> =
                        (0..line.len()).filter(|&i| line[i] == delimiter).collect();
                    let mut out = vec![0; 100];
                    let found = find_delimiters(&line, delimiter, &mut out).expect("room");
                    assert_eq!(&out[..found], &want[..], "{line:?}");
                    let mut small = vec![0; want.len().saturating_sub(1)];
                    assert_eq!(
                        find_delimiters(&line, delimiter, &mut small).is_none(),
                        !want.is_empty()
                    );
                }
            }
        }
    }
}
