//! Checks a parsed definition against the loaded data (names, types, as-of time) and resolves it into a
//! plan of column tests and event scans that both evaluators run.

use super::ast::{
    AggFunc, CmpOp, Condition, CountOp, Duration, Expr, LinkedRef, Literal, LiteralValue, Name,
    NpsClass, RelOp, Span, SurveyFunc, TextOp,
};
use super::error::{ErrorKind, SegmentError};
use crate::bitset::Bitset;
use crate::dataset::{Dataset, EventLog, Linked};
use crate::table::{Column, ColumnType};

/// Compiled regular expressions larger than this are refused (the `regex` crate's size limit), so that a
/// pathological pattern fails fast with a clear error instead of eating memory.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(crate) enum Plan<'a> {
    And(Vec<Plan<'a>>),
    Or(Vec<Plan<'a>>),
    Not(Box<Plan<'a>>),
    /// Members of another segment, already evaluated.
    Set(Bitset),
    /// Another segment's plan, for SQL export (which inlines referenced segments).
    Inline(Box<Plan<'a>>),
    Column {
        column: &'a Column,
        test: Test,
    },
    Events {
        log: &'a EventLog,
        test: EventTest<'a>,
    },
    Survey {
        linked: &'a Linked,
        column: &'a Column,
        test: SurveyTest,
    },
}

/// A test of one population column's values. Missing values never pass, except for `Empty`.
pub(crate) enum Test {
    Num {
        op: CmpOp,
        value: f64,
    },
    NumBetween {
        low: f64,
        high: f64,
    },
    NumIn {
        values: Vec<f64>,
        negated: bool,
    },
    /// Boolean values accepted.
    Bool {
        accept_true: bool,
        accept_false: bool,
    },
    /// Date (days) or date-time (seconds) values inside any of the inclusive ranges (outside all, if negated).
    Ranges {
        ranges: Vec<(i64, i64)>,
        negated: bool,
    },
    /// Exact text equal to one of the values (to none, if negated).
    TextIn {
        values: Vec<String>,
        negated: bool,
    },
    TextMatch {
        matcher: Matcher,
        negated: bool,
    },
    /// Missing, or empty text.
    Empty {
        negated: bool,
    },
}

pub(crate) enum Matcher {
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    Regex(regex::Regex),
}

impl Matcher {
    #[inline]
    pub(crate) fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Contains(p) => s.contains(p.as_str()),
            Matcher::StartsWith(p) => s.starts_with(p.as_str()),
            Matcher::EndsWith(p) => s.ends_with(p.as_str()),
            Matcher::Regex(r) => r.is_match(s),
        }
    }
}

/// A time window `(after, until]` in seconds since the epoch.
#[derive(Clone, Copy)]
pub(crate) struct Window {
    pub after: i64,
    pub until: i64,
}

impl Window {
    #[inline]
    pub(crate) fn contains(self, t: i64) -> bool {
        t > self.after && t <= self.until
    }
}

pub(crate) enum EventTest<'a> {
    Count {
        code: u32,
        window: Option<Window>,
        op: CountOp,
        n: u32,
    },
    Then {
        first: u32,
        then: u32,
        within: i64,
    },
    First {
        code: u32,
        window: Window,
    },
    Aggregate {
        func: AggFunc,
        code: u32,
        window: Option<Window>,
        property: &'a Column,
        op: CmpOp,
        value: f64,
    },
}

pub(crate) enum SurveyTest {
    Value {
        func: SurveyFunc,
        op: CmpOp,
        value: f64,
    },
    Nps {
        class: NpsClass,
        negated: bool,
    },
}

/// Resolves a referenced segment: its evaluated members, or its plan for SQL export.
pub(crate) type Resolve<'a, 'r> = dyn FnMut(&Name) -> Result<Plan<'a>, SegmentError> + 'r;

pub(crate) struct Binder<'a, 'r> {
    pub data: &'a Dataset,
    pub resolve: &'r mut Resolve<'a, 'r>,
}

/// "Now" for relative windows: the dataset's as-of time, else the latest event.
pub(crate) fn as_of(data: &Dataset) -> Option<i64> {
    data.as_of.or_else(|| {
        data.events
            .as_ref()
            .and_then(|e| e.times.iter().copied().max())
    })
}

