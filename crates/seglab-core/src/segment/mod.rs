//! Segments: named, coloured definitions of groups of users, written in a small readable language.
//!
//! ```text
//! plan = "trial" and converted = no and country in ("SE", "NO")
//! did "Export report" at least 3 times in last 30 days
//! did "Signup" then "Upgrade" within 14 days
//! not did "Login" in last 60 days
//! sum(amount) of "Purchase" > 100
//! nps(nps.score) = promoter
//! signup_date in last 3 months
//! in segment "Trials"
//! ```
//!
//! The pipeline is `parse` (text to [`Expr`], no data needed) → bind (names and types checked against a
//! [`Dataset`]) → evaluate (a [`Bitset`] over population rows) or [`to_sql`]. [`Expr`]'s `Display` is the
//! canonical text. The language reference is `docs/segments.md`.
//!
//! Semantics worth knowing: a missing value never satisfies a comparison, `!=` included (`plan != "trial"`
//! leaves out users without a plan); only `is empty` matches missing values. `not` is the plain
//! complement, so `not plan = "trial"` does include users without a plan. Relative windows end at the
//! dataset's as-of time; a week is 7 days and a month 30.

mod ast;
mod bind;
mod error;
mod eval;
mod lexer;
mod parser;
mod printer;
mod reference_eval;
mod sql;
mod suggest;
pub mod time;
mod vocabulary;

pub use ast::{
    AggFunc, CmpOp, Condition, CountOp, Duration, Expr, LinkedRef, Literal, LiteralValue, Name,
    NpsClass, RelOp, Span, SurveyFunc, TextOp, Unit,
};
pub use bind::REGEX_SIZE_LIMIT;
pub use error::{ErrorKind, SegmentError};
pub use parser::{MAX_AMOUNT, parse};
pub use printer::column_text;
pub(crate) use printer::{ColumnName, Quoted};
pub use sql::{Dialect, EventsTable, LinkedTable, SqlTables, to_sql};
pub use suggest::{edit_distance, nearest};
pub use vocabulary::{Term, Vocabulary, vocabulary};

use crate::bitset::Bitset;
use crate::dataset::Dataset;
pub(crate) use bind::ordered as offsets_ordered;
use bind::{Binder, Plan};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The longest definition accepted, in bytes.
pub const MAX_DEFINITION_BYTES: usize = 10 * 1024;
/// How deep parentheses and `not`s may nest.
pub const MAX_DEPTH: usize = 64;
/// How long a chain of `in segment` references may be.
pub const MAX_SEGMENT_DEPTH: usize = 32;

/// A named, coloured group of users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// The definition's text.
    pub definition: String,
}

impl Segment {
    pub fn new(
        name: impl Into<String>,
        color: impl Into<String>,
        definition: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            color: color.into(),
            definition: definition.into(),
        }
    }
}

/// The segments that `in segment "…"` can refer to, parsed once.
#[derive(Clone, Debug, Default)]
pub struct SegmentSet {
    entries: Vec<(String, Result<Expr, SegmentError>)>,
}

impl SegmentSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// The set of `segments`; when two share a name, the first is the one `in segment` refers to.
    pub fn from_segments(segments: &[Segment]) -> Self {
        let mut set = Self::new();
        for segment in segments {
            if set.get(&segment.name).is_none() {
                set.insert(&segment.name, &segment.definition);
            }
        }
        set
    }

    /// Adds (or replaces) a segment by name, parsing its definition.
    pub fn insert(&mut self, name: &str, definition: &str) {
        let parsed = parse(definition);
        self.insert_parsed(name, parsed);
    }

    pub fn insert_parsed(&mut self, name: &str, parsed: Result<Expr, SegmentError>) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = parsed,
            None => self.entries.push((name.to_owned(), parsed)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Result<Expr, SegmentError>> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(|(n, _)| n.as_str())
    }
}

/// Which evaluator runs the bound plan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Fast,
    Reference,
    /// Names and types only: nothing is computed.
    Check,
}

/// Evaluates segments, remembering the members of every named segment it has evaluated and the chain
/// of segments being evaluated (to report cycles).
struct Evaluator<'d> {
    data: &'d Dataset,
    segments: &'d SegmentSet,
    engine: Engine,
    cache: HashMap<String, Result<Bitset, SegmentError>>,
    stack: Vec<String>,
}

