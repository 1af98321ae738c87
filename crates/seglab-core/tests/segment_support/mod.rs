//! Builders for the small datasets the segment tests run on.
#![allow(dead_code)]

use seglab_core::segment::time::days_from_civil;
use seglab_core::{
    Bitset, Column, ColumnData, ColumnType, Dataset, Dictionary, EventLog, Linked, Table,
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
    Column::integers(name, values)
}

pub fn decimal(name: &str, values: &[Option<f64>]) -> Column {
    Column::decimals(name, values)
}

pub fn boolean(name: &str, values: &[Option<bool>]) -> Column {
    Column::booleans(name, values)
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
            Some(s) => seen.iter().position(|x| x == s).unwrap_or_else(|| {
                seen.push(s);
                dict.values.push(s);
                seen.len() - 1
            }),
            None => 0,
        };
        dict.codes.push(code as u32);
    }
    dict
}

/// A dictionary-encoded text column of type `ty` (Category, Text or Id).
pub fn category(name: &str, ty: ColumnType, values: &[Option<&str>]) -> Column {
    Column::dictionary(name, ty, values)
}

/// A text column stored as plain strings.
pub fn strings(name: &str, ty: ColumnType, values: &[Option<&str>]) -> Column {
    Column::strings(name, ty, values)
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
        let code = names.iter().position(|n| *n == e.name).unwrap_or_else(|| {
            names.push(e.name.clone());
            names.len() - 1
        });
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
        ..EventLog::default()
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
            // User 6's purchase has no amount, like everyone's other events.
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

/// Random datasets for the property and SQL tests: every column type, missing values, events, survey answers.
pub mod random {
    use super::{Event, boolean, category, decimal, event_log, integer, linked, strings, table};
    use proptest::prelude::*;
    use seglab_core::{Bitset, Column, ColumnData, ColumnType, Dataset};

    /// 2025-06-30 12:00:00, the as-of time of every random dataset.
    pub const AS_OF: i64 = 20_269 * 86_400 + 12 * 3600;
    pub const EVENT_NAMES: [&str; 3] = ["A", "B", "C"];
    pub const TEXTS: [&str; 10] = ["a", "A", "ab", "Ab", "b", "ba", "ab/c", "x y", "it's", "é"];

    /// (user, event name index, time, amount, kind)
    pub type RandomEvent = (usize, usize, i64, Option<i64>, Option<String>);

    #[derive(Clone, Debug)]
    pub struct Spec {
        pub ints: Vec<Option<i64>>,
        pub decs: Vec<Option<f64>>,
        pub bools: Vec<Option<bool>>,
        pub dates: Vec<Option<i32>>,
        pub stamps: Vec<Option<i64>>,
        pub cats: Vec<Option<String>>,
        pub texts: Vec<Option<String>>,
        pub ids: Vec<Option<String>>,
        pub events: Vec<RandomEvent>,
        /// (user, time, score); times are distinct.
        pub answers: Vec<(usize, i64, Option<i64>)>,
    }

    fn opt<T: std::fmt::Debug + Clone + 'static>(
        s: impl Strategy<Value = T> + 'static,
    ) -> BoxedStrategy<Option<T>> {
        prop_oneof![1 => Just(None), 5 => s.prop_map(Some)].boxed()
    }

    /// A time near the as-of time, mostly on whole days before it so that window boundaries are hit often.
    fn time() -> impl Strategy<Value = i64> {
        prop_oneof![
            3 => (-2i64..60).prop_map(|d| AS_OF - d * 86_400),
            1 => (-4i64..240).prop_map(|k| AS_OF - k * 12 * 3600 - 1800),
        ]
    }

    fn text(with_empty: bool) -> BoxedStrategy<String> {
        let mut pool: Vec<&'static str> = TEXTS.to_vec();
        if with_empty {
            pool.push("");
        }
        prop::sample::select(pool).prop_map(str::to_owned).boxed()
    }

    /// Datasets of up to `max_users` users. `with_empty` adds empty strings, which CSV cannot tell from missing.
    pub fn spec(max_users: usize, with_empty: bool) -> impl Strategy<Value = Spec> {
        (0..=max_users).prop_flat_map(move |n| {
            let columns = (
                prop::collection::vec(opt(-20i64..20), n),
                prop::collection::vec(opt((-200i32..200).prop_map(|q| f64::from(q) / 4.0)), n),
                prop::collection::vec(opt(any::<bool>()), n),
                prop::collection::vec(opt((-130i32..5).prop_map(|d| 20_269 + d)), n),
                prop::collection::vec(opt(time()), n),
                prop::collection::vec(opt(text(with_empty)), n),
                prop::collection::vec(opt(text(with_empty)), n),
                prop::collection::vec(opt(text(with_empty)), n),
            );
            let users = n.max(1);
            let events = prop::collection::vec(
                (
                    0..users,
                    0..EVENT_NAMES.len(),
                    time(),
                    opt(-5i64..50),
                    opt(prop::sample::select(vec!["x", "y", "z"]).prop_map(str::to_owned)),
                ),
                0..n * 4 + 1,
            );
            let answers =
                prop::collection::vec((0..users, 0i64..120, opt(0i64..=10)), 0..n * 2 + 1);
            (columns, events, answers).prop_map(move |(c, mut events, answers)| {
                if n == 0 {
                    events.clear();
                }
                let answers = answers
                    .into_iter()
                    .enumerate()
                    .filter(|_| n > 0)
                    .map(|(i, (u, days, score))| (u, AS_OF - days * 86_400 - i as i64, score))
                    .collect();
                Spec {
                    ints: c.0,
                    decs: c.1,
                    bools: c.2,
                    dates: c.3,
                    stamps: c.4,
                    cats: c.5,
                    texts: c.6,
                    ids: c.7,
                    events,
                    answers,
                }
            })
        })
    }

    fn refs(values: &[Option<String>]) -> Vec<Option<&str>> {
        values.iter().map(Option::as_deref).collect()
    }

    impl Spec {
        pub fn users(&self) -> usize {
            self.ints.len()
        }

        pub fn dataset(&self) -> Dataset {
            let n = self.users();
            let stamps = &self.stamps;
            let population = table(vec![
                integer("key", &(0..n as i64).map(Some).collect::<Vec<_>>()),
                integer("i", &self.ints),
                decimal("d", &self.decs),
                boolean("b", &self.bools),
                Column::new(
                    "dt",
                    ColumnType::Date,
                    ColumnData::Date(self.dates.iter().map(|d| d.unwrap_or(0)).collect()),
                    Bitset::from_fn(n, |i| self.dates[i].is_some()),
                ),
                Column::new(
                    "ts",
                    ColumnType::DateTime,
                    ColumnData::DateTime(stamps.iter().map(|d| d.unwrap_or(0)).collect()),
                    Bitset::from_fn(n, |i| stamps[i].is_some()),
                ),
                category("c", ColumnType::Category, &refs(&self.cats)),
                strings("t", ColumnType::Text, &refs(&self.texts)),
                category("Odd name", ColumnType::Id, &refs(&self.ids)),
            ]);
            let events: Vec<Event> = self
                .events
                .iter()
                .map(|&(user, name, time, _, _)| Event {
                    user,
                    name: EVENT_NAMES[name].to_owned(),
                    time,
                })
                .collect();
            let mut log = event_log(n, &events, |order| {
                let amounts: Vec<Option<i64>> = order.iter().map(|&i| self.events[i].3).collect();
                let kinds: Vec<Option<String>> =
                    order.iter().map(|&i| self.events[i].4.clone()).collect();
                vec![
                    integer("amount", &amounts),
                    category("kind", ColumnType::Category, &refs(&kinds)),
                ]
            });
            // Every event name is known even when no event of that name was drawn.
            for name in EVENT_NAMES {
                if !log.names.iter().any(|n| n == name) {
                    log.names.push(name.to_owned());
                }
            }
            let rows: Vec<(usize, i64)> = self.answers.iter().map(|&(u, t, _)| (u, t)).collect();
            let nps = linked("nps", n, &rows, |order| {
                let scores: Vec<Option<i64>> = order.iter().map(|&i| self.answers[i].2).collect();
                vec![integer("score", &scores)]
            });
            Dataset {
                population,
                key: Some("key".to_owned()),
                events: Some(log),
                linked: vec![nps],
                as_of: Some(AS_OF),
            }
        }
    }

    /// Definitions that mostly fit the random dataset's columns, as text.
    pub fn definition() -> impl Strategy<Value = String> {
        let leaf = condition();
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4)
                    .prop_map(|v| format!("({})", v.join(" and "))),
                prop::collection::vec(inner.clone(), 2..4)
                    .prop_map(|v| format!("({})", v.join(" or "))),
                inner.prop_map(|c| format!("not {c}")),
            ]
        })
    }

    fn cmp() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="])
    }

    fn date_literal() -> impl Strategy<Value = String> {
        (-130i32..8).prop_map(|d| seglab_core::segment::time::format_date(20_269 + d))
    }

    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            (-25i64..25).prop_map(|v| v.to_string()),
            (-100i32..100).prop_map(|q| format!("{}", f64::from(q) / 4.0))
        ]
    }

    fn quoted() -> impl Strategy<Value = String> {
        prop::sample::select(TEXTS.to_vec())
            .prop_map(|t| format!("{}", seglab_core::segment::LiteralValue::Text(t.to_owned())))
    }

    fn duration() -> impl Strategy<Value = String> {
        (
            0u32..40,
            prop::sample::select(vec!["hours", "days", "weeks", "months"]),
        )
            .prop_map(|(n, u)| format!("{n} {u}"))
    }

    fn event() -> impl Strategy<Value = String> {
        prop::sample::select(EVENT_NAMES.to_vec()).prop_map(|e| format!("\"{e}\""))
    }

    fn window() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            duration().prop_map(|d| format!(" in last {d}"))
        ]
    }

    fn text_column() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["c", "t", "`Odd name`"])
    }

    fn ignoring() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ignoring case"])
    }

    pub fn condition() -> BoxedStrategy<String> {
        let numeric = prop::sample::select(vec!["i", "d"]);
        let dated = prop::sample::select(vec!["dt", "ts"]);
        prop_oneof![
            (numeric.clone(), cmp(), number()).prop_map(|(c, o, v)| format!("{c} {o} {v}")),
            (numeric.clone(), number(), number())
                .prop_map(|(c, a, b)| format!("{c} between {a} and {b}")),
            (
                numeric.clone(),
                any::<bool>(),
                prop::collection::vec(number(), 1..4)
            )
                .prop_map(|(c, neg, v)| format!(
                    "{c} {}in ({})",
                    if neg { "not " } else { "" },
                    v.join(", ")
                )),
            (
                prop::sample::select(vec!["i", "d", "b", "dt", "ts", "c", "t", "`Odd name`"]),
                any::<bool>()
            )
                .prop_map(|(c, neg)| format!("{c} is {}empty", if neg { "not " } else { "" })),
            (
                prop::sample::select(vec!["=", "!="]),
                prop::sample::select(vec!["yes", "no"])
            )
                .prop_map(|(o, v)| format!("b {o} {v}")),
            prop::sample::select(vec!["b in (yes, no)", "b in (no)", "b not in (yes)"])
                .prop_map(str::to_owned),
            (dated.clone(), cmp(), date_literal()).prop_map(|(c, o, v)| format!("{c} {o} {v}")),
            (
                dated.clone(),
                prop::sample::select(vec!["before", "after"]),
                date_literal()
            )
                .prop_map(|(c, o, v)| format!("{c} {o} {v}")),
            (dated.clone(), date_literal(), date_literal())
                .prop_map(|(c, a, b)| format!("{c} between {a} and {b}")),
            (
                dated.clone(),
                any::<bool>(),
                prop::collection::vec(date_literal(), 1..3)
            )
                .prop_map(|(c, neg, v)| format!(
                    "{c} {}in ({})",
                    if neg { "not " } else { "" },
                    v.join(", ")
                )),
            (dated.clone(), duration()).prop_map(|(c, d)| format!("{c} in last {d}")),
            (dated, duration()).prop_map(|(c, d)| format!("{c} more than {d} ago")),
            (
                text_column(),
                prop::sample::select(vec!["=", "!="]),
                quoted(),
                ignoring()
            )
                .prop_map(|(c, o, v, i)| format!("{c} {o} {v}{i}")),
            (
                text_column(),
                any::<bool>(),
                prop::collection::vec(quoted(), 1..4),
                ignoring()
            )
                .prop_map(|(c, neg, v, i)| format!(
                    "{c} {}in ({}){i}",
                    if neg { "not " } else { "" },
                    v.join(", ")
                )),
            (
                text_column(),
                prop::sample::select(vec!["contains", "starts with", "ends with"]),
                quoted(),
                ignoring()
            )
                .prop_map(|(c, o, v, i)| format!("{c} {o} {v}{i}")),
            (
                text_column(),
                prop::sample::select(vec![
                    "/^a/",
                    "/b$/",
                    "/a|é/",
                    "/^.b/",
                    "/\\//",
                    "/^[a-b]+$/"
                ]),
                ignoring()
            )
                .prop_map(|(c, r, i)| format!("{c} matches {r}{i}")),
            (
                event(),
                prop::option::of((
                    prop::sample::select(vec!["at least", "at most", "exactly"]),
                    0u32..4
                )),
                window()
            )
                .prop_map(|(e, count, w)| match count {
                    Some((op, n)) => format!("did {e} {op} {n} times{w}"),
                    None => format!("did {e}{w}"),
                }),
            (event(), event(), duration())
                .prop_map(|(a, b, d)| format!("did {a} then {b} within {d}")),
            (event(), duration()).prop_map(|(e, d)| format!("first did {e} in last {d}")),
            (
                prop::sample::select(vec!["sum", "avg", "min", "max", "distinct"]),
                event(),
                window(),
                cmp(),
                number()
            )
                .prop_map(|(f, e, w, o, v)| format!("{f}(amount) of {e}{w} {o} {v}")),
            (event(), window(), cmp(), 0u32..4)
                .prop_map(|(e, w, o, v)| format!("distinct(kind) of {e}{w} {o} {v}")),
            (prop::sample::select(vec!["latest", "avg"]), cmp(), number())
                .prop_map(|(f, o, v)| format!("{f}(nps.score) {o} {v}")),
            (
                prop::sample::select(vec!["=", "!="]),
                prop::sample::select(vec!["promoter", "passive", "detractor"])
            )
                .prop_map(|(o, c)| format!("nps(nps.score) {o} {c}")),
            Just("in segment \"S\"".to_owned()),
        ]
        .boxed()
    }

    /// The definition `in segment "S"` refers to.
    pub const S: &str = "i > 0 or c = \"a\"";
}
