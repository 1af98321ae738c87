//! Per-user measures from the event log and linked files, as ordinary population columns.
//!
//! The names are described in the module documentation of `join`; [`Measure::name`] writes them and
//! [`Measure::parse`] reads them back.

use super::detect::key_rank;
use super::time::DAY;
use crate::bitset::Bitset;
use crate::dataset::{Dataset, EventLog, Linked};
use crate::event_counts::TimeRange;
use crate::table::{Column, ColumnData, ColumnType};
use serde::{Deserialize, Serialize};

/// One per-user measure.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case", try_from = "MeasureFields")]
pub enum Measure {
    /// `count(*)`, `count(Login)`, `count(Login, 30d)`: events (of one name) in all time or the last `days`.
    Count {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
    },
    /// `first_seen`: the time of the first event.
    FirstSeen,
    /// `last_seen`: the time of the latest event.
    LastSeen,
    /// `days_since_last_seen`: whole days from the latest event to as-of.
    DaysSinceLastSeen,
    /// `active_days`: distinct UTC days with an event.
    ActiveDays,
    /// `sum(amount)`, `sum(amount, Purchase)`: sum of a numeric event property.
    Sum {
        property: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
    },
    /// `avg(amount)`, `avg(amount, Purchase)`: mean of a numeric event property.
    Avg {
        property: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
    },
    /// `latest(nps.score)`: the user's most recent value of a linked file's numeric column.
    Latest { file: String, column: String },
    /// `avg(nps.score)`: the mean of a linked file's numeric column per user.
    LinkedAvg { file: String, column: String },
}

/// `Measure` as read back (see `crate::tagged`).
#[derive(Deserialize)]
struct MeasureFields {
    measure: String,
    event: Option<String>,
    days: Option<u32>,
    property: Option<String>,
    file: Option<String>,
    column: Option<String>,
}

impl TryFrom<MeasureFields> for Measure {
    type Error = String;

    fn try_from(f: MeasureFields) -> Result<Self, String> {
        use crate::tagged::{field, unknown};
        let tag = f.measure.as_str();
        Ok(match tag {
            "count" => Self::Count {
                event: f.event,
                days: f.days,
            },
            "first_seen" => Self::FirstSeen,
            "last_seen" => Self::LastSeen,
            "days_since_last_seen" => Self::DaysSinceLastSeen,
            "active_days" => Self::ActiveDays,
            "sum" => Self::Sum {
                property: field(f.property, tag, "property")?,
                event: f.event,
            },
            "avg" => Self::Avg {
                property: field(f.property, tag, "property")?,
                event: f.event,
            },
            "latest" => Self::Latest {
                file: field(f.file, tag, "file")?,
                column: field(f.column, tag, "column")?,
            },
            "linked_avg" => Self::LinkedAvg {
                file: field(f.file, tag, "file")?,
                column: field(f.column, tag, "column")?,
            },
            _ => return Err(unknown(tag)),
        })
    }
}

impl Measure {
    /// The column name, e.g. `count(Login, 30d)`.
    pub fn name(&self) -> String {
        match self {
            Self::Count { event, days } => {
                let event = event.as_deref().unwrap_or("*");
                match days {
                    Some(d) => format!("count({event}, {d}d)"),
                    None => format!("count({event})"),
                }
            }
            Self::FirstSeen => "first_seen".to_owned(),
            Self::LastSeen => "last_seen".to_owned(),
            Self::DaysSinceLastSeen => "days_since_last_seen".to_owned(),
            Self::ActiveDays => "active_days".to_owned(),
            Self::Sum {
                property,
                event: None,
            } => format!("sum({property})"),
            Self::Sum {
                property,
                event: Some(e),
            } => format!("sum({property}, {e})"),
            Self::Avg {
                property,
                event: None,
            } => format!("avg({property})"),
            Self::Avg {
                property,
                event: Some(e),
            } => format!("avg({property}, {e})"),
            Self::Latest { file, column } => format!("latest({file}.{column})"),
            Self::LinkedAvg { file, column } => format!("avg({file}.{column})"),
        }
    }

