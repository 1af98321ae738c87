//! Reading single cells: missing markers, numbers in their many spellings, booleans and dates.
//!
//! Every function takes a trimmed cell as bytes and allocates nothing.

/// Cells that mean "no value".
pub(crate) fn is_missing(s: &[u8]) -> bool {
    match s.len() {
        0 => true,
        1 => matches!(s[0], b'-' | b'?' | b'.'),
        2..=4 => {
            const WORDS: [&[u8]; 6] = [b"na", b"n/a", b"null", b"none", b"nan", b"#n/a"];
            WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
        }
        _ => false,
    }
}

/// A number as written in a cell.
#[allow(clippy::struct_excessive_bools)] // independent facts about how the number was written
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Num {
    pub value: f64,
    /// The value, when it is whole and fits.
    pub int: Option<i64>,
    /// Written with a decimal mark.
    pub fraction: bool,
    pub percent: bool,
    pub currency: bool,
    /// Negative written in parentheses, as accounting exports do: `(1,234.00)`.
    pub parenthesized: bool,
    /// Integer digits, for telling long identifiers from amounts.
    pub digits: usize,
    /// `007`: a leading zero before more digits, the mark of an identifier or postal code.
    pub leading_zero: bool,
    /// Written with a thousands separator.
    pub grouped: bool,
    /// Digits with at most a decimal mark and a minus sign: the shape that reads the same under
    /// either mark unless it has a fraction.
    pub plain: bool,
}

const CURRENCY_WORDS: [&[u8]; 9] = [
    b"kr", b"sek", b"usd", b"eur", b"gbp", b"nok", b"dkk", b"chf", b":-",
];
const CURRENCY_SIGNS: [&str; 4] = ["$", "€", "£", "¥"];

