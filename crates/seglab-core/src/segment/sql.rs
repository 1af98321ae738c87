//! SQL export: a definition as a query returning the member keys, for the `DuckDb`, `Postgres`,
//! `BigQuery` and `Spark` dialects, over tables shaped like the files Seglab loaded.
//!
//! Every condition is wrapped in `COALESCE(…, FALSE)`, so the query follows Seglab's two-valued logic
//! (a missing value fails a comparison, and `not` of that passes) rather than SQL's three-valued one.

use super::ast::{AggFunc, CmpOp, CountOp, Expr, Name, NpsClass, SurveyFunc};
use super::bind::{Binder, EventTest, Matcher, Plan, SurveyTest, Test, Window};
use super::error::{ErrorKind, SegmentError};
use super::time::{format_date, format_datetime};
use super::{MAX_SEGMENT_DEPTH, SegmentSet, cycle_error, referenced_error, respan, too_deep};
use crate::dataset::{Dataset, EventLog, Linked};
use crate::join::{FileKind, JoinPlan};
use crate::table::{Column, ColumnType};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The SQL dialects Seglab writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    DuckDb,
    Postgres,
    BigQuery,
    Spark,
}

impl Dialect {
    pub const ALL: [Dialect; 4] = [
        Dialect::DuckDb,
        Dialect::Postgres,
        Dialect::BigQuery,
        Dialect::Spark,
    ];

    fn ident(self, name: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::BigQuery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    fn string(self, text: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
            // Both read backslash escapes inside string literals.
            Dialect::BigQuery | Dialect::Spark => {
                format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
    }

    fn timestamp(seconds: i64) -> String {
        format!("TIMESTAMP '{}'", format_datetime(seconds))
    }

    fn date(days: i64) -> String {
        format!("DATE '{}'", format_date(days as i32))
    }

    fn plus_seconds(self, time: &str, seconds: i64) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("{time} + INTERVAL '{seconds} seconds'"),
            Dialect::BigQuery => format!("TIMESTAMP_ADD({time}, INTERVAL {seconds} SECOND)"),
            Dialect::Spark => format!("{time} + INTERVAL {seconds} SECONDS"),
        }
    }
}

/// Where the event log lives and what its columns are called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsTable {
    /// Table name, inserted as written (it may be qualified, e.g. `analytics.events`).
    pub table: String,
    pub user_key: String,
    /// A timestamp column.
    pub time: String,
    pub name: String,
}

/// A linked many-rows-per-user table (a survey export).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedTable {
    /// The name definitions use (`nps` in `nps.score`).
    pub name: String,
    pub table: String,
    pub user_key: String,
    /// A timestamp column ordering the rows; `latest(…)` and `nps(…)` need it.
    pub time: Option<String>,
}

/// The warehouse tables a query reads. Event properties and linked columns keep their names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlTables {
    /// The users table (the population), inserted as written.
    pub users: String,
    pub user_key: String,
    pub events: Option<EventsTable>,
    pub linked: Vec<LinkedTable>,
}

impl SqlTables {
    /// The tables of a join plan, each named after its file's stem (`events.csv` → `events`): the shape a
    /// warehouse has after loading the same exports. Entity files other than the population are not joined
    /// in SQL, so definitions should use the population's own columns, events and linked files.
    pub fn from_plan(plan: &JoinPlan) -> Self {
        let stem = |file: &str| crate::join::stem(file).to_owned();
        let mut tables = SqlTables {
            users: plan
                .population
                .as_deref()
                .map_or_else(|| "users".to_owned(), stem),
            user_key: plan.key.clone().unwrap_or_else(|| "user_id".to_owned()),
            events: None,
            linked: Vec::new(),
        };
        for link in &plan.links {
            match link.kind {
                FileKind::Events => {
                    tables.events = Some(EventsTable {
                        table: stem(&link.file),
                        user_key: link.key.clone(),
                        time: link.time.clone().unwrap_or_else(|| "timestamp".to_owned()),
                        name: link.event.clone().unwrap_or_else(|| "event".to_owned()),
                    });
                }
                FileKind::Linked => tables.linked.push(LinkedTable {
                    name: stem(&link.file),
                    table: stem(&link.file),
                    user_key: link.key.clone(),
                    time: link.time.clone(),
                }),
                FileKind::Entity => {}
            }
        }
        tables
    }
}

