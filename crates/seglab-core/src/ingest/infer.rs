//! Typing a column from its raw cells, converting it, and profiling it for the report.
//!
//! One scan over the trimmed cells counts which types each value fits; the type is chosen from the
//! counts; a second pass converts. Values that fit no type of an otherwise typed column are stray: see
//! the module documentation of `ingest` for the tolerance.

use super::parse::{Arena, RowLines};
use super::values::{self, DatePart};
use super::{DateOrder, Diagnostic};
use crate::bitset::Bitset;
use crate::ingest::ColumnProfile;
use crate::table::{Column, ColumnData, ColumnType, Dictionary, StringColumn};
use rustc_hash::{FxHashMap, FxHashSet};

/// Stray values listed per column; the rest are counted.
const LISTED: usize = 5;
/// Seconds of 2000-01-01 and 2100-01-01: the range where integers under a time-like header are epochs.
const EPOCH_RANGE: std::ops::RangeInclusive<i64> = 946_684_800..=4_102_444_800;

pub(crate) struct Context<'a> {
    /// The field delimiter (space for fixed-width files): a `;` makes `1,234` a decimal comma.
    pub delimiter: u8,
    pub date_order: Option<DateOrder>,
    pub lines: &'a RowLines,
}

fn cell(arena: &Arena, row: usize) -> &str {
    arena.cell(row).trim()
}

/// What one scan over a column found.
#[derive(Default)]
struct Scan<'a> {
    present: usize,
    missing: usize,
    examples: Vec<&'a str>,
    bool_words: usize,
    bool_digits: usize,
    dot_ok: usize,
    comma_ok: usize,
    /// Values like `1,234`: thousands under a decimal point, a decimal under a decimal comma.
    comma_ambiguous: Option<&'a str>,
    date_ok: usize,
    not_day_first: usize,
    not_month_first: usize,
    has_time: bool,
    /// A value that reads differently day-first and month-first.
    ambiguous_date: Option<&'a str>,
}

