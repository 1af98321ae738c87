//! Discovery: which readable groups of users have an unusually high or low target rate, found by a
//! shallow decision tree over every column and measure.
//!
//! # Method
//! - **Target**: a yes/no column (positive = yes) or a numeric column, positive above a threshold (its
//!   median when none is given). Users without a target value follow the rules (they are members) but do
//!   not count in rates.
//! - **Pre-binning**: a numeric or date column gets up to `bins` candidate thresholds at its quantiles
//!   (values that occur in the data); a categorical column keeps its `bins − 1` most frequent values (the
//!   rest share one bin that is never split on alone); yes/no columns two bins; missing values their own.
//! - **Growing**: one pass per depth level over every pre-binned column fills a histogram of (users,
//!   positives) per node and bin; the best split of each node maximises the decrease in Gini impurity
//!   among splits `x <= t` / `x > t` (numbers and dates), `c = "v"` / `c != "v"` (one value against the
//!   rest) and `b = yes` / `b = no`, with at least `min_leaf` users of known target on each side. Missing
//!   values go to the second side, written `(x > t or x is empty)`.
//! - **Rules**: every node below the root, its definition the `and` of the conditions on its path. Each
//!   has its size, rate, Wilson 95% interval and lift (rate / overall rate), and is `notable` when the
//!   interval excludes the overall rate. Evaluating the definition gives exactly the rule's members
//!   (tested), on a dataset that has the measures it uses as columns ([`super::measure_columns`]).

use super::{ModelError, numeric, resolve};
use crate::bitset::Bitset;
use crate::dataset::Dataset;
use crate::join::{Measure, MeasureSpec, measures};
use crate::segment::{ColumnName, Quoted};
use crate::stats::{Interval, wilson};
use crate::table::{Code as _, Column, ColumnData, ColumnType};
use crate::with_codes;
use serde::{Deserialize, Serialize};

/// What to explain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub column: String,
    /// For a numeric target: positive above this (default: the median).
    #[serde(default)]
    pub threshold: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscoverOptions {
    /// Columns and measures to split on; `None`: every population column (but the key, the target, text
    /// and id columns) and, with an event log, the usual measures of the 20 most frequent events.
    pub features: Option<Vec<String>>,
    /// Columns and measures never split on (e.g. ones that follow from the target).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// At most 3 is readable.
    pub max_depth: usize,
    /// The fewest users with a known target on each side of a split; `None`: 1% of them, at least 50.
    pub min_leaf: Option<usize>,
    /// Candidate thresholds per numeric column (at most 64).
    pub bins: usize,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        Self {
            features: None,
            exclude: Vec::new(),
            max_depth: 3,
            min_leaf: None,
            bins: 32,
        }
    }
}

/// One group found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// In the segment language.
    pub definition: String,
    pub depth: usize,
    /// Whether the tree stops here.
    pub leaf: bool,
    /// Members (users who satisfy the definition), with or without a target value.
    pub size: usize,
    /// Members with a known target.
    pub known: usize,
    pub positives: usize,
    pub rate: f64,
    pub ci: Interval,
    pub lift: f64,
    /// The interval excludes the overall rate.
    pub notable: bool,
    pub members: Bitset,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Discovery {
    pub target: String,
    pub threshold: Option<f64>,
    pub known: usize,
    pub positives: usize,
    pub overall_rate: f64,
    pub min_leaf: usize,
    /// The columns and measures considered.
    pub features: Vec<String>,
    /// Measures used by some rule that are not population columns: add them to evaluate the rules.
    pub measures_used: Vec<String>,
    /// Highest lift first.
    pub rules: Vec<Rule>,
    /// Warnings, e.g. a column that separates the target almost perfectly (likely a consequence of it).
    pub notes: Vec<String>,
}

enum Kind {
    Numeric {
        thresholds: Vec<f64>,
        date: bool,
        integer: bool,
    },
    Categorical {
        values: Vec<String>,
    },
    Boolean,
}

struct Feature {
    name: String,
    kind: Kind,
    /// Bin per row; the last bin (`bins - 1`) is "missing".
    bin: Vec<u8>,
    bins: usize,
    has_missing: bool,
}

#[derive(Clone, Copy)]
struct Split {
    feature: usize,
    /// Numeric: bins `0..=at` go left; categorical/boolean: bin `at` goes left.
    at: usize,
    gain: f64,
}

