//! Builders for the small datasets the segment tests run on.
#![allow(dead_code)]

use seglab_core::segment::time::days_from_civil;
use seglab_core::{
    Bitset, Column, ColumnData, ColumnType, Dataset, Dictionary, EventLog, Linked, StringColumn,
    Table,
};

pub fn day(text: &str) -> i32 {
    let mut parts = text.split('-').map(|p| p.parse::<i32>().unwrap());
    days_from_civil(
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    )
    .unwrap()
}

/// Seconds of `2025-03-01` or `2025-03-01 12:30:00`.
pub fn seconds(text: &str) -> i64 {
    let (date, time) = text.split_once(' ').unwrap_or((text, "00:00:00"));
    let mut hms = time.split(':').map(|p| p.parse::<i64>().unwrap());
    i64::from(day(date)) * 86_400
        + hms.next().unwrap() * 3600
        + hms.next().unwrap() * 60
        + hms.next().unwrap()
}

fn valid<T>(values: &[Option<T>]) -> Bitset {
    Bitset::from_fn(values.len(), |i| values[i].is_some())
}

pub fn integer(name: &str, values: &[Option<i64>]) -> Column {
    let data = values.iter().map(|v| v.unwrap_or(0)).collect();
    Column::new(
        name,
        ColumnType::Integer,
        ColumnData::Integer(data),
        valid(values),
    )
}

pub fn decimal(name: &str, values: &[Option<f64>]) -> Column {
    let data = values.iter().map(|v| v.unwrap_or(0.0)).collect();
    Column::new(
        name,
        ColumnType::Decimal,
        ColumnData::Decimal(data),
        valid(values),
    )
}

pub fn boolean(name: &str, values: &[Option<bool>]) -> Column {
    let bits = Bitset::from_fn(values.len(), |i| values[i] == Some(true));
    Column::new(
        name,
        ColumnType::Boolean,
        ColumnData::Boolean(bits),
        valid(values),
    )
}

pub fn date(name: &str, values: &[Option<&str>]) -> Column {
    let data = values.iter().map(|v| v.map_or(0, day)).collect();
    Column::new(
        name,
        ColumnType::Date,
        ColumnData::Date(data),
        valid(values),
    )
}

pub fn datetime(name: &str, values: &[Option<&str>]) -> Column {
    let data = values.iter().map(|v| v.map_or(0, seconds)).collect();
    Column::new(
        name,
        ColumnType::DateTime,
        ColumnData::DateTime(data),
        valid(values),
    )
}

pub fn dictionary(values: &[Option<&str>]) -> Dictionary {
    let mut dict = Dictionary::default();
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        let code = match v {
            Some(s) => match seen.iter().position(|x| x == s) {
                Some(p) => p,
                None => {
                    seen.push(s);
                    dict.values.push(s);
                    seen.len() - 1
                }
            },
            None => 0,
        };
        dict.codes.push(code as u32);
    }
    dict
}

/// A dictionary-encoded text column of type `ty` (Category, Text or Id).
pub fn category(name: &str, ty: ColumnType, values: &[Option<&str>]) -> Column {
    Column::new(
        name,
        ty,
        ColumnData::Dictionary(dictionary(values)),
        valid(values),
    )
}

/// A text column stored as plain strings.
pub fn strings(name: &str, ty: ColumnType, values: &[Option<&str>]) -> Column {
    let mut col = StringColumn::default();
    for v in values {
        col.push(v.unwrap_or(""));
    }
    Column::new(name, ty, ColumnData::Strings(col), valid(values))
}

/// One event: user row, name, time (seconds) and property cells.
pub struct Event {
    pub user: usize,
    pub name: String,
    pub time: i64,
}

/// An event log over `users` rows, sorted per user by time (stable), with property columns built by
/// `properties(order)` from the events in stored order.
pub fn event_log(
    users: usize,
    events: &[Event],
    properties: impl FnOnce(&[usize]) -> Vec<Column>,
) -> EventLog {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (events[i].user, events[i].time));
    let mut names: Vec<String> = Vec::new();
    let mut codes = Vec::new();
    let mut times = Vec::new();
    let mut offsets = vec![0u32; users + 1];
    for &i in &order {
        let e = &events[i];
        let code = match names.iter().position(|n| *n == e.name) {
            Some(p) => p,
            None => {
                names.push(e.name.clone());
                names.len() - 1
            }
        };
        codes.push(code as u32);
        times.push(e.time);
        offsets[e.user + 1] += 1;
    }
    for u in 0..users {
        offsets[u + 1] += offsets[u];
    }
    EventLog {
        offsets,
        times,
        events: codes,
        names,
        properties: properties(&order),
        unmatched: 0,
    }
}

/// A linked file from `(user, time, columns…)` rows, grouped per user and sorted by time.
pub fn linked(
    name: &str,
    users: usize,
    rows: &[(usize, i64)],
    columns: impl FnOnce(&[usize]) -> Vec<Column>,
) -> Linked {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i]);
    let mut offsets = vec![0u32; users + 1];
    for &(u, _) in rows {
        offsets[u + 1] += 1;
    }
    for u in 0..users {
        offsets[u + 1] += offsets[u];
    }
    let times = order.iter().map(|&i| rows[i].1).collect();
    Linked {
        name: name.to_owned(),
        offsets,
        times: Some(times),
        columns: columns(&order),
        unmatched: 0,
    }
}

pub fn table(columns: Vec<Column>) -> Table {
    Table::new(columns).unwrap()
}

