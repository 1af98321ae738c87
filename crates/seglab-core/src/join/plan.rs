//! The join plan: which file is the population and how every other file links to it.

use super::detect::{
    FileGuess, FileKind, classify, is_email_name, is_user_key_name, key_rank, simple_name,
};
use super::keys::{key_hash_set, key_text, sample_rows, text_hash, without_zero_fraction};
use super::{JoinError, Source};
use crate::share::JoinKey;
use crate::table::Column;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

/// How the files join: shown to the user, editable, and carried in the shared link.
///
/// Files are named as loaded (`users.csv`); a colleague with files of the same names reproduces the join.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinPlan {
    /// The entity file whose rows are the population. `None`: the distinct users of the event log, in a
    /// single `user_id` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// The population column that identifies a user (`user_id` for a population drawn from events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The other files, joined in this order (an entity file's columns can serve later links as keys).
    #[serde(default)]
    pub links: Vec<JoinLink>,
    /// "Now" for relative windows, as `2025-03-01` (the end of that day) or `2025-03-01T12:00:00Z`.
    /// `None`: the latest time in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// How one file joins the population.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinLink {
    pub file: String,
    pub kind: FileKind,
    /// The file's key column.
    pub key: String,
    /// The population column whose values `key` matches.
    pub population_key: String,
    /// Compare keys without regard to case (e-mail addresses).
    #[serde(default)]
    pub ignore_case: bool,
    /// Events and linked files: the timestamp column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Events: the event-name column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// What [`propose`] found: a guess per file, the plan, and the files it could not place.
#[derive(Debug)]
pub struct Proposal {
    pub guesses: Vec<FileGuess>,
    pub plan: JoinPlan,
    /// Files left out of the plan, and why.
    pub problems: Vec<JoinError>,
}

/// How many key values are sampled to measure overlap.
const SAMPLE: usize = 2000;

/// Proposes a plan for `sources`: the population, then a key pair per file chosen from column names and
/// the share of sampled values found in the population.
pub fn propose(sources: &[Source<'_>]) -> Proposal {
    let guesses: Vec<FileGuess> = sources.iter().map(|s| classify(*s)).collect();
    let mut problems = Vec::new();
    let population = guesses
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == FileKind::Entity && g.key.is_some())
        .max_by_key(|&(i, g)| (g.user_key, g.rows, std::cmp::Reverse(i)))
        .map(|(i, _)| i);
    let events = guesses
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == FileKind::Events)
        .max_by_key(|&(i, g)| (g.rows, std::cmp::Reverse(i)))
        .map(|(i, _)| i);
    let mut plan = JoinPlan::default();

    // The columns other files are matched against, under the names the population will give them.
    let targets: Vec<(String, &Column)> = match (population, events) {
        (Some(p), _) => {
            plan.population = Some(sources[p].name.to_owned());
            plan.key.clone_from(&guesses[p].key);
            sources[p]
                .table
                .columns()
                .iter()
                .filter(|c| key_rank(c).is_some())
                .map(|c| (c.name().to_owned(), c))
                .collect()
        }
        (None, Some(e)) => {
            plan.key = Some("user_id".to_owned());
            let key = guesses[e]
                .key
                .as_deref()
                .and_then(|k| sources[e].table.column(k));
            key.map(|c| ("user_id".to_owned(), c)).into_iter().collect()
        }
        (None, None) => {
            problems.push(JoinError::NoPopulation);
            return Proposal {
                guesses,
                plan,
                problems,
            };
        }
    };
    // Which sampled keys of the other files each population key column holds, found in one pass over
    // each column and only when another file needs matching to them.
    let mut indexes: Option<Vec<FxHashSet<u64>>> = None;

    for (i, (source, guess)) in sources.iter().zip(&guesses).enumerate() {
        if Some(i) == population {
            continue;
        }
        let kind = match guess.kind {
            FileKind::Events if Some(i) != events => FileKind::Linked,
            kind => kind,
        };
        let derived_events = population.is_none() && Some(i) == events;
        let best = if derived_events {
            guess.key.clone().map(|key| {
                let ignore_case = is_email_name(&key);
                (key, "user_id".to_owned(), ignore_case)
            })
        } else {
            let indexes = indexes.get_or_insert_with(|| {
                let sampled = sampled_hashes(sources, population);
                targets
                    .iter()
                    .map(|(_, c)| key_hash_set(c, &sampled))
                    .collect()
            });
            best_pair(*source, guess, &targets, indexes)
        };
        let Some((key, population_key, ignore_case)) = best else {
            let population = plan
                .population
                .clone()
                .unwrap_or_else(|| "the event log's users".to_owned());
            problems.push(JoinError::NoCommonKey {
                file: source.name.to_owned(),
                population,
            });
            continue;
        };
        plan.links.push(JoinLink {
            file: source.name.to_owned(),
            kind,
            key,
            population_key,
            ignore_case,
            time: if kind == FileKind::Entity {
                None
            } else {
                guess.time.clone()
            },
            event: if kind == FileKind::Events {
                guess.event.clone()
            } else {
                None
            },
        });
    }
    // Entity files first, so their columns exist when the plan is read top to bottom.
    crate::sorting::sort_by_key(&mut plan.links, |l| link_order(l.kind));
    Proposal {
        guesses,
        plan,
        problems,
    }
}

