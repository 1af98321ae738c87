//! Timestamps of a column as seconds since the epoch, UTC, whatever the column's type.

use super::JoinError;
use crate::bitset::Bitset;
use crate::table::{Column, ColumnData};
use std::borrow::Cow;

pub(crate) const DAY: i64 = 86_400;

/// Seconds since the epoch per row, with the rows that hold a time. Date columns count from midnight UTC;
/// text columns (a time the reader could not type) are parsed as ISO 8601.
pub(crate) fn column_times<'c>(
    file: &str,
    column: &'c Column,
) -> Result<(Cow<'c, [i64]>, Bitset), JoinError> {
    let valid = column.valid().clone();
    let times = match column.data() {
        // Seconds already: borrowed, not copied (ten million events are 80 MB).
        ColumnData::DateTime(v) => Cow::Borrowed(v.as_slice()),
        ColumnData::Date(v) => v.iter().map(|&d| i64::from(d) * DAY).collect(),
        ColumnData::Dictionary(_) | ColumnData::Strings(_) => {
            let mut times = Vec::with_capacity(column.len());
            let mut valid = valid;
            for row in 0..column.len() {
                let text = match column.value(row) {
                    crate::table::Value::Str(s) => s.trim(),
                    _ => "",
                };
                if text.is_empty() {
                    valid.set(row, false);
                    times.push(0);
                    continue;
                }
                let Some(t) = parse_time(text) else {
                    return Err(JoinError::Timestamp {
                        file: file.to_owned(),
                        column: column.name().to_owned(),
                        row: row + 1,
                        text: text.to_owned(),
                    });
                };
                times.push(t);
            }
            return Ok((Cow::Owned(times), valid));
        }
        _ => {
            return Err(JoinError::TimeType {
                file: file.to_owned(),
                column: column.name().to_owned(),
                ty: column.ty(),
            });
        }
    };
    Ok((times, valid))
}

/// An ISO 8601 instant (`2025-03-01T14:30:00Z`, with an offset), or a civil date-time or date taken as UTC:
/// the year first, read by the engine's own date reader (`2025-03-01 14:30`, fractions of a second, `Z`,
/// `UTC`, `+01:00`, `+0100`). A day-first or month-first date is not an instant of this kind.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let cell = crate::ingest::values::parse_date(text.as_bytes())?;
    let crate::ingest::values::DatePart::Ymd(year, month, day) = cell.date else {
        return None;
    };
    let days = crate::ingest::values::days_from_civil(i64::from(year), month, day);
    Some(days * DAY + cell.time.unwrap_or(0) - cell.offset)
}

/// The as-of the user typed: a date means the end of that day (so its events count), a time is exact.
pub(crate) fn parse_as_of(text: &str) -> Result<i64, JoinError> {
    let text = text.trim();
    let error = || JoinError::AsOf {
        text: text.to_owned(),
    };
    let start = parse_time(text).ok_or_else(error)?;
    if text.contains(['T', 't', ' ', ':']) {
        Ok(start)
    } else {
        Ok(start + DAY - 1)
    }
}

/// The latest time in a column, if any row holds one.
pub(crate) fn column_max(column: &Column) -> Option<i64> {
    let valid = column.valid();
    match column.data() {
        ColumnData::DateTime(v) => v
            .iter()
            .enumerate()
            .filter(|&(i, _)| valid.get(i))
            .map(|(_, &t)| t)
            .max(),
        ColumnData::Date(v) => v
            .iter()
            .enumerate()
            .filter(|&(i, _)| valid.get(i))
            .map(|(_, &d)| i64::from(d) * DAY)
            .max(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    /// The instants `jiff` (the reference, a dev-dependency) reads from ISO 8601 text, and the forms the
    /// engine's reader adds; `None` where neither is a time.
    #[test]
    fn check() {
        let cases = [
            "2025-03-01",
            "2024-02-29",
            "1970-01-01T00:00:00Z",
            "2025-03-01T14:30:00Z",
            "2025-03-01T14:30:00z",
            "2025-03-01t14:30:00Z",
            "2025-03-01T14:30:00.123Z",
            "2025-03-01T14:30:00,5Z",
            "2025-03-01T14:30:00+01:00",
            "2025-03-01T14:30:00-05:30",
            "2025-03-01T14:30:00",
            "2025-03-01T14:30",
            "2025-03-01 14:30:00",
            "2025-03-01 14:30:00Z",
            "2025-03-01T23:59:59.999999999Z",
            "1969-12-31T23:59:59Z",
            "2025-02-29",
            "2025-13-01",
            "2025-03-01T24:00:00Z",
            "2025-03-01T14:61:00Z",
            "not a date",
            "",
        ];
        for text in cases {
            let jiff = text
                .parse::<jiff::Timestamp>()
                .map(jiff::Timestamp::as_second)
                .or_else(|_| {
                    text.parse::<jiff::civil::DateTime>().map(|dt| {
                        dt.to_zoned(jiff::tz::TimeZone::UTC)
                            .unwrap()
                            .timestamp()
                            .as_second()
                    })
                })
                .or_else(|_| {
                    text.parse::<jiff::civil::Date>().map(|d| {
                        d.to_zoned(jiff::tz::TimeZone::UTC)
                            .unwrap()
                            .timestamp()
                            .as_second()
                    })
                })
                .ok();
            assert_eq!(super::parse_time(text), jiff, "{text:?}");
        }
        // Forms the engine's reader takes beyond ISO 8601, as a cell of a date column would be read.
        let day = 20_148 * super::DAY;
        for (text, expected) in [
            ("2025/03/01", Some(day)),
            ("2025-03-01 2:30 PM", Some(day + 14 * 3600 + 30 * 60)),
            ("2025-03-01T14:30:00 UTC", Some(day + 14 * 3600 + 30 * 60)),
            ("2025-03-01T14:30:00+0100", Some(day + 13 * 3600 + 30 * 60)),
            ("01/03/2025", None),
            ("1.3.2025", None),
        ] {
            assert_eq!(super::parse_time(text), expected, "{text:?}");
        }
        for (text, expected) in [
            ("2025-03-01", Ok(day + super::DAY - 1)),
            (" 2025-03-01T00:00:00Z ", Ok(day)),
            ("2025-03-01 10:00", Ok(day + 10 * 3600)),
            ("March 2025", Err("March 2025".to_owned())),
        ] {
            let got = super::parse_as_of(text).map_err(|e| match e {
                super::JoinError::AsOf { text } => text,
                other => other.to_string(),
            });
            assert_eq!(got, expected, "{text:?}");
        }
    }
}