/// The eight-user dataset of the hand-written tests (see `tests/data/segment_users.md`).
pub fn fixture() -> Dataset {
    let n = 8;
    let population = table(vec![
        integer("id", &(1..=8).map(Some).collect::<Vec<_>>()),
        category(
            "plan",
            ColumnType::Category,
            &[
                Some("trial"),
                Some("pro"),
                Some("trial"),
                Some("free"),
                None,
                Some("Trial"),
                Some("pro"),
                Some("trial"),
            ],
        ),
        boolean(
            "converted",
            &[
                Some(false),
                Some(true),
                Some(true),
                Some(false),
                Some(false),
                None,
                Some(true),
                Some(false),
            ],
        ),
        category(
            "country",
            ColumnType::Category,
            &[
                Some("SE"),
                Some("NO"),
                Some("DE"),
                Some("SE"),
                Some("se"),
                Some("FI"),
                None,
                Some("NO"),
            ],
        ),
        integer(
            "seats",
            &[
                Some(1),
                Some(12),
                Some(5),
                None,
                Some(3),
                Some(40),
                Some(10),
                Some(5),
            ],
        ),
        decimal(
            "Annual revenue",
            &[
                Some(0.0),
                Some(12_000.5),
                Some(4_999.99),
                Some(100.0),
                None,
                Some(80_000.0),
                Some(25_000.0),
                Some(5_000.0),
            ],
        ),
        date(
            "signup_date",
            &[
                Some("2025-06-20"),
                Some("2024-01-15"),
                Some("2025-04-02"),
                Some("2025-06-30"),
                None,
                Some("2023-11-30"),
                Some("2025-03-01"),
                Some("2025-05-31"),
            ],
        ),
        datetime(
            "last_seen",
            &[
                Some("2025-06-29 23:59:59"),
                Some("2025-06-01 08:00:00"),
                Some("2025-03-01 00:00:00"),
                None,
                Some("2025-06-30 12:00:00"),
                Some("2024-12-31 23:00:00"),
                Some("2025-03-01 23:59:59"),
                Some("2025-05-01 10:00:00"),
            ],
        ),
        strings(
            "email",
            ColumnType::Text,
            &[
                Some("ann@acme.com"),
                Some("bo@Example.org"),
                Some("cy@acme.com"),
                Some(""),
                None,
                Some("ed@ACME.COM"),
                Some("fi@initech.io"),
                Some("gus/x@acme.com"),
            ],
        ),
        category(
            "count(Login)",
            ColumnType::Id,
            &[
                Some("007"),
                Some("12"),
                None,
                Some("007"),
                Some("3"),
                Some("0"),
                Some("1"),
                Some("2"),
            ],
        ),
    ]);
    let ev = |user: usize, name: &str, time: &str| Event {
        user,
        name: name.to_owned(),
        time: seconds(time),
    };
    let events = vec![
        ev(0, "Signup", "2025-06-20 10:00:00"),
        ev(0, "Login", "2025-06-21 09:00:00"),
        ev(0, "Upgrade", "2025-06-25 09:00:00"),
        ev(0, "Export report", "2025-06-26 09:00:00"),
        ev(0, "Export report", "2025-06-27 09:00:00"),
        ev(0, "Export report", "2025-06-28 09:00:00"),
        ev(1, "Login", "2025-01-10 09:00:00"),
        ev(1, "Login", "2025-06-10 09:00:00"),
        ev(1, "Purchase", "2025-06-11 09:00:00"),
        ev(1, "Purchase", "2025-06-12 09:00:00"),
        ev(2, "Signup", "2025-04-02 10:00:00"),
        ev(2, "Upgrade", "2025-05-20 10:00:00"),
        ev(2, "Purchase", "2025-05-21 10:00:00"),
        ev(3, "Signup", "2025-06-30 08:00:00"),
        ev(4, "Login", "2025-03-03 09:00:00"),
        ev(6, "Export report", "2025-02-01 09:00:00"),
        ev(6, "Export report", "2025-06-29 09:00:00"),
        ev(6, "Purchase", "2025-06-29 10:00:00"),
        ev(7, "Upgrade", "2025-06-01 09:00:00"),
        ev(7, "Signup", "2025-06-02 09:00:00"),
    ];
    let amounts: Vec<Option<f64>> = events
        .iter()
        .map(|e| match (e.name.as_str(), e.user) {
            ("Purchase", 1) => Some(60.0),
            ("Purchase", 2) => Some(150.0),
            ("Purchase", 6) => None,
            _ => None,
        })
        .collect();
    let pages: Vec<Option<&str>> = events
        .iter()
        .map(|e| {
            (e.name == "Export report").then_some(if e.time / 86_400 % 2 == 0 { "a" } else { "b" })
        })
        .collect();
    let log = event_log(n, &events, |order| {
        let amount: Vec<Option<f64>> = order.iter().map(|&i| amounts[i]).collect();
        let page: Vec<Option<&str>> = order.iter().map(|&i| pages[i]).collect();
        vec![
            decimal("amount", &amount),
            category("page", ColumnType::Category, &page),
        ]
    });
    let answers = [
        (0, "2025-01-01", Some(6)),
        (0, "2025-05-01", Some(10)),
        (1, "2025-02-01", Some(8)),
        (1, "2025-06-01", None),
        (2, "2025-03-01", Some(3)),
        (3, "2025-04-01", Some(9)),
        (3, "2025-06-01", Some(7)),
        (6, "2025-06-15", Some(0)),
    ];
    let rows: Vec<(usize, i64)> = answers.iter().map(|&(u, t, _)| (u, seconds(t))).collect();
    let nps = linked("nps", n, &rows, |order| {
        let scores: Vec<Option<i64>> = order.iter().map(|&i| answers[i].2).collect();
        vec![integer("score", &scores)]
    });
    Dataset {
        population,
        key: Some("id".to_owned()),
        events: Some(log),
        linked: vec![nps],
        as_of: Some(seconds("2025-06-30 12:00:00")),
    }
}
