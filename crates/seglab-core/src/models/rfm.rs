//! RFM: recency, frequency and monetary value per user from the event log (or a linked transaction
//! file), each scored 1–5 by quintiles, and the standard named groups of the recency/frequency grid.
//!
//! # Definitions
//! - **Recency**: whole days from the user's last event (of the chosen name, if any) to as-of;
//!   **frequency**: the number of such events; **monetary**: the sum of the value property over them
//!   (a missing value adds 0). Events after as-of are ignored. Users without such events are not scored
//!   (their RFM columns are missing) and are counted in [`RfmResult::unscored`].
//! - **Quintile scores** are exactly pandas' `qcut(x.rank(method='first'), 5, labels=False) + 1` over the
//!   scored users in population order: values are ranked 1..n with ties broken by row order (plain
//!   `qcut(x, 5)` fails on the duplicate edges that counts always have), then cut at the rank quantiles
//!   `1 + (n − 1)·k/5`, bins closed on the right. In integers: score = max(1, ⌈5(r − 1)/(n − 1)⌉).
//!   Recency is ranked on `−days` so that the most recent users score 5. A single scored user gets 1.
//! - **Groups** come from the recency (R) and frequency (F) scores by [`standard_rules`], shown as data;
//!   the rules cover the 5×5 grid exactly once. Each group is a definition over the added population
//!   columns `rfm_r`, `rfm_f` (and `rfm_m`), e.g. `rfm_r between 1 and 2 and rfm_f between 3 and 4`.

use super::ModelError;
use crate::bitset::Bitset;
use crate::dataset::Dataset;
use crate::table::{Column, ColumnData, ColumnType};
use serde::{Deserialize, Serialize};

const DAY: i64 = 86_400;

/// Where the values come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmOptions {
    /// A numeric event property (`amount`), or a linked file's numeric column (`orders.total`).
    pub value: String,
    /// Only events of this name (e.g. `Purchase`); every event when left out. Not used for linked files.
    #[serde(default)]
    pub event: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RfmSource {
    Events,
    Linked { file: String },
}

/// A named cell range of the R/F grid (both ends included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmRule {
    pub name: String,
    pub recency: (u8, u8),
    pub frequency: (u8, u8),
}