/// Writes `expr` as a query returning the member keys (`SELECT <key> FROM <users> WHERE …`).
///
/// The definition is checked against `data` first (names and types, exactly as for evaluation);
/// relative windows become fixed timestamps computed from the dataset's as-of time, and referenced
/// segments are inlined.
pub fn to_sql(
    expr: &Expr,
    dialect: Dialect,
    data: &Dataset,
    tables: &SqlTables,
    segments: &SegmentSet,
) -> Result<String, SegmentError> {
    let mut stack = Vec::new();
    let plan = bind_inline(expr, data, segments, &mut stack)?;
    let writer = Writer {
        dialect,
        tables,
        user: format!("u.{}", dialect.ident(&tables.user_key)),
    };
    let condition = match &plan {
        Plan::And(parts) => {
            let parts = parts
                .iter()
                .map(|p| writer.plan(p))
                .collect::<Result<Vec<_>, _>>()?;
            parts.join("\n  AND ")
        }
        other => writer.plan(other)?,
    };
    Ok(format!(
        "SELECT u.{key} FROM {users} AS u\nWHERE {condition}",
        key = dialect.ident(&tables.user_key),
        users = tables.users
    ))
}

fn bind_inline<'a>(
    expr: &Expr,
    data: &'a Dataset,
    segments: &SegmentSet,
    stack: &mut Vec<String>,
) -> Result<Plan<'a>, SegmentError> {
    let mut resolve = |name: &Name| -> Result<Plan<'a>, SegmentError> {
        if stack.contains(&name.text) {
            return Err(cycle_error(stack, name));
        }
        if stack.len() >= MAX_SEGMENT_DEPTH {
            return Err(too_deep(name));
        }
        let Some(parsed) = segments.get(&name.text) else {
            return Err(SegmentError::unknown(
                ErrorKind::UnknownSegment,
                "segment",
                &name.text,
                name.span,
                segments.names(),
            ));
        };
        let inner = parsed.as_ref().map_err(|e| referenced_error(name, e))?;
        stack.push(name.text.clone());
        let result = bind_inline(inner, data, segments, stack);
        stack.pop();
        result.map(|p| Plan::Inline(Box::new(p))).map_err(|e| {
            if e.is_about_the_chain() {
                respan(e, name)
            } else {
                referenced_error(name, &e)
            }
        })
    };
    Binder {
        data,
        resolve: &mut resolve,
    }
    .bind(expr)
}

struct Writer<'t> {
    dialect: Dialect,
    tables: &'t SqlTables,
    /// `u."id"`.
    user: String,
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.abs() >= 1e15 || (x != 0.0 && x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ne => "<>",
        other => other.symbol(),
    }
}

fn unsupported(message: String) -> SegmentError {
    SegmentError::new(ErrorKind::MissingData, None, message)
}

