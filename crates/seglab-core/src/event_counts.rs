//! Per-user event counts remembered next to the event log, so that `did "Export report" at least 3 times
//! in last 30 days` reads one byte per user instead of walking ten million events.
//!
//! A count is keyed by the event code and the window's absolute bounds in seconds, clamped to the times
//! that occur in the log: a window relative to the as-of date therefore has a different key as soon as
//! the as-of date moves, and a stale count cannot be served. "All time" is the window that spans every
//! event. Counts are stored as one byte per user; [`SATURATED`] stands for "this many or more", and whoever
//! needs the exact number counts that user's events again.
//!
//! Conditions on a user's first time of an event (`first did "Signup" in last 30 days`) read a stored
//! vector of first times per event, made on first use.
//!
//! The counts the join computes as per-user measures (`count(Login)`, `count(Login, 30d)`) are put here
//! when they are computed; other counts are added on first use, up to [`LAZY_ENTRIES`] of them.

use crate::bitset::Bitset;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// The stored count that means "255 or more".
pub const SATURATED: u8 = u8::MAX;
/// How many counts filled on first use are kept; the oldest is dropped first. Counts put at load stay.
pub const LAZY_ENTRIES: usize = 16;
/// How many events' first times are kept (8 bytes per user each); the oldest is dropped first.
pub const FIRST_ENTRIES: usize = 8;

/// Each user's first time of one event: `times[u]` is meaningful where `seen` holds.
#[derive(Debug)]
pub struct FirstTimes {
    pub times: Vec<i64>,
    pub seen: Bitset,
}

/// An inclusive range of event times `[first, last]` in seconds since the epoch, clamped to the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub first: i64,
    pub last: i64,
}

impl TimeRange {
    /// Every time.
    pub const ALL: Self = Self {
        first: i64::MIN,
        last: i64::MAX,
    };

    /// The window `(after, until]`, as the segment language and the measures write it.
    pub fn after_until(after: i64, until: i64) -> Self {
        match after.checked_add(1) {
            Some(first) => Self { first, last: until },
            // Nothing is after the largest time.
            None => Self {
                first: i64::MAX,
                last: i64::MIN,
            },
        }
    }

    #[inline]
    pub fn contains(self, t: i64) -> bool {
        t >= self.first && t <= self.last
    }

    pub fn is_empty(self) -> bool {
        self.first > self.last
    }
}

/// One user's count of one event in one window, saturated at [`SATURATED`].
#[inline]
pub fn saturate(count: usize) -> u8 {
    u8::try_from(count).unwrap_or(SATURATED)
}

#[derive(Default)]
struct Entries {
    map: HashMap<(u32, TimeRange), Arc<[u8]>>,
    /// Keys filled on first use, oldest first.
    lazy: Vec<(u32, TimeRange)>,
    /// First times per event code, oldest first.
    firsts: Vec<(u32, Arc<FirstTimes>)>,
}

/// The remembered counts of an [`EventLog`](crate::dataset::EventLog). It is a cache: cloning a log clones
/// the handles (not the counts), and two logs compare equal whatever their caches hold.
///
/// Whoever changes a log's events in place after counts were taken must call [`EventCounts::clear`].
#[derive(Default)]
pub struct EventCounts {
    /// The earliest and latest event time, found once; `None` for a log without events.
    bounds: OnceLock<Option<(i64, i64)>>,
    /// Whether the log's offsets never decrease, checked once.
    ordered: OnceLock<bool>,
    entries: Mutex<Entries>,
}

impl EventCounts {
    fn lock(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves the map consistent (inserts are single calls).
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `offsets` (the log's) never decrease, so that every user's range indexes inside the
    /// event vectors; checked on first use, as segment conditions on events rely on it.
    pub(crate) fn ordered(&self, offsets: &[u32]) -> bool {
        *self
            .ordered
            .get_or_init(|| crate::segment::offsets_ordered(offsets))
    }

    /// `range` narrowed to the times that occur among `times`; equal counts give equal keys.
    pub(crate) fn clamp(&self, times: &[i64], range: TimeRange) -> TimeRange {
        let bounds = self.bounds.get_or_init(|| {
            let first = *times.first()?;
            Some(
                times
                    .iter()
                    .fold((first, first), |(lo, hi), &t| (lo.min(t), hi.max(t))),
            )
        });
        match *bounds {
            Some((min, max)) => TimeRange {
                first: range.first.max(min),
                last: range.last.min(max),
            },
            None => TimeRange {
                first: i64::MAX,
                last: i64::MIN,
            },
        }
    }

    /// The stored counts of event `code` in the clamped `range`, if any.
    pub(crate) fn get(&self, code: u32, range: TimeRange) -> Option<Arc<[u8]>> {
        self.lock().map.get(&(code, range)).cloned()
    }

    /// Remembers counts; `lazy` ones are dropped, oldest first, beyond [`LAZY_ENTRIES`].
    pub(crate) fn insert(&self, code: u32, range: TimeRange, counts: Arc<[u8]>, lazy: bool) {
        let mut entries = self.lock();
        let key = (code, range);
        let had = entries.map.insert(key, counts).is_some();
        if lazy && !had {
            entries.lazy.push(key);
            if entries.lazy.len() > LAZY_ENTRIES {
                let oldest = entries.lazy.remove(0);
                entries.map.remove(&oldest);
            }
        } else if !lazy {
            // Kept for good now.
            entries.lazy.retain(|k| *k != key);
        }
    }

    /// The stored first times of event `code`, if any.
    pub(crate) fn first_times(&self, code: u32) -> Option<Arc<FirstTimes>> {
        let entries = self.lock();
        entries
            .firsts
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, f)| Arc::clone(f))
    }

    /// Remembers first times, dropping the oldest beyond [`FIRST_ENTRIES`].
    pub(crate) fn insert_first_times(&self, code: u32, firsts: Arc<FirstTimes>) {
        let mut entries = self.lock();
        entries.firsts.retain(|(c, _)| *c != code);
        entries.firsts.push((code, firsts));
        if entries.firsts.len() > FIRST_ENTRIES {
            entries.firsts.remove(0);
        }
    }

    /// Forgets every count (and what was found about the log's times and offsets).
    pub fn clear(&mut self) {
        self.bounds = OnceLock::new();
        self.ordered = OnceLock::new();
        let mut entries = self.lock();
        entries.map.clear();
        entries.lazy.clear();
        entries.firsts.clear();
    }

    /// How many counts and first-time vectors are stored.
    pub fn len(&self) -> usize {
        let entries = self.lock();
        entries.map.len() + entries.firsts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by the stored counts and first times.
    pub fn heap_bytes(&self) -> usize {
        let entries = self.lock();
        let counts: usize = entries.map.values().map(|c| c.len()).sum();
        let firsts: usize = entries
            .firsts
            .iter()
            .map(|(_, f)| f.times.len() * 8 + f.seen.len() / 8)
            .sum();
        counts + firsts
    }
}

impl Clone for EventCounts {
    fn clone(&self) -> Self {
        let entries = self.lock();
        Self {
            bounds: self.bounds.clone(),
            ordered: self.ordered.clone(),
            entries: Mutex::new(Entries {
                map: entries.map.clone(),
                lazy: entries.lazy.clone(),
                firsts: entries.firsts.clone(),
            }),
        }
    }
}

impl PartialEq for EventCounts {
    /// A cache never makes two logs differ.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for EventCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EventCounts({} stored)", self.len())
    }
}