fn strip_currency(s: &[u8]) -> (&[u8], bool) {
    match (s.first(), s.last()) {
        (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => return (s, false),
        _ => {}
    }
    for sign in CURRENCY_SIGNS {
        if let Some(rest) = s.strip_prefix(sign.as_bytes()) {
            return (trim(rest), true);
        }
        if let Some(rest) = s.strip_suffix(sign.as_bytes()) {
            return (trim(rest), true);
        }
    }
    for word in CURRENCY_WORDS {
        if s.len() > word.len() {
            let (head, tail) = s.split_at(word.len());
            if head.eq_ignore_ascii_case(word) && !tail[0].is_ascii_alphabetic() {
                return (trim(tail), true);
            }
            let (head, tail) = s.split_at(s.len() - word.len());
            if tail.eq_ignore_ascii_case(word) && !head[head.len() - 1].is_ascii_alphabetic() {
                return (trim(head), true);
            }
        }
    }
    (s, false)
}

/// Names in backticks, as warnings list them: `` `a`, `b` and `c` ``.
pub(crate) fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Reads a number with `mark` as the decimal mark; other separators must group thousands properly.
pub(crate) fn parse_number(s: &[u8], mark: u8) -> Option<Num> {
    // The common case first: plain digits.
    let plain = (!s.is_empty() && s.len() <= 18)
        .then(|| {
            s.iter().try_fold(0i64, |v, &b| {
                (b.is_ascii_digit()).then(|| v * 10 + i64::from(b - b'0'))
            })
        })
        .flatten();
    if let Some(v) = plain {
        return Some(Num {
            value: v as f64,
            int: Some(v),
            fraction: false,
            percent: false,
            currency: false,
            parenthesized: false,
            digits: s.len(),
            leading_zero: s.len() > 1 && s[0] == b'0',
            grouped: false,
            plain: true,
        });
    }
    if let Some(num) = plain_decimal(s, mark) {
        return Some(num);
    }
    let (mut s, mut currency) = strip_currency(s);
    let mut negative = false;
    let parenthesized = matches!(s, [b'(', .., b')']);
    if parenthesized {
        negative = true;
        s = trim(&s[1..s.len() - 1]);
        if !currency {
            (s, currency) = strip_currency(s);
        }
    } else if let [sign @ (b'-' | b'+'), rest @ ..] = s {
        negative = *sign == b'-';
        s = trim(rest);
        if !currency {
            (s, currency) = strip_currency(s);
        }
    }
    let percent = s.last() == Some(&b'%');
    if percent {
        s = trim(&s[..s.len() - 1]);
    }
    if !currency {
        (s, currency) = strip_currency(s);
    }
    let mut buf = [0u8; 48];
    let mut len = 0;
    if negative {
        buf[0] = b'-';
        len = 1;
    }
    let mut digits = 0usize;
    let mut group = 0usize;
    let mut separator: Option<&[u8]> = None;
    let mut seen_mark = false;
    let mut fraction_digits = 0usize;
    let mut first_group = 0usize;
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b.is_ascii_digit() {
            if len >= buf.len() {
                return None;
            }
            buf[len] = b;
            len += 1;
            if seen_mark {
                fraction_digits += 1;
            } else {
                digits += 1;
                group += 1;
            }
            i += 1;
            continue;
        }
        if seen_mark {
            return None;
        }
        if b == mark {
            if separator.is_some() && group != 3 {
                return None;
            }
            if separator.is_none() {
                first_group = group;
            }
            seen_mark = true;
            if len >= buf.len() {
                return None;
            }
            buf[len] = b'.';
            len += 1;
            i += 1;
            continue;
        }
        // A thousands separator: `,` or `.` (whichever is not the mark), space, no-break spaces, `'`.
        let sep_len = match b {
            b',' | b'.' | b' ' | b'\'' => 1,
            0xC2 if s.get(i + 1) == Some(&0xA0) => 2,
            0xE2 if s.get(i + 1) == Some(&0x80) && s.get(i + 2) == Some(&0xAF) => 3,
            _ => return None,
        };
        let sep = &s[i..i + sep_len];
        match separator {
            None => {
                if group == 0 || group > 3 {
                    return None;
                }
                first_group = group;
                separator = Some(sep);
            }
            Some(prev) => {
                if prev != sep || group != 3 {
                    return None;
                }
            }
        }
        group = 0;
        i += sep_len;
    }
    if digits + fraction_digits == 0 {
        return None;
    }
    if separator.is_some() && !seen_mark && group != 3 {
        return None;
    }
    if seen_mark && fraction_digits == 0 {
        return None;
    }
    let text = std::str::from_utf8(&buf[..len]).ok()?;
    let value: f64 = text.parse().ok()?;
    let int = if seen_mark || digits > 18 {
        None
    } else {
        text.parse::<i64>().ok()
    };
    let integer_start = usize::from(negative);
    let leading_zero = separator.is_none()
        && digits > 1
        && buf[integer_start] == b'0'
        && (!seen_mark || first_group > 1);
    Some(Num {
        value,
        int,
        fraction: seen_mark,
        percent,
        currency,
        parenthesized,
        digits,
        leading_zero,
        grouped: separator.is_some(),
        plain: false,
    })
}

/// The common `-12.5` shape (digits, at most one mark, no separators) without the general machinery.
fn plain_decimal(s: &[u8], mark: u8) -> Option<Num> {
    let body = s.strip_prefix(b"-").unwrap_or(s);
    let int_digits = body.iter().take_while(|b| b.is_ascii_digit()).count();
    let (int_part, rest) = body.split_at(int_digits);
    let fraction = match rest {
        [] => &[][..],
        [m, tail @ ..] if *m == mark && !tail.is_empty() && tail.iter().all(u8::is_ascii_digit) => {
            tail
        }
        _ => return None,
    };
    if int_digits == 0 || int_digits > 15 || fraction.len() > 17 {
        return None;
    }
    // A single mark after one to three digits, followed by exactly three, may be a thousands group
    // under the other reading; the general path decides those.
    if !rest.is_empty() && fraction.len() == 3 && int_digits <= 3 {
        return None;
    }
    let int = int_part
        .iter()
        .fold(0i64, |v, &b| v * 10 + i64::from(b - b'0'));
    let negative = s.len() != body.len();
    let value = if fraction.is_empty() {
        int as f64
    } else {
        // Up to 15 digits, the digits as an integer and the power of ten are exact in f64, so one
        // division rounds correctly (Clinger's fast path); longer numbers take the general parser.
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        if int_digits + fraction.len() <= 15 {
            let digits = fraction
                .iter()
                .fold(int as u64, |v, &b| v * 10 + u64::from(b - b'0'));
            digits as f64 / POW10[fraction.len()]
        } else {
            let mut buf = [0u8; 40];
            buf[..int_part.len()].copy_from_slice(int_part);
            buf[int_part.len()] = b'.';
            buf[int_part.len() + 1..int_part.len() + 1 + fraction.len()].copy_from_slice(fraction);
            std::str::from_utf8(&buf[..int_part.len() + 1 + fraction.len()])
                .ok()?
                .parse()
                .ok()?
        }
    };
    Some(Num {
        value: if negative { -value } else { value },
        int: fraction
            .is_empty()
            .then_some(if negative { -int } else { int }),
        fraction: !fraction.is_empty(),
        percent: false,
        currency: false,
        parenthesized: false,
        digits: int_digits,
        leading_zero: int_digits > 1 && int_part[0] == b'0',
        grouped: false,
        plain: true,
    })
}

