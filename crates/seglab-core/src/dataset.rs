//! The loaded data as segments see it: one population table (a row per user or account), the event log
//! aligned to it, and the as-of date that relative time windows are measured from.
//!
//! Files are joined into this shape at load time (see `join`), so that segment evaluation and
//! comparisons index plain vectors by user row and never look keys up.

use crate::bitset::Bitset;
use crate::event_counts::{EventCounts, FirstTimes, TimeRange, saturate};
use crate::table::{Column, Table};
use std::sync::Arc;

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
    /// Per-user counts of events in time windows, remembered for segment conditions (a cache: see
    /// [`EventCounts`]).
    pub counts: EventCounts,
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

    /// `range` narrowed to the times that occur in the log, the form counts are stored under.
    pub fn clamp(&self, range: TimeRange) -> TimeRange {
        self.counts.clamp(&self.times, range)
    }

    /// How many events of `code` user row `user` has in `range`.
    pub fn count_of(&self, user: usize, code: u32, range: TimeRange) -> usize {
        let span = self.user_range(user);
        let times = &self.times[span.clone()];
        // Times are sorted within a user, so the window is one run of events.
        let from = times.partition_point(|&t| t < range.first);
        let to = from + times[from..].partition_point(|&t| t <= range.last);
        self.events[span.start + from..span.start + to]
            .iter()
            .filter(|&&e| e == code)
            .count()
    }

    /// Every user's count of events `code` in `range` (one byte each, saturated at
    /// [`SATURATED`](crate::event_counts::SATURATED)), from the remembered counts or counted now and
    /// remembered. `None` when no event of the log falls in `range`: every count is 0.
    pub(crate) fn counts_in(&self, code: u32, range: TimeRange) -> Option<Arc<[u8]>> {
        let range = self.clamp(range);
        if range.is_empty() || self.offsets.is_empty() {
            return None;
        }
        if let Some(counts) = self.counts.get(code, range) {
            return Some(counts);
        }
        let users = self.offsets.len() - 1;
        let counts: Arc<[u8]> =
            if range.first <= self.counts_min() && range.last >= self.counts_max() {
                // The whole log: no window to look for.
                (0..users)
                    .map(|u| {
                        saturate(
                            self.events[self.user_range(u)]
                                .iter()
                                .filter(|&&e| e == code)
                                .count(),
                        )
                    })
                    .collect()
            } else {
                (0..users)
                    .map(|u| saturate(self.count_of(u, code, range)))
                    .collect()
            };
        self.counts.insert(code, range, Arc::clone(&counts), true);
        Some(counts)
    }

    /// Every user's first time of event `code`, stored or found now and stored.
    pub(crate) fn first_times(&self, code: u32) -> Arc<FirstTimes> {
        if let Some(firsts) = self.counts.first_times(code) {
            return firsts;
        }
        let users = self.offsets.len().saturating_sub(1);
        let mut times = vec![0i64; users];
        let mut seen = Bitset::new(users);
        for (u, time) in times.iter_mut().enumerate() {
            let range = self.user_range(u);
            // Sorted by time, so the first match is the earliest.
            if let Some(i) = self.events[range.clone()].iter().position(|&e| e == code) {
                *time = self.times[range.start + i];
                seen.set(u, true);
            }
        }
        let firsts = Arc::new(FirstTimes { times, seen });
        self.counts.insert_first_times(code, Arc::clone(&firsts));
        firsts
    }

    fn counts_min(&self) -> i64 {
        self.clamp(TimeRange::ALL).first
    }

    fn counts_max(&self) -> i64 {
        self.clamp(TimeRange::ALL).last
    }

    /// Remembers counts computed elsewhere (the join's per-user measures) for good: `counts[u]` is the
    /// number of events `code` of user row `u` in `range`.
    pub(crate) fn remember_counts(&self, code: u32, range: TimeRange, counts: &[i64]) {
        let range = self.clamp(range);
        if range.is_empty() || counts.len() + 1 != self.offsets.len() {
            return;
        }
        let bytes: Arc<[u8]> = counts
            .iter()
            .map(|&c| saturate(usize::try_from(c).unwrap_or(0)))
            .collect();
        self.counts.insert(code, range, bytes, false);
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