    /// Reads a measure name. `avg(x.y)` is a linked file's average when `x` is a linked file of `dataset`
    /// with a column `y`, else the average of the event property `x.y`.
    pub fn parse(name: &str, dataset: &Dataset) -> Option<Self> {
        let name = name.trim();
        match name {
            "first_seen" => return Some(Self::FirstSeen),
            "last_seen" => return Some(Self::LastSeen),
            "days_since_last_seen" => return Some(Self::DaysSinceLastSeen),
            "active_days" => return Some(Self::ActiveDays),
            _ => {}
        }
        let (function, inner) = name.strip_suffix(')')?.split_once('(')?;
        let inner = inner.trim();
        let linked = || {
            dataset.linked.iter().find_map(|l| {
                let column = inner.strip_prefix(l.name.as_str())?.strip_prefix('.')?;
                l.column(column)
                    .map(|_| (l.name.clone(), column.to_owned()))
            })
        };
        let split_event = |inner: &str| match inner.split_once(", ") {
            Some((property, event)) => (property.to_owned(), Some(event.to_owned())),
            None => (inner.to_owned(), None),
        };
        match function.trim() {
            "count" => {
                let (event, days) = match inner.rsplit_once(", ") {
                    Some((event, window)) if window.len() > 1 => {
                        match window.strip_suffix('d').and_then(|d| d.parse().ok()) {
                            Some(days) => (event, Some(days)),
                            None => (inner, None),
                        }
                    }
                    _ => (inner, None),
                };
                let event = (event != "*").then(|| event.to_owned());
                Some(Self::Count { event, days })
            }
            "sum" => {
                let (property, event) = split_event(inner);
                Some(Self::Sum { property, event })
            }
            "avg" => {
                if let Some((file, column)) = linked() {
                    return Some(Self::LinkedAvg { file, column });
                }
                let (property, event) = split_event(inner);
                Some(Self::Avg { property, event })
            }
            "latest" => {
                let (file, column) = linked()?;
                Some(Self::Latest { file, column })
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// The measures to compute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureSpec {
    pub measures: Vec<Measure>,
}

impl MeasureSpec {
    /// Everything, for the 50 most frequent event names and a 30-day window.
    pub fn default_for(dataset: &Dataset) -> Self {
        Self::with_top_events(dataset, 50, 30)
    }

    /// `count(*)`, and per each of the `top` most frequent event names, all-time and `days`-window counts;
    /// seen-times and active days; sum and mean of every numeric event property; latest and mean of every
    /// numeric column of every linked file. Key-like columns are not measured.
    pub fn with_top_events(dataset: &Dataset, top: usize, days: u32) -> Self {
        let mut measures = Vec::new();
        if let Some(log) = &dataset.events {
            measures.push(Measure::Count {
                event: None,
                days: None,
            });
            measures.push(Measure::Count {
                event: None,
                days: Some(days),
            });
            for name in top_events(log, top) {
                measures.push(Measure::Count {
                    event: Some(name.clone()),
                    days: None,
                });
                measures.push(Measure::Count {
                    event: Some(name),
                    days: Some(days),
                });
            }
            measures.extend([
                Measure::FirstSeen,
                Measure::LastSeen,
                Measure::DaysSinceLastSeen,
                Measure::ActiveDays,
            ]);
            for property in log
                .properties
                .iter()
                .filter(|c| c.ty().is_numeric() && key_rank(c).is_none())
            {
                measures.push(Measure::Sum {
                    property: property.name().to_owned(),
                    event: None,
                });
                measures.push(Measure::Avg {
                    property: property.name().to_owned(),
                    event: None,
                });
            }
        }
        for linked in &dataset.linked {
            for column in linked
                .columns
                .iter()
                .filter(|c| c.ty().is_numeric() && key_rank(c).is_none())
            {
                measures.push(Measure::Latest {
                    file: linked.name.clone(),
                    column: column.name().to_owned(),
                });
                measures.push(Measure::LinkedAvg {
                    file: linked.name.clone(),
                    column: column.name().to_owned(),
                });
            }
        }
        Self { measures }
    }
}

/// Event names by descending frequency (ties: first seen first), at most `top`.
fn top_events(log: &EventLog, top: usize) -> Vec<String> {
    let mut counts = vec![0usize; log.names.len()];
    for &code in &log.events {
        counts[code as usize] += 1;
    }
    let mut order: Vec<usize> = (0..counts.len()).filter(|&c| counts[c] > 0).collect();
    crate::sorting::sort_by_key(&mut order, |&c| std::cmp::Reverse(counts[c]));
    order
        .into_iter()
        .take(top)
        .map(|c| log.names[c].clone())
        .collect()
}

/// The column of one measure by name, or `None` when the name is no measure.
pub fn measure(dataset: &Dataset, name: &str) -> Option<Column> {
    let measure = Measure::parse(name, dataset)?;
    measures(
        dataset,
        &MeasureSpec {
            measures: vec![measure],
        },
    )
    .pop()
}

/// One column per measure of `spec`, in order, one row per population row.
///
/// Never fails: an event name that does not occur counts 0; an unknown property or linked column gives a
/// column of missing values, so a shared segment still evaluates on a colleague's smaller export.
pub fn measures(dataset: &Dataset, spec: &MeasureSpec) -> Vec<Column> {
    let users = dataset.users();
    let as_of = dataset.as_of.unwrap_or(i64::MAX);
    let empty_log = EventLog {
        offsets: vec![0; users + 1],
        ..EventLog::default()
    };
    let log = match &dataset.events {
        Some(log) if log.offsets.len() == users + 1 => log,
        _ => &empty_log,
    };
    let mut out: Vec<Option<Column>> = vec![None; spec.measures.len()];
    event_pass(log, as_of, users, spec, &mut out);
    // The sum and the mean of a property come from the same per-user totals: one pass for both.
    let mut totals: Vec<(&str, Option<&str>, PropertyTotals)> = Vec::new();
    for (i, m) in spec.measures.iter().enumerate() {
        let column = match m {
            Measure::Sum { property, event } | Measure::Avg { property, event } => {
                let event = event.as_deref();
                let known = totals
                    .iter()
                    .find(|(p, e, _)| p == property && *e == event)
                    .map(|(.., t)| t.clone());
                let t = known.unwrap_or_else(|| {
                    let t = property_totals(log, as_of, users, property, event);
                    totals.push((property, event, t.clone()));
                    t
                });
                Some(if matches!(m, Measure::Sum { .. }) {
                    t.sum_column(m.name(), users)
                } else {
                    t.mean_column(m.name(), users)
                })
            }
            Measure::Latest { file, column } | Measure::LinkedAvg { file, column } => {
                let latest = matches!(m, Measure::Latest { .. });
                let linked = dataset
                    .linked
                    .iter()
                    .find(|l| &l.name == file && l.offsets.len() == users + 1);
                Some(linked_measure(linked, column, as_of, users, latest, m))
            }
            _ => None,
        };
        if column.is_some() {
            out[i] = column;
        }
    }
    out.into_iter().flatten().collect()
}

/// The events of user `u` at or before `as_of`: their times and codes.
fn user_events(log: &EventLog, u: usize, as_of: i64) -> (&[i64], &[u32]) {
    let range = log.user_range(u);
    let times = &log.times[range.clone()];
    let end = times.partition_point(|&t| t <= as_of);
    (&times[..end], &log.events[range.start..range.start + end])
}

const NO_SLOT: u32 = u32::MAX;

/// Counts, seen-times and active days in one pass over each user's events.
fn event_pass(
    log: &EventLog,
    as_of: i64,
    users: usize,
    spec: &MeasureSpec,
    out: &mut [Option<Column>],
) {
    // Accumulators are indexed by (window, slot); slot 0 counts every event, slot k > 0 one event name.
    let mut windows: Vec<Option<u32>> = Vec::new();
    let mut slot_of_code = vec![NO_SLOT; log.names.len()];
    let mut slots = 1u32;
    let mut counts: Vec<(usize, usize, Option<u32>, Vec<i64>)> = Vec::new();
    for (i, m) in spec.measures.iter().enumerate() {
        let Measure::Count { event, days } = m else {
            continue;
        };
        let window = windows.iter().position(|w| w == days).unwrap_or_else(|| {
            windows.push(*days);
            windows.len() - 1
        });
        let slot = match event {
            None => Some(0),
            Some(name) => log.event_code(name).map(|code| {
                if slot_of_code[code as usize] == NO_SLOT {
                    slot_of_code[code as usize] = slots;
                    slots += 1;
                }
                slot_of_code[code as usize]
            }),
        };
        counts.push((i, window, slot, vec![0; users]));
    }
    let wants = |f: fn(&Measure) -> bool| spec.measures.iter().any(f);
    let seen = wants(|m| {
        matches!(
            m,
            Measure::FirstSeen | Measure::LastSeen | Measure::DaysSinceLastSeen
        )
    });
    let active = wants(|m| matches!(m, Measure::ActiveDays));
    if counts.is_empty() && !seen && !active {
        return;
    }
    let slots = slots as usize;
    let mut acc = vec![0i64; windows.len() * slots];
    let mut first = vec![0i64; if seen { users } else { 0 }];
    let mut last = vec![0i64; if seen { users } else { 0 }];
    let mut seen_valid = Bitset::new(if seen { users } else { 0 });
    let mut active_days = vec![0i64; if active { users } else { 0 }];

    for u in 0..users {
        let (times, codes) = user_events(log, u, as_of);
        for (w, days) in windows.iter().enumerate() {
            let start = days.map_or(0, |d| {
                let from = as_of.saturating_sub(i64::from(d) * DAY);
                times.partition_point(|&t| t <= from)
            });
            let row = &mut acc[w * slots..(w + 1) * slots];
            row[0] = (times.len() - start) as i64;
            if slots == 1 {
                continue;
            }
            for &code in &codes[start..] {
                let slot = slot_of_code[code as usize];
                if slot != NO_SLOT {
                    row[slot as usize] += 1;
                }
            }
        }
        for (_, window, slot, values) in &mut counts {
            if let Some(slot) = slot {
                values[u] = acc[*window * slots + *slot as usize];
            }
        }
        acc.fill(0);
        if seen && let (Some(&f), Some(&l)) = (times.first(), times.last()) {
            first[u] = f;
            last[u] = l;
            seen_valid.set(u, true);
        }
        if active {
            let mut previous = None;
            let mut days = 0;
            for &t in times {
                let day = t.div_euclid(DAY);
                if previous != Some(day) {
                    days += 1;
                    previous = Some(day);
                }
            }
            active_days[u] = days;
        }
    }
    // Segment conditions on these counts (`did "Login" at least 3 times in last 30 days`) read them
    // from the log's count store instead of counting again.
    for (i, window, slot, values) in &counts {
        if let (
            Measure::Count {
                event: Some(name), ..
            },
            Some(_),
        ) = (&spec.measures[*i], slot)
            && let Some(code) = log.event_code(name)
        {
            let range = match windows[*window] {
                None => TimeRange {
                    first: i64::MIN,
                    last: as_of,
                },
                Some(d) => TimeRange::after_until(as_of.saturating_sub(i64::from(d) * DAY), as_of),
            };
            log.remember_counts(code, range, values);
        }
    }
    for (i, _, _, values) in counts {
        out[i] = Some(Column::new(
            spec.measures[i].name(),
            ColumnType::Integer,
            ColumnData::Integer(values),
            Bitset::full(users),
        ));
    }
    for (i, m) in spec.measures.iter().enumerate() {
        let column = match m {
            Measure::FirstSeen => Column::new(
                m.name(),
                ColumnType::DateTime,
                ColumnData::DateTime(first.clone()),
                seen_valid.clone(),
            ),
            Measure::LastSeen => Column::new(
                m.name(),
                ColumnType::DateTime,
                ColumnData::DateTime(last.clone()),
                seen_valid.clone(),
            ),
            Measure::DaysSinceLastSeen => {
                let days = last
                    .iter()
                    .map(|&l| as_of.saturating_sub(l).div_euclid(DAY))
                    .collect();
                Column::new(
                    m.name(),
                    ColumnType::Integer,
                    ColumnData::Integer(days),
                    seen_valid.clone(),
                )
            }
            Measure::ActiveDays => Column::new(
                m.name(),
                ColumnType::Integer,
                ColumnData::Integer(active_days.clone()),
                Bitset::full(users),
            ),
            _ => continue,
        };
        out[i] = Some(column);
    }
}

/// Sum (`sum`) or mean of a numeric event property per user, optionally over one event name.
/// A numeric event property's per-user total and count over events at or before as-of (of one name,
/// when given); `None` when the log has no such numeric property.
#[derive(Clone)]
struct PropertyTotals(Option<std::rc::Rc<Totals>>);

struct Totals {
    /// Whole-number sums, when the property holds whole numbers.
    integer: Option<Vec<i64>>,
    sums: Vec<f64>,
    counts: Vec<u32>,
}

impl PropertyTotals {
    fn sum_column(&self, name: String, users: usize) -> Column {
        let Some(t) = &self.0 else {
            return missing(name, ColumnType::Decimal, users);
        };
        match &t.integer {
            Some(sums) => Column::new(
                name,
                ColumnType::Integer,
                ColumnData::Integer(sums.clone()),
                Bitset::full(users),
            ),
            None => Column::new(
                name,
                ColumnType::Decimal,
                ColumnData::Decimal(t.sums.clone()),
                Bitset::full(users),
            ),
        }
    }

    fn mean_column(&self, name: String, users: usize) -> Column {
        let Some(t) = &self.0 else {
            return missing(name, ColumnType::Decimal, users);
        };
        let means = t
            .sums
            .iter()
            .zip(&t.counts)
            .map(|(&sum, &n)| if n > 0 { sum / f64::from(n) } else { 0.0 })
            .collect();
        let valid = Bitset::from_fn(users, |u| t.counts[u] > 0);
        Column::new(name, ColumnType::Decimal, ColumnData::Decimal(means), valid)
    }
}

fn property_totals(
    log: &EventLog,
    as_of: i64,
    users: usize,
    property: &str,
    event: Option<&str>,
) -> PropertyTotals {
    let Some(column) = log.property(property).filter(|c| c.ty().is_numeric()) else {
        return PropertyTotals(None);
    };
    let code = match event {
        None => Wanted::All,
        Some(e) => log.event_code(e).map_or(Wanted::Nothing, Wanted::Code),
    };
    let totals = match column.data() {
        ColumnData::Integer(v) => accumulate(log, as_of, users, column, code, v, true),
        ColumnData::Decimal(v) => accumulate(log, as_of, users, column, code, v, false),
        _ => return PropertyTotals(None),
    };
    PropertyTotals(Some(std::rc::Rc::new(totals)))
}

/// Which events a property's totals take in.
#[derive(Clone, Copy)]
enum Wanted {
    All,
    Code(u32),
    /// The event name does not occur in the log.
    Nothing,
}

/// Values a property's totals are taken of.
trait PropertyValue: Copy {
    fn as_f64(self) -> f64;
    fn as_i64(self) -> i64;
}

impl PropertyValue for i64 {
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn as_i64(self) -> i64 {
        self
    }
}

impl PropertyValue for f64 {
    fn as_f64(self) -> f64 {
        self
    }
    fn as_i64(self) -> i64 {
        0
    }
}

fn accumulate<T: PropertyValue>(
    log: &EventLog,
    as_of: i64,
    users: usize,
    column: &Column,
    code: Wanted,
    values: &[T],
    integer: bool,
) -> Totals {
    let valid = column.valid();
    let mut sums_i = vec![0i64; if integer { users } else { 0 }];
    let mut sums = vec![0f64; users];
    let mut counts = vec![0u32; users];
    for u in 0..users {
        let start = log.offsets[u] as usize;
        let (_, codes) = user_events(log, u, as_of);
        let (mut total_i, mut total_f, mut n) = (0i64, 0f64, 0u32);
        for (k, &c) in codes.iter().enumerate() {
            let i = start + k;
            let wanted = match code {
                Wanted::All => true,
                Wanted::Code(code) => c == code,
                Wanted::Nothing => false,
            };
            if wanted && valid.get(i) {
                let v = values[i];
                if integer {
                    total_i = total_i.saturating_add(v.as_i64());
                }
                total_f += v.as_f64();
                n += 1;
            }
        }
        if integer {
            sums_i[u] = total_i;
        }
        sums[u] = total_f;
        counts[u] = n;
    }
    Totals {
        integer: integer.then_some(sums_i),
        sums,
        counts,
    }
}

/// The latest value or the mean of a linked file's numeric column per user, over rows at or before as-of.
fn linked_measure(
    linked: Option<&Linked>,
    column: &str,
    as_of: i64,
    users: usize,
    latest: bool,
    m: &Measure,
) -> Column {
    let name = m.name();
    let Some((linked, column)) =
        linked.and_then(|l| Some((l, l.column(column).filter(|c| c.ty().is_numeric())?)))
    else {
        return missing(name, ColumnType::Decimal, users);
    };
    let valid_in = column.valid();
    let mut valid = Bitset::new(users);
    let mut ints = vec![0i64; users];
    let mut floats = vec![0f64; users];
    for u in 0..users {
        let mut range = linked.user_range(u);
        if let Some(times) = &linked.times {
            range.end = range.start + times[range.clone()].partition_point(|&t| t <= as_of);
        }
        if latest {
            let Some(i) = range.rev().find(|&i| valid_in.get(i)) else {
                continue;
            };
            match column.data() {
                ColumnData::Integer(v) => ints[u] = v[i],
                ColumnData::Decimal(v) => floats[u] = v[i],
                _ => {}
            }
            valid.set(u, true);
            continue;
        }
        let (mut total, mut n) = (0f64, 0usize);
        for i in range.filter(|&i| valid_in.get(i)) {
            total += match column.data() {
                ColumnData::Integer(v) => v[i] as f64,
                ColumnData::Decimal(v) => v[i],
                _ => 0.0,
            };
            n += 1;
        }
        if n > 0 {
            floats[u] = total / n as f64;
            valid.set(u, true);
        }
    }
    match (latest, column.data()) {
        (true, ColumnData::Integer(_)) => {
            Column::new(name, ColumnType::Integer, ColumnData::Integer(ints), valid)
        }
        _ => Column::new(
            name,
            ColumnType::Decimal,
            ColumnData::Decimal(floats),
            valid,
        ),
    }
}

fn missing(name: String, ty: ColumnType, users: usize) -> Column {
    let data = match ty {
        ColumnType::Integer => ColumnData::Integer(vec![0; users]),
        _ => ColumnData::Decimal(vec![0.0; users]),
    };
    Column::new(name, ty, data, Bitset::new(users))
}