impl<'d> Evaluator<'d> {
    fn new(data: &'d Dataset, segments: &'d SegmentSet, engine: Engine) -> Self {
        Self {
            data,
            segments,
            engine,
            cache: HashMap::new(),
            stack: Vec::new(),
        }
    }

    fn expr(&mut self, expr: &Expr) -> Result<Bitset, SegmentError> {
        let data = self.data;
        let plan: Plan<'d> = {
            let mut resolve = |name: &Name| self.named(name).map(Plan::Set);
            let mut binder = Binder {
                data,
                resolve: &mut resolve,
            };
            binder.bind(expr)?
        };
        let rows = data.users();
        Ok(match self.engine {
            Engine::Fast => eval::run(&plan, rows),
            Engine::Reference => reference_eval::run(&plan, rows),
            Engine::Check => Bitset::new(rows),
        })
    }

    /// The members of the segment `name` refers to.
    fn named(&mut self, name: &Name) -> Result<Bitset, SegmentError> {
        let key = &name.text;
        if self.stack.contains(key) {
            return Err(cycle_error(&self.stack, name));
        }
        if self.stack.len() >= MAX_SEGMENT_DEPTH {
            return Err(too_deep(name));
        }
        if let Some(cached) = self.cache.get(key) {
            return cached.clone().map_err(|e| referenced_error(name, &e));
        }
        let Some(parsed) = self.segments.get(key) else {
            return Err(SegmentError::unknown(
                ErrorKind::UnknownSegment,
                "segment",
                key,
                name.span,
                self.segments.names(),
            ));
        };
        let result = match parsed {
            Ok(expr) => {
                self.stack.push(key.clone());
                let result = self.expr(expr);
                self.stack.pop();
                result
            }
            Err(e) => Err(e.clone()),
        };
        // A cycle error is about the chain being evaluated, not a property of the segment itself.
        if !matches!(&result, Err(e) if e.is_about_the_chain()) {
            self.cache.insert(key.clone(), result.clone());
        }
        result.map_err(|e| {
            if e.is_about_the_chain() {
                respan(e, name)
            } else {
                referenced_error(name, &e)
            }
        })
    }
}

/// `name` refers back to a segment on `stack` (the chain being evaluated).
pub(crate) fn cycle_error(stack: &[String], name: &Name) -> SegmentError {
    let start = stack.iter().position(|s| *s == name.text).unwrap_or(0);
    let mut chain: Vec<String> = stack[start..].iter().map(|s| format!("\"{s}\"")).collect();
    chain.push(format!("\"{}\"", name.text));
    SegmentError::new(
        ErrorKind::Cycle,
        Some(name.span),
        format!(
            "segments refer to each other in a circle: {}; remove one of these `in segment` conditions",
            chain.join(" → ")
        ),
    )
}

/// `name` would make the chain of `in segment` references longer than [`MAX_SEGMENT_DEPTH`].
pub(crate) fn too_deep(name: &Name) -> SegmentError {
    SegmentError::new(
        ErrorKind::ReferenceDepth,
        Some(name.span),
        format!(
            "segments refer to segments more than {MAX_SEGMENT_DEPTH} deep here; define this one directly from columns and events"
        ),
    )
}

/// A cycle found deeper down, placed at the reference in the definition at hand.
pub(crate) fn respan(mut error: SegmentError, name: &Name) -> SegmentError {
    error.span = Some(name.span.pair());
    error
}

/// An error inside a referenced segment, placed at the reference.
pub(crate) fn referenced_error(name: &Name, inner: &SegmentError) -> SegmentError {
    SegmentError {
        kind: inner.kind,
        span: Some(name.span.pair()),
        message: format!(
            "segment \"{}\" cannot be evaluated: {}",
            name.text, inner.message
        ),
        suggestions: Vec::new(),
    }
}

/// The members of `expr` (population rows), evaluated column-wise.
pub fn evaluate(
    expr: &Expr,
    data: &Dataset,
    segments: &SegmentSet,
) -> Result<Bitset, SegmentError> {
    Evaluator::new(data, segments, Engine::Fast).expr(expr)
}

/// Checks names, types and segment references against the data without evaluating.
pub fn check(expr: &Expr, data: &Dataset, segments: &SegmentSet) -> Result<(), SegmentError> {
    Evaluator::new(data, segments, Engine::Check)
        .expr(expr)
        .map(|_| ())
}