/// Boolean words (not 0/1, which are numbers unless the header says otherwise).
pub(crate) fn bool_word(s: &[u8]) -> Option<bool> {
    const TRUE: [&[u8]; 8] = [b"true", b"yes", b"y", b"t", b"ja", b"j", b"sant", b"on"];
    const FALSE: [&[u8]; 8] = [
        b"false", b"no", b"n", b"f", b"nej", b"falskt", b"off", b"nein",
    ];
    if s.len() > 6 {
        return None;
    }
    if TRUE.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return Some(true);
    }
    FALSE
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
        .then_some(false)
}

/// 0/1 (also `0.0`/`1.0` is not accepted: that is a measurement).
pub(crate) fn bool_digit(s: &[u8]) -> Option<bool> {
    match s {
        b"1" => Some(true),
        b"0" => Some(false),
        _ => None,
    }
}

/// A calendar date as read, before the day/month order is settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatePart {
    /// Year first (ISO 8601 and its `/` and `.` cousins): unambiguous.
    Ymd(i32, u32, u32),
    /// `d.m.y`: day first, the European dotted form.
    Dmy(i32, u32, u32),
    /// `a/b/y` or `a-b-y`: day-first or month-first.
    Either { a: u32, b: u32, year: i32 },
}

/// A date, optionally with a time of day and a UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DateCell {
    pub date: DatePart,
    /// Seconds since midnight, when a time was written.
    pub time: Option<i64>,
    /// Seconds east of UTC, when a zone was written.
    pub offset: i64,
}

impl DateCell {
    pub fn fits_day_first(&self) -> bool {
        match self.date {
            DatePart::Either { a, b, year } => valid_date(year, b, a),
            _ => true,
        }
    }

    pub fn fits_month_first(&self) -> bool {
        match self.date {
            DatePart::Either { a, b, year } => valid_date(year, a, b),
            _ => true,
        }
    }

    /// Days since 1970-01-01 in the given order, when the date exists.
    pub fn days(&self, day_first: bool) -> Option<i64> {
        let (y, m, d) = match self.date {
            DatePart::Ymd(y, m, d) | DatePart::Dmy(y, m, d) => (y, m, d),
            DatePart::Either { a, b, year } if day_first => (year, b, a),
            DatePart::Either { a, b, year } => (year, a, b),
        };
        valid_date(y, m, d).then(|| days_from_civil(i64::from(y), m, d))
    }

    /// Seconds since the epoch, UTC.
    pub fn seconds(&self, day_first: bool) -> Option<i64> {
        Some(self.days(day_first)? * 86_400 + self.time.unwrap_or(0) - self.offset)
    }
}

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub(crate) fn valid_date(y: i32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=9999).contains(&y) && d >= 1 && d <= days
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads `digits` (1 to `max` of them) at the front of `s`.
fn number_at(s: &[u8], max: usize) -> Option<(u32, usize, &[u8])> {
    let n = s
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 || n > max {
        return None;
    }
    let v = s[..n]
        .iter()
        .fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'));
    Some((v, n, &s[n..]))
}

