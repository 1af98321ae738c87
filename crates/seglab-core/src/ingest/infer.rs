//! Typing a column from its raw cells, converting it, and profiling it for the report.
//!
//! A scan over the first rows' trimmed cells counts which types each value fits; the type is chosen from
//! the counts and a single pass converts the whole column, collecting the same counts as it goes. When
//! those counts over the whole column would have chosen differently (a stray value, an ambiguous
//! decimal mark, a date order settled late in the file), the whole column is scanned and converted
//! again, so the result is always that of a full scan. A coded column (see `arena`) is converted from
//! its distinct values, each read once, and gives exactly what reading it row by row would. Values that
//! fit no type of an otherwise typed column are stray: see the module documentation of `ingest` for the
//! tolerance.

use super::arena::{Arena, Coding};
use super::parse::RowLines;
use super::slots::Slots;
use super::values::{self, DatePart};
use super::{DateOrder, Diagnostic};
use crate::bitset::Bitset;
use crate::hash::{hash64, le_word};
use crate::ingest::ColumnProfile;
use crate::table::{Codes, Column, ColumnData, ColumnType, Dictionary, StringColumn};
use rustc_hash::{FxHashMap, FxHashSet};

/// Stray values listed per column; the rest are counted.
const LISTED: usize = 5;
/// Rows scanned to guess a type before converting the whole column.
const SAMPLE_ROWS: usize = 10_000;
/// Seconds of 2000-01-01 and 2100-01-01: the range where integers under a time-like header are epochs.
const EPOCH_RANGE: std::ops::RangeInclusive<i64> = 946_684_800..=4_102_444_800;

pub(crate) struct Context<'a> {
    /// The field delimiter (space for fixed-width files): a `;` makes `1,234` a decimal comma.
    pub delimiter: u8,
    pub date_order: Option<DateOrder>,
    pub lines: &'a RowLines,
}

/// A cell without surrounding whitespace; most cells have none, so check the ends before trimming.
fn trim_cell(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// What one scan over a column found.
#[derive(Default)]
struct Scan {
    present: usize,
    examples: Vec<String>,
    bool_words: usize,
    bool_digits: usize,
    dot_ok: usize,
    comma_ok: usize,
    /// Values like `1,234`: thousands under a decimal point, a decimal under a decimal comma.
    comma_ambiguous: Option<String>,
    date_ok: usize,
    dates: DateStats,
}

/// Which date orders the values rule out.
#[derive(Default, Clone)]
struct DateStats {
    not_day_first: usize,
    not_month_first: usize,
    has_time: bool,
    /// A value that reads differently day-first and month-first.
    ambiguous: Option<String>,
}

impl DateStats {
    /// Counts `times` values like `date`, written `text`.
    fn add(&mut self, date: &values::DateCell, text: &str, times: usize) {
        self.has_time |= date.time.is_some();
        let (day, month) = (date.fits_day_first(), date.fits_month_first());
        self.not_day_first += times * usize::from(!day);
        self.not_month_first += times * usize::from(!month);
        if day
            && month
            && self.ambiguous.is_none()
            && matches!(date.date, DatePart::Either { a, b, .. } if a != b)
        {
            self.ambiguous = Some(text.to_owned());
        }
    }

    /// The user's order settles only dates that fit both orders; a value like 13/03 settles the rest.
    fn day_first(&self, option: Option<DateOrder>) -> bool {
        match (self.not_day_first, self.not_month_first, option) {
            (0, 0, Some(order)) => order == DateOrder::DayFirst,
            (not_day, not_month, _) => not_day <= not_month,
        }
    }
}

/// Scans the first `sample` rows; a type stops being tried once more than `rows / 1000` values missed it.
fn scan(arena: &Arena, sample: usize, rows: usize) -> Scan {
    let mut s = Scan::default();
    let tolerance = rows / 1000;
    for text in arena.cells().take(sample).map(trim_cell) {
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            continue;
        }
        s.present += 1;
        if s.examples.len() < 3 && !s.examples.iter().any(|e| e == text) {
            s.examples.push(text.to_owned());
        }
        if values::bool_word(bytes).is_some() {
            s.bool_words += 1;
            continue;
        }
        if values::bool_digit(bytes).is_some() {
            s.bool_digits += 1;
        }
        let numbers_alive = s.present - s.dot_ok.max(s.comma_ok) <= tolerance + 1;
        if numbers_alive {
            let dot = values::parse_number(bytes, b'.');
            let comma = values::parse_number(bytes, b',');
            s.dot_ok += usize::from(dot.is_some());
            s.comma_ok += usize::from(comma.is_some());
            if let (Some(d), Some(c)) = (dot, comma)
                && d.value.to_bits() != c.value.to_bits()
                && s.comma_ambiguous.is_none()
                && bytes.contains(&b',')
            {
                s.comma_ambiguous = Some(text.to_owned());
            }
            if dot.is_some() || comma.is_some() {
                continue;
            }
        }
        if s.present - s.date_ok > tolerance + 1 {
            continue;
        }
        if let Some(date) = values::parse_date(bytes) {
            s.date_ok += 1;
            s.dates.add(&date, text, 1);
        }
    }
    s
}

/// Values that did not convert: read as missing, listed in the report.
struct Strays<'c> {
    column: &'c str,
    what: &'static str,
    count: usize,
    listed: Vec<Diagnostic>,
}

impl<'c> Strays<'c> {
    fn new(column: &'c str, what: &'static str) -> Self {
        Self {
            column,
            what,
            count: 0,
            listed: Vec::new(),
        }
    }

    fn add(&mut self, row: usize, text: &str, lines: &RowLines) {
        self.count += 1;
        if self.listed.len() < LISTED {
            let shown: String = text.chars().take(40).collect();
            self.listed.push(Diagnostic {
                line: Some(lines.line(row)),
                column: Some(self.column.to_owned()),
                message: format!(
                    "`{shown}` in column `{}` is not {}: read as missing",
                    self.column, self.what
                ),
            });
        }
    }

    fn report(self, profile: &mut Vec<String>, warnings: &mut Vec<Diagnostic>) {
        if self.count == 0 {
            return;
        }
        let lines: Vec<String> = self
            .listed
            .iter()
            .filter_map(|d| d.line.map(|l| l.to_string()))
            .collect();
        let more = if self.count > self.listed.len() {
            ", …"
        } else {
            ""
        };
        profile.push(format!(
            "{} value(s) are not {} and were read as missing (line {}{more})",
            self.count,
            self.what,
            lines.join(", ")
        ));
        warnings.extend(self.listed);
    }
}

