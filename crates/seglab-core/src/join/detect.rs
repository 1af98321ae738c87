//! Guessing what a file is — users, accounts, events, survey answers — from its columns and values.

use super::keys::{Normalized, all_distinct, is_key_storage, key_text, normalize_str};
use super::{Source, stem};
use crate::table::{Column, ColumnData, ColumnType, Dictionary, Table};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// What a file holds, and so how it joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// One row per user or account: its columns join onto the population.
    Entity,
    /// One row per event: user key, time, event name.
    Events,
    /// Many rows per user that are not events (survey answers, tickets).
    Linked,
}

/// A guess about one file, with the columns it rests on and reasons to show the user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileGuess {
    pub file: String,
    pub kind: FileKind,
    pub rows: usize,
    /// The column that identifies the user (or account) of a row.
    pub key: Option<String>,
    /// Whether `key` holds a user (rather than an account or another entity).
    pub user_key: bool,
    /// The timestamp column of an event log or linked file.
    pub time: Option<String>,
    /// The event-name column of an event log.
    pub event: Option<String>,
    pub reasons: Vec<String>,
}

/// Key names in order of preference, compared without case, `_`, `-` and spaces.
const USER_KEYS: [&str; 12] = [
    "userid",
    "user",
    "distinctid",
    "customerid",
    "contactid",
    "personid",
    "memberid",
    "email",
    "emailaddress",
    "mail",
    "uuid",
    "id",
];
const OTHER_KEYS: [&str; 6] = [
    "accountid",
    "companyid",
    "organizationid",
    "organisationid",
    "orgid",
    "account",
];
const TIME_HINTS: [&str; 8] = [
    "timestamp",
    "time",
    "eventtime",
    "occurredat",
    "createdat",
    "datetime",
    "date",
    "ts",
];
const EVENT_HINTS: [&str; 7] = [
    "event",
    "eventname",
    "eventtype",
    "name",
    "action",
    "type",
    "activity",
];
const SURVEY_HINTS: [&str; 6] = ["nps", "survey", "csat", "feedback", "responses", "answers"];
const SCORE_HINTS: [&str; 5] = ["score", "nps", "rating", "csat", "npsscore"];

/// A column name reduced for comparison: lowercase ASCII letters and digits only.
pub(crate) fn simple_name(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How strongly a column's name marks it as a key: lower is stronger; `None` for no key at all.
pub(crate) fn key_rank(column: &Column) -> Option<usize> {
    if !is_key_storage(column) {
        return None;
    }
    let name = simple_name(column.name());
    if let Some(i) = USER_KEYS.iter().position(|k| *k == name) {
        return Some(i);
    }
    if let Some(i) = OTHER_KEYS.iter().position(|k| *k == name) {
        return Some(20 + i);
    }
    if name.ends_with("id") || name.ends_with("uuid") || name.ends_with("key") {
        return Some(40);
    }
    (column.ty() == ColumnType::Id).then_some(50)
}

pub(crate) fn is_user_key_name(name: &str) -> bool {
    USER_KEYS.contains(&simple_name(name).as_str())
}

pub(crate) fn is_email_name(name: &str) -> bool {
    simple_name(name).contains("mail")
}

/// Where a key first repeats: the value and the two rows (1-based), or `None` when every value is distinct.
fn first_repeat(column: &Column) -> Option<(String, usize, usize)> {
    let ignore_case = is_email_name(column.name());
    if let ColumnData::Dictionary(dict) = column.data() {
        return first_repeat_coded(column, dict, ignore_case);
    }
    if all_distinct(column, ignore_case).is_some() {
        return None;
    }
    let normalized = Normalized::new(column, ignore_case);
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for row in 0..normalized.rows() {
        let Some(unit) = normalized.unit_of(row) else {
            continue;
        };
        let key = normalized.units.get(unit as usize);
        if let Some(&first) = seen.get(key) {
            let mut buf = String::new();
            let text = key_text(column, row, &mut buf).unwrap_or(key).to_owned();
            return Some((text, first + 1, row + 1));
        }
        seen.insert(key, row);
    }
    None
}

/// [`first_repeat`] of a dictionary column, read row by row until the first repeat: a code seen before
/// repeats at once, and only the values met on the way are normalised. An event log's user column (ten
/// million rows, a million users) repeats within its first rows, so this costs nearly nothing where
/// normalising every value and indexing them costs a pass over the whole dictionary.
fn first_repeat_coded(
    column: &Column,
    dict: &Dictionary,
    ignore_case: bool,
) -> Option<(String, usize, usize)> {
    let valid = column.valid();
    let mut first_of_code = vec![u32::MAX; dict.values.len()];
    let mut first_of_key: FxHashMap<String, usize> = FxHashMap::default();
    let mut buf = String::new();
    for (row, code) in dict.codes.iter().enumerate() {
        if !valid.get(row) {
            continue;
        }
        let Some(slot) = first_of_code.get_mut(code as usize) else {
            continue;
        };
        let raw = dict.values.get(code as usize);
        let Some(key) = normalize_str(raw, ignore_case, &mut buf) else {
            continue;
        };
        let first = if *slot == u32::MAX {
            *slot = row as u32;
            match first_of_key.entry(key.to_owned()) {
                std::collections::hash_map::Entry::Occupied(seen) => Some(*seen.get()),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(row);
                    None
                }
            }
        } else {
            first_of_key.get(key).copied()
        };
        if let Some(first) = first {
            return Some((raw.trim().to_owned(), first + 1, row + 1));
        }
    }
    None
}