/// Reads a date or date-time: `2025-03-01`, `2025-03-01T14:00:00Z`, `2025-03-01 14:00`, `01/03/2025`,
/// `3/1/25 2:00 PM`, `1.3.2025`, and with English month names `1 Mar 2025`, `01-Mar-2025`,
/// `March 1, 2025`, `Sat, 1 Mar 2025 14:00:00 +0000`.
pub(crate) fn parse_date(s: &[u8]) -> Option<DateCell> {
    if let Some(cell) = iso_fast(s) {
        return Some(cell);
    }
    if s.first().is_some_and(u8::is_ascii_alphabetic) {
        return month_first_named(s);
    }
    let (a, a_len, rest) = number_at(s, 4)?;
    if let [b' ' | b'-' | b'/', tail @ ..] = rest
        && tail.first().is_some_and(u8::is_ascii_alphabetic)
    {
        return day_first_named(a, a_len, rest);
    }
    let (&sep, rest) = rest.split_first()?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (b, _, rest) = number_at(rest, 2)?;
    let (&sep2, rest) = rest.split_first()?;
    if sep2 != sep {
        return None;
    }
    let (c, c_len, rest) = number_at(rest, 4)?;
    let date = if a_len == 4 {
        if c_len > 2 || !valid_date(a as i32, b, c) {
            return None;
        }
        DatePart::Ymd(a as i32, b, c)
    } else {
        if a_len > 2 || !(c_len == 4 || c_len == 2) {
            return None;
        }
        let year = if c_len == 2 {
            if c < 70 { 2000 + c } else { 1900 + c }
        } else {
            c
        } as i32;
        if sep == b'.' {
            if !valid_date(year, b, a) {
                return None;
            }
            DatePart::Dmy(year, b, a)
        } else {
            if !valid_date(year, b, a) && !valid_date(year, a, b) {
                return None;
            }
            DatePart::Either { a, b, year }
        }
    };
    if rest.is_empty() {
        return Some(DateCell {
            date,
            time: None,
            offset: 0,
        });
    }
    let rest = match rest {
        [b'T' | b't', tail @ ..] => tail,
        [b' ', ..] => trim(rest),
        _ => return None,
    };
    let (time, offset) = parse_time(rest)?;
    Some(DateCell {
        date,
        time: Some(time),
        offset,
    })
}

const MONTHS: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];
const WEEKDAYS: [&[u8]; 7] = [
    b"monday",
    b"tuesday",
    b"wednesday",
    b"thursday",
    b"friday",
    b"saturday",
    b"sunday",
];

/// The leading word of `s` (ASCII letters) and the rest.
fn word_at(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    s.split_at(n)
}

/// `word` as a name from `names`: written in full or cut to three letters or more (`Mar`, `Sept`),
/// ignoring case; the index.
fn name_index(word: &[u8], names: &[&[u8]]) -> Option<usize> {
    if word.len() < 3 {
        return None;
    }
    names
        .iter()
        .position(|name| name.len() >= word.len() && name[..word.len()].eq_ignore_ascii_case(word))
}

/// An English month name (`Mar`, `Mar.`, `March`) at the front of `s`: the month and the rest.
fn month_at(s: &[u8]) -> Option<(u32, &[u8])> {
    let (word, rest) = word_at(s);
    let month = name_index(word, &MONTHS)? as u32 + 1;
    let rest = if word.len() < MONTHS[month as usize - 1].len() {
        rest.strip_prefix(b".").unwrap_or(rest)
    } else {
        rest
    };
    Some((month, rest))
}

/// A four-digit year, or two digits after a `-` (`01-Mar-25`), at the front of `s`.
fn year_at(s: &[u8], short: bool) -> Option<(i32, &[u8])> {
    let (year, len, rest) = number_at(s, 4)?;
    let year = match len {
        4 => year,
        2 if short => {
            if year < 70 {
                2000 + year
            } else {
                1900 + year
            }
        }
        _ => return None,
    };
    Some((year as i32, rest))
}

/// `1 Mar 2025`, `1 March 2025`, `01-Mar-2025`, `01-Mar-25`, `1/Mar/2025`: the day already read.
fn day_first_named(day: u32, day_len: usize, rest: &[u8]) -> Option<DateCell> {
    let (&sep, rest) = rest.split_first()?;
    if day_len > 2 {
        return None;
    }
    let (month, rest) = month_at(rest)?;
    let rest = match (sep, rest) {
        (b' ', [b',', b' ', tail @ ..]) => tail,
        (_, [s, tail @ ..]) if *s == sep => tail,
        _ => return None,
    };
    let (year, rest) = year_at(rest, sep == b'-')?;
    named_date(year, month, day, rest)
}