/// Types and converts one column.
pub(crate) fn build(
    name: &str,
    arena: &mut Arena,
    rows: usize,
    forced: Option<ColumnType>,
    ctx: &Context<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> (Column, ColumnProfile) {
    let sampled = forced.is_none() && rows > SAMPLE_ROWS;
    let first = scan(arena, if sampled { SAMPLE_ROWS } else { rows }, rows);
    if let Some(done) = attempt(name, arena, rows, forced, ctx, &first, sampled, warnings) {
        return done;
    }
    let full = scan(arena, rows, rows);
    // An attempt that need not verify always succeeds; the fallback (text, which loses nothing) is
    // only there so that no input can make this panic.
    attempt(name, arena, rows, forced, ctx, &full, false, warnings).unwrap_or_else(|| {
        let mut notes = Vec::new();
        let (ty, data, valid, distinct) = text(arena, rows, Some(ColumnType::Text), &mut notes);
        let column = Column::new(name, ty, data, valid);
        let profile = profile(name, &column, distinct, &full, notes);
        (column, profile)
    })
}

fn profile(
    name: &str,
    column: &Column,
    distinct: usize,
    s: &Scan,
    notes: Vec<String>,
) -> ColumnProfile {
    ColumnProfile {
        name: name.to_owned(),
        ty: column.ty(),
        missing: column.missing(),
        distinct,
        examples: s.examples.clone(),
        warnings: notes,
    }
}

type Converted = (ColumnType, ColumnData, Bitset, usize);

/// Chooses a type from `s` and converts the column. With `verify`, `s` covers only the first rows, and
/// the attempt gives up (`None`) when the whole column's counts would have chosen otherwise.
#[allow(clippy::too_many_arguments)]
fn attempt(
    name: &str,
    arena: &mut Arena,
    rows: usize,
    forced: Option<ColumnType>,
    ctx: &Context<'_>,
    s: &Scan,
    verify: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(Column, ColumnProfile)> {
    let mut notes = Vec::new();
    let tolerance = if verify {
        rows / 1000
    } else {
        s.present / 1000
    };
    let fits = |ok: usize| s.present - ok.min(s.present) <= tolerance;
    let mark = decimal_mark(
        s.dot_ok,
        s.comma_ok,
        s.comma_ambiguous.is_some(),
        ctx.delimiter,
    );
    let numeric_ok = if mark == b',' { s.comma_ok } else { s.dot_ok };
    let day_first = s.dates.day_first(ctx.date_order);
    let date_fits = s.date_ok
        - if day_first {
            s.dates.not_day_first
        } else {
            s.dates.not_month_first
        };
    let is_bool_name = values::is_bool_name(name);

    let guessed = if let Some(ty) = forced {
        notes.push(format!("type set to {ty} by the user"));
        ty
    } else if s.present == 0 {
        if verify {
            // Only the first rows were scanned; the rest may hold values.
            return None;
        }
        if rows > 0 {
            notes.push("every value is missing".to_owned());
        }
        ColumnType::Text
    } else if values::is_id_name(name) {
        ColumnType::Id
    } else if (s.bool_words > 0 || is_bool_name) && fits(s.bool_words + s.bool_digits) {
        // Words (yes/no, ja/nej) make a yes/no column, with 0/1 among them; 0/1 alone only under a
        // header that reads like a yes/no question.
        ColumnType::Boolean
    } else if fits(numeric_ok) {
        ColumnType::Decimal
    } else if fits(date_fits) {
        if s.dates.has_time {
            ColumnType::DateTime
        } else {
            ColumnType::Date
        }
    } else {
        ColumnType::Text
    };

    let mut strays = Strays::new(name, "a number");
    let (ty, data, valid, distinct) = match guessed {
        ColumnType::Integer | ColumnType::Decimal => {
            let n = numbers(arena, rows, mark, ctx.lines, &mut strays);
            if verify {
                let (dot_ok, comma_ok) = if mark == b'.' {
                    (n.present, n.other_ok)
                } else {
                    (n.other_ok, n.present)
                };
                let same_mark =
                    decimal_mark(dot_ok, comma_ok, n.comma_ambiguous.is_some(), ctx.delimiter)
                        == mark;
                let mostly_01 = is_bool_name && n.present - n.bool_digits <= n.present / 1000;
                if strays.count > 0 || !same_mark || mostly_01 {
                    return None;
                }
            }
            if let Some(example) = &n.comma_ambiguous
                && n.other_ok == n.present
            {
                notes.push(if mark == b',' {
                    format!("{example} read with a decimal comma (the file is separated by `;`)")
                } else {
                    format!("{example} read with `,` as the thousands separator")
                });
            }
            numeric_column(name, arena, rows, forced, n, &mut notes, &mut strays)
        }
        ColumnType::Boolean => {
            strays.what = "yes/no";
            let converted = boolean(arena, rows, ctx.lines, &mut strays);
            if verify && strays.count > 0 {
                return None;
            }
            converted
        }
        ColumnType::Date | ColumnType::DateTime => {
            strays.what = if guessed == ColumnType::Date {
                "a date"
            } else {
                "a date-time"
            };
            let (converted, stats) = dates(arena, rows, guessed, day_first, ctx.lines, &mut strays);
            let settled = stats.day_first(ctx.date_order) == day_first;
            let time_agrees = stats.has_time == (guessed == ColumnType::DateTime);
            if verify && (strays.count > 0 || !settled || !time_agrees) {
                return None;
            }
            if let Some(example) = &stats.ambiguous
                && stats.not_day_first == 0
                && stats.not_month_first == 0
            {
                let order = if day_first {
                    "day-first"
                } else {
                    "month-first"
                };
                let other = if day_first {
                    "month-first"
                } else {
                    "day-first"
                };
                let (a, b) = split_ambiguous(example);
                notes.push(format!("{example} could be {a} or {b}: read as {order}; choose {other} if that is wrong"));
            }
            converted
        }
        ty => text(
            arena,
            rows,
            (forced.is_some() || ty == ColumnType::Id).then_some(ty),
            &mut notes,
        ),
    };
    strays.report(&mut notes, warnings);
    let column = Column::new(name, ty, data, valid);
    let profile = profile(name, &column, distinct, s, notes);
    Some((column, profile))
}

/// A numeric column's final form: an id when the numbers look like identifiers, epochs under a
/// time-like header, else integers or decimals.
fn numeric_column(
    name: &str,
    arena: &mut Arena,
    rows: usize,
    forced: Option<ColumnType>,
    n: Numbers,
    notes: &mut Vec<String>,
    strays: &mut Strays<'_>,
) -> Converted {
    let guessing = forced.is_none();
    if guessing && (n.leading_zero.is_some() || n.max_digits > 15) {
        if let Some(example) = &n.leading_zero {
            notes.push(format!(
                "leading zeros ({example}): kept as an id, not a number"
            ));
        } else {
            notes.push("numbers with more than 15 digits: kept as an id".to_owned());
        }
        *strays = Strays::new(strays.column, "text");
        return text(arena, rows, Some(ColumnType::Id), notes);
    }
    if guessing && let Some(col) = compact_dates(name, &n, notes) {
        return col;
    }
    if guessing
        && n.ints.is_some()
        && values::is_epoch_name(name)
        && let Some(col) = epoch(&n, notes)
    {
        return col;
    }
    if n.percent {
        notes.push("percent signs dropped: 12% is read as 12".to_owned());
    }
    if let Some(example) = &n.parenthesized {
        notes.push(format!(
            "numbers in parentheses read as negative, as accounting exports write them: {example} is {}",
            negative_of(example)
        ));
    }
    if n.currency {
        notes.push("currency signs and codes dropped".to_owned());
    }
    let distinct = n.distinct();
    let Numbers {
        ints,
        floats,
        valid,
        ..
    } = n;
    match (forced, ints) {
        (Some(ColumnType::Decimal), Some(ints)) => {
            let floats = ints.iter().map(|&i| i as f64).collect();
            (
                ColumnType::Decimal,
                ColumnData::Decimal(floats),
                valid,
                distinct,
            )
        }
        (_, Some(ints)) => (
            ColumnType::Integer,
            ColumnData::Integer(ints),
            valid,
            distinct,
        ),
        (Some(ColumnType::Integer), None) => {
            notes.push("fractions were rounded to whole numbers".to_owned());
            let ints = floats.iter().map(|v| v.round() as i64).collect();
            (
                ColumnType::Integer,
                ColumnData::Integer(ints),
                valid,
                distinct,
            )
        }
        (_, None) => (
            ColumnType::Decimal,
            ColumnData::Decimal(floats),
            valid,
            distinct,
        ),
    }
}

/// `01/02/2025` → ("1 Feb", "2 Jan").
fn split_ambiguous(example: &str) -> (String, String) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match values::parse_date(example.as_bytes()).map(|d| d.date) {
        Some(DatePart::Either { a, b, .. }) => {
            let month = |m: u32| {
                (m as usize)
                    .checked_sub(1)
                    .and_then(|i| MONTHS.get(i))
                    .copied()
                    .unwrap_or("?")
            };
            (format!("{a} {}", month(b)), format!("{b} {}", month(a)))
        }
        _ => (example.to_owned(), example.to_owned()),
    }
}

/// Picks the decimal mark from which reading makes more values numbers; a tie with values like `1,234`
/// goes to the decimal comma in `;`-separated files, where Excel writes it.
fn decimal_mark(dot_ok: usize, comma_ok: usize, comma_ambiguous: bool, delimiter: u8) -> u8 {
    let comma_wins =
        comma_ok > dot_ok || (comma_ok == dot_ok && comma_ambiguous && delimiter == b';');
    if comma_wins { b',' } else { b'.' }
}

struct Numbers {
    ints: Option<Vec<i64>>,
    floats: Vec<f64>,
    valid: Bitset,
    present: usize,
    /// Values that also read as numbers under the other decimal mark.
    other_ok: usize,
    comma_ambiguous: Option<String>,
    bool_digits: usize,
    leading_zero: Option<String>,
    max_digits: usize,
    percent: bool,
    currency: bool,
    /// A value in parentheses, read as negative: the first one seen.
    parenthesized: Option<String>,
    /// The distinct count, when already known from a coded column's distinct values.
    distinct: Option<usize>,
}

impl Numbers {
    fn distinct(&self) -> usize {
        if let Some(distinct) = self.distinct {
            return distinct;
        }
        match &self.ints {
            Some(ints) => count_distinct(self.valid.iter().map(|row| ints[row] as u64)),
            // 0.0 and -0.0 are one value.
            None => count_distinct(
                self.valid
                    .iter()
                    .map(|row| (self.floats[row] + 0.0).to_bits()),
            ),
        }
    }
}

impl Numbers {
    fn new(rows: usize) -> Self {
        Self {
            ints: None,
            floats: Vec::new(),
            valid: Bitset::new(rows),
            present: 0,
            other_ok: 0,
            comma_ambiguous: None,
            bool_digits: 0,
            leading_zero: None,
            max_digits: 0,
            percent: false,
            currency: false,
            parenthesized: None,
            distinct: None,
        }
    }
}

fn numbers(
    arena: &Arena,
    rows: usize,
    mark: u8,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> Numbers {
    if let Some(coding) = arena.coding() {
        return numbers_coded(coding, mark, lines, strays);
    }
    let other = if mark == b'.' { b',' } else { b'.' };
    let mut ints = Some(Vec::with_capacity(rows));
    let mut floats = Vec::new();
    let mut n = Numbers::new(rows);
    for (row, text) in arena.cells().map(trim_cell).enumerate() {
        let bytes = text.as_bytes();
        let parsed = if values::is_missing(bytes) {
            None
        } else {
            n.present += 1;
            let parsed = values::parse_number(bytes, mark);
            match parsed {
                None => strays.add(row, text, lines),
                // A plain number fits the other mark only when it is whole.
                Some(num) if num.plain => n.other_ok += usize::from(!num.fraction),
                Some(num) => {
                    if let Some(o) = values::parse_number(bytes, other) {
                        n.other_ok += 1;
                        if o.value.to_bits() != num.value.to_bits()
                            && n.comma_ambiguous.is_none()
                            && bytes.contains(&b',')
                        {
                            n.comma_ambiguous = Some(text.to_owned());
                        }
                    }
                }
            }
            parsed
        };
        let (int, float) = match parsed {
            Some(num) => {
                n.valid.set(row, true);
                n.max_digits = n.max_digits.max(num.digits);
                n.percent |= num.percent;
                n.currency |= num.currency;
                if num.parenthesized && n.parenthesized.is_none() {
                    n.parenthesized = Some(text.to_owned());
                }
                n.bool_digits += usize::from(values::bool_digit(bytes).is_some());
                if num.leading_zero && n.leading_zero.is_none() {
                    n.leading_zero = Some(text.to_owned());
                }
                (num.int, num.value)
            }
            None => (Some(0), 0.0),
        };
        match (&mut ints, int) {
            (Some(v), Some(i)) => v.push(i),
            (Some(v), None) => {
                floats = v.iter().map(|&i| i as f64).collect();
                floats.reserve_exact(rows - floats.len());
                floats.push(float);
                ints = None;
            }
            (None, _) => floats.push(float),
        }
    }
    n.ints = ints;
    n.floats = floats;
    n
}

/// [`numbers`] over a coded column: each distinct value parsed once. The values are those row by row
/// would give: integers, or decimals from the first row that is not whole on (the rows before it hold
/// the integers as decimals).
fn numbers_coded(
    coding: Coding<'_>,
    mark: u8,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> Numbers {
    let other = if mark == b'.' { b',' } else { b'.' };
    let texts: Vec<&str> = coding.values().map(trim_cell).collect();
    let counts = coding.counts();
    let k = texts.len();
    let mut n = Numbers::new(0);
    let mut valid = vec![false; k];
    let mut stray = vec![false; k];
    let mut fractional = vec![false; k];
    let mut ints = vec![0i64; k];
    let mut floats = vec![0f64; k];
    for (c, text) in texts.iter().enumerate() {
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            continue;
        }
        n.present += counts[c];
        let Some(num) = values::parse_number(bytes, mark) else {
            stray[c] = true;
            continue;
        };
        if num.plain {
            n.other_ok += counts[c] * usize::from(!num.fraction);
        } else if let Some(o) = values::parse_number(bytes, other) {
            n.other_ok += counts[c];
            if o.value.to_bits() != num.value.to_bits()
                && n.comma_ambiguous.is_none()
                && bytes.contains(&b',')
            {
                n.comma_ambiguous = Some((*text).to_owned());
            }
        }
        valid[c] = true;
        n.max_digits = n.max_digits.max(num.digits);
        n.percent |= num.percent;
        n.currency |= num.currency;
        if num.parenthesized && n.parenthesized.is_none() {
            n.parenthesized = Some((*text).to_owned());
        }
        n.bool_digits += counts[c] * usize::from(values::bool_digit(bytes).is_some());
        if num.leading_zero && n.leading_zero.is_none() {
            n.leading_zero = Some((*text).to_owned());
        }
        match num.int {
            Some(i) => ints[c] = i,
            None => fractional[c] = true,
        }
        floats[c] = num.value;
    }
    for (row, c) in coding.rows_with(&stray) {
        strays.add(row, texts[c], lines);
    }
    n.valid = coding.mask(&valid);
    let present = (0..k).filter(|&c| valid[c]);
    match coding.rows_with(&fractional).next() {
        None => {
            n.distinct = Some(count_distinct(present.map(|c| ints[c] as u64)));
            n.ints = Some(coding.map(&ints));
        }
        Some((first, _)) => {
            // 0.0 and -0.0 are one value.
            n.distinct = Some(count_distinct(present.map(|c| (floats[c] + 0.0).to_bits())));
            let rows = coding.rows();
            let whole: Vec<f64> = ints.iter().map(|&i| i as f64).collect();
            let mut out = Vec::with_capacity(rows);
            coding.map_into(&whole, 0..first, &mut out);
            coding.map_into(&floats, first..rows, &mut out);
            n.floats = out;
        }
    }
    n
}

/// Integers written `YYYYMMDD` (`20250301`), every one a valid date: from 1800 to 2200 under a header
/// that says date, else only from 1970 to 2100, so that identifiers and amounts stay numbers.
fn compact_dates(name: &str, n: &Numbers, notes: &mut Vec<String>) -> Option<Converted> {
    let ints = n.ints.as_ref()?;
    if n.present == 0 || n.max_digits != 8 {
        return None;
    }
    let years = if values::is_date_name(name) {
        1800..=2200
    } else {
        1970..=2100
    };
    let mut days = vec![0i32; ints.len()];
    for row in n.valid.iter() {
        days[row] = values::compact_date(ints[row], years.clone())? as i32;
    }
    notes.push("8-digit numbers read as dates written YYYYMMDD".to_owned());
    let distinct = count_distinct(n.valid.iter().map(|row| days[row] as u64));
    Some((
        ColumnType::Date,
        ColumnData::Date(days),
        n.valid.clone(),
        distinct,
    ))
}

/// Integers under a time-like header, all in the plausible range of epoch seconds or milliseconds.
fn epoch(n: &Numbers, notes: &mut Vec<String>) -> Option<Converted> {
    let ints = n.ints.as_ref()?;
    let present = || n.valid.iter().map(|row| ints[row]);
    let millis_range = EPOCH_RANGE.start() * 1000..=EPOCH_RANGE.end() * 1000;
    let divisor = if present().all(|v| EPOCH_RANGE.contains(&v)) {
        notes.push("integers read as epoch seconds (UTC)".to_owned());
        1
    } else if present().all(|v| millis_range.contains(&v)) {
        notes.push("integers read as epoch milliseconds (UTC)".to_owned());
        1000
    } else {
        return None;
    };
    let seconds: Vec<i64> = ints.iter().map(|v| v.div_euclid(divisor)).collect();
    let distinct = n.distinct();
    Some((
        ColumnType::DateTime,
        ColumnData::DateTime(seconds),
        n.valid.clone(),
        distinct,
    ))
}

fn boolean(arena: &Arena, rows: usize, lines: &RowLines, strays: &mut Strays<'_>) -> Converted {
    if let Some(coding) = arena.coding() {
        return boolean_coded(coding, lines, strays);
    }
    let mut data = Bitset::new(rows);
    let mut valid = Bitset::new(rows);
    let (mut yes, mut no) = (false, false);
    for (row, text) in arena.cells().map(trim_cell).enumerate() {
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            continue;
        }
        match values::bool_word(bytes).or_else(|| values::bool_digit(bytes)) {
            Some(v) => {
                valid.set(row, true);
                data.set(row, v);
                yes |= v;
                no |= !v;
            }
            None => strays.add(row, text, lines),
        }
    }
    (
        ColumnType::Boolean,
        ColumnData::Boolean(data),
        valid,
        usize::from(yes) + usize::from(no),
    )
}

/// [`boolean`] over a coded column: each distinct value read once.
fn boolean_coded(coding: Coding<'_>, lines: &RowLines, strays: &mut Strays<'_>) -> Converted {
    let texts: Vec<&str> = coding.values().map(trim_cell).collect();
    let mut valid = vec![false; texts.len()];
    let mut truth = vec![false; texts.len()];
    let mut stray = vec![false; texts.len()];
    let (mut yes, mut no) = (false, false);
    for (c, text) in texts.iter().enumerate() {
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            continue;
        }
        match values::bool_word(bytes).or_else(|| values::bool_digit(bytes)) {
            Some(v) => {
                valid[c] = true;
                truth[c] = v;
                yes |= v;
                no |= !v;
            }
            None => stray[c] = true,
        }
    }
    for (row, c) in coding.rows_with(&stray) {
        strays.add(row, texts[c], lines);
    }
    (
        ColumnType::Boolean,
        ColumnData::Boolean(coding.mask(&truth)),
        coding.mask(&valid),
        usize::from(yes) + usize::from(no),
    )
}