fn distinct_values(column: &Column) -> Option<usize> {
    match column.data() {
        ColumnData::Dictionary(d) => Some(d.values.len()),
        _ => None,
    }
}

fn time_column(table: &Table) -> Option<&Column> {
    let times = || {
        table
            .columns()
            .iter()
            .filter(|c| matches!(c.ty(), ColumnType::Date | ColumnType::DateTime))
    };
    times()
        .find(|c| TIME_HINTS.contains(&simple_name(c.name()).as_str()))
        .or_else(|| times().find(|c| c.ty() == ColumnType::DateTime))
        .or_else(|| times().next())
}

/// The event-name column: text with a modest number of distinct values, preferring the usual headers.
fn event_column<'t>(table: &'t Table, key: &str) -> Option<(&'t Column, usize)> {
    let rows = table.rows();
    let mut best: Option<(&Column, usize, usize)> = None;
    for column in table.columns() {
        if column.name() == key || !column.ty().is_textual() {
            continue;
        }
        let Some(distinct) = distinct_values(column) else {
            continue;
        };
        let hint = EVENT_HINTS
            .iter()
            .position(|h| *h == simple_name(column.name()));
        let modest = distinct <= 10_000 && distinct * 2 <= rows.max(2);
        if !(modest || hint.is_some() && distinct <= 10_000) {
            continue;
        }
        let score = hint.unwrap_or(EVENT_HINTS.len()) * 2
            + usize::from(column.ty() != ColumnType::Category);
        if best.is_none_or(|(_, s, _)| score < s) {
            best = Some((column, score, distinct));
        }
    }
    best.map(|(c, _, d)| (c, d))
}

fn score_column(table: &Table) -> Option<&Column> {
    table.columns().iter().find(|c| {
        c.ty().is_numeric()
            && SCORE_HINTS
                .iter()
                .any(|h| simple_name(c.name()).contains(h))
    })
}

