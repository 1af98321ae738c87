//! The names and values a definition can use, for autocompletion and the visual builder.

use crate::dataset::Dataset;
use crate::table::{Column, ColumnData, ColumnType};
use serde::{Deserialize, Serialize};

/// A column a definition can name, with its type and (for categorical columns) its most frequent values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub name: String,
    pub ty: ColumnType,
    /// The most frequent values, most frequent first; empty unless the column is a category.
    pub values: Vec<String>,
}

/// What a definition over a dataset can refer to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Population columns, in table order.
    pub columns: Vec<Term>,
    /// Event names, most frequent first.
    pub events: Vec<String>,
    /// Event properties (for `sum(…) of "…"`).
    pub properties: Vec<Term>,
    /// Numeric columns of linked files, named `file.column` (for `latest(…)` and `nps(…)`).
    pub linked: Vec<Term>,
}

/// The vocabulary of `data`, with at most `max_values` values per categorical column and at most
/// `max_events` event names, so that it stays small enough to send to the page.
pub fn vocabulary(data: &Dataset, max_values: usize, max_events: usize) -> Vocabulary {
    let columns = data
        .population
        .columns()
        .iter()
        .map(|c| term(c, c.name().to_owned(), max_values))
        .collect();
    let (events, properties) = match &data.events {
        Some(log) => {
            let mut counts = vec![0usize; log.names.len()];
            for &e in &log.events {
                if let Some(slot) = counts.get_mut(e as usize) {
                    *slot += 1;
                }
            }
            let mut order: Vec<usize> = (0..log.names.len()).collect();
            crate::sorting::sort_by(&mut order, |&a, &b| {
                counts[b].cmp(&counts[a]).then(a.cmp(&b))
            });
            let events = order
                .into_iter()
                .take(max_events)
                .map(|i| log.names[i].clone())
                .collect();
            let properties = log
                .properties
                .iter()
                .map(|c| term(c, c.name().to_owned(), max_values))
                .collect();
            (events, properties)
        }
        None => (Vec::new(), Vec::new()),
    };
    let linked = data
        .linked
        .iter()
        .flat_map(|file| {
            file.columns
                .iter()
                .filter(|c| c.ty().is_numeric())
                .map(|c| term(c, format!("{}.{}", file.name, c.name()), 0))
        })
        .collect();
    Vocabulary {
        columns,
        events,
        properties,
        linked,
    }
}

fn term(column: &Column, name: String, max_values: usize) -> Term {
    Term {
        name,
        ty: column.ty(),
        values: top_values(column, max_values),
    }
}

/// The most frequent values of a dictionary column other than an id (ties in order of first appearance).
fn top_values(column: &Column, max: usize) -> Vec<String> {
    let ColumnData::Dictionary(dict) = column.data() else {
        return Vec::new();
    };
    if max == 0 || column.ty() == ColumnType::Id {
        return Vec::new();
    }
    // Every row counted, then the rows without a value taken back out (usually none, or few).
    let mut counts = dict.codes.counts(dict.values.len());
    let valid = column.valid();
    if valid.count() < valid.len() {
        for row in (0..valid.len()).filter(|&r| !valid.get(r)) {
            if let Some(slot) = counts.get_mut(dict.codes.get(row) as usize) {
                *slot -= 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| {
        counts[b].cmp(&counts[a]).then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(max)
        .map(|i| dict.values.get(i).to_owned())
        .collect()
}
