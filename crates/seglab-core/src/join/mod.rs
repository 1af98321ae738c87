//! Joining loaded files into one [`Dataset`]: what each file is, which keys link them, and per-user measures.
//!
//! The steps, each a public function the app and the CLI call in turn:
//!
//! 1. [`classify`] guesses what a file is ([`FileKind`]): an *entity* table (a key column with a distinct
//!    value per row: users, accounts), an *event* log (a repeating user key, a timestamp and an event-name
//!    column) or another *linked* file with many rows per user (NPS answers, tickets). Each guess carries
//!    reasons a person can read.
//! 2. [`propose`] picks the population (the entity file with a user key and the most rows; with none, the
//!    distinct users of the event log) and a join key per file, from column names and sampled value overlap.
//!    The result is a [`JoinPlan`]: serialisable, shown to the user, editable, and part of the shared link.
//! 3. [`build`] executes a plan: entity files' columns are gathered onto population rows (a clashing name
//!    becomes `file.column`), the event log becomes an [`EventLog`](crate::EventLog) grouped per user by a
//!    counting sort, other files become [`Linked`](crate::Linked). It reports [`Coverage`] per link: how
//!    many rows matched on each side, duplicate keys, examples.
//! 4. [`measures`] turns events and linked files into ordinary population columns.
//!
//! # Keys
//! Keys compare as text with surrounding whitespace removed; whole-number columns compare by their decimal
//! text, so `42` matches ` 42`. A link with `ignore_case` (proposed for e-mail columns) also folds case.
//! When a key repeats in the file that is looked up (the population for events, an entity file for its
//! columns), the first row wins and the repeat is reported.
//!
//! # Measure names
//! Every measure column is named so that the segment language can refer to it like any other column:
//!
//! | name | type | meaning |
//! |---|---|---|
//! | `count(*)` | integer | events of any name |
//! | `count(*, 30d)` | integer | events of any name in the last 30 days |
//! | `count(Login)` | integer | events named `Login` (the name verbatim, case-sensitive) |
//! | `count(Login, 30d)` | integer | `Login` events in the last 30 days |
//! | `first_seen`, `last_seen` | datetime | time of the user's first and last event; missing without events |
//! | `days_since_last_seen` | integer | whole days from `last_seen` to as-of; missing without events |
//! | `active_days` | integer | distinct UTC calendar days with at least one event |
//! | `sum(amount)`, `avg(amount)` | number | sum and mean of the numeric event property `amount` |
//! | `sum(amount, Purchase)`, `avg(amount, Purchase)` | number | the same over `Purchase` events only |
//! | `latest(nps.score)` | number | the user's most recent `score` in the linked file `nps` |
//! | `avg(nps.score)` | decimal | the mean of the user's `score` values in `nps` |
//!
//! "The last N days" means after `as_of − N × 24 h` and at or before `as_of`. Every measure ignores events
//! and linked rows later than `as_of`, so moving as-of back in time replays the data as it was then.
//! Counts and sums are 0 for a user without events; averages, `latest` and the seen-times are missing.

mod build;
mod detect;
mod gather;
mod keys;
mod measures;
mod plan;
mod time;

pub use build::{Coverage, Joined, PopulationReport, build};
pub use detect::{FileGuess, FileKind, classify};
pub use measures::{Measure, MeasureSpec, measure, measures};
pub use plan::{JoinLink, JoinPlan, Proposal, propose};

use crate::table::{ColumnType, Table, TableError};

/// A loaded file: its name as the user sees it (e.g. `users.csv`) and its table.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub name: &'a str,
    pub table: &'a Table,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, table: &'a Table) -> Self {
        Self { name, table }
    }

    /// The name without folders and extension (`exports/nps.csv` → `nps`): the prefix of clashing columns
    /// and the name of a linked file in measure names.
    pub fn stem(&self) -> &'a str {
        stem(self.name)
    }
}

/// A file name without folders and extension: `exports/nps.csv` → `nps`.
pub fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    }
}

/// Why files could not be joined as planned. Each names the file and column to look at.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum JoinError {
    #[error("the join plan refers to `{file}`, but no file of that name is loaded")]
    UnknownFile { file: String },
    #[error("{file}: the {role} column `{column}` does not exist; the columns are {available}")]
    ColumnMissing {
        file: String,
        column: String,
        role: &'static str,
        available: String,
    },
    #[error(
        "{file}: column `{column}` holds {ty} values and cannot be a join key; choose an id, text or whole-number column"
    )]
    KeyType {
        file: String,
        column: String,
        ty: ColumnType,
    },
    #[error(
        "{file}: column `{column}` holds {ty} values, not dates or times; choose the column with the event time"
    )]
    TimeType {
        file: String,
        column: String,
        ty: ColumnType,
    },
    #[error(
        "{file}: data row {row}, column `{column}`: cannot read `{text}` as a date or time (expected e.g. 2025-03-01, 2025-03-01 14:30:00 or 2025-03-01T14:30:00Z)"
    )]
    Timestamp {
        file: String,
        column: String,
        row: usize,
        text: String,
    },
    #[error("{file}: column `{column}` holds {ty} values; event names must be text")]
    EventType {
        file: String,
        column: String,
        ty: ColumnType,
    },
    #[error(
        "{file}: no column shares values with the population ({population}); pick the key columns by hand"
    )]
    NoCommonKey { file: String, population: String },
    #[error(
        "{file}: no column looks like a user key (user_id, email, distinct_id, …); pick it by hand"
    )]
    NoKey { file: String },
    #[error(
        "no file has one row per user and there is no event log to derive users from; add a CRM export or an event log"
    )]
    NoPopulation,
    #[error("{file} and {other} are both planned as the event log; make one of them a linked file")]
    TwoEventLogs { file: String, other: String },
    #[error("{file}: the {role} link needs a `{field}` column; pick one")]
    LinkField {
        file: String,
        role: &'static str,
        field: &'static str,
    },
    #[error(
        "as-of `{text}` is not a date or time (expected e.g. 2025-03-01 or 2025-03-01T14:30:00Z)"
    )]
    AsOf { text: String },
    #[error("{file}: more than 4 294 967 295 rows cannot be grouped per user")]
    TooManyRows { file: String },
    #[error("{file}: {source}")]
    Table { file: String, source: TableError },
}

pub(crate) fn column_list(table: &Table) -> String {
    let names: Vec<String> = table
        .columns()
        .iter()
        .map(|c| format!("`{}`", c.name()))
        .collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