fn dates(
    arena: &Arena,
    rows: usize,
    ty: ColumnType,
    day_first: bool,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> (Converted, DateStats) {
    if let Some(coding) = arena.coding() {
        return dates_coded(coding, ty, day_first, lines, strays);
    }
    let mut valid = Bitset::new(rows);
    let mut seconds = Vec::with_capacity(rows);
    let mut stats = DateStats::default();
    for (row, text) in arena.cells().map(trim_cell).enumerate() {
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            seconds.push(0);
            continue;
        }
        let parsed = values::parse_date(bytes);
        if let Some(date) = &parsed {
            stats.add(date, text, 1);
        }
        let value = parsed.and_then(|d| {
            if ty == ColumnType::Date {
                d.days(day_first)
            } else {
                d.seconds(day_first)
            }
        });
        if let Some(v) = value {
            valid.set(row, true);
            seconds.push(v);
        } else {
            strays.add(row, text, lines);
            seconds.push(0);
        }
    }
    let distinct = count_distinct(valid.iter().map(|row| seconds[row] as u64));
    let data = if ty == ColumnType::Date {
        ColumnData::Date(seconds.into_iter().map(|d| d as i32).collect())
    } else {
        ColumnData::DateTime(seconds)
    };
    ((ty, data, valid, distinct), stats)
}