/// Evaluates every segment; references between them are evaluated once, cycles are reported, and one
/// failing segment does not stop the others. Results are in the order of `segments`.
pub fn evaluate_all(segments: &[Segment], data: &Dataset) -> Vec<Result<Bitset, SegmentError>> {
    let set = SegmentSet::from_segments(segments);
    let mut evaluator = Evaluator::new(data, &set, Engine::Fast);
    segments
        .iter()
        .enumerate()
        .map(|(i, segment)| {
            if segments[..i].iter().any(|s| s.name == segment.name) {
                return Err(SegmentError::new(
                    ErrorKind::Syntax,
                    None,
                    format!(
                        "another segment is already named \"{}\": give this one a different name",
                        segment.name
                    ),
                ));
            }
            // Errors of the segment's own definition keep their spans in its own text.
            let parsed = match set.get(&segment.name) {
                Some(Ok(expr)) => expr,
                Some(Err(e)) => return Err(e.clone()),
                None => {
                    return Err(SegmentError::new(
                        ErrorKind::UnknownSegment,
                        None,
                        "segment vanished",
                    ));
                }
            };
            if let Some(cached) = evaluator.cache.get(&segment.name) {
                return cached.clone();
            }
            evaluator.stack.push(segment.name.clone());
            let result = evaluator.expr(parsed);
            evaluator.stack.pop();
            if !matches!(&result, Err(e) if e.is_about_the_chain()) {
                evaluator.cache.insert(segment.name.clone(), result.clone());
            }
            result
        })
        .collect()
}

/// Naive row-by-row evaluation, the oracle for tests of [`evaluate`]: same meaning, no shortcuts.
pub mod reference {
    use super::{Dataset, Engine, Evaluator, Expr, SegmentError, SegmentSet};
    use crate::bitset::Bitset;

    pub fn evaluate(
        expr: &Expr,
        data: &Dataset,
        segments: &SegmentSet,
    ) -> Result<Bitset, SegmentError> {
        Evaluator::new(data, segments, Engine::Reference).expr(expr)
    }
}

/// What a definition refers to, for "this column is missing in your file" warnings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct References {
    /// Population columns.
    pub columns: Vec<String>,
    /// Event names.
    pub events: Vec<String>,
    /// Event properties.
    pub properties: Vec<String>,
    /// Linked-file columns as `(file, column)`.
    pub linked: Vec<(String, String)>,
    /// Other segments.
    pub segments: Vec<String>,
    /// Whether the definition counts back from the as-of date.
    pub uses_as_of: bool,
}

/// The names a definition needs, each once, in order of first appearance.
pub fn referenced_names(expr: &Expr) -> References {
    fn add(list: &mut Vec<String>, name: &Name) {
        if !list.contains(&name.text) {
            list.push(name.text.clone());
        }
    }
    let mut refs = References::default();
    expr.for_each_condition(&mut |condition, _| match condition {
        Condition::Compare { column, .. }
        | Condition::Between { column, .. }
        | Condition::InList { column, .. }
        | Condition::Text { column, .. }
        | Condition::Empty { column, .. } => add(&mut refs.columns, column),
        Condition::Relative { column, .. } => {
            add(&mut refs.columns, column);
            refs.uses_as_of = true;
        }
        Condition::Did { event, window, .. } => {
            add(&mut refs.events, event);
            refs.uses_as_of |= window.is_some();
        }
        Condition::Then { first, then, .. } => {
            add(&mut refs.events, first);
            add(&mut refs.events, then);
        }
        Condition::FirstDid { event, .. } => {
            add(&mut refs.events, event);
            refs.uses_as_of = true;
        }
        Condition::Aggregate {
            property,
            event,
            window,
            ..
        } => {
            add(&mut refs.events, event);
            add(&mut refs.properties, property);
            refs.uses_as_of |= window.is_some();
        }
        Condition::Survey { column, .. } | Condition::Nps { column, .. } => {
            let pair = (column.file.text.clone(), column.column.text.clone());
            if !refs.linked.contains(&pair) {
                refs.linked.push(pair);
            }
        }
        Condition::InSegment { name } => add(&mut refs.segments, name),
    });
    refs
}
