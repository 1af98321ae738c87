//! Timestamps of a column as seconds since the epoch, UTC, whatever the column's type.

use super::JoinError;
use crate::bitset::Bitset;
use crate::table::{Column, ColumnData};

pub(crate) const DAY: i64 = 86_400;

/// Seconds since the epoch per row, with the rows that hold a time. Date columns count from midnight UTC;
/// text columns (a time the reader could not type) are parsed as ISO 8601.
pub(crate) fn column_times(file: &str, column: &Column) -> Result<(Vec<i64>, Bitset), JoinError> {
    let valid = column.valid().clone();
    let times = match column.data() {
        ColumnData::DateTime(v) => v.clone(),
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
            return Ok((times, valid));
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

/// An ISO 8601 instant (`2025-03-01T14:30:00Z`, with an offset), or a civil date-time or date taken as UTC.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_second());
    }
    let date = text.parse::<jiff::civil::Date>().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// The as-of the user typed: a date means the end of that day (so its events count), a time is exact.
pub(crate) fn parse_as_of(text: &str) -> Result<i64, JoinError> {
    let text = text.trim();
    let error = || JoinError::AsOf {
        text: text.to_owned(),
    };
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && !text.contains(['T', ' ', ':'])
    {
        let start = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|_| error())?
            .timestamp()
            .as_second();
        return Ok(start + DAY - 1);
    }
    parse_time(text).ok_or_else(error)
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