/// [`dates`] over a coded column: each distinct value parsed once.
fn dates_coded(
    coding: Coding<'_>,
    ty: ColumnType,
    day_first: bool,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> (Converted, DateStats) {
    let texts: Vec<&str> = coding.values().map(trim_cell).collect();
    let counts = coding.counts();
    let mut valid = vec![false; texts.len()];
    let mut stray = vec![false; texts.len()];
    let mut table = vec![0i64; texts.len()];
    let mut stats = DateStats::default();
    // In order of first appearance, so that the example of an ambiguous date is the first in the file.
    for (c, text) in texts.iter().enumerate() {
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            continue;
        }
        let parsed = values::parse_date(bytes);
        if let Some(date) = &parsed {
            stats.add(date, text, counts[c]);
        }
        let value = parsed.and_then(|d| {
            if ty == ColumnType::Date {
                d.days(day_first)
            } else {
                d.seconds(day_first)
            }
        });
        match value {
            Some(v) => {
                valid[c] = true;
                table[c] = v;
            }
            None => stray[c] = true,
        }
    }
    for (row, c) in coding.rows_with(&stray) {
        strays.add(row, texts[c], lines);
    }
    let distinct = count_distinct(
        table
            .iter()
            .zip(&valid)
            .filter(|(_, ok)| **ok)
            .map(|(&v, _)| v as u64),
    );
    let data = if ty == ColumnType::Date {
        let days: Vec<i32> = table.iter().map(|&d| d as i32).collect();
        ColumnData::Date(coding.map(&days))
    } else {
        ColumnData::DateTime(coding.map(&table))
    };
    ((ty, data, coding.mask(&valid), distinct), stats)
}