impl<'a> Binder<'a, '_> {
    pub(crate) fn bind(&mut self, expr: &Expr) -> Result<Plan<'a>, SegmentError> {
        Ok(match expr {
            Expr::And(parts) => Plan::And(
                parts
                    .iter()
                    .map(|p| self.bind(p))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(parts) => Plan::Or(
                parts
                    .iter()
                    .map(|p| self.bind(p))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(inner) => Plan::Not(Box::new(self.bind(inner)?)),
            Expr::Cond { condition, span } => self.condition(condition, *span)?,
        })
    }

    fn column(&self, name: &Name) -> Result<&'a Column, SegmentError> {
        let table = &self.data.population;
        table.column(&name.text).ok_or_else(|| {
            SegmentError::unknown(
                ErrorKind::UnknownColumn,
                "column",
                &name.text,
                name.span,
                table.columns().iter().map(Column::name),
            )
        })
    }

    fn as_of(&self, span: Span) -> Result<i64, SegmentError> {
        as_of(self.data).ok_or_else(|| {
            SegmentError::new(
                ErrorKind::MissingData,
                Some(span),
                "this condition counts back from today, but no as-of date is set and there are no events to take it from: set the as-of date",
            )
        })
    }

    fn window(&self, duration: Duration, span: Span) -> Result<Window, SegmentError> {
        let until = self.as_of(span)?;
        Ok(Window {
            after: until.saturating_sub(duration.seconds()),
            until,
        })
    }

    fn events(&self, span: Span) -> Result<&'a EventLog, SegmentError> {
        match &self.data.events {
            Some(log)
                if aligned_ends(&log.offsets, self.data.users(), log.len())
                    && log.counts.ordered(&log.offsets)
                    && log.events.len() == log.len()
                    && log.properties.iter().all(|p| p.len() == log.len()) =>
            {
                Ok(log)
            }
            Some(_) => Err(SegmentError::new(
                ErrorKind::MissingData,
                Some(span),
                "the event file is not aligned with the user table; load the files again",
            )),
            None => Err(SegmentError::new(
                ErrorKind::MissingData,
                Some(span),
                "this condition needs an event file (one row per event: user, event name, time) joined to the users; none is: load one, or pick its user column in the join",
            )),
        }
    }

    fn event_code(log: &EventLog, name: &Name) -> Result<u32, SegmentError> {
        log.event_code(&name.text).ok_or_else(|| {
            SegmentError::unknown(
                ErrorKind::UnknownEvent,
                "event",
                &name.text,
                name.span,
                log.names.iter().map(String::as_str),
            )
        })
    }

    fn linked(&self, linked: &LinkedRef) -> Result<(&'a Linked, &'a Column), SegmentError> {
        let file = self
            .data
            .linked
            .iter()
            .find(|l| l.name == linked.file.text)
            .ok_or_else(|| {
                SegmentError::unknown(
                    ErrorKind::UnknownFile,
                    "survey or linked file",
                    &linked.file.text,
                    linked.file.span,
                    self.data.linked.iter().map(|l| l.name.as_str()),
                )
            })?;
        let rows = file.columns.first().map_or(0, Column::len);
        if !aligned(&file.offsets, self.data.users(), rows)
            || file.columns.iter().any(|c| c.len() != rows)
        {
            return Err(SegmentError::new(
                ErrorKind::MissingData,
                Some(linked.file.span),
                format!(
                    "the file `{}` is not aligned with the user table; load the files again",
                    file.name
                ),
            ));
        }
        let column = file.column(&linked.column.text).ok_or_else(|| {
            SegmentError::unknown(
                ErrorKind::UnknownColumn,
                &format!("column in `{}`", file.name),
                &linked.column.text,
                linked.column.span,
                file.columns.iter().map(Column::name),
            )
        })?;
        if !column.ty().is_numeric() {
            return Err(SegmentError::new(
                ErrorKind::WrongType,
                Some(linked.column.span),
                format!(
                    "`{}.{}` is {}; scores must be numbers",
                    file.name,
                    column.name(),
                    type_phrase(column.ty())
                ),
            ));
        }
        Ok((file, column))
    }

    fn condition(&mut self, condition: &Condition, span: Span) -> Result<Plan<'a>, SegmentError> {
        match condition {
            Condition::Compare {
                column,
                op,
                value,
                ignore_case,
            } => {
                let col = self.column(column)?;
                let test =
                    compare_test(col, *op, std::slice::from_ref(value), *ignore_case, false)?;
                Ok(Plan::Column { column: col, test })
            }
            Condition::InList {
                column,
                negated,
                values,
                ignore_case,
            } => {
                let col = self.column(column)?;
                let op = if *negated { CmpOp::Ne } else { CmpOp::Eq };
                let test = compare_test(col, op, values, *ignore_case, true)?;
                Ok(Plan::Column { column: col, test })
            }
            Condition::Between { column, low, high } => {
                let col = self.column(column)?;
                let test = match col.ty() {
                    ColumnType::Integer | ColumnType::Decimal => Test::NumBetween {
                        low: number(col, low)?,
                        high: number(col, high)?,
                    },
                    ColumnType::Date | ColumnType::DateTime => {
                        let (lo, _) = day_range(col, date(col, low)?);
                        let (_, hi) = day_range(col, date(col, high)?);
                        Test::Ranges {
                            ranges: vec![(lo, hi)],
                            negated: false,
                        }
                    }
                    ty => {
                        return Err(SegmentError::new(
                            ErrorKind::WrongType,
                            Some(span),
                            format!(
                                "`between` needs numbers or dates, but `{}` is {}",
                                col.name(),
                                type_phrase(ty)
                            ),
                        ));
                    }
                };
                Ok(Plan::Column { column: col, test })
            }
            Condition::Text {
                column,
                op,
                pattern,
                ignore_case,
            } => {
                let col = self.column(column)?;
                if !col.ty().is_textual() {
                    return Err(SegmentError::new(
                        ErrorKind::WrongType,
                        Some(column.span),
                        format!(
                            "`{}` is {}; `{}` works on text columns{}",
                            col.name(),
                            type_phrase(col.ty()),
                            op.keyword(),
                            compare_hint(col.ty())
                        ),
                    ));
                }
                let LiteralValue::Text(text) = &pattern.value else {
                    return Err(SegmentError::new(
                        ErrorKind::WrongType,
                        Some(pattern.span),
                        "expected text in quotes",
                    ));
                };
                let matcher = text_matcher(*op, text, *ignore_case, pattern.span)?;
                Ok(Plan::Column {
                    column: col,
                    test: Test::TextMatch {
                        matcher,
                        negated: false,
                    },
                })
            }
            Condition::Empty { column, negated } => {
                let col = self.column(column)?;
                Ok(Plan::Column {
                    column: col,
                    test: Test::Empty { negated: *negated },
                })
            }
            Condition::Relative {
                column,
                op,
                duration,
            } => {
                let col = self.column(column)?;
                let as_of = self.as_of(span)?;
                let boundary = as_of.saturating_sub(duration.seconds());
                let (lo, hi) = match (col.ty(), op) {
                    (ColumnType::DateTime, RelOp::InLast) => (boundary + 1, as_of),
                    (ColumnType::DateTime, RelOp::MoreThanAgo) => (i64::MIN, boundary),
                    // A date counts as its midnight: in the window when midnight is.
                    (ColumnType::Date, RelOp::InLast) => {
                        (boundary.div_euclid(86_400) + 1, as_of.div_euclid(86_400))
                    }
                    (ColumnType::Date, RelOp::MoreThanAgo) => {
                        (i64::MIN, boundary.div_euclid(86_400))
                    }
                    (ty, _) => {
                        return Err(SegmentError::new(
                            ErrorKind::WrongType,
                            Some(column.span),
                            format!(
                                "`{}` is {}; `in last …` and `… ago` work on dates",
                                col.name(),
                                type_phrase(ty)
                            ),
                        ));
                    }
                };
                Ok(Plan::Column {
                    column: col,
                    test: Test::Ranges {
                        ranges: vec![(lo, hi)],
                        negated: false,
                    },
                })
            }
            Condition::Did {
                event,
                count,
                window,
            } => {
                let log = self.events(span)?;
                let code = Self::event_code(log, event)?;
                let window = window.map(|w| self.window(w, span)).transpose()?;
                let (op, n) = count.unwrap_or((CountOp::AtLeast, 1));
                Ok(Plan::Events {
                    log,
                    test: EventTest::Count {
                        code,
                        window,
                        op,
                        n,
                    },
                })
            }
            Condition::Then {
                first,
                then,
                within,
            } => {
                let log = self.events(span)?;
                let test = EventTest::Then {
                    first: Self::event_code(log, first)?,
                    then: Self::event_code(log, then)?,
                    within: within.seconds(),
                };
                Ok(Plan::Events { log, test })
            }
            Condition::FirstDid { event, window } => {
                let log = self.events(span)?;
                let code = Self::event_code(log, event)?;
                let window = self.window(*window, span)?;
                Ok(Plan::Events {
                    log,
                    test: EventTest::First { code, window },
                })
            }
            Condition::Aggregate {
                func,
                property,
                event,
                window,
                op,
                value,
            } => {
                let log = self.events(span)?;
                let code = Self::event_code(log, event)?;
                let prop = log.property(&property.text).ok_or_else(|| {
                    SegmentError::unknown(
                        ErrorKind::UnknownProperty,
                        "event property",
                        &property.text,
                        property.span,
                        log.properties.iter().map(Column::name),
                    )
                })?;
                if *func != AggFunc::Distinct && !prop.ty().is_numeric() {
                    return Err(SegmentError::new(
                        ErrorKind::WrongType,
                        Some(property.span),
                        format!(
                            "`{}` is {}; {}(…) needs a number property (distinct(…) counts any kind)",
                            prop.name(),
                            type_phrase(prop.ty()),
                            func.keyword()
                        ),
                    ));
                }
                let window = window.map(|w| self.window(w, span)).transpose()?;
                let value = value.value.as_f64().unwrap_or(f64::NAN);
                let test = EventTest::Aggregate {
                    func: *func,
                    code,
                    window,
                    property: prop,
                    op: *op,
                    value,
                };
                Ok(Plan::Events { log, test })
            }
            Condition::Survey {
                func,
                column,
                op,
                value,
            } => {
                let (linked, col) = self.linked(column)?;
                let value = value.value.as_f64().unwrap_or(f64::NAN);
                Ok(Plan::Survey {
                    linked,
                    column: col,
                    test: SurveyTest::Value {
                        func: *func,
                        op: *op,
                        value,
                    },
                })
            }
            Condition::Nps {
                column,
                negated,
                class,
            } => {
                let (linked, col) = self.linked(column)?;
                Ok(Plan::Survey {
                    linked,
                    column: col,
                    test: SurveyTest::Nps {
                        class: *class,
                        negated: *negated,
                    },
                })
            }
            Condition::InSegment { name } => (self.resolve)(name),
        }
    }
}