/// Guesses what `source` holds. Never fails: a file without any key column is an entity without a key,
/// which the plan then reports.
pub fn classify(source: Source<'_>) -> FileGuess {
    let table = source.table;
    let mut guess = FileGuess {
        file: source.name.to_owned(),
        kind: FileKind::Entity,
        rows: table.rows(),
        key: None,
        user_key: false,
        time: None,
        event: None,
        reasons: Vec::new(),
    };
    let mut candidates: Vec<(usize, &Column)> = table
        .columns()
        .iter()
        .filter_map(|c| key_rank(c).map(|r| (r, c)))
        .collect();
    crate::sorting::sort_by_key(&mut candidates, |&(r, _)| r);
    if candidates.is_empty() {
        guess
            .reasons
            .push("no column looks like a key (user_id, email, account_id, …)".to_owned());
        return guess;
    }
    let mut unique = None;
    let mut repeats = Vec::new();
    for &(_, column) in &candidates {
        match first_repeat(column) {
            None if column.valid().count() > 0 => {
                unique = Some(column);
                break;
            }
            None => {}
            Some(repeat) => repeats.push((column, repeat)),
        }
    }
    let time = time_column(table);
    let stem_name = simple_name(stem(source.name));
    let survey_name = SURVEY_HINTS.iter().find(|h| stem_name.contains(*h));
    let score = score_column(table);

    // Without a time column, a strong key distinct on nearly every row is an entity table with a few repeats
    // (a messy export), preferred over a weaker key that happens to be unique; the join reports the repeats.
    if time.is_none()
        && let Some((key, distinct, filled)) = repeats.iter().find_map(|(c, _)| {
            let normalized = Normalized::new(c, is_email_name(c.name()));
            let index = normalized.index();
            let filled = c.len() - index.missing;
            let distinct = filled - index.duplicate_rows;
            (distinct * 10 >= filled * 9).then_some((*c, distinct, filled))
        })
    {
        guess.key = Some(key.name().to_owned());
        guess.user_key = is_user_key_name(key.name());
        guess.reasons.push(format!(
            "`{}` is distinct on {distinct} of its {filled} filled rows: one row per key, with a few repeats",
            key.name()
        ));
        if let Some((_, (value, a, b))) = repeats.iter().find(|(c, _)| c.name() == key.name()) {
            guess
                .reasons
                .push(format!("`{value}` appears on rows {a} and {b}"));
        }
        return guess;
    }

    // A stronger user key that repeats beside a time column makes an event log whose event id is unique.
    let repeating_user = time.is_some() && repeats.iter().any(|(c, _)| is_user_key_name(c.name()));
    if let (Some(key), None, false) = (
        unique,
        survey_name.filter(|_| time.is_some()),
        repeating_user,
    ) {
        guess.key = Some(key.name().to_owned());
        guess.user_key = is_user_key_name(key.name());
        guess.reasons.push(format!(
            "`{}` holds a different value on each of its {} filled rows",
            key.name(),
            key.valid().count()
        ));
        for (column, (value, a, b)) in repeats.iter().take(2) {
            guess.reasons.push(format!(
                "`{}` repeats (`{value}` on rows {a} and {b}), so it refers to another table",
                column.name()
            ));
        }
        return guess;
    }

    // Many rows per key: the key is the strongest user-like candidate that repeats.
    let key = repeats
        .iter()
        .map(|(c, r)| (*c, Some(r)))
        .find(|(c, _)| is_user_key_name(c.name()))
        .or_else(|| repeats.first().map(|(c, r)| (*c, Some(r))))
        .or_else(|| unique.map(|c| (c, None)));
    let Some((key, repeat)) = key else {
        guess.reasons.push("no key column has values".to_owned());
        return guess;
    };
    guess.key = Some(key.name().to_owned());
    guess.user_key = is_user_key_name(key.name());
    match repeat {
        Some((value, a, b)) => {
            guess.reasons.push(format!(
                "`{}` repeats (`{value}` on rows {a} and {b}): many rows per user",
                key.name()
            ));
        }
        None => guess
            .reasons
            .push(format!("`{}` identifies the user of each row", key.name())),
    }
    let Some(time) = time else {
        guess.kind = FileKind::Linked;
        guess
            .reasons
            .push("no date or time column, so not an event log".to_owned());
        return guess;
    };
    guess.time = Some(time.name().to_owned());
    guess
        .reasons
        .push(format!("`{}` holds {}s", time.name(), time.ty()));
    let event = event_column(table, key.name());
    match (survey_name, score, event) {
        (None, _, Some((event, distinct))) => {
            guess.kind = FileKind::Events;
            guess.event = Some(event.name().to_owned());
            guess.reasons.push(format!(
                "`{}` has {distinct} distinct values: the event names",
                event.name()
            ));
        }
        (Some(hint), _, _) => {
            guess.kind = FileKind::Linked;
            guess.reasons.push(format!(
                "the file name mentions `{hint}`: answers per user, not events"
            ));
        }
        (None, Some(score), None) => {
            guess.kind = FileKind::Linked;
            guess.reasons.push(format!(
                "`{}` looks like a score and no column names events",
                score.name()
            ));
        }
        (None, None, None) => {
            guess.kind = FileKind::Linked;
            guess
                .reasons
                .push("no column looks like event names".to_owned());
        }
    }
    guess
}