/// Counts distinct values: exactly while there are at most [`EXACT_DISTINCT`] of them, then as a
/// `HyperLogLog` estimate (about 1% off). An exact count of a million mostly distinct values costs a
/// quarter of the whole read; the profile only needs to tell "a few" from "about a million".
pub(crate) struct Distinct {
    set: FxHashSet<u64>,
    registers: Vec<u8>,
    /// Values added since switching to the estimate: it never says more than that.
    added: usize,
}

/// Distinct values counted exactly.
pub(crate) const EXACT_DISTINCT: usize = 4096;
const HLL_BITS: u32 = 14;

impl Distinct {
    fn new() -> Self {
        Self {
            set: FxHashSet::default(),
            registers: Vec::new(),
            added: 0,
        }
    }

    fn add(&mut self, value: u64) {
        if self.registers.is_empty() {
            self.set.insert(value);
            if self.set.len() > EXACT_DISTINCT {
                self.registers = vec![0; 1 << HLL_BITS];
                let seen: Vec<u64> = self.set.drain().collect();
                for v in seen {
                    self.add_estimated(v);
                }
            }
        } else {
            self.add_estimated(value);
        }
    }

    fn add_estimated(&mut self, value: u64) {
        self.added += 1;
        // splitmix64's finaliser: HyperLogLog needs well-mixed bits.
        let mut h = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
        h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^= h >> 31;
        let index = (h >> (64 - HLL_BITS)) as usize;
        let rank = ((h << HLL_BITS) | (1 << (HLL_BITS - 1))).leading_zeros() as u8 + 1;
        if self.registers[index] < rank {
            self.registers[index] = rank;
        }
    }

    fn count(&self) -> usize {
        if self.registers.is_empty() {
            return self.set.len();
        }
        let m = self.registers.len() as f64;
        let sum: f64 = self.registers.iter().map(|&r| (-f64::from(r)).exp2()).sum();
        let estimate = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
        let zeros: usize = self.registers.iter().map(|&r| usize::from(r == 0)).sum();
        let estimate = if estimate <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            estimate
        };
        // Never below what was counted exactly before switching, never above the values counted: a
        // column of 4,800 different times must not show 4,808 distinct.
        (estimate.round() as usize)
            .max(EXACT_DISTINCT + 1)
            .min(self.added)
    }
}

fn count_distinct(values: impl Iterator<Item = u64>) -> usize {
    let mut distinct = Distinct::new();
    for v in values {
        distinct.add(v);
    }
    distinct.count()
}