/// Whether CSR `offsets` cover `users` users and `rows` rows, never decreasing (so that every range
/// indexes inside the row vectors).
fn aligned(offsets: &[u32], users: usize, rows: usize) -> bool {
    aligned_ends(offsets, users, rows) && ordered(offsets)
}

/// Whether CSR `offsets` cover `users` users and `rows` rows, judged by their length and ends.
fn aligned_ends(offsets: &[u32], users: usize, rows: usize) -> bool {
    offsets.len() == users + 1
        && offsets.first() == Some(&0)
        && offsets.last().is_some_and(|&last| last as usize == rows)
}

/// Whether `offsets` never decrease.
pub(crate) fn ordered(offsets: &[u32]) -> bool {
    offsets.windows(2).all(|w| w[0] <= w[1])
}

/// "a date", "text", … for messages.
pub(crate) fn type_phrase(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer => "a whole number",
        ColumnType::Decimal => "a number",
        ColumnType::Boolean => "yes/no",
        ColumnType::Date => "a date",
        ColumnType::DateTime => "a date and time",
        ColumnType::Category => "a category",
        ColumnType::Text => "text",
        ColumnType::Id => "an id",
    }
}

/// How to write a value for a column of this type.
fn value_hint(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer | ColumnType::Decimal => "write a number like 42 or 3.5",
        ColumnType::Boolean => "write yes or no",
        ColumnType::Date | ColumnType::DateTime => "write a date like 2025-03-01",
        ColumnType::Category | ColumnType::Text | ColumnType::Id => {
            "write text in double quotes, like \"trial\""
        }
    }
}