/// `March 1, 2025`, `Mar 1 2025`, `Sat, 1 Mar 2025` and `Saturday, March 1, 2025`.
fn month_first_named(s: &[u8]) -> Option<DateCell> {
    let (word, after) = word_at(s);
    if name_index(word, &WEEKDAYS).is_some() {
        let after = after.strip_prefix(b".").unwrap_or(after);
        let after = after.strip_prefix(b",").unwrap_or(after);
        let after = after.strip_prefix(b" ")?;
        return match after.first() {
            Some(b) if b.is_ascii_digit() => {
                let (day, day_len, rest) = number_at(after, 2)?;
                day_first_named(day, day_len, rest)
            }
            _ => month_first_named(after),
        };
    }
    let (month, rest) = month_at(s)?;
    let rest = rest.strip_prefix(b" ")?;
    let (day, _, rest) = number_at(rest, 2)?;
    let rest = rest.strip_prefix(b",").unwrap_or(rest);
    let rest = rest.strip_prefix(b" ")?;
    let (year, rest) = year_at(rest, false)?;
    named_date(year, month, day, rest)
}

/// A date read with its month name, and the time that may follow it (`, 14:00` or ` 2:00 PM`).
fn named_date(year: i32, month: u32, day: u32, rest: &[u8]) -> Option<DateCell> {
    if !valid_date(year, month, day) {
        return None;
    }
    let date = DatePart::Ymd(year, month, day);
    let rest = rest.strip_prefix(b",").unwrap_or(rest);
    if rest.is_empty() {
        return Some(DateCell {
            date,
            time: None,
            offset: 0,
        });
    }
    if rest.first() != Some(&b' ') {
        return None;
    }
    let (time, offset) = parse_time(trim(rest))?;
    Some(DateCell {
        date,
        time: Some(time),
        offset,
    })
}

/// An integer written `YYYYMMDD` as days since 1970-01-01, when it is a valid date in `years`.
pub(crate) fn compact_date(value: i64, years: std::ops::RangeInclusive<i32>) -> Option<i64> {
    if !(10_000_101..=99_991_231).contains(&value) {
        return None;
    }
    let year = (value / 10_000) as i32;
    let month = (value / 100 % 100) as u32;
    let day = (value % 100) as u32;
    (years.contains(&year) && valid_date(year, month, day))
        .then(|| days_from_civil(i64::from(year), month, day))
}

/// `2025-03-01` and `2025-03-01T14:00:00Z` (the forms machines write) without the general parser.
fn iso_fast(s: &[u8]) -> Option<DateCell> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        s[range].iter().try_fold(0u32, |v, &b| {
            b.is_ascii_digit().then(|| v * 10 + u32::from(b - b'0'))
        })
    };
    if s.len() != 10 && s.len() != 20 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !valid_date(y as i32, m, d) {
        return None;
    }
    let date = DatePart::Ymd(y as i32, m, d);
    if s.len() == 10 {
        return Some(DateCell {
            date,
            time: None,
            offset: 0,
        });
    }
    if s[10] != b'T' || s[13] != b':' || s[16] != b':' || s[19] != b'Z' {
        return None;
    }
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let time = i64::from(hour * 3600 + minute * 60 + second);
    Some(DateCell {
        date,
        time: Some(time),
        offset: 0,
    })
}