/// A text of up to 15 bytes as two words that differ for any two different texts: the bytes, and the
/// length in the top byte.
fn packed(text: &[u8]) -> Option<(u64, u64)> {
    if text.len() > 15 {
        return None;
    }
    // Whole loads, not a loop over bytes into an array: an array indexed at run time lives in memory
    // in WebAssembly, and every byte would be a store and a load.
    let len = (text.len() as u64) << 56;
    Some(match text.split_at_checked(8) {
        Some((first, rest)) => (le_word(first), le_word(rest) | len),
        None => (le_word(text), len),
    })
}

/// Category, Text or Id: dictionary-encoded when values repeat, plain strings when mostly distinct.
fn text(
    arena: &mut Arena,
    rows: usize,
    chosen: Option<ColumnType>,
    notes: &mut Vec<String>,
) -> Converted {
    text_column(arena, rows, chosen, notes, true)
}

fn text_column(
    arena: &mut Arena,
    rows: usize,
    chosen: Option<ColumnType>,
    notes: &mut Vec<String>,
    hashing: bool,
) -> Converted {
    if let Some(coding) = arena.coding() {
        return text_coded(coding, rows, chosen, notes, hashing);
    }
    let mut valid = Bitset::new(rows);
    // One byte per row until a 257th value widens them.
    let mut codes = Codes::with_capacity(0, rows);
    let mut map: FxHashMap<&str, u32> = FxHashMap::default();
    // Values of up to 15 bytes (most categories and many ids) are looked up by their bytes packed into
    // two words: no string comparison, no visit to where the value was first seen.
    let mut short = Slots::default();
    let mut order: Vec<&str> = Vec::new();
    let mut spaces = false;
    let mut total_len = 0usize;
    let mut present = 0usize;
    // Mostly distinct values (ids, emails, free text) are stored as plain strings; counting them needs
    // only their hashes, which is much cheaper than a map from every string to its code.
    let mut hashes: Option<Distinct> = None;
    // Whether some cell is stored differently from how it is written (trimmed, or a missing marker
    // stored empty); when none is, plain strings take over the raw cells without a copy.
    let mut rewritten = false;
    for (row, cell) in arena.cells().enumerate() {
        let text = trim_cell(cell);
        if values::is_missing(text.as_bytes()) {
            rewritten |= !cell.is_empty();
            codes.push(0);
            continue;
        }
        rewritten |= text.len() != cell.len();
        valid.set(row, true);
        present += 1;
        total_len += text.len();
        if let Some(hashes) = &mut hashes {
            // Cells are short: a loop the compiler sees costs less than a call to `memchr` per cell.
            spaces = spaces || text.as_bytes().contains(&b' ');
            hashes.add(hash64(text.as_bytes()));
            continue;
        }
        let next = order.len() as u32;
        let first_seen = || {
            spaces |= text.bytes().any(|b| b == b' ');
            order.push(text);
            next
        };
        let code = match packed(text.as_bytes()) {
            Some(key) => short.get_or_insert_with(key, first_seen),
            None => *map.entry(text).or_insert_with(first_seen),
        };
        codes.push(code);
        if hashing && present == 10_000 && order.len() * 4 > present * 3 {
            let mut distinct = Distinct::new();
            for t in &order {
                distinct.add(hash64(t.as_bytes()));
            }
            hashes = Some(distinct);
            map = FxHashMap::default();
            short = Slots::default();
            codes = Codes::default();
        }
    }
    let distinct = match &hashes {
        Some(distinct) => distinct.count(),
        None => order.len(),
    };
    if hashes.is_some() && (chosen == Some(ColumnType::Category) || distinct * 2 <= present) {
        // Values repeat after all (the first rows were not typical): build the dictionary.
        return text_column(arena, rows, chosen, notes, false);
    }
    let ty = text_type(chosen, present, distinct, spaces, total_len, notes);
    if ty == ColumnType::Category {
        case_variants(&order, notes);
    }
    let dictionary = ty == ColumnType::Category || distinct * 2 <= present;
    let data = if dictionary {
        let values = dictionary_values(&order);
        ColumnData::Dictionary(Dictionary { values, codes })
    } else {
        drop(codes);
        let taken = if rewritten {
            None
        } else {
            arena.take_strings()
        };
        let strings = taken.unwrap_or_else(|| {
            let mut strings = StringColumn::with_capacity(rows, total_len);
            for (row, text) in arena.cells().map(trim_cell).enumerate() {
                strings.push(if valid.get(row) { text } else { "" });
            }
            strings
        });
        ColumnData::Strings(strings)
    };
    (ty, data, valid, distinct)
}

/// Groups of a category's values that differ only in case (`customer`, `Customer`), the groups in
/// order of their first value's first appearance: a condition `stage = "customer"` misses the other
/// spellings, so the profile says so, with what to write instead.
fn case_variants(order: &[&str], notes: &mut Vec<String>) {
    if order
        .iter()
        .all(|v| !v.bytes().any(|b| b.is_ascii_alphabetic() || b >= 0x80))
    {
        return;
    }
    let mut group_of: FxHashMap<String, usize> = FxHashMap::default();
    let mut groups: Vec<Vec<&str>> = Vec::new();
    for &value in order {
        let next = groups.len();
        let g = *group_of.entry(value.to_lowercase()).or_insert(next);
        if g == next {
            groups.push(Vec::new());
        }
        groups[g].push(value);
    }
    let variants: Vec<&Vec<&str>> = groups.iter().filter(|g| g.len() > 1).collect();
    let Some(first) = variants.first() else {
        return;
    };
    let listed = values::quoted_list(first.iter().copied());
    let more = match variants.len() - 1 {
        0 => String::new(),
        1 => " (so do the spellings of 1 more value)".to_owned(),
        n => format!(" (so do the spellings of {n} more values)"),
    };
    notes.push(format!(
        "{listed} differ only in case{more}: a condition on one value misses the others; \
         add `ignoring case` to match them all"
    ));
}

/// `(1,234.00)` as `-1,234.00`, for the note that says how such a value was read.
fn negative_of(example: &str) -> String {
    let inner = example
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    format!("-{inner}")
}

/// A dictionary's distinct values, in order of first appearance, in one allocation.
fn dictionary_values(order: &[&str]) -> StringColumn {
    let bytes = order.iter().map(|s| s.len()).sum();
    let mut values = StringColumn::with_capacity(order.len(), bytes);
    for v in order {
        values.push(v);
    }
    values
}