fn compare_hint(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer | ColumnType::Decimal => "; compare numbers with =, <, >, between",
        ColumnType::Date | ColumnType::DateTime => {
            "; compare dates with before, after, in last N days"
        }
        ColumnType::Boolean => "; write = yes or = no",
        _ => "",
    }
}

fn wrong_type(col: &Column, literal: &Literal) -> SegmentError {
    let ty = col.ty();
    let mut err = SegmentError::new(
        ErrorKind::WrongType,
        Some(literal.span),
        format!(
            "`{}` is {}, but {literal} is {}; {}",
            col.name(),
            type_phrase(ty),
            literal.value.describe(),
            value_hint(ty)
        ),
    );
    // A number or date against a text column was most likely meant as text.
    if ty.is_textual() && !matches!(literal.value, LiteralValue::Text(_)) {
        let text = match &literal.value {
            LiteralValue::Integer(v) => v.to_string(),
            other => other.to_string(),
        };
        err.suggestions.push(format!("\"{text}\""));
    }
    err
}

fn number(col: &Column, literal: &Literal) -> Result<f64, SegmentError> {
    literal
        .value
        .as_f64()
        .ok_or_else(|| wrong_type(col, literal))
}

fn date(col: &Column, literal: &Literal) -> Result<i32, SegmentError> {
    match literal.value {
        LiteralValue::Date(d) => Ok(d),
        _ => Err(wrong_type(col, literal)),
    }
}