struct Node {
    depth: usize,
    split: bool,
    path: Vec<Step>,
    members: Bitset,
}

/// One split on the path to a node: the feature, the split position and the side taken.
#[derive(Clone, Copy)]
struct Step {
    feature: usize,
    at: usize,
    left: bool,
}

/// Finds rule segments; `progress` gets the share done and returns false to cancel.
pub fn discover(
    dataset: &Dataset,
    target: &Target,
    options: &DiscoverOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Discovery, ModelError> {
    let users = dataset.users();
    let target_column = resolve(dataset, &target.column)?;
    let Some(values) = numeric(&target_column) else {
        return Err(ModelError::WrongType {
            name: target.column.clone(),
            ty: target_column.ty(),
            needed: "the target must be a yes/no or numeric column",
        });
    };
    let threshold = if target_column.ty() == ColumnType::Boolean {
        None
    } else {
        Some(target.threshold.unwrap_or_else(|| {
            let mut known: Vec<f64> = values.valid.iter().map(|r| values.values[r]).collect();
            known.sort_by(f64::total_cmp);
            crate::stats::quantile_sorted(&known, 0.5).unwrap_or(0.0)
        }))
    };
    let known = values.valid.clone();
    let positive = Bitset::from_fn(users, |r| {
        known.get(r) && values.values[r] > threshold.unwrap_or(0.5)
    });
    let n_known = known.count();
    let n_pos = positive.count();
    if n_known < 2 {
        return Err(ModelError::TooFew {
            what: format!("target `{}`", target.column),
            needed: 2,
            found: n_known,
        });
    }
    let min_leaf = options
        .min_leaf
        .unwrap_or_else(|| (n_known / 100).max(50))
        .max(1);
    let bins = options.bins.clamp(2, 64);
    let mut columns = feature_columns(dataset, options, target_column.name())?;
    // The target never explains itself.
    columns.retain(|c| {
        c.name() != target_column.name()
            && !options
                .exclude
                .iter()
                .any(|e| e.eq_ignore_ascii_case(c.name()))
    });
    let features: Vec<Feature> = columns.iter().filter_map(|c| prepare(c, bins)).collect();
    let is_pos: Vec<bool> = (0..users).map(|r| positive.get(r)).collect();
    let is_known: Vec<bool> = (0..users).map(|r| known.get(r)).collect();

    let mut nodes = vec![Node {
        depth: 0,
        split: false,
        path: Vec::new(),
        members: Bitset::full(users),
    }];
    let mut node_of = vec![0u16; users];
    let mut frontier = vec![0usize];
    let max_depth = options.max_depth.clamp(1, 6);
    let work = (max_depth * features.len()).max(1) as f64;
    for level in 0..max_depth {
        if frontier.is_empty() {
            break;
        }
        // slot[node] = index of the node in this level's histograms.
        let mut slot = vec![u16::MAX; nodes.len()];
        for (s, &n) in frontier.iter().enumerate() {
            slot[n] = s as u16;
        }
        let mut best: Vec<Option<Split>> = vec![None; frontier.len()];
        let totals: Vec<(u64, u64)> = frontier
            .iter()
            .map(|&n| {
                let m = &nodes[n].members;
                (
                    m.intersection_count(&known) as u64,
                    m.intersection_count(&positive) as u64,
                )
            })
            .collect();
        for (fi, feature) in features.iter().enumerate() {
            if !progress((level * features.len() + fi) as f64 / work) {
                return Err(ModelError::Cancelled);
            }
            let nb = feature.bins;
            let mut hist = vec![(0u64, 0u64); frontier.len() * nb];
            for (r, (&node, &bin)) in node_of.iter().zip(&feature.bin).enumerate() {
                let s = slot.get(node as usize).copied().unwrap_or(u16::MAX);
                if s == u16::MAX || !is_known[r] {
                    continue;
                }
                let cell = &mut hist[s as usize * nb + bin as usize];
                cell.0 += 1;
                cell.1 += u64::from(is_pos[r]);
            }
            for s in 0..frontier.len() {
                let h = &hist[s * nb..(s + 1) * nb];
                let candidate = best_split(feature, h, totals[s], min_leaf as u64);
                if let Some((at, gain)) = candidate
                    && best[s].is_none_or(|b| gain > b.gain + 1e-12)
                {
                    best[s] = Some(Split {
                        feature: fi,
                        at,
                        gain,
                    });
                }
            }
        }
        let mut next = Vec::new();
        let mut children: Vec<Option<(u16, u16)>> = vec![None; frontier.len()];
        for (s, &n) in frontier.iter().enumerate() {
            let Some(split) = best[s] else { continue };
            nodes[n].split = true;
            for left in [true, false] {
                let mut path = nodes[n].path.clone();
                path.push(Step {
                    feature: split.feature,
                    at: split.at,
                    left,
                });
                nodes.push(Node {
                    depth: level + 1,
                    split: false,
                    path,
                    members: Bitset::new(users),
                });
                next.push(nodes.len() - 1);
            }
            children[s] = Some(((nodes.len() - 2) as u16, (nodes.len() - 1) as u16));
        }
        let mut assign = vec![Vec::new(); nodes.len()];
        for (r, node) in node_of.iter_mut().enumerate() {
            let s = slot.get(*node as usize).copied().unwrap_or(u16::MAX);
            if s == u16::MAX {
                continue;
            }
            let (Some((left, right)), Some(split)) = (children[s as usize], best[s as usize])
            else {
                *node = u16::MAX;
                continue;
            };
            let feature = &features[split.feature];
            *node = if goes_left(feature, feature.bin[r] as usize, split.at) {
                left
            } else {
                right
            };
            assign[*node as usize].push(r);
        }
        for &n in &next {
            for &r in &assign[n] {
                nodes[n].members.set(r, true);
            }
        }
        frontier = next;
    }
    progress(1.0);

    let overall = n_pos as f64 / n_known as f64;
    let mut rules = Vec::new();
    for node in nodes.iter().skip(1) {
        let k = node.members.intersection_count(&known);
        let p = node.members.intersection_count(&positive);
        let Ok(ci) = wilson(p as u64, k as u64) else {
            continue;
        };
        let rate = p as f64 / k as f64;
        let definition = definition(&features, &node.path);
        rules.push(Rule {
            definition,
            depth: node.depth,
            leaf: !node.split,
            size: node.members.count(),
            known: k,
            positives: p,
            rate,
            ci,
            lift: if overall > 0.0 { rate / overall } else { 0.0 },
            notable: ci.low > overall || ci.high < overall,
            members: node.members.clone(),
        });
    }
    crate::sorting::sort_by(&mut rules, |a, b| b.lift.total_cmp(&a.lift));
    let mut notes = Vec::new();
    for rule in rules.iter().filter(|r| r.depth == 1) {
        let pure = r_is_pure(rule);
        if pure && rule.known * 10 >= n_known {
            notes.push(format!(
                "the group where {} has a rate of {:.1}% in {} users: a column that splits the target this cleanly may follow from it rather than explain it; exclude the column to see other rules",
                rule.definition,
                rule.rate * 100.0,
                rule.known
            ));
        }
    }
    let used: Vec<String> = features
        .iter()
        .filter(|f| dataset.population.column(&f.name).is_none())
        .filter(|f| {
            let quoted = ColumnName(&f.name).to_string();
            rules.iter().any(|r| r.definition.contains(&quoted))
        })
        .map(|f| f.name.clone())
        .collect();
    Ok(Discovery {
        target: target_column.name().to_owned(),
        threshold,
        known: n_known,
        positives: n_pos,
        overall_rate: overall,
        min_leaf,
        features: features.iter().map(|f| f.name.clone()).collect(),
        measures_used: used,
        rules,
        notes,
    })
}

fn r_is_pure(rule: &Rule) -> bool {
    rule.rate <= 0.01 || rule.rate >= 0.99
}

fn feature_columns(
    dataset: &Dataset,
    options: &DiscoverOptions,
    target: &str,
) -> Result<Vec<Column>, ModelError> {
    if let Some(names) = &options.features {
        return names.iter().map(|n| resolve(dataset, n)).collect();
    }
    let mut columns: Vec<Column> = dataset
        .population
        .columns()
        .iter()
        .filter(|c| c.name() != target && Some(c.name()) != dataset.key.as_deref())
        .filter(|c| {
            matches!(
                c.ty(),
                ColumnType::Integer
                    | ColumnType::Decimal
                    | ColumnType::Boolean
                    | ColumnType::Date
                    | ColumnType::Category
            )
        })
        .cloned()
        .collect();
    if dataset.events.is_some() || !dataset.linked.is_empty() {
        let mut spec = MeasureSpec::with_top_events(dataset, 20, 30);
        spec.measures
            .retain(|m| !matches!(m, Measure::FirstSeen | Measure::LastSeen));
        for column in measures(dataset, &spec) {
            if dataset.population.column(column.name()).is_none() {
                columns.push(column);
            }
        }
    }
    Ok(columns)
}

fn prepare(column: &Column, bins: usize) -> Option<Feature> {
    let users = column.len();
    let name = column.name().to_owned();
    match (column.ty(), column.data()) {
        (ColumnType::Boolean, ColumnData::Boolean(b)) => {
            let valid = column.valid();
            let bin = (0..users)
                .map(|r| if valid.get(r) { u8::from(b.get(r)) } else { 2 })
                .collect();
            Some(Feature {
                name,
                kind: Kind::Boolean,
                bin,
                bins: 3,
                has_missing: column.missing() > 0,
            })
        }
        (_, ColumnData::Dictionary(d)) => {
            let valid = column.valid();
            let mut counts = vec![0usize; d.values.len()];
            with_codes!(&d.codes, |codes| {
                for (r, &c) in codes.iter().enumerate() {
                    if valid.get(r) && !d.values.get(c.index()).is_empty() {
                        counts[c.index()] += 1;
                    }
                }
            });
            let mut order: Vec<usize> = (0..counts.len()).filter(|&c| counts[c] > 0).collect();
            crate::sorting::sort_by_key(&mut order, |&c| std::cmp::Reverse(counts[c]));
            order.truncate(bins - 1);
            if order.len() < 2 && counts.iter().filter(|&&c| c > 0).count() < 2 {
                return None;
            }
            let other = order.len();
            let missing = other + 1;
            let mut bin_of = vec![other as u8; d.values.len()];
            for (b, &c) in order.iter().enumerate() {
                bin_of[c] = b as u8;
            }
            let mut has_missing = false;
            let bin = with_codes!(&d.codes, |codes| codes
                .iter()
                .enumerate()
                .map(|(r, &c)| {
                    if valid.get(r) && !d.values.get(c.index()).is_empty() {
                        bin_of[c.index()]
                    } else {
                        has_missing = true;
                        missing as u8
                    }
                })
                .collect());
            Some(Feature {
                name,
                kind: Kind::Categorical {
                    values: order.iter().map(|&c| d.values.get(c).to_owned()).collect(),
                },
                bin,
                bins: missing + 1,
                has_missing,
            })
        }
        (ColumnType::Integer | ColumnType::Decimal | ColumnType::Date, _) => {
            let values = numeric(column)?;
            let known: Vec<usize> = values.valid.iter().collect();
            if known.len() < 2 {
                return None;
            }
            // Quantiles from at most 100k values taken at a fixed stride: the same data, the same bins.
            let stride = known.len().div_ceil(100_000);
            let mut sample: Vec<f64> = known
                .iter()
                .step_by(stride)
                .map(|&r| values.values[r])
                .collect();
            sample.sort_by(f64::total_cmp);
            let mut thresholds: Vec<f64> = (1..bins)
                .map(|k| sample[(k * sample.len() / bins).min(sample.len() - 1)])
                .collect();
            thresholds.dedup();
            // A threshold at the maximum splits nothing off.
            if thresholds.last() == sample.last() {
                thresholds.pop();
            }
            if thresholds.is_empty() {
                return None;
            }
            let m = thresholds.len();
            let mut has_missing = false;
            let bin = (0..users)
                .map(|r| {
                    if values.valid.get(r) {
                        let v = values.values[r];
                        thresholds.partition_point(|&t| t < v) as u8
                    } else {
                        has_missing = true;
                        (m + 1) as u8
                    }
                })
                .collect();
            Some(Feature {
                name,
                kind: Kind::Numeric {
                    thresholds,
                    date: column.ty() == ColumnType::Date,
                    integer: column.ty() == ColumnType::Integer,
                },
                bin,
                bins: m + 2,
                has_missing,
            })
        }
        _ => None,
    }
}

fn gini_sum(n: u64, p: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let q = p as f64 / n as f64;
    n as f64 * 2.0 * q * (1.0 - q)
}

/// The best split of one node on one feature: (split position, decrease in impurity).
fn best_split(
    feature: &Feature,
    hist: &[(u64, u64)],
    (n, p): (u64, u64),
    min_leaf: u64,
) -> Option<(usize, f64)> {
    let parent = gini_sum(n, p);
    let mut best: Option<(usize, f64)> = None;
    let mut consider = |at: usize, ln: u64, lp: u64| {
        let (rn, rp) = (n - ln, p - lp);
        if ln < min_leaf || rn < min_leaf {
            return;
        }
        let gain = parent - gini_sum(ln, lp) - gini_sum(rn, rp);
        if gain > 1e-9 && best.is_none_or(|(_, g)| gain > g + 1e-12) {
            best = Some((at, gain));
        }
    };
    match &feature.kind {
        Kind::Numeric { thresholds, .. } => {
            let (mut ln, mut lp) = (0, 0);
            for (at, &(cn, cp)) in hist.iter().enumerate().take(thresholds.len()) {
                ln += cn;
                lp += cp;
                consider(at, ln, lp);
            }
        }
        Kind::Categorical { values } => {
            for (at, &(cn, cp)) in hist.iter().enumerate().take(values.len()) {
                consider(at, cn, cp);
            }
        }
        Kind::Boolean => {
            let (cn, cp) = hist[1];
            consider(1, cn, cp);
        }
    }
    best
}

fn goes_left(feature: &Feature, bin: usize, at: usize) -> bool {
    match feature.kind {
        // The missing bin is past every threshold, so missing values go right.
        Kind::Numeric { .. } => bin <= at,
        Kind::Categorical { .. } | Kind::Boolean => bin == at,
    }
}

/// The path to a node in the segment language, one condition per column where possible: two
/// thresholds on the same side keep the tighter one, and a value chosen with `=` makes the `!=`s of the
/// same column redundant.
fn definition(features: &[Feature], path: &[Step]) -> String {
    let mut order: Vec<usize> = Vec::new();
    for step in path {
        if !order.contains(&step.feature) {
            order.push(step.feature);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for f in order {
        let feature = &features[f];
        let steps: Vec<&Step> = path.iter().filter(|s| s.feature == f).collect();
        let name = ColumnName(&feature.name).to_string();
        let or_empty = |text: String| {
            if feature.has_missing {
                format!("{text} or {name} is empty")
            } else {
                text
            }
        };
        match &feature.kind {
            Kind::Numeric { .. } => {
                let le = steps.iter().filter(|s| s.left).map(|s| s.at).min();
                let gt = steps.iter().filter(|s| !s.left).map(|s| s.at).max();
                match (gt, le) {
                    (Some(gt), Some(le)) => {
                        // `<=` already leaves out missing values.
                        parts.push(format!("{name} > {}", literal(feature, gt)));
                        parts.push(format!("{name} <= {}", literal(feature, le)));
                    }
                    (Some(gt), None) => {
                        parts.push(or_empty(format!("{name} > {}", literal(feature, gt))));
                    }
                    (None, Some(le)) => parts.push(format!("{name} <= {}", literal(feature, le))),
                    (None, None) => {}
                }
            }
            Kind::Categorical { values } => {
                if let Some(chosen) = steps.iter().find(|s| s.left) {
                    parts.push(format!("{name} = {}", Quoted(&values[chosen.at])));
                } else {
                    for s in &steps {
                        parts.push(or_empty(format!("{name} != {}", Quoted(&values[s.at]))));
                    }
                }
            }
            Kind::Boolean => {
                if steps.iter().any(|s| s.left) {
                    parts.push(format!("{name} = yes"));
                } else {
                    parts.push(or_empty(format!("{name} = no")));
                }
            }
        }
    }
    let several = parts.len() > 1;
    parts
        .into_iter()
        .map(|p| {
            if several && p.contains(" or ") {
                format!("({p})")
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Threshold number `at` of a numeric feature as a literal of the segment language.
fn literal(feature: &Feature, at: usize) -> String {
    let Kind::Numeric {
        thresholds,
        date,
        integer,
    } = &feature.kind
    else {
        return String::new();
    };
    let t = thresholds[at];
    if *date {
        crate::segment::time::format_date(t as i32)
    } else if *integer {
        format!("{}", t as i64)
    } else {
        format!("{t}")
    }
}