/// The standard grid: Champions, Loyal, Potential loyalists, New customers, Promising, Need attention,
/// About to sleep, At risk, Can't lose them, Hibernating, Lost.
pub fn standard_rules() -> Vec<RfmRule> {
    let rule = |name: &str, recency, frequency| RfmRule {
        name: name.to_owned(),
        recency,
        frequency,
    };
    vec![
        rule("Champions", (5, 5), (4, 5)),
        rule("Loyal", (3, 4), (4, 5)),
        rule("Potential loyalists", (4, 5), (2, 3)),
        rule("New customers", (5, 5), (1, 1)),
        rule("Promising", (4, 4), (1, 1)),
        rule("Need attention", (3, 3), (3, 3)),
        rule("About to sleep", (3, 3), (1, 2)),
        rule("At risk", (1, 2), (3, 4)),
        rule("Can't lose them", (1, 2), (5, 5)),
        rule("Hibernating", (2, 2), (1, 2)),
        rule("Lost", (1, 1), (1, 2)),
    ]
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RfmGroup {
    pub name: String,
    pub rule: RfmRule,
    /// The rule in the segment language over `rfm_r` and `rfm_f`.
    pub definition: String,
    pub size: usize,
    pub members: Bitset,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RfmResult {
    pub source: RfmSource,
    pub as_of: i64,
    /// Per population row; `None` for users without events.
    pub recency_days: Vec<Option<i64>>,
    pub frequency: Vec<u64>,
    pub monetary: Vec<f64>,
    /// Scores 1–5; 0 for unscored users.
    pub r: Vec<u8>,
    pub f: Vec<u8>,
    pub m: Vec<u8>,
    pub scored: usize,
    pub unscored: usize,
    pub groups: Vec<RfmGroup>,
}

impl RfmResult {
    /// `rfm_r`, `rfm_f`, `rfm_m` as integer population columns (missing for unscored users).
    pub fn to_columns(&self) -> Vec<Column> {
        let column = |name: &str, scores: &[u8]| {
            Column::new(
                name,
                ColumnType::Integer,
                ColumnData::Integer(scores.iter().map(|&s| i64::from(s)).collect()),
                Bitset::from_fn(scores.len(), |i| scores[i] > 0),
            )
        };
        vec![
            column("rfm_r", &self.r),
            column("rfm_f", &self.f),
            column("rfm_m", &self.m),
        ]
    }
}

/// Quintile scores 1–5 as pandas `qcut(x.rank(method='first'), 5, labels=False) + 1`.
pub fn quintiles(values: &[f64]) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![1u8; n];
    if n < 2 {
        return out;
    }
    for (position, &row) in order.iter().enumerate() {
        // rank r = position + 1; score = max(1, ceil(5 (r − 1) / (n − 1))).
        let score = (5 * position).div_ceil(n - 1).max(1);
        out[row] = score as u8;
    }
    out
}

/// RFM of every user.
pub fn rfm(dataset: &Dataset, options: &RfmOptions) -> Result<RfmResult, ModelError> {
    let users = dataset.users();
    let mut last: Vec<Option<i64>> = vec![None; users];
    let mut frequency = vec![0u64; users];
    let mut monetary = vec![0.0; users];
    let linked = options.value.split_once('.').and_then(|(file, column)| {
        let l = dataset.linked.iter().find(|l| l.name == file)?;
        Some((l, l.column(column)?))
    });
    let source;
    let as_of;
    if let Some((l, column)) = linked {
        let Some(values) = super::numeric(column) else {
            return Err(ModelError::WrongType {
                name: options.value.clone(),
                ty: column.ty(),
                needed: "the value must be a numeric column",
            });
        };
        let Some(times) = &l.times else {
            return Err(ModelError::WrongType {
                name: l.name.clone(),
                ty: column.ty(),
                needed: "RFM needs a date or time column in the file for recency",
            });
        };
        as_of = dataset
            .as_of
            .unwrap_or_else(|| times.iter().copied().max().unwrap_or(0));
        for (user, l_ref) in last.iter_mut().enumerate() {
            for row in l.user_range(user) {
                if times[row] > as_of {
                    continue;
                }
                frequency[user] += 1;
                if values.valid.get(row) {
                    monetary[user] += values.values[row];
                }
                *l_ref = Some(l_ref.map_or(times[row], |t: i64| t.max(times[row])));
            }
        }
        source = RfmSource::Linked {
            file: l.name.clone(),
        };
    } else {
        let log = dataset.events.as_ref().ok_or(ModelError::NoEvents("RFM"))?;
        let property = log
            .property(&options.value)
            .ok_or_else(|| ModelError::UnknownProperty {
                name: options.value.clone(),
                available: log
                    .properties
                    .iter()
                    .filter(|c| c.ty().is_numeric())
                    .map(|c| format!("`{}`", c.name()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let Some(values) = super::numeric(property) else {
            return Err(ModelError::WrongType {
                name: options.value.clone(),
                ty: property.ty(),
                needed: "the value must be a numeric property",
            });
        };
        let code = match &options.event {
            Some(name) => Some(
                log.event_code(name)
                    .ok_or_else(|| super::unknown_event(dataset, name))?,
            ),
            None => None,
        };
        as_of = dataset
            .as_of
            .unwrap_or_else(|| log.times.iter().copied().max().unwrap_or(0));
        for (user, l_ref) in last.iter_mut().enumerate() {
            for e in log.user_range(user) {
                if log.times[e] > as_of || code.is_some_and(|c| c != log.events[e]) {
                    continue;
                }
                frequency[user] += 1;
                if values.valid.get(e) {
                    monetary[user] += values.values[e];
                }
                *l_ref = Some(l_ref.map_or(log.times[e], |t: i64| t.max(log.times[e])));
            }
        }
        source = RfmSource::Events;
    }
    let recency_days: Vec<Option<i64>> = last
        .iter()
        .map(|t| t.map(|t| (as_of - t).div_euclid(DAY)))
        .collect();
    let scored_rows: Vec<usize> = (0..users).filter(|&u| last[u].is_some()).collect();
    let pick =
        |f: &dyn Fn(usize) -> f64| -> Vec<f64> { scored_rows.iter().map(|&u| f(u)).collect() };
    let r_scores = quintiles(&pick(&|u| -(recency_days[u].unwrap_or(0) as f64)));
    let f_scores = quintiles(&pick(&|u| frequency[u] as f64));
    let m_scores = quintiles(&pick(&|u| monetary[u]));
    let (mut r, mut f, mut m) = (vec![0u8; users], vec![0u8; users], vec![0u8; users]);
    for (i, &u) in scored_rows.iter().enumerate() {
        r[u] = r_scores[i];
        f[u] = f_scores[i];
        m[u] = m_scores[i];
    }
    let groups = standard_rules()
        .into_iter()
        .map(|rule| {
            let inside = |s: u8, (lo, hi): (u8, u8)| s >= lo && s <= hi && s > 0;
            let members = Bitset::from_fn(users, |u| {
                inside(r[u], rule.recency) && inside(f[u], rule.frequency)
            });
            let range = |name: &str, (lo, hi): (u8, u8)| {
                if lo == hi {
                    format!("{name} = {lo}")
                } else {
                    format!("{name} between {lo} and {hi}")
                }
            };
            RfmGroup {
                name: rule.name.clone(),
                definition: format!(
                    "{} and {}",
                    range("rfm_r", rule.recency),
                    range("rfm_f", rule.frequency)
                ),
                size: members.count(),
                members,
                rule,
            }
        })
        .collect();
    Ok(RfmResult {
        source,
        as_of,
        recency_days,
        frequency,
        monetary,
        r,
        f,
        m,
        scored: scored_rows.len(),
        unscored: users - scored_rows.len(),
        groups,
    })
}
