//! Executing a join plan: the population table, gathered entity columns, the event log and linked files.

use super::detect::{FileKind, is_email_name};
use super::gather::gather;
use super::keys::{
    EXAMPLES, KeyIndex, MISSING, Normalized, UNMATCHED, all_distinct, is_key_storage, key_text,
    resolve,
};
use super::plan::{JoinLink, JoinPlan};
use super::time::{column_max, column_times, parse_as_of};
use super::{JoinError, Source, column_list};
use crate::bitset::Bitset;
use crate::dataset::{Dataset, EventLog, Linked};
use crate::table::{Code as _, Codes, Column, ColumnData, ColumnType, StringColumn, Table};
use crate::with_codes;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How well one file matched the population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub file: String,
    pub kind: FileKind,
    pub key: String,
    pub population_key: String,
    /// Rows in the file.
    pub rows: usize,
    /// File rows that reached a population row: events and linked rows kept; entity rows used by at
    /// least one population row.
    pub matched_rows: usize,
    /// File rows whose key matches no population row.
    pub unmatched_rows: usize,
    /// File rows with an empty key.
    pub missing_key_rows: usize,
    /// Events or linked rows whose key matched but whose time (or event name) is empty, left out.
    pub dropped_rows: usize,
    /// `matched_rows / rows` (1 for an empty file).
    pub matched_share: f64,
    pub population_rows: usize,
    /// Population rows with at least one matching file row.
    pub population_matched: usize,
    pub population_unmatched: usize,
    /// `population_matched / population_rows` (1 for an empty population).
    pub population_matched_share: f64,
    /// Entity files: keys on more than one row; the first row's values are used. Always 0 for events and
    /// linked files, where repeats are the point.
    pub duplicate_keys: usize,
    /// Entity files: rows beyond the first of a repeated key.
    pub duplicate_rows: usize,
    pub duplicate_examples: Vec<String>,
    /// A few file keys that matched no population row.
    pub unmatched_examples: Vec<String>,
}

/// The population's own key: repeats make later rows unreachable for events and linked files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PopulationReport {
    /// The population file; `None` when the population was drawn from the event log.
    pub file: Option<String>,
    pub key: Option<String>,
    pub rows: usize,
    pub missing_keys: usize,
    pub duplicate_keys: usize,
    pub duplicate_rows: usize,
    pub duplicate_examples: Vec<String>,
}

/// The dataset and what the join found along the way.
#[derive(Clone, Debug)]
pub struct Joined {
    pub dataset: Dataset,
    pub population: PopulationReport,
    /// One entry per plan link, in plan order.
    pub coverage: Vec<Coverage>,
}

fn find<'a>(sources: &[Source<'a>], name: &str) -> Result<Source<'a>, JoinError> {
    sources
        .iter()
        .find(|s| s.name == name)
        .or_else(|| sources.iter().find(|s| s.stem() == super::stem(name)))
        .copied()
        .ok_or_else(|| JoinError::UnknownFile {
            file: name.to_owned(),
        })
}

fn column<'t>(
    file: &str,
    table: &'t Table,
    name: &str,
    role: &'static str,
) -> Result<&'t Column, JoinError> {
    table
        .column(name)
        .or_else(|| table.column_loose(name))
        .ok_or_else(|| JoinError::ColumnMissing {
            file: file.to_owned(),
            column: name.to_owned(),
            role,
            available: column_list(table),
        })
}