impl Writer<'_> {
    fn plan(&self, plan: &Plan<'_>) -> Result<String, SegmentError> {
        Ok(match plan {
            Plan::And(parts) => self.join(parts, " AND ")?,
            Plan::Or(parts) => self.join(parts, " OR ")?,
            Plan::Not(inner) => format!("NOT ({})", self.plan(inner)?),
            Plan::Inline(inner) => format!("({})", self.plan(inner)?),
            Plan::Set(_) => {
                return Err(unsupported(
                    "a segment was evaluated instead of inlined".to_owned(),
                ));
            }
            Plan::Column { column, test } => {
                format!("COALESCE({}, FALSE)", self.column(column, test))
            }
            Plan::Events { log, test } => format!("COALESCE({}, FALSE)", self.events(log, test)?),
            Plan::Survey {
                linked,
                column,
                test,
            } => {
                format!("COALESCE({}, FALSE)", self.survey(linked, column, test)?)
            }
        })
    }

    fn join(&self, parts: &[Plan<'_>], sep: &str) -> Result<String, SegmentError> {
        let parts = parts
            .iter()
            .map(|p| self.plan(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(format!("({})", parts.join(sep)))
    }

    fn column(&self, column: &Column, test: &Test) -> String {
        let d = self.dialect;
        let c = format!("u.{}", d.ident(column.name()));
        match test {
            Test::Num { op: o, value } => format!("{c} {} {}", op(*o), number(*value)),
            Test::NumBetween { low, high } => {
                format!("{c} BETWEEN {} AND {}", number(*low), number(*high))
            }
            Test::NumIn { values, negated } => {
                let list: Vec<String> = values.iter().map(|v| number(*v)).collect();
                format!(
                    "{c} {}IN ({})",
                    if *negated { "NOT " } else { "" },
                    list.join(", ")
                )
            }
            Test::Bool {
                accept_true,
                accept_false,
            } => match (accept_true, accept_false) {
                (true, true) => format!("{c} IS NOT NULL"),
                (true, false) => format!("{c} = TRUE"),
                (false, true) => format!("{c} = FALSE"),
                (false, false) => "FALSE".to_owned(),
            },
            Test::Ranges { ranges, negated } => {
                let datetime = column.ty() == ColumnType::DateTime;
                let parts: Vec<String> = ranges
                    .iter()
                    .map(|&(lo, hi)| {
                        let mut bounds = Vec::new();
                        if lo != i64::MIN {
                            let lo = if datetime {
                                Dialect::timestamp(lo)
                            } else {
                                Dialect::date(lo)
                            };
                            bounds.push(format!("{c} >= {lo}"));
                        }
                        if hi != i64::MAX {
                            // `< next` rather than `<= hi`, so sub-second warehouse times fall on the right side.
                            let next = if datetime {
                                Dialect::timestamp(hi + 1)
                            } else {
                                Dialect::date(hi + 1)
                            };
                            bounds.push(format!("{c} < {next}"));
                        }
                        if bounds.is_empty() {
                            bounds.push(format!("{c} IS NOT NULL"));
                        }
                        format!("({})", bounds.join(" AND "))
                    })
                    .collect();
                let any = parts.join(" OR ");
                if *negated {
                    format!("NOT ({any})")
                } else {
                    format!("({any})")
                }
            }
            Test::TextIn { values, negated } => {
                let list: Vec<String> = values.iter().map(|v| d.string(v)).collect();
                match (list.as_slice(), negated) {
                    ([one], false) => format!("{c} = {one}"),
                    ([one], true) => format!("{c} <> {one}"),
                    (_, _) => format!(
                        "{c} {}IN ({})",
                        if *negated { "NOT " } else { "" },
                        list.join(", ")
                    ),
                }
            }
            Test::TextMatch { matcher, negated } => {
                let m = self.matcher(&c, matcher);
                if *negated { format!("NOT ({m})") } else { m }
            }
            Test::Empty { negated } => {
                let empty = if column.ty().is_textual() {
                    format!("({c} IS NULL OR {c} = '')")
                } else {
                    format!("{c} IS NULL")
                };
                if *negated {
                    format!("NOT {empty}")
                } else {
                    empty
                }
            }
        }
    }

    fn matcher(&self, c: &str, matcher: &Matcher) -> String {
        let d = self.dialect;
        match (matcher, d) {
            (Matcher::Contains(p), Dialect::DuckDb) => format!("contains({c}, {})", d.string(p)),
            (Matcher::Contains(p), Dialect::Postgres | Dialect::BigQuery) => {
                format!("strpos({c}, {}) > 0", d.string(p))
            }
            (Matcher::Contains(p), Dialect::Spark) => format!("instr({c}, {}) > 0", d.string(p)),
            (Matcher::StartsWith(p), Dialect::DuckDb | Dialect::BigQuery) => {
                format!("starts_with({c}, {})", d.string(p))
            }
            (Matcher::EndsWith(p), Dialect::DuckDb | Dialect::BigQuery) => {
                format!("ends_with({c}, {})", d.string(p))
            }
            (Matcher::StartsWith(p), _) => format!("left({c}, length({s})) = {s}", s = d.string(p)),
            (Matcher::EndsWith(p), _) => format!("right({c}, length({s})) = {s}", s = d.string(p)),
            (Matcher::Regex(r), Dialect::DuckDb) => {
                format!("regexp_matches({c}, {})", d.string(r.as_str()))
            }
            (Matcher::Regex(r), Dialect::Postgres) => format!("{c} ~ {}", d.string(r.as_str())),
            (Matcher::Regex(r), Dialect::BigQuery) => {
                format!("REGEXP_CONTAINS({c}, {})", d.string(r.as_str()))
            }
            (Matcher::Regex(r), Dialect::Spark) => format!("{c} RLIKE {}", d.string(r.as_str())),
        }
    }

    fn events_table(&self) -> Result<&EventsTable, SegmentError> {
        self.tables.events.as_ref().ok_or_else(|| {
            unsupported(
                "this definition uses events, but no events table is configured for SQL export"
                    .to_owned(),
            )
        })
    }

    /// `FROM events e WHERE e.user = u.key AND e.name = '…' [AND window]`.
    fn event_filter(
        &self,
        alias: &str,
        log: &EventLog,
        code: u32,
        window: Option<Window>,
    ) -> Result<String, SegmentError> {
        let d = self.dialect;
        let t = self.events_table()?;
        let name = log.names.get(code as usize).map_or("", String::as_str);
        let mut sql = format!(
            "FROM {table} AS {alias} WHERE {alias}.{key} = {user} AND {alias}.{ev} = {name}",
            table = t.table,
            key = d.ident(&t.user_key),
            user = self.user,
            ev = d.ident(&t.name),
            name = d.string(name),
        );
        if let Some(w) = window {
            let time = format!("{alias}.{}", d.ident(&t.time));
            write!(
                sql,
                " AND {time} > {} AND {time} <= {}",
                Dialect::timestamp(w.after),
                Dialect::timestamp(w.until)
            )
            .unwrap_or_default();
        }
        Ok(sql)
    }

    fn events(&self, log: &EventLog, test: &EventTest<'_>) -> Result<String, SegmentError> {
        let d = self.dialect;
        let t = self.events_table()?;
        Ok(match *test {
            EventTest::Count {
                code,
                window,
                op,
                n,
            } => {
                let filter = self.event_filter("e", log, code, window)?;
                match (op, n) {
                    (CountOp::AtLeast, 1) => format!("EXISTS (SELECT 1 {filter})"),
                    (CountOp::AtMost, 0) => format!("NOT EXISTS (SELECT 1 {filter})"),
                    _ => {
                        let symbol = match op {
                            CountOp::AtLeast => ">=",
                            CountOp::AtMost => "<=",
                            CountOp::Exactly => "=",
                        };
                        format!("(SELECT COUNT(*) {filter}) {symbol} {n}")
                    }
                }
            }
            EventTest::Then {
                first,
                then,
                within,
            } => {
                let filter = self.event_filter("a", log, first, None)?;
                let time = d.ident(&t.time);
                let second = log.names.get(then as usize).map_or("", String::as_str);
                format!(
                    "EXISTS (SELECT 1 {filter} AND EXISTS (SELECT 1 FROM {table} AS b WHERE b.{key} = a.{key} AND b.{ev} = {second} AND b.{time} > a.{time} AND b.{time} <= {limit}))",
                    table = t.table,
                    key = d.ident(&t.user_key),
                    ev = d.ident(&t.name),
                    second = d.string(second),
                    limit = d.plus_seconds(&format!("a.{time}"), within),
                )
            }
            EventTest::First { code, window } => {
                let filter = self.event_filter("e", log, code, None)?;
                let first = format!("(SELECT MIN(e.{}) {filter})", d.ident(&t.time));
                format!(
                    "{first} > {} AND {first} <= {}",
                    Dialect::timestamp(window.after),
                    Dialect::timestamp(window.until)
                )
            }
            EventTest::Aggregate {
                func,
                code,
                window,
                property,
                op: o,
                value,
            } => {
                let filter = self.event_filter("e", log, code, window)?;
                let p = format!("e.{}", d.ident(property.name()));
                let aggregate = match func {
                    AggFunc::Sum => format!("COALESCE((SELECT SUM({p}) {filter}), 0)"),
                    AggFunc::Avg => format!("(SELECT AVG({p}) {filter})"),
                    AggFunc::Min => format!("(SELECT MIN({p}) {filter})"),
                    AggFunc::Max => format!("(SELECT MAX({p}) {filter})"),
                    AggFunc::Distinct => format!("(SELECT COUNT(DISTINCT {p}) {filter})"),
                };
                format!("{aggregate} {} {}", op(o), number(value))
            }
        })
    }

    fn survey(
        &self,
        linked: &Linked,
        column: &Column,
        test: &SurveyTest,
    ) -> Result<String, SegmentError> {
        let d = self.dialect;
        let table = self
            .tables
            .linked
            .iter()
            .find(|l| l.name == linked.name)
            .ok_or_else(|| {
                unsupported(format!(
                    "no SQL table is configured for the file `{}`",
                    linked.name
                ))
            })?;
        let c = format!("s.{}", d.ident(column.name()));
        let from = format!(
            "FROM {table} AS s WHERE s.{key} = {user} AND {c} IS NOT NULL",
            table = table.table,
            key = d.ident(&table.user_key),
            user = self.user
        );
        let latest = || -> Result<String, SegmentError> {
            let time = table.time.as_ref().ok_or_else(|| {
                unsupported(format!(
                    "latest(…) and nps(…) need the time column of `{}` in SQL, to know which answer is the latest",
                    linked.name
                ))
            })?;
            let time = format!("s.{}", d.ident(time));
            Ok(match d {
                Dialect::DuckDb | Dialect::Postgres => {
                    format!("(SELECT {c} {from} ORDER BY {time} DESC LIMIT 1)")
                }
                Dialect::BigQuery => format!(
                    "(SELECT ARRAY_AGG({c} ORDER BY {time} DESC LIMIT 1)[SAFE_OFFSET(0)] {from})"
                ),
                Dialect::Spark => format!("(SELECT max_by({c}, {time}) {from})"),
            })
        };
        Ok(match *test {
            SurveyTest::Value {
                func: SurveyFunc::Latest,
                op: o,
                value,
            } => {
                format!("{} {} {}", latest()?, op(o), number(value))
            }
            SurveyTest::Value {
                func: SurveyFunc::Avg,
                op: o,
                value,
            } => {
                format!("(SELECT AVG({c}) {from}) {} {}", op(o), number(value))
            }
            SurveyTest::Nps { class, negated } => {
                let l = latest()?;
                let test = match class {
                    NpsClass::Promoter => format!("{l} >= 9"),
                    NpsClass::Passive => format!("{l} >= 7 AND {l} < 9"),
                    NpsClass::Detractor => format!("{l} < 7"),
                };
                if negated {
                    format!("NOT ({test})")
                } else {
                    test
                }
            }
        })
    }
}
