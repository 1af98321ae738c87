//! The loaded data as segments see it: one population table (a row per user or account), the event log
//! aligned to it, and the as-of date that relative time windows are measured from.
//!
//! Files are joined into this shape at load time (see `join`), so that segment evaluation and
//! comparisons index plain vectors by user row and never look keys up.

use crate::table::{Column, Table};

/// Events grouped by user: the events of user row `u` are `offsets[u]..offsets[u + 1]`, sorted by time.
///
/// Events whose user key matches no population row are counted in `unmatched` and not stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLog {
    /// `population rows + 1` offsets into the event vectors.
    pub offsets: Vec<u32>,
    /// Seconds since the epoch, UTC.
    pub times: Vec<i64>,
    /// Code of each event's name in `names`.
    pub events: Vec<u32>,
    /// Distinct event names.
    pub names: Vec<String>,
    /// Further event columns (properties), in the same order as `times`.
    pub properties: Vec<Column>,
    /// Events whose user key matched no user.
    pub unmatched: usize,
}

impl EventLog {
    /// The range of event indices that belong to user row `user`.
    pub fn user_range(&self, user: usize) -> std::ops::Range<usize> {
        self.offsets[user] as usize..self.offsets[user + 1] as usize
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The code of an event name, exact match.
    pub fn event_code(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|p| p as u32)
    }

    pub fn property(&self, name: &str) -> Option<&Column> {
        self.properties.iter().find(|c| c.name() == name)
    }
}

/// A file with many rows per user that is not the event log (a survey export, a list of tickets or
/// invoices), grouped per population row like the event log: rows of user `u` are
/// `offsets[u]..offsets[u + 1]`, sorted by `times` when the file has a time column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Linked {
    /// The name segments use for this file (its file stem, e.g. `nps`).
    pub name: String,
    pub offsets: Vec<u32>,
    /// Seconds since the epoch per row, when the file has a date or date-time column.
    pub times: Option<Vec<i64>>,
    /// The file's columns, rows reordered to follow `offsets`.
    pub columns: Vec<Column>,
    /// Rows whose user key matched no user.
    pub unmatched: usize,
}

impl Linked {
    pub fn user_range(&self, user: usize) -> std::ops::Range<usize> {
        self.offsets[user] as usize..self.offsets[user + 1] as usize
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name() == name)
    }
}

/// Everything a segment can refer to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    /// One row per user (or account), with the columns of every joined entity file.
    pub population: Table,
    /// The population column that identifies a user, if known.
    pub key: Option<String>,
    /// Events from event-log files, aligned to population rows.
    pub events: Option<EventLog>,
    /// Other files with many rows per user (surveys, tickets), aligned to population rows.
    pub linked: Vec<Linked>,
    /// "Now" for relative windows ("in the last 30 days"): seconds since the epoch, UTC. Defaults to the
    /// latest timestamp in the data so that results do not drift with the calendar.
    pub as_of: Option<i64>,
}

impl Dataset {
    /// A dataset of one table and nothing else.
    pub fn from_table(table: Table) -> Self {
        Self {
            population: table,
            ..Self::default()
        }
    }

    pub fn users(&self) -> usize {
        self.population.rows()
    }
}