/// `14:00`, `14:00:05`, `14:00:05.123`, `2:00 PM`, each optionally followed by `Z`, `UTC`, `+01:00`.
fn parse_time(s: &[u8]) -> Option<(i64, i64)> {
    let (hours, _, rest) = number_at(s, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (minutes, minutes_len, mut rest) = number_at(rest, 2)?;
    let mut sec = 0;
    if minutes_len != 2 || minutes > 59 {
        return None;
    }
    if let Some(tail) = rest.strip_prefix(b":") {
        let (seconds, len, tail) = number_at(tail, 2)?;
        if len != 2 || seconds > 60 {
            return None;
        }
        sec = seconds.min(59);
        rest = tail;
        if let [b'.' | b',', tail @ ..] = rest {
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            rest = &tail[digits..];
        }
    }
    let mut hour = hours;
    let trimmed = trim(rest);
    let (ampm, after) = if trimmed.len() >= 2 && trimmed[..2].eq_ignore_ascii_case(b"am") {
        (Some(false), trim(&trimmed[2..]))
    } else if trimmed.len() >= 2 && trimmed[..2].eq_ignore_ascii_case(b"pm") {
        (Some(true), trim(&trimmed[2..]))
    } else {
        (None, rest)
    };
    if let Some(pm) = ampm {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
        rest = after;
    }
    if hour > 23 {
        return None;
    }
    let offset = parse_zone(trim(rest))?;
    Some((
        i64::from(hour) * 3600 + i64::from(minutes) * 60 + i64::from(sec),
        offset,
    ))
}

fn parse_zone(s: &[u8]) -> Option<i64> {
    match s {
        [] | [b'Z' | b'z'] => Some(0),
        _ if s.eq_ignore_ascii_case(b"utc") || s.eq_ignore_ascii_case(b"gmt") => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            // `+0100` as RFC 2822 writes it, else `+01:00` or `+01`.
            let mut colon = [b':'; 5];
            let rest = match rest {
                [h1, h2, m1, m2] if rest.iter().all(u8::is_ascii_digit) => {
                    (colon[0], colon[1], colon[3], colon[4]) = (*h1, *h2, *m1, *m2);
                    &colon[..]
                }
                _ => rest,
            };
            let (h, h_len, rest) = number_at(rest, 2)?;
            let rest = rest.strip_prefix(b":").unwrap_or(rest);
            let m = if rest.is_empty() {
                0
            } else {
                let (m, m_len, tail) = number_at(rest, 2)?;
                if m_len != 2 || !tail.is_empty() {
                    return None;
                }
                m
            };
            if h_len != 2 || h > 14 || m > 59 {
                return None;
            }
            let offset = i64::from(h * 3600 + m * 60);
            Some(if *sign == b'-' { -offset } else { offset })
        }
        _ => None,
    }
}

fn words(name: &str) -> Vec<String> {
    // Split snake_case, kebab-case, spaces and camelCase.
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Header names that announce identifiers: `id`, `user_id`, `userId`, `uuid`, `zip`, `postal_code`, …
pub(crate) fn is_id_name(name: &str) -> bool {
    let words = words(name);
    let last = words.last().map_or("", String::as_str);
    let first = words.first().map_or("", String::as_str);
    matches!(
        last,
        "id" | "uuid"
            | "guid"
            | "key"
            | "zip"
            | "zipcode"
            | "postcode"
            | "postnummer"
            | "postnr"
            | "sku"
            | "phone"
    ) || matches!(
        first,
        "zip" | "postal" | "postcode" | "phone" | "uuid" | "guid"
    ) || (words.len() == 2 && words[0] == "id")
}

/// Header names that read like a yes/no question.
pub(crate) fn is_bool_name(name: &str) -> bool {
    let words = words(name);
    let first = words.first().map_or("", String::as_str);
    matches!(
        first,
        "is" | "has" | "was" | "did" | "can" | "should" | "opted" | "flag"
    ) || words.iter().any(|w| {
        matches!(
            w.as_str(),
            "converted"
                | "churned"
                | "active"
                | "enabled"
                | "subscribed"
                | "verified"
                | "flag"
                | "bool"
                | "trial"
                | "paying"
                | "deleted"
                | "consent"
                | "optin"
                | "treatment"
                | "control"
        )
    })
}

/// Header names that announce dates: `date`, `signup_date`, `dob`, `birthday`, `created_on`, …
pub(crate) fn is_date_name(name: &str) -> bool {
    let words = words(name);
    let last = words.last().map_or("", String::as_str);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "date" | "dob" | "birthday" | "birthdate" | "day" | "dt" | "yyyymmdd"
        )
    }) || last == "on"
}

