//! Shared by the join tests: tables from literal rows, and a text rendering of joined datasets.
#![allow(dead_code)]

use seglab_core::table::{Column, ColumnData, ColumnType, Dictionary, StringColumn, Table, Value};
use seglab_core::{Bitset, Dataset};
use std::fmt::Write as _;

/// A table from a header of (name, type) and rows of cell text; an empty cell is missing.
pub fn table(header: &[(&str, ColumnType)], rows: &[&[&str]]) -> Table {
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, &(name, ty))| column(name, ty, rows.iter().map(|r| r[i])))
        .collect();
    Table::new(columns).expect("test tables are well formed")
}

/// A column of `ty` from cell texts; text types keep cells verbatim (spaces included).
pub fn column<'a>(name: &str, ty: ColumnType, cells: impl Iterator<Item = &'a str>) -> Column {
    let cells: Vec<&str> = cells.collect();
    let valid = Bitset::from_fn(cells.len(), |i| !cells[i].is_empty());
    let data = match ty {
        ColumnType::Integer => ColumnData::Integer(
            cells
                .iter()
                .map(|c| c.trim().parse().unwrap_or(0))
                .collect(),
        ),
        ColumnType::Decimal => ColumnData::Decimal(
            cells
                .iter()
                .map(|c| c.trim().parse().unwrap_or(0.0))
                .collect(),
        ),
        ColumnType::Boolean => {
            ColumnData::Boolean(Bitset::from_fn(cells.len(), |i| cells[i] == "true"))
        }
        ColumnType::Date => ColumnData::Date(
            cells
                .iter()
                .map(|c| if c.is_empty() { 0 } else { days(c) })
                .collect(),
        ),
        ColumnType::DateTime => ColumnData::DateTime(
            cells
                .iter()
                .map(|c| if c.is_empty() { 0 } else { seconds(c) })
                .collect(),
        ),
        ColumnType::Category => {
            let mut values = StringColumn::default();
            let mut seen: Vec<&str> = Vec::new();
            let codes = cells
                .iter()
                .map(|&c| {
                    if c.is_empty() {
                        return 0;
                    }
                    if let Some(p) = seen.iter().position(|s| *s == c) {
                        return p as u32;
                    }
                    seen.push(c);
                    values.push(c);
                    (seen.len() - 1) as u32
                })
                .collect();
            ColumnData::Dictionary(Dictionary { values, codes })
        }
        ColumnType::Text | ColumnType::Id => {
            let mut strings = StringColumn::default();
            for c in &cells {
                strings.push(c);
            }
            ColumnData::Strings(strings)
        }
    };
    Column::new(name, ty, data, valid)
}

pub fn days(text: &str) -> i32 {
    let date: jiff::civil::Date = text.parse().expect("test dates are valid");
    (seconds(&format!("{date}T00:00:00Z")) / 86_400) as i32
}

pub fn seconds(text: &str) -> i64 {
    let ts: jiff::Timestamp = text.parse().expect("test times are valid");
    ts.as_second()
}

pub fn time_text(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// A cell as text: `·` for missing, times in ISO 8601.
pub fn cell(column: &Column, row: usize) -> String {
    match column.value(row) {
        Value::Null => "·".to_owned(),
        Value::Integer(v) => v.to_string(),
        Value::Decimal(v) => format!("{v}"),
        Value::Boolean(v) => v.to_string(),
        Value::Date(d) => time_text(i64::from(d) * 86_400)[..10].to_owned(),
        Value::DateTime(t) => time_text(t),
        Value::Str(s) => format!("{s:?}"),
    }
}

/// The population, the event log per user and the linked files as text, for snapshots.
pub fn render(dataset: &Dataset) -> String {
    let mut out = String::new();
    let population = &dataset.population;
    let _ = writeln!(
        out,
        "population ({} rows, key {:?}):",
        population.rows(),
        dataset.key
    );
    let names: Vec<&str> = population.columns().iter().map(Column::name).collect();
    let _ = writeln!(out, "  {}", names.join(" | "));
    for row in 0..population.rows() {
        let cells: Vec<String> = population.columns().iter().map(|c| cell(c, row)).collect();
        let _ = writeln!(out, "  {}", cells.join(" | "));
    }
    if let Some(log) = &dataset.events {
        let _ = writeln!(
            out,
            "events ({} kept, {} unmatched), names {:?}:",
            log.len(),
            log.unmatched,
            log.names
        );
        for user in 0..population.rows() {
            for e in log.user_range(user) {
                let props: Vec<String> = log
                    .properties
                    .iter()
                    .map(|c| format!("{}={}", c.name(), cell(c, e)))
                    .collect();
                let _ = writeln!(
                    out,
                    "  user {user}: {} {} {}",
                    time_text(log.times[e]),
                    log.names[log.events[e] as usize],
                    props.join(" ")
                );
            }
        }
    }
    for linked in &dataset.linked {
        let _ = writeln!(
            out,
            "linked {} ({} unmatched):",
            linked.name, linked.unmatched
        );
        for user in 0..population.rows() {
            for r in linked.user_range(user) {
                let cells: Vec<String> = linked
                    .columns
                    .iter()
                    .map(|c| format!("{}={}", c.name(), cell(c, r)))
                    .collect();
                let _ = writeln!(out, "  user {user}: {}", cells.join(" "));
            }
        }
    }
    let _ = writeln!(out, "as_of: {:?}", dataset.as_of.map(time_text));
    out
}