fn key_column<'t>(file: &str, table: &'t Table, name: &str) -> Result<&'t Column, JoinError> {
    let key = column(file, table, name, "key")?;
    if !is_key_storage(key) {
        return Err(JoinError::KeyType {
            file: file.to_owned(),
            column: key.name().to_owned(),
            ty: key.ty(),
        });
    }
    Ok(key)
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Builds the dataset `plan` describes from `sources`.
pub fn build(sources: &[Source<'_>], plan: &JoinPlan) -> Result<Joined, JoinError> {
    let mut events_links = plan.links.iter().filter(|l| l.kind == FileKind::Events);
    if let (Some(first), Some(second)) = (events_links.next(), events_links.next()) {
        return Err(JoinError::TwoEventLogs {
            file: first.file.clone(),
            other: second.file.clone(),
        });
    }
    let (mut population, population_name) = if let Some(file) = &plan.population {
        let source = find(sources, file)?;
        if let Some(key) = &plan.key {
            key_column(source.name, source.table, key)?;
        }
        (source.table.clone(), source.name.to_owned())
    } else {
        let link = plan
            .links
            .iter()
            .find(|l| l.kind == FileKind::Events)
            .ok_or(JoinError::NoPopulation)?;
        let source = find(sources, &link.file)?;
        let key = key_column(source.name, source.table, &link.key)?;
        let users = users_of(
            key,
            link.ignore_case,
            plan.key.as_deref().unwrap_or("user_id"),
        );
        (users, "the event log's users".to_owned())
    };
    let key_name = match &plan.population {
        Some(_) => plan.key.clone(),
        None => Some(plan.key.clone().unwrap_or_else(|| "user_id".to_owned())),
    };
    let report = population_report(&population, plan.population.clone(), key_name.as_deref());

    let mut dataset = Dataset::default();
    let mut coverage = Vec::with_capacity(plan.links.len());
    for link in &plan.links {
        let source = find(sources, &link.file)?;
        let file_key = key_column(source.name, source.table, &link.key)?;
        let population_key = key_column(&population_name, &population, &link.population_key)?;
        match link.kind {
            FileKind::Entity => {
                let (columns, cov) =
                    join_entity(source, file_key, &population, population_key, link);
                for column in columns {
                    population
                        .push_column(column)
                        .map_err(|e| JoinError::Table {
                            file: source.name.to_owned(),
                            source: e,
                        })?;
                }
                coverage.push(cov);
            }
            FileKind::Events => {
                let (log, cov) = join_events(source, file_key, population_key, link)?;
                dataset.events = Some(log);
                coverage.push(cov);
            }
            FileKind::Linked => {
                let (linked, cov) = join_linked(source, file_key, population_key, link)?;
                dataset.linked.push(linked);
                coverage.push(cov);
            }
        }
    }
    dataset.as_of = match &plan.as_of {
        Some(text) => Some(parse_as_of(text)?),
        None => default_as_of(&dataset, &population),
    };
    dataset.population = population;
    dataset.key = key_name;
    Ok(Joined {
        dataset,
        population: report,
        coverage,
    })
}

/// The distinct users of an event log's key column, in order of first appearance, as a `user_id` column.
fn users_of(key: &Column, ignore_case: bool, name: &str) -> Table {
    let normalized = Normalized::new(key, ignore_case);
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut users = StringColumn::with_capacity(0, 0);
    let mut buf = String::new();
    for row in 0..normalized.rows() {
        let Some(unit) = normalized.unit_of(row) else {
            continue;
        };
        if seen.insert(normalized.units.get(unit as usize)) {
            users.push(key_text(key, row, &mut buf).unwrap_or_default());
        }
    }
    let rows = users.len();
    let column = Column::new(
        name,
        ColumnType::Id,
        ColumnData::Strings(users),
        Bitset::full(rows),
    );
    Table::new(vec![column]).unwrap_or_default()
}

fn population_report(
    population: &Table,
    file: Option<String>,
    key: Option<&str>,
) -> PopulationReport {
    let mut report = PopulationReport {
        file,
        key: key.map(str::to_owned),
        rows: population.rows(),
        missing_keys: 0,
        duplicate_keys: 0,
        duplicate_rows: 0,
        duplicate_examples: Vec::new(),
    };
    if let Some(column) = key.and_then(|k| population.column_loose(k)) {
        if let Some(missing) = all_distinct(column, is_email_name(column.name())) {
            report.missing_keys = missing;
            return report;
        }
        let normalized = Normalized::new(column, is_email_name(column.name()));
        let index = normalized.index();
        report.missing_keys = index.missing;
        report.duplicate_keys = index.duplicate_keys;
        report.duplicate_rows = index.duplicate_rows;
        report.duplicate_examples = index.duplicate_examples;
    }
    report
}

fn empty_coverage(source: Source<'_>, link: &JoinLink, population_rows: usize) -> Coverage {
    Coverage {
        file: source.name.to_owned(),
        kind: link.kind,
        key: link.key.clone(),
        population_key: link.population_key.clone(),
        rows: source.table.rows(),
        matched_rows: 0,
        unmatched_rows: 0,
        missing_key_rows: 0,
        dropped_rows: 0,
        matched_share: 0.0,
        population_rows,
        population_matched: 0,
        population_unmatched: 0,
        population_matched_share: 0.0,
        duplicate_keys: 0,
        duplicate_rows: 0,
        duplicate_examples: Vec::new(),
        unmatched_examples: Vec::new(),
    }
}

/// An entity file's columns (all but its key) gathered onto population rows, one file row per user.
fn join_entity(
    source: Source<'_>,
    file_key: &Column,
    population: &Table,
    population_key: &Column,
    link: &JoinLink,
) -> (Vec<Column>, Coverage) {
    let normalized = Normalized::new(file_key, link.ignore_case);
    let index = normalized.index();
    let rows_for_users = resolve(population_key, link.ignore_case, &index);
    let mut used = Bitset::new(source.table.rows());
    let mut cov = empty_coverage(source, link, rows_for_users.len());
    for &row in &rows_for_users {
        if row < UNMATCHED {
            used.set(row as usize, true);
            cov.population_matched += 1;
        }
    }
    cov.population_unmatched = cov.population_rows - cov.population_matched;
    cov.matched_rows = used.count();
    cov.missing_key_rows = index.missing;
    cov.duplicate_keys = index.duplicate_keys;
    cov.duplicate_rows = index.duplicate_rows;
    cov.duplicate_examples.clone_from(&index.duplicate_examples);
    cov.unmatched_rows = cov.rows - cov.matched_rows - cov.missing_key_rows - cov.duplicate_rows;
    let mut buf = String::new();
    for row in 0..source.table.rows() {
        if cov.unmatched_examples.len() >= EXAMPLES {
            break;
        }
        let Some(unit) = normalized.unit_of(row) else {
            continue;
        };
        let first = index.get(normalized.units.get(unit as usize)) == Some(row as u32);
        if first
            && !used.get(row)
            && let Some(text) = key_text(file_key, row, &mut buf)
        {
            cov.unmatched_examples.push(text.to_owned());
        }
    }
    cov.matched_share = share(cov.matched_rows, cov.rows);
    cov.population_matched_share = share(cov.population_matched, cov.population_rows);
    let stem = source.stem();
    let columns = source
        .table
        .columns()
        .iter()
        .filter(|c| c.name() != file_key.name())
        .map(|c| {
            let name = if population.column(c.name()).is_some() {
                format!("{stem}.{}", c.name())
            } else {
                c.name().to_owned()
            };
            gather(c, &rows_for_users, &name)
        })
        .collect();
    (columns, cov)
}

/// Rows grouped per user by a counting sort: `offsets` per population row, the file row order and, with
/// `times`, the times in that order. `target[r]` is the population row of file row `r` (or a sentinel);
/// rows with `keep[r]` false are left out. Within a user, rows are ordered by time, ties in file order.
fn group(target: &[u32], keep: &Bitset, users: usize, times: Option<&[i64]>) -> Grouped {
    let mut offsets = vec![0u32; users + 1];
    for (r, &user) in target.iter().enumerate() {
        if user < UNMATCHED && keep.get(r) {
            offsets[user as usize + 1] += 1;
        }
    }
    for u in 0..users {
        offsets[u + 1] += offsets[u];
    }
    let total = offsets[users] as usize;
    let mut cursor = offsets[..users].to_vec();
    let mut order = vec![0u32; total];
    // Times travel with their rows, so sorting each user's slice reads contiguous memory.
    let mut sorted_times = vec![0i64; if times.is_some() { total } else { 0 }];
    for (r, &user) in target.iter().enumerate() {
        if user < UNMATCHED && keep.get(r) {
            let slot = &mut cursor[user as usize];
            order[*slot as usize] = r as u32;
            if let Some(times) = times {
                sorted_times[*slot as usize] = times[r];
            }
            *slot += 1;
        }
    }
    if times.is_some() {
        let mut scratch: Vec<(i64, u32)> = Vec::new();
        for u in 0..users {
            let range = offsets[u] as usize..offsets[u + 1] as usize;
            if sorted_times[range.clone()].is_sorted() {
                continue;
            }
            scratch.clear();
            scratch.extend(
                sorted_times[range.clone()]
                    .iter()
                    .copied()
                    .zip(order[range.clone()].iter().copied()),
            );
            // Rows arrive in file order, so sorting by (time, row) keeps ties in file order.
            scratch.sort_unstable();
            for (k, &(t, r)) in scratch.iter().enumerate() {
                sorted_times[range.start + k] = t;
                order[range.start + k] = r;
            }
        }
    }
    Grouped {
        offsets,
        order,
        times: times.map(|_| sorted_times),
    }
}

struct Grouped {
    offsets: Vec<u32>,
    order: Vec<u32>,
    times: Option<Vec<i64>>,
}

/// Counts key matches of a many-rows-per-user file and lists a few unmatched keys.
fn many_coverage(
    source: Source<'_>,
    file_key: &Column,
    target: &[u32],
    keep: &Bitset,
    offsets: &[u32],
    link: &JoinLink,
) -> Coverage {
    let users = offsets.len() - 1;
    let mut cov = empty_coverage(source, link, users);
    let mut seen_unmatched: Vec<String> = Vec::new();
    let mut buf = String::new();
    for (r, &user) in target.iter().enumerate() {
        match user {
            MISSING => cov.missing_key_rows += 1,
            UNMATCHED => {
                cov.unmatched_rows += 1;
                if seen_unmatched.len() < EXAMPLES
                    && let Some(text) = key_text(file_key, r, &mut buf)
                    && !seen_unmatched.iter().any(|s| s == text)
                {
                    seen_unmatched.push(text.to_owned());
                }
            }
            _ if keep.get(r) => cov.matched_rows += 1,
            _ => cov.dropped_rows += 1,
        }
    }
    cov.unmatched_examples = seen_unmatched;
    cov.population_matched = offsets.windows(2).filter(|w| w[1] > w[0]).count();
    cov.population_unmatched = users - cov.population_matched;
    cov.matched_share = share(cov.matched_rows, cov.rows);
    cov.population_matched_share = share(cov.population_matched, users);
    cov
}

fn population_rows_of(file_key: &Column, population_key: &Column, ignore_case: bool) -> Vec<u32> {
    let normalized = Normalized::new(population_key, ignore_case);
    let index: KeyIndex<'_> = normalized.index();
    resolve(file_key, ignore_case, &index)
}

fn check_size(source: Source<'_>) -> Result<(), JoinError> {
    if source.table.rows() >= UNMATCHED as usize {
        return Err(JoinError::TooManyRows {
            file: source.name.to_owned(),
        });
    }
    Ok(())
}

fn join_events(
    source: Source<'_>,
    file_key: &Column,
    population_key: &Column,
    link: &JoinLink,
) -> Result<(EventLog, Coverage), JoinError> {
    check_size(source)?;
    let file = source.name;
    let time_name = link.time.as_deref().ok_or(JoinError::LinkField {
        file: file.to_owned(),
        role: "events",
        field: "time",
    })?;
    let event_name = link.event.as_deref().ok_or(JoinError::LinkField {
        file: file.to_owned(),
        role: "events",
        field: "event",
    })?;
    let time_column = column(file, source.table, time_name, "time")?;
    let event_column = column(file, source.table, event_name, "event")?;
    let (times, time_valid) = column_times(file, time_column)?;
    let (codes, names) = event_codes(file, event_column)?;
    let keep = time_valid.and(event_column.valid());

    let target = population_rows_of(file_key, population_key, link.ignore_case);
    let users = population_key.len();
    let Grouped {
        offsets,
        order,
        times,
    } = group(&target, &keep, users, Some(&times));
    let cov = many_coverage(source, file_key, &target, &keep, &offsets, link);
    let properties = source
        .table
        .columns()
        .iter()
        .filter(|c| ![file_key.name(), time_column.name(), event_column.name()].contains(&c.name()))
        .map(|c| gather(c, &order, c.name()))
        .collect();
    let log = EventLog {
        times: times.unwrap_or_default(),
        events: with_codes!(codes.as_ref(), |v| order
            .iter()
            .map(|&r| v[r as usize].to_u32())
            .collect()),
        offsets,
        names,
        properties,
        unmatched: cov.unmatched_rows + cov.missing_key_rows,
        ..EventLog::default()
    };
    Ok((log, cov))
}

/// Event-name codes per row and the names they index.
fn event_codes<'c>(
    file: &str,
    column: &'c Column,
) -> Result<(Cow<'c, Codes>, Vec<String>), JoinError> {
    match column.data() {
        ColumnData::Dictionary(d) => Ok((
            Cow::Borrowed(&d.codes),
            d.values.iter().map(str::to_owned).collect(),
        )),
        ColumnData::Strings(s) => {
            let mut map: FxHashMap<&str, u32> = FxHashMap::default();
            let mut names = Vec::new();
            let mut codes = Codes::with_capacity(0, s.len());
            for name in s.iter() {
                codes.push(*map.entry(name).or_insert_with(|| {
                    names.push(name.to_owned());
                    (names.len() - 1) as u32
                }));
            }
            Ok((Cow::Owned(codes), names))
        }
        _ => Err(JoinError::EventType {
            file: file.to_owned(),
            column: column.name().to_owned(),
            ty: column.ty(),
        }),
    }
}