/// The inclusive range of stored values that fall on day `d`: the day itself for dates, its seconds for
/// date-times.
fn day_range(col: &Column, d: i32) -> (i64, i64) {
    let d = i64::from(d);
    if col.ty() == ColumnType::DateTime {
        (d * 86_400, d * 86_400 + 86_399)
    } else {
        (d, d)
    }
}

/// The test for `=`/`!=`/`<`… against one value, or `in`/`not in` against a list (`list`).
fn compare_test(
    col: &Column,
    op: CmpOp,
    values: &[Literal],
    ignore_case: bool,
    list: bool,
) -> Result<Test, SegmentError> {
    let ty = col.ty();
    if ignore_case && !ty.is_textual() {
        return Err(SegmentError::new(
            ErrorKind::WrongType,
            values.first().map(|v| v.span),
            format!(
                "`ignoring case` applies to text, but `{}` is {}",
                col.name(),
                type_phrase(ty)
            ),
        ));
    }
    let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
    let negated = op == CmpOp::Ne;
    match ty {
        ColumnType::Integer | ColumnType::Decimal => {
            let nums = values
                .iter()
                .map(|v| number(col, v))
                .collect::<Result<Vec<_>, _>>()?;
            if list {
                return Ok(Test::NumIn {
                    values: nums,
                    negated,
                });
            }
            Ok(Test::Num { op, value: nums[0] })
        }
        ColumnType::Boolean => {
            let mut accept = [false, false];
            for v in values {
                match &v.value {
                    LiteralValue::Boolean(b) => accept[usize::from(*b)] = true,
                    // `converted = "no"`: a quoted yes/no word means what it says on a yes/no column.
                    LiteralValue::Text(text) => match boolean_word(text) {
                        Some(b) => accept[usize::from(b)] = true,
                        None => return Err(wrong_type(col, v)),
                    },
                    _ => return Err(wrong_type(col, v)),
                }
            }
            if !equality {
                return Err(SegmentError::new(
                    ErrorKind::WrongType,
                    values.first().map(|v| v.span),
                    format!("`{}` is yes/no; compare it with = or !=", col.name()),
                ));
            }
            if negated {
                accept = [!accept[0], !accept[1]];
            }
            Ok(Test::Bool {
                accept_true: accept[1],
                accept_false: accept[0],
            })
        }
        ColumnType::Date | ColumnType::DateTime => {
            let days = values
                .iter()
                .map(|v| date(col, v))
                .collect::<Result<Vec<_>, _>>()?;
            if equality {
                let ranges = days.iter().map(|&d| day_range(col, d)).collect();
                return Ok(Test::Ranges { ranges, negated });
            }
            let (lo, hi) = day_range(col, days[0]);
            let range = match op {
                CmpOp::Lt => (i64::MIN, lo - 1),
                CmpOp::Le => (i64::MIN, hi),
                CmpOp::Gt => (hi + 1, i64::MAX),
                _ => (lo, i64::MAX),
            };
            Ok(Test::Ranges {
                ranges: vec![range],
                negated: false,
            })
        }
        ColumnType::Category | ColumnType::Text | ColumnType::Id => {
            let texts = values
                .iter()
                .map(|v| match &v.value {
                    LiteralValue::Text(t) => Ok(t.clone()),
                    _ => Err(wrong_type(col, v)),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if !equality {
                return Err(SegmentError::new(
                    ErrorKind::WrongType,
                    values.first().map(|v| v.span),
                    format!(
                        "`{}` is {}; compare text with =, !=, in, contains, starts with, ends with or matches",
                        col.name(),
                        type_phrase(ty)
                    ),
                ));
            }
            if ignore_case {
                let alternatives: Vec<String> = texts.iter().map(|t| regex::escape(t)).collect();
                let pattern = format!("^(?:{})$", alternatives.join("|"));
                let matcher = compile(
                    &pattern,
                    true,
                    values.first().map(|v| v.span).unwrap_or_default(),
                )?;
                return Ok(Test::TextMatch {
                    matcher: Matcher::Regex(matcher),
                    negated,
                });
            }
            Ok(Test::TextIn {
                values: texts,
                negated,
            })
        }
    }
}

fn text_matcher(
    op: TextOp,
    text: &str,
    ignore_case: bool,
    span: Span,
) -> Result<Matcher, SegmentError> {
    if op == TextOp::Matches {
        return Ok(Matcher::Regex(compile(text, ignore_case, span)?));
    }
    if ignore_case {
        let escaped = regex::escape(text);
        let pattern = match op {
            TextOp::StartsWith => format!("^(?:{escaped})"),
            TextOp::EndsWith => format!("(?:{escaped})$"),
            _ => escaped,
        };
        return Ok(Matcher::Regex(compile(&pattern, true, span)?));
    }
    Ok(match op {
        TextOp::StartsWith => Matcher::StartsWith(text.to_owned()),
        TextOp::EndsWith => Matcher::EndsWith(text.to_owned()),
        _ => Matcher::Contains(text.to_owned()),
    })
}

fn compile(pattern: &str, ignore_case: bool, span: Span) -> Result<regex::Regex, SegmentError> {
    // The flag goes into the pattern (not the builder) so that the SQL export sees it in `as_str()`.
    let pattern = if ignore_case {
        format!("(?i){pattern}")
    } else {
        pattern.to_owned()
    };
    regex::RegexBuilder::new(&pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| {
            let message = match e {
                regex::Error::CompiledTooBig(_) => format!(
                    "this regular expression is too large to run quickly (over {} KB compiled): make it simpler, e.g. fewer repetitions like {{1000}}",
                    REGEX_SIZE_LIMIT / 1024
                ),
                regex::Error::Syntax(detail) => {
                    let first = detail.lines().find(|l| l.starts_with("error:")).unwrap_or("invalid syntax");
                    format!("this regular expression is not valid ({first}); write \\ before special characters to match them literally")
                }
                _ => "this regular expression is not valid".to_owned(),
            };
            SegmentError::new(ErrorKind::BadRegex, Some(span), message)
        })
}

/// A yes/no word as exports write it, in any case: yes/no, true/false, y/n, 1/0, ja/nej, sant/falskt.
fn boolean_word(text: &str) -> Option<bool> {
    const TRUE: [&str; 6] = ["yes", "true", "y", "1", "ja", "sant"];
    const FALSE: [&str; 6] = ["no", "false", "n", "0", "nej", "falskt"];
    let word = text.trim();
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(word)) {
        return Some(true);
    }
    FALSE
        .iter()
        .any(|f| f.eq_ignore_ascii_case(word))
        .then_some(false)
}