/// Category, Text or Id, from what a text column's values are like.
fn text_type(
    chosen: Option<ColumnType>,
    present: usize,
    distinct: usize,
    spaces: bool,
    total_len: usize,
    notes: &mut Vec<String>,
) -> ColumnType {
    match chosen {
        Some(ty) => ty,
        None if present == 0 => ColumnType::Text,
        // 97%: above a few thousand values the distinct count is an estimate (see `Distinct`).
        None if !spaces
            && distinct * 100 >= present * 97
            && present >= 10
            && total_len >= 4 * present =>
        {
            notes.push(
                "(nearly) every value is different and has no spaces: read as an id".to_owned(),
            );
            ColumnType::Id
        }
        None if total_len / present.max(1) <= 40
            && ((distinct <= 10 && distinct < present) || distinct * 2 <= present) =>
        {
            ColumnType::Category
        }
        None => ColumnType::Text,
    }
}

/// [`text_column`] over a coded column: each distinct value trimmed and looked up once. Gives what row
/// by row would, including the distinct count estimated from hashes when the first 10 000 values were
/// mostly distinct.
fn text_coded(
    coding: Coding<'_>,
    rows: usize,
    chosen: Option<ColumnType>,
    notes: &mut Vec<String>,
    hashing: bool,
) -> Converted {
    let counts = coding.counts();
    let k = coding.len();
    // Per code: whether it is present, and its value's index among the trimmed distinct values.
    let mut valid = vec![false; k];
    let mut remap = vec![0u32; k];
    let mut map: FxHashMap<&str, u32> = FxHashMap::default();
    let mut order: Vec<&str> = Vec::new();
    let mut spaces = false;
    let mut total_len = 0usize;
    let mut present = 0usize;
    for (c, cell) in coding.values().enumerate() {
        let text = trim_cell(cell);
        if values::is_missing(text.as_bytes()) {
            continue;
        }
        valid[c] = true;
        present += counts[c];
        total_len += text.len() * counts[c];
        let next = order.len() as u32;
        remap[c] = *map.entry(text).or_insert_with(|| {
            spaces |= text.bytes().any(|b| b == b' ');
            order.push(text);
            next
        });
    }
    let mut distinct = order.len();
    if hashing && present >= 10_000 {
        // Row by row, the count goes over to hashes when more than three in four of the first 10 000
        // values present are distinct; the estimate stands unless values repeat after all.
        let mut seen = vec![false; order.len()];
        let (mut so_far, mut new) = (0usize, 0usize);
        for (_, c) in coding.rows_with(&valid) {
            so_far += 1;
            let i = remap[c] as usize;
            new += usize::from(!seen[i]);
            seen[i] = true;
            if so_far == 10_000 {
                break;
            }
        }
        if new * 4 > so_far * 3 {
            let mut hashes = Distinct::new();
            for t in &order {
                hashes.add(hash64(t.as_bytes()));
            }
            let estimate = hashes.count();
            if chosen != Some(ColumnType::Category) && estimate * 2 > present {
                distinct = estimate;
            }
        }
    }
    let ty = text_type(chosen, present, distinct, spaces, total_len, notes);
    if ty == ColumnType::Category {
        case_variants(&order, notes);
    }
    let dictionary = ty == ColumnType::Category || distinct * 2 <= present;
    let data = if dictionary {
        let values = dictionary_values(&order);
        let codes = coding.recode(&remap, values.len());
        ColumnData::Dictionary(Dictionary { values, codes })
    } else {
        let mut strings = StringColumn::with_capacity(rows, total_len);
        for row in 0..rows {
            let c = coding.code(row);
            strings.push(if valid[c] {
                order[remap[c] as usize]
            } else {
                ""
            });
        }
        ColumnData::Strings(strings)
    };
    (ty, data, coding.mask(&valid), distinct)
}

#[cfg(test)]
mod tests {
    use super::{Arena, Context, EXACT_DISTINCT, RowLines, build, count_distinct, packed};
    use crate::table::ColumnType;

    /// Past the exact count, the estimate stays within 3% and never says more values are different
    /// than there are values: 4,800 different times once showed 4,808 distinct.
    #[test]
    fn distinct_estimates_are_close_and_never_above_the_values() {
        for n in [
            EXACT_DISTINCT as u64 + 1,
            4_800,
            5_000,
            9_999,
            50_000,
            300_000,
        ] {
            // Times a minute apart, as an export's time column has them.
            let unique = count_distinct((0..n).map(|i| 1_735_689_600 + 60 * i));
            assert!(
                unique as u64 <= n,
                "{n} different values counted as {unique}"
            );
            assert!(
                unique as f64 >= 0.97 * n as f64,
                "{n} different values counted as {unique}"
            );
            let twice = count_distinct((0..2 * n).map(|i| i / 2));
            assert!(twice as u64 <= 2 * n, "{n} values twice counted as {twice}");
            let error = (twice as f64 - n as f64).abs() / n as f64;
            assert!(error <= 0.03, "{n} values twice counted as {twice}");
        }
    }

    /// Types `cells` from a coded arena and from a plain one; every observable result must agree: the
    /// column (its values, capacities included), the profile and the warnings with their lines.
    fn check_same(name: &str, cells: &[String], forced: Option<ColumnType>) {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let lines = RowLines::default();
        let typed = |coded: bool| {
            let mut arena = Arena::of(&cells, coded);
            assert_eq!(arena.is_coded(), coded, "{name}: coded {coded}");
            let ctx = Context {
                delimiter: b',',
                date_order: None,
                lines: &lines,
            };
            let mut warnings = Vec::new();
            let (column, profile) =
                build(name, &mut arena, cells.len(), forced, &ctx, &mut warnings);
            let heap = column.heap_bytes();
            // Row by row too: the debug form of a bitset shows only its count.
            let rows: Vec<String> = (0..cells.len())
                .map(|row| format!("{:?}", column.value(row)))
                .collect();
            (format!("{column:?}"), rows, heap, profile, warnings)
        };
        let (plain, coded) = (typed(false), typed(true));
        assert!(
            plain == coded,
            "{name} {forced:?}:\nplain {plain:#?}\ncoded {coded:#?}"
        );
    }

    /// The warnings of the profile `build` gives a column of `cells`, read row by row.
    fn warnings_of(name: &str, cells: &[&str]) -> Vec<String> {
        let lines = RowLines::default();
        let mut arena = Arena::of(cells, false);
        let ctx = Context {
            delimiter: b',',
            date_order: None,
            lines: &lines,
        };
        let mut diagnostics = Vec::new();
        let (_, profile) = build(name, &mut arena, cells.len(), None, &ctx, &mut diagnostics);
        profile.warnings
    }