fn join_linked(
    source: Source<'_>,
    file_key: &Column,
    population_key: &Column,
    link: &JoinLink,
) -> Result<(Linked, Coverage), JoinError> {
    check_size(source)?;
    let file = source.name;
    let times = match link.time.as_deref() {
        Some(name) => Some(column_times(
            file,
            column(file, source.table, name, "time")?,
        )?),
        None => None,
    };
    let keep = times.as_ref().map_or_else(
        || Bitset::full(source.table.rows()),
        |(_, valid)| valid.clone(),
    );
    let target = population_rows_of(file_key, population_key, link.ignore_case);
    let users = population_key.len();
    let grouped = group(&target, &keep, users, times.as_ref().map(|(t, _)| &**t));
    let Grouped {
        offsets,
        order,
        times: sorted_times,
    } = grouped;
    let cov = many_coverage(source, file_key, &target, &keep, &offsets, link);
    let linked = Linked {
        name: source.stem().to_owned(),
        times: sorted_times,
        columns: source
            .table
            .columns()
            .iter()
            .map(|c| gather(c, &order, c.name()))
            .collect(),
        offsets,
        unmatched: cov.unmatched_rows + cov.missing_key_rows,
    };
    Ok((linked, cov))
}

/// The latest time in the data: events first, then linked files, then the population's date columns.
fn default_as_of(dataset: &Dataset, population: &Table) -> Option<i64> {
    if let Some(log) = &dataset.events
        && let Some(&max) = log.times.iter().max()
    {
        return Some(max);
    }
    let linked = dataset
        .linked
        .iter()
        .filter_map(|l| l.times.as_ref()?.iter().max().copied())
        .max();
    linked.or_else(|| population.columns().iter().filter_map(column_max).max())
}
