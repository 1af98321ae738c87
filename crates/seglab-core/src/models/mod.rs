//! Segments from models: a weighted health score with bands, RFM groups, and discovery of the groups
//! that behave differently (a shallow decision tree over every column, and k-prototypes clusters).
//!
//! Every model reads the [`Dataset`] as segments see it: population columns by name, and per-user
//! measures by their names (`count(Login, 30d)`, `days_since_last_seen`, `latest(nps.score)`; see
//! `join`). A measure that is not a population column is computed on the fly. The user-facing
//! description is `docs/models.md`.
//!
//! # How results become segments
//! - Score bands and RFM groups: the model's output is a population column (`health_score`; `rfm_r`,
//!   `rfm_f`, `rfm_m`). [`with_columns`] adds it to a copy of the dataset, and each band or group carries
//!   a definition in the segment language over it (`health_score < 25`, `rfm_r between 1 and 2 and rfm_f
//!   between 3 and 4`) plus its members as a [`Bitset`]. Evaluating the definition on the augmented
//!   dataset gives exactly the members (tested).
//! - Discovery rules: a definition over the columns and measures the rule uses; measures must be columns
//!   of the dataset it is evaluated on ([`with_columns`] / [`measure_columns`] add them).
//! - Clusters: members as a [`Bitset`] only; a cluster has no readable definition.

pub mod cluster;
pub mod discover;
pub mod rfm;
pub mod score;

pub use cluster::{Cluster, ClusterOptions, Clustering, KChoice, cluster};
pub use discover::{DiscoverOptions, Discovery, Rule, Target, discover};
pub use rfm::{
    RfmGroup, RfmOptions, RfmResult, RfmRule, RfmSource, quintiles, rfm, standard_rules,
};
pub use score::{
    Backtest, Band, Bands, Decile, Direction, MeasureInfluence, MeasureReport, MissingScore,
    Outcome, SCORE_COLUMN, ScoreDefinition, ScoreMeasure, ScoreResult, auc, auc_delong, score,
};

use crate::bitset::Bitset;
use crate::dataset::Dataset;
use crate::join;
use crate::table::{Column, ColumnData, ColumnType};

/// Why a model could not be built, in words that say how to fix the request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("there is no column or measure `{name}`{hint}; the columns are: {available}")]
    UnknownColumn {
        name: String,
        /// ` (did you mean `plan`?)` or empty.
        hint: String,
        available: String,
    },
    #[error("`{name}` is {ty}; {needed}")]
    WrongType {
        name: String,
        ty: ColumnType,
        needed: &'static str,
    },
    #[error("a health score takes 3 to 6 measures; {found} given")]
    MeasureCount { found: usize },
    #[error("measure `{name}`: the weight {weight} must be a positive number")]
    Weight { name: String, weight: f64 },
    #[error(
        "the band thresholds must rise from 0 to 100 (at risk < needs attention < healthy), got {0:?}"
    )]
    Bands([f64; 3]),
    #[error("score definition, part {part} `{text}`: {message}")]
    ScoreText {
        part: usize,
        text: String,
        message: String,
    },
    #[error("there is no event log: {0} needs events (load a product-analytics export)")]
    NoEvents(&'static str),
    #[error("there is no event `{name}` in the event log{hint}")]
    UnknownEvent {
        name: String,
        /// `; did you mean `Login`?` or empty.
        hint: String,
    },
    #[error("the event log has no numeric property `{name}`; its properties are: {available}")]
    UnknownProperty { name: String, available: String },
    #[error("{what}: needs at least {needed} users with a value, has {found}")]
    TooFew {
        what: String,
        needed: usize,
        found: usize,
    },
    #[error(
        "the outcome `{name}` has only one value among the users with a score, so nothing to back-test against"
    )]
    OneClass { name: String },
    #[error("`{name}` has no values: every user is missing it, so it cannot rank anyone")]
    NoValues { name: String },
    #[error("choose at least one column to cluster on")]
    NoColumns,
    #[error("cancelled")]
    Cancelled,
}

/// A numeric view of a column or measure: values as `f64` (dates as days, date-times as seconds, yes/no
/// as 1/0) and which rows hold one.
#[derive(Clone, Debug)]
pub(crate) struct Numeric {
    pub values: Vec<f64>,
    pub valid: Bitset,
}