fn scan<'a>(arena: &'a Arena, rows: usize) -> Scan<'a> {
    let mut s = Scan::default();
    let tolerance = rows / 1000;
    for row in 0..rows {
        let text = cell(arena, row);
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            s.missing += 1;
            continue;
        }
        s.present += 1;
        if s.examples.len() < 3 && !s.examples.contains(&text) {
            s.examples.push(text);
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
                && d.value != c.value
                && s.comma_ambiguous.is_none()
                && bytes.contains(&b',')
            {
                s.comma_ambiguous = Some(text);
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
            s.has_time |= date.time.is_some();
            let (day, month) = (date.fits_day_first(), date.fits_month_first());
            s.not_day_first += usize::from(!day);
            s.not_month_first += usize::from(!month);
            if day
                && month
                && s.ambiguous_date.is_none()
                && matches!(date.date, DatePart::Either { a, b, .. } if a != b)
            {
                s.ambiguous_date = Some(text);
            }
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
    arena: &Arena,
    rows: usize,
    forced: Option<ColumnType>,
    ctx: &Context<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> (Column, ColumnProfile) {
    let s = scan(arena, rows);
    let mut notes = Vec::new();
    let tolerance = s.present / 1000;
    let fits = |ok: usize| s.present - ok.min(s.present) <= tolerance;
    let mark = decimal_mark(&s, ctx.delimiter, &mut notes);
    let numeric_ok = if mark == b',' { s.comma_ok } else { s.dot_ok };
    // The user's order settles only dates that fit both orders; a value like 13/03 settles the rest.
    let day_first = match (s.not_day_first, s.not_month_first, ctx.date_order) {
        (0, 0, Some(order)) => order == DateOrder::DayFirst,
        (not_day, not_month, _) => not_day <= not_month,
    };
    let date_fits = s.date_ok
        - if day_first {
            s.not_day_first
        } else {
            s.not_month_first
        };

    let guessed = if let Some(ty) = forced {
        notes.push(format!("type set to {ty} by the user"));
        ty
    } else if s.present == 0 {
        if rows > 0 {
            notes.push("every value is missing".to_owned());
        }
        ColumnType::Text
    } else if values::is_id_name(name) {
        ColumnType::Id
    } else if (s.bool_words > 0 && fits(s.bool_words))
        || (values::is_bool_name(name) && fits(s.bool_words + s.bool_digits))
    {
        ColumnType::Boolean
    } else if fits(numeric_ok) {
        ColumnType::Decimal
    } else if fits(date_fits) {
        if s.has_time {
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
            let guessing = forced.is_none();
            if guessing && (n.leading_zero.is_some() || n.max_digits > 15) {
                if let Some(example) = n.leading_zero {
                    notes.push(format!(
                        "leading zeros ({example}): kept as an id, not a number"
                    ));
                } else {
                    notes.push("numbers with more than 15 digits: kept as an id".to_owned());
                }
                strays = Strays::new(name, "text");
                text(arena, rows, Some(ColumnType::Id), &mut notes)
            } else if guessing
                && n.ints.is_some()
                && values::is_epoch_name(name)
                && let Some(col) = epoch(&n, &mut notes)
            {
                col
            } else {
                if n.percent {
                    notes.push("percent signs dropped: 12% is read as 12".to_owned());
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
        }
        ColumnType::Boolean => {
            strays.what = "yes/no";
            boolean(arena, rows, ctx.lines, &mut strays)
        }
        ColumnType::Date | ColumnType::DateTime => {
            strays.what = if guessed == ColumnType::Date {
                "a date"
            } else {
                "a date-time"
            };
            if let Some(example) = s.ambiguous_date
                && s.not_day_first == 0
                && s.not_month_first == 0
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
                notes.push(format!(
                    "{example} could be {a} or {b}: read as {order}; choose {other} if that is wrong"
                ));
            }
            dates(arena, rows, guessed, day_first, ctx.lines, &mut strays)
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
    let profile = ColumnProfile {
        name: name.to_owned(),
        ty,
        missing: column.missing(),
        distinct,
        examples: s.examples.iter().map(|e| (*e).to_owned()).collect(),
        warnings: notes,
    };
    (column, profile)
}

/// `01/02/2025` → ("1 Feb", "2 Jan").
fn split_ambiguous(example: &str) -> (String, String) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match values::parse_date(example.as_bytes()).map(|d| d.date) {
        Some(DatePart::Either { a, b, .. }) => {
            let month = |m: u32| MONTHS.get(m as usize - 1).copied().unwrap_or("?");
            (format!("{a} {}", month(b)), format!("{b} {}", month(a)))
        }
        _ => (example.to_owned(), example.to_owned()),
    }
}

/// Picks the decimal mark from which reading makes more values numbers; a tie (only values like `1,234`)
/// goes to the decimal comma in `;`-separated files, where Excel writes it.
fn decimal_mark(s: &Scan<'_>, delimiter: u8, notes: &mut Vec<String>) -> u8 {
    let mark = match s.dot_ok.cmp(&s.comma_ok) {
        std::cmp::Ordering::Greater => b'.',
        std::cmp::Ordering::Less => b',',
        std::cmp::Ordering::Equal if s.comma_ambiguous.is_some() && delimiter == b';' => b',',
        std::cmp::Ordering::Equal => b'.',
    };
    if let Some(example) = s.comma_ambiguous
        && s.dot_ok == s.comma_ok
    {
        notes.push(if mark == b',' {
            format!("{example} read with a decimal comma (the file is separated by `;`)")
        } else {
            format!("{example} read with `,` as the thousands separator")
        });
    }
    mark
}

struct Numbers {
    ints: Option<Vec<i64>>,
    floats: Vec<f64>,
    valid: Bitset,
    leading_zero: Option<String>,
    max_digits: usize,
    percent: bool,
    currency: bool,
}

impl Numbers {
    fn distinct(&self) -> usize {
        let mut seen = FxHashSet::default();
        match &self.ints {
            Some(ints) => {
                for row in self.valid.iter() {
                    seen.insert(ints[row] as u64);
                }
            }
            None => {
                for row in self.valid.iter() {
                    seen.insert(self.floats[row].to_bits());
                }
            }
        }
        seen.len()
    }
}

fn numbers(
    arena: &Arena,
    rows: usize,
    mark: u8,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> Numbers {
    let mut ints = Some(Vec::with_capacity(rows));
    let mut floats = Vec::new();
    let mut valid = Bitset::new(rows);
    let mut n = Numbers {
        ints: None,
        floats: Vec::new(),
        valid: Bitset::new(0),
        leading_zero: None,
        max_digits: 0,
        percent: false,
        currency: false,
    };
    for row in 0..rows {
        let text = cell(arena, row);
        let bytes = text.as_bytes();
        let parsed = if values::is_missing(bytes) {
            None
        } else {
            let parsed = values::parse_number(bytes, mark);
            if parsed.is_none() {
                strays.add(row, text, lines);
            }
            parsed
        };
        let (int, float) = match parsed {
            Some(num) => {
                valid.set(row, true);
                n.max_digits = n.max_digits.max(num.digits);
                n.percent |= num.percent;
                n.currency |= num.currency;
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
                floats.reserve(rows - floats.len());
                floats.push(float);
                ints = None;
            }
            (None, _) => floats.push(float),
        }
    }
    n.ints = ints;
    n.floats = floats;
    n.valid = valid;
    n
}

/// Integers under a time-like header, all in the plausible range of epoch seconds or milliseconds.
fn epoch(n: &Numbers, notes: &mut Vec<String>) -> Option<(ColumnType, ColumnData, Bitset, usize)> {
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

fn boolean(
    arena: &Arena,
    rows: usize,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> (ColumnType, ColumnData, Bitset, usize) {
    let mut data = Bitset::new(rows);
    let mut valid = Bitset::new(rows);
    let (mut yes, mut no) = (false, false);
    for row in 0..rows {
        let text = cell(arena, row);
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

fn dates(
    arena: &Arena,
    rows: usize,
    ty: ColumnType,
    day_first: bool,
    lines: &RowLines,
    strays: &mut Strays<'_>,
) -> (ColumnType, ColumnData, Bitset, usize) {
    let mut valid = Bitset::new(rows);
    let mut seconds = Vec::with_capacity(rows);
    let mut seen = FxHashSet::default();
    for row in 0..rows {
        let text = cell(arena, row);
        let bytes = text.as_bytes();
        if values::is_missing(bytes) {
            seconds.push(0);
            continue;
        }
        let value = values::parse_date(bytes).and_then(|d| {
            if ty == ColumnType::Date {
                d.days(day_first)
            } else {
                d.seconds(day_first)
            }
        });
        match value {
            Some(v) => {
                valid.set(row, true);
                seen.insert(v);
                seconds.push(v);
            }
            None => {
                strays.add(row, text, lines);
                seconds.push(0);
            }
        }
    }
    let data = if ty == ColumnType::Date {
        ColumnData::Date(seconds.into_iter().map(|d| d as i32).collect())
    } else {
        ColumnData::DateTime(seconds)
    };
    (ty, data, valid, seen.len())
}

/// Category, Text or Id: dictionary-encoded when values repeat, plain strings when mostly distinct.
fn text(
    arena: &Arena,
    rows: usize,
    chosen: Option<ColumnType>,
    notes: &mut Vec<String>,
) -> (ColumnType, ColumnData, Bitset, usize) {
    let mut valid = Bitset::new(rows);
    let mut codes = Vec::with_capacity(rows);
    let mut map: FxHashMap<&str, u32> = FxHashMap::default();
    let mut order: Vec<&str> = Vec::new();
    let mut spaces = false;
    let mut total_len = 0usize;
    for row in 0..rows {
        let text = cell(arena, row);
        if values::is_missing(text.as_bytes()) {
            codes.push(0);
            continue;
        }
        valid.set(row, true);
        total_len += text.len();
        let next = order.len() as u32;
        let code = *map.entry(text).or_insert_with(|| {
            spaces |= text.bytes().any(|b| b == b' ');
            order.push(text);
            next
        });
        codes.push(code);
    }
    let present = valid.count();
    let distinct = order.len();
    let ty = match chosen {
        Some(ty) => ty,
        None if present == 0 => ColumnType::Text,
        None if !spaces && distinct == present && present >= 10 && total_len >= 4 * present => {
            notes.push("every value is different and has no spaces: read as an id".to_owned());
            ColumnType::Id
        }
        None if total_len / present.max(1) <= 40
            && ((distinct <= 10 && distinct < present) || distinct * 2 <= present) =>
        {
            ColumnType::Category
        }
        None => ColumnType::Text,
    };
    let dictionary = ty == ColumnType::Category || distinct * 2 <= present;
    let data = if dictionary {
        let bytes = order.iter().map(|s| s.len()).sum();
        let mut values = StringColumn::with_capacity(order.len(), bytes);
        for v in &order {
            values.push(v);
        }
        ColumnData::Dictionary(Dictionary { values, codes })
    } else {
        drop(codes);
        let bytes = (0..rows)
            .filter(|&r| valid.get(r))
            .map(|r| cell(arena, r).len())
            .sum();
        let mut strings = StringColumn::with_capacity(rows, bytes);
        for row in 0..rows {
            strings.push(if valid.get(row) { cell(arena, row) } else { "" });
        }
        ColumnData::Strings(strings)
    };
    (ty, data, valid, distinct)
}