/// Header names under which integers may be epoch seconds or milliseconds.
pub(crate) fn is_epoch_name(name: &str) -> bool {
    let words = words(name);
    let last = words.last().map_or("", String::as_str);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "ts" | "timestamp" | "epoch" | "time" | "datetime"
        )
    }) || matches!(last, "at" | "time" | "ms" | "unix")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let check = |s: &str, mark: u8, want: Option<f64>| {
            assert_eq!(
                parse_number(s.as_bytes(), mark).map(|n| n.value),
                want,
                "{s} with {}",
                mark as char
            );
        };
        check("1,234.56", b'.', Some(1234.56));
        check("1.234,56", b',', Some(1234.56));
        check("1 234", b',', Some(1234.0));
        check("1\u{a0}234,5", b',', Some(1234.5));
        check("$1,200", b'.', Some(1200.0));
        check("-€5.5", b'.', Some(-5.5));
        check("100 kr", b',', Some(100.0));
        check("SEK 100", b',', Some(100.0));
        check("12%", b'.', Some(12.0));
        check("1,2345", b'.', None);
        check("12 34", b'.', None);
        check("1.2.3", b'.', None);
        check("abc", b'.', None);
        check(".5", b'.', Some(0.5));
        check("5.", b'.', None);
        assert!(parse_number(b"00123", b'.').unwrap().leading_zero);
        assert!(!parse_number(b"0.5", b'.').unwrap().leading_zero);
    }

    #[test]
    fn dates() {
        let secs = |s: &str| parse_date(s.as_bytes()).and_then(|d| d.seconds(true));
        assert_eq!(secs("1970-01-02"), Some(86_400));
        assert_eq!(secs("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(secs("1970-01-01 12:00 AM"), Some(0));
        assert_eq!(secs("02/01/1970 1:00 pm"), Some(86_400 + 13 * 3600));
        assert_eq!(secs("2.1.1970"), Some(86_400));
        assert_eq!(secs("2025-02-30"), None);
        assert_eq!(secs("13/13/2025"), None);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        let day = |s: &str| parse_date(s.as_bytes()).and_then(|d| d.days(true));
        let first_of_march = Some(days_from_civil(2025, 3, 1));
        for written in [
            "1 Mar 2025",
            "01 March 2025",
            "1 mar. 2025",
            "01-Mar-2025",
            "01-MAR-25",
            "1/Mar/2025",
            "March 1, 2025",
            "Mar 1 2025",
            "Mar 1, 2025",
            "Sat, 1 Mar 2025",
            "Saturday, March 1, 2025",
        ] {
            assert_eq!(day(written), first_of_march, "{written}");
        }
        assert_eq!(day("Sept 30, 2025"), Some(days_from_civil(2025, 9, 30)));
        assert_eq!(
            secs("Sat, 01 Mar 2025 14:30:00 +0100"),
            Some(days_from_civil(2025, 3, 1) * 86_400 + 13 * 3600 + 30 * 60)
        );
        assert_eq!(
            secs("March 1, 2025 2:30 PM"),
            Some(days_from_civil(2025, 3, 1) * 86_400 + 14 * 3600 + 30 * 60)
        );
        for not_a_date in [
            "31 Feb 2025",
            "1 Ma 2025",
            "1 Mars 2025",
            "May be",
            "March 2025",
            "1 Mar 25",
            "Mar 1, 25",
            "Maybe 1, 2025",
            "Monday",
        ] {
            assert_eq!(day(not_a_date), None, "{not_a_date}");
        }
        assert_eq!(compact_date(20_250_301, 1970..=2100), first_of_march);
        assert_eq!(compact_date(20_250_230, 1970..=2100), None);
        assert_eq!(compact_date(18_990_101, 1970..=2100), None);
        assert_eq!(compact_date(123, 1970..=2100), None);
    }

    #[test]
    fn header_words() {
        assert!(
            is_id_name("user_id")
                && is_id_name("userId")
                && is_id_name("ID")
                && is_id_name("Zip Code")
        );
        assert!(!is_id_name("paid") && !is_id_name("valid"));
        assert!(is_bool_name("is_active") && is_bool_name("converted") && !is_bool_name("logins"));
        assert!(is_epoch_name("created_at") && is_epoch_name("ts") && !is_epoch_name("status"));
    }
}