    #[test]
    fn categories_written_in_different_cases_are_named() {
        let stages = [
            "lead", "customer", "Customer", "lead", "CUSTOMER", "Lead", "churned",
        ];
        let warnings = warnings_of("stage", &stages.repeat(3));
        assert_eq!(
            warnings,
            [
                "`lead` and `Lead` differ only in case (so do the spellings of 1 more value): a \
              condition on one value misses the others; add `ignoring case` to match them all"
            ],
        );
        let stages = ["customer", "Customer", "lead", "CUSTOMER", "lead"];
        assert_eq!(
            warnings_of("stage", &stages.repeat(3)),
            [
                "`customer`, `Customer` and `CUSTOMER` differ only in case: a condition on one value \
              misses the others; add `ignoring case` to match them all"
            ],
        );
        // One spelling each: nothing to say.
        let plans = ["basic", "pro", "basic", "team", "pro", "basic"];
        assert!(warnings_of("plan", &plans.repeat(3)).is_empty());
        // Letters beyond ASCII fold too.
        let cities = ["Malmö", "MALMÖ", "Lund", "Lund", "Malmö", "Lund"];
        let warnings = warnings_of("city", &cities.repeat(3));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("`Malmö` and `MALMÖ` differ only in case:"));
    }

    /// `rows` cells: `pick(row, random)` for each, with a seeded generator.
    fn column(rows: usize, seed: u64, pick: impl Fn(usize, u64) -> String) -> Vec<String> {
        let mut state = seed;
        (0..rows)
            .map(|row| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                pick(row, state >> 33)
            })
            .collect()
    }

    fn one_of(r: u64, choices: &[&str]) -> String {
        choices[r as usize % choices.len()].to_owned()
    }

    #[test]
    fn coded_columns_type_exactly_as_plain_ones() {
        let missing = ["", "NA", " ", "-", "null"];
        for (rows, seed) in [(40, 1), (3000, 2), (12_000, 3), (30_000, 4)] {
            // Numbers: whole, then a fraction late; negative zero; grouped; strays; missing; padded.
            let numbers = column(rows, seed, |row, r| match r % 40 {
                0 => one_of(r >> 8, &missing),
                1 if row > rows / 2 => "2.5".to_owned(),
                2 => "-0".to_owned(),
                3 => " 17 ".to_owned(),
                4 => "1,234".to_owned(),
                6 if row > rows / 4 => "(12.50)".to_owned(),
                5 if row > rows / 3 && (r >> 8) % 50 == 0 => "n/k".to_owned(),
                _ => format!("{}", (r >> 8) % 300),
            });
            for name in ["amount", "employees", "is_paying", "created_at", "user_id"] {
                check_same(name, &numbers, None);
            }
            check_same("amount", &numbers, Some(ColumnType::Integer));
            check_same("amount", &numbers, Some(ColumnType::Decimal));
            check_same("amount", &numbers, Some(ColumnType::Category));
            // Decimal commas under a `;`-like reading, and codes with leading zeros.
            let commas = column(rows, seed + 10, |_, r| match r % 5 {
                0 => format!("{},{}", r % 90, (r >> 7) % 10),
                1 => format!("0{}", r % 9),
                _ => format!("{}", (r >> 5) % 1000),
            });
            check_same("price", &commas, None);
            // Dates: ambiguous until a value settles the order late; strays; times in some.
            let settled = column(rows, seed + 20, |row, r| match r % 60 {
                0 => one_of(r >> 8, &missing),
                1 if row > rows * 3 / 4 => "13/02/2025".to_owned(),
                2 if (r >> 8) % 40 == 0 => "someday".to_owned(),
                _ => format!("{:02}/{:02}/2025", (r >> 8) % 12 + 1, (r >> 12) % 12 + 1),
            });
            check_same("signup_date", &settled, None);
            check_same("signup_date", &settled, Some(ColumnType::DateTime));
            let iso = column(rows, seed + 30, |row, r| match r % 100 {
                0 if row > rows / 2 => "2024-03-01 10:00".to_owned(),
                1 => one_of(r >> 8, &missing),
                _ => format!("2024-{:02}-{:02}", (r >> 8) % 12 + 1, (r >> 12) % 28 + 1),
            });
            check_same("day", &iso, None);
            // Yes/no with 0/1 and a stray.
            let flags = column(rows, seed + 40, |_, r| match r % 30 {
                0 => one_of(r >> 8, &missing),
                1 if (r >> 8) % 20 == 0 => "maybe".to_owned(),
                _ => one_of(r >> 8, &["yes", "no", "Yes", "0", "1", " no "]),
            });
            check_same("converted", &flags, None);
            check_same("is_active", &flags, None);
            // Categories written with stray spaces and missing markers.
            let plans = column(rows, seed + 50, |_, r| {
                one_of(
                    r,
                    &[
                        "basic",
                        " basic",
                        "pro ",
                        "pro",
                        "Pro",
                        "enterprise",
                        "",
                        "n/a",
                        "trial plan",
                    ],
                )
            });
            check_same("plan", &plans, None);
            check_same("plan", &plans, Some(ColumnType::Text));
            check_same("plan", &plans, Some(ColumnType::Id));
        }
        // Mostly distinct in the first 10 000 values (the distinct count goes over to hashes), with a
        // few thousand values in all: estimated, or exact when the values repeat enough.
        // Two missing values in every three rows keep such a column coded.
        for (distinct, rows) in [(8000, 40_000), (8000, 60_000), (3500, 40_000)] {
            let sparse = |prefix: &'static str| {
                move |row: usize, _| {
                    if row.is_multiple_of(3) {
                        format!("{prefix}{:05}", (row / 3) % distinct)
                    } else {
                        String::new()
                    }
                }
            };
            let ids = column(rows, 7, sparse("acct"));
            check_same("account", &ids, None);
            check_same("account", &ids, Some(ColumnType::Category));
            let spaced = column(rows, 8, sparse("Team "));
            check_same("team", &spaced, None);
        }
    }

    #[test]
    fn packed_texts_are_equal_exactly_when_the_texts_are() {
        // Every pair of short texts over a few bytes, NUL and high bytes included, of every length up to
        // 15, and longer ones, which are not packed.
        let texts = crate::ingest::tests::random_texts(17);
        for a in &texts {
            assert_eq!(packed(a).is_some(), a.len() <= 15, "{a:?}");
            for b in &texts {
                if let (Some(x), Some(y)) = (packed(a), packed(b)) {
                    assert_eq!(x == y, a == b, "{a:?} {b:?}");
                }
            }
        }
    }
}