/// The file column and population column that share the most values, favouring equal names and the
/// file's own key. `None` when no pair shares any sampled value.
fn best_pair(
    source: Source<'_>,
    guess: &FileGuess,
    targets: &[(String, &Column)],
    indexes: &[FxHashSet<u64>],
) -> Option<(String, String, bool)> {
    let mut best: Option<(f64, String, String, bool)> = None;
    let mut buf = String::new();
    let mut lower = String::new();
    for column in source
        .table
        .columns()
        .iter()
        .filter(|c| key_rank(c).is_some())
    {
        let mut at_sign = false;
        for ((target_name, target), index) in targets.iter().zip(indexes) {
            let (mut found, mut sampled) = (0usize, 0usize);
            sample_keys(column, &mut buf, &mut lower, |text, hash| {
                at_sign |= text.contains('@');
                sampled += 1;
                found += usize::from(index.contains(&hash));
            });
            if found == 0 {
                continue;
            }
            let overlap = found as f64 / sampled as f64;
            let same_name = simple_name(column.name()) == simple_name(target_name);
            let both_users = is_user_key_name(column.name()) && is_user_key_name(target.name());
            let own_key = guess.key.as_deref() == Some(column.name());
            let score = overlap
                + 0.3 * f64::from(u8::from(same_name))
                + 0.1 * f64::from(u8::from(both_users))
                + 0.2 * f64::from(u8::from(own_key));
            let ignore_case = at_sign || is_email_name(column.name()) || is_email_name(target_name);
            if best.as_ref().is_none_or(|(s, ..)| score > *s) {
                best = Some((
                    score,
                    column.name().to_owned(),
                    target_name.clone(),
                    ignore_case,
                ));
            }
        }
    }
    best.map(|(_, key, population_key, ignore_case)| (key, population_key, ignore_case))
}

/// Calls `f` with the text and the case-folded hash of each sampled key of `column`.
fn sample_keys(
    column: &Column,
    buf: &mut String,
    lower: &mut String,
    mut f: impl FnMut(&str, u64),
) {
    for row in sample_rows(column.len(), SAMPLE) {
        let Some(text) = key_text(column, row, buf) else {
            continue;
        };
        let text = without_zero_fraction(text);
        lower.clear();
        lower.extend(text.chars().flat_map(char::to_lowercase));
        f(text, text_hash(lower));
    }
}

/// The hashes of the sampled keys of every file but the population, as [`best_pair`] samples them.
fn sampled_hashes(sources: &[Source<'_>], population: Option<usize>) -> FxHashSet<u64> {
    let (mut buf, mut lower) = (String::new(), String::new());
    let mut hashes = FxHashSet::default();
    for (i, source) in sources.iter().enumerate() {
        if Some(i) == population {
            continue;
        }
        for column in source
            .table
            .columns()
            .iter()
            .filter(|c| key_rank(c).is_some())
        {
            sample_keys(column, &mut buf, &mut lower, |_, hash| {
                hashes.insert(hash);
            });
        }
    }
    hashes
}

/// The order links are joined in: entity files first, so their columns exist for later links.
fn link_order(kind: FileKind) -> u8 {
    match kind {
        FileKind::Entity => 0,
        FileKind::Events => 1,
        FileKind::Linked => 2,
    }
}

impl JoinPlan {
    /// Applies the user's choices of key column and role (from the page or a shared link) over a proposed
    /// plan. A choice naming a file that is not loaded is skipped; a column that does not exist is left for
    /// [`build`](super::build) to report by name. The population file keeps its role: only its key column
    /// changes, and links that matched the old key follow it.
    pub fn apply_keys(&mut self, keys: &[JoinKey], sources: &[Source<'_>], guesses: &[FileGuess]) {
        let population_columns: Vec<String> = match &self.population {
            Some(file) => sources
                .iter()
                .find(|s| s.name == file)
                .map(|s| {
                    s.table
                        .columns()
                        .iter()
                        .map(|c| c.name().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            None => self.key.clone().into_iter().collect(),
        };
        for choice in keys {
            if self.population.as_deref() == Some(choice.file.as_str()) {
                let old = self.key.replace(choice.column.clone());
                for link in &mut self.links {
                    if Some(&link.population_key) == old.as_ref() {
                        link.population_key.clone_from(&choice.column);
                    }
                }
                continue;
            }
            let Some(guess) = guesses.iter().find(|g| g.file == choice.file) else {
                continue;
            };
            let kind = choice.kind.unwrap_or_else(|| {
                self.links
                    .iter()
                    .find(|l| l.file == choice.file)
                    .map_or(guess.kind, |l| l.kind)
            });
            if kind == FileKind::Events {
                // One event log: the file that was it becomes a file with many rows per user.
                for other in self
                    .links
                    .iter_mut()
                    .filter(|l| l.kind == FileKind::Events && l.file != choice.file)
                {
                    other.kind = FileKind::Linked;
                    other.event = None;
                }
            }
            let population_key = population_columns
                .iter()
                .find(|c| simple_name(c) == simple_name(&choice.column))
                .or(self.key.as_ref())
                .cloned()
                .unwrap_or_else(|| choice.column.clone());
            let link = JoinLink {
                file: choice.file.clone(),
                kind,
                key: choice.column.clone(),
                ignore_case: is_email_name(&choice.column) || is_email_name(&population_key),
                population_key,
                time: (kind != FileKind::Entity)
                    .then(|| guess.time.clone())
                    .flatten(),
                event: (kind == FileKind::Events)
                    .then(|| guess.event.clone())
                    .flatten(),
            };
            match self.links.iter_mut().find(|l| l.file == choice.file) {
                Some(slot) if slot.key == link.key && slot.kind == link.kind => {}
                Some(slot) => *slot = link,
                None => self.links.push(link),
            }
        }
        crate::sorting::sort_by_key(&mut self.links, |l| link_order(l.kind));
    }
}