/// The population column called `name`, or the measure of that name.
pub(crate) fn resolve(dataset: &Dataset, name: &str) -> Result<Column, ModelError> {
    if let Some(column) = dataset.population.column_loose(name) {
        return Ok(column.clone());
    }
    // `count(Login,30d)` (as typed in a URL) means `count(Login, 30d)`.
    let spaced = name.replace(", ", ",").replace(',', ", ");
    let name = spaced.as_str();
    let Some(measure) = join::Measure::parse(name, dataset) else {
        return Err(unknown(dataset, name));
    };
    // A measure of an event that never occurs would be a column of zeros: say so instead.
    if let join::Measure::Count {
        event: Some(event), ..
    } = &measure
        && dataset
            .events
            .as_ref()
            .is_none_or(|log| log.event_code(event).is_none())
    {
        return Err(unknown_event(dataset, event));
    }
    join::measure(dataset, name).ok_or_else(|| unknown(dataset, name))
}

fn unknown(dataset: &Dataset, name: &str) -> ModelError {
    let mut names: Vec<String> = dataset
        .population
        .columns()
        .iter()
        .map(|c| format!("`{}`", c.name()))
        .collect();
    if dataset.events.is_some() {
        names.push("and measures such as `count(Login, 30d)`, `days_since_last_seen`".to_owned());
    }
    let hint = crate::segment::nearest(name, dataset.population.columns().iter().map(Column::name))
        .first()
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    ModelError::UnknownColumn {
        name: name.to_owned(),
        hint,
        available: names.join(", "),
    }
}

pub(crate) fn unknown_event(dataset: &Dataset, name: &str) -> ModelError {
    let hint = dataset
        .events
        .as_ref()
        .and_then(|log| {
            crate::segment::nearest(name, log.names.iter().map(String::as_str))
                .first()
                .map(|n| format!("; did you mean `{n}`?"))
        })
        .unwrap_or_default();
    ModelError::UnknownEvent {
        name: name.to_owned(),
        hint,
    }
}

pub(crate) fn numeric(column: &Column) -> Option<Numeric> {
    let values: Vec<f64> = match column.data() {
        ColumnData::Integer(v) | ColumnData::DateTime(v) => v.iter().map(|&x| x as f64).collect(),
        ColumnData::Decimal(v) => v.clone(),
        ColumnData::Date(v) => v.iter().map(|&x| f64::from(x)).collect(),
        ColumnData::Boolean(b) => (0..b.len())
            .map(|i| f64::from(u8::from(b.get(i))))
            .collect(),
        ColumnData::Dictionary(_) | ColumnData::Strings(_) => return None,
    };
    let mut valid = column.valid().clone();
    for (i, v) in values.iter().enumerate() {
        if !v.is_finite() && valid.get(i) {
            valid.set(i, false);
        }
    }
    Some(Numeric { values, valid })
}

/// A column or measure as numbers, or an error saying it is not numeric.
pub(crate) fn resolve_numeric(
    dataset: &Dataset,
    name: &str,
) -> Result<(Column, Numeric), ModelError> {
    let column = resolve(dataset, name)?;
    let Some(values) = numeric(&column) else {
        return Err(ModelError::WrongType {
            name: name.to_owned(),
            ty: column.ty(),
            needed: "a number, date or yes/no column is needed",
        });
    };
    Ok((column, values))
}

/// A copy of `dataset` with `columns` added to the population (a column of the same name is replaced),
/// so that definitions over model outputs and measures evaluate.
pub fn with_columns(dataset: &Dataset, columns: Vec<Column>) -> Dataset {
    let mut out = dataset.clone();
    for column in columns {
        if column.len() != out.users() {
            continue;
        }
        let replaced = match out.population.column_index(column.name()) {
            Some(index) => out.population.replace_column(index, column),
            None => out.population.push_column(column),
        };
        // Lengths were checked above, so neither call can fail; a failure leaves the copy unchanged.
        drop(replaced);
    }
    out
}

/// The measure columns among `names` that are not population columns, computed, for [`with_columns`].
pub fn measure_columns(dataset: &Dataset, names: &[String]) -> Vec<Column> {
    names
        .iter()
        .filter(|n| dataset.population.column(n).is_none())
        .filter_map(|n| join::measure(dataset, n))
        .collect()
}

/// Mid-ranks (1-based; ties share the mean of their ranks) of `values`.
pub(crate) fn mid_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        // Sorted ascending, so `<=` is equality here; it also ties -0.0 with 0.0 as `==` would.
        while j < order.len() && values[order[j]] <= values[order[i]] {
            j += 1;
        }
        let rank = (i + j + 1) as f64 / 2.0;
        for &k in &order[i..j] {
            ranks[k] = rank;
        }
        i = j;
    }
    ranks
}

/// A small seeded generator (SplitMix64): the same seed gives the same samples on every platform.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
