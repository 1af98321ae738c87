//! The segment definition tree: what `parse` returns, what the printer prints and the evaluators run.

use serde::Serialize;

/// Where a piece of a definition came from, as byte offsets into the text.
///
/// Spans are not part of a definition's meaning: two trees that differ only in spans compare equal, so
/// that a definition parsed from its canonical text equals the tree it was printed from.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn pair(self) -> (usize, usize) {
        (self.start, self.end)
    }
}

/// A name as the user wrote it (without quotes): a column, an event, an event property or a segment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

impl Name {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            span: Span::default(),
        }
    }
}

/// A column of a linked many-rows-per-user file, written `file.column` (e.g. `nps.score`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkedRef {
    pub file: Name,
    pub column: Name,
}

/// A constant in a definition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum LiteralValue {
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    /// Days since 1970-01-01, written `2025-03-01`.
    Date(i32),
    Text(String),
}

impl LiteralValue {
    /// The value as a number, for numeric comparisons.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            LiteralValue::Integer(v) => Some(v as f64),
            LiteralValue::Decimal(v) => Some(v),
            _ => None,
        }
    }

    /// What kind of value this is, in words, for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            LiteralValue::Integer(_) | LiteralValue::Decimal(_) => "a number",
            LiteralValue::Boolean(_) => "yes/no",
            LiteralValue::Date(_) => "a date",
            LiteralValue::Text(_) => "text",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Literal {
    pub value: LiteralValue,
    pub span: Span,
}

impl Literal {
    pub fn new(value: LiteralValue) -> Self {
        Self {
            value,
            span: Span::default(),
        }
    }
}

/// Comparison operators: `=`, `!=`, `<`, `<=`, `>`, `>=` (`before` and `after` are `<` and `>` on dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Applies the operator to two ordered values.
    #[inline]
    pub fn test<T: PartialOrd + Copy>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// Text matching operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
    /// A regular expression, found anywhere in the value (anchor it with `^…$` to match the whole value).
    Matches,
}

impl TextOp {
    pub const ALL: [TextOp; 4] = [
        TextOp::Contains,
        TextOp::StartsWith,
        TextOp::EndsWith,
        TextOp::Matches,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            TextOp::Contains => "contains",
            TextOp::StartsWith => "starts with",
            TextOp::EndsWith => "ends with",
            TextOp::Matches => "matches",
        }
    }
}

/// Units of relative time. A month is 30 days and a week 7, so that windows are the same length in
/// every engine (Seglab and the exported SQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Unit {
    Hours,
    Days,
    Weeks,
    Months,
}

impl Unit {
    pub const ALL: [Unit; 4] = [Unit::Hours, Unit::Days, Unit::Weeks, Unit::Months];

    pub fn seconds(self) -> i64 {
        match self {
            Unit::Hours => 3_600,
            Unit::Days => 86_400,
            Unit::Weeks => 7 * 86_400,
            Unit::Months => 30 * 86_400,
        }
    }

    pub fn word(self, amount: u32) -> &'static str {
        match (self, amount == 1) {
            (Unit::Hours, true) => "hour",
            (Unit::Hours, false) => "hours",
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
        }
    }
}

/// A length of time, e.g. `30 days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: Unit,
}

impl Duration {
    pub fn seconds(self) -> i64 {
        i64::from(self.amount) * self.unit.seconds()
    }
}

/// `in last N days` (values in the window ending at the as-of time) or `more than N days ago`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RelOp {
    InLast,
    MoreThanAgo,
}

/// How often an event was performed: `at least`, `at most`, `exactly`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CountOp {
    AtLeast,
    AtMost,
    Exactly,
}

impl CountOp {
    pub const ALL: [CountOp; 3] = [CountOp::AtLeast, CountOp::AtMost, CountOp::Exactly];

    pub fn words(self) -> &'static str {
        match self {
            CountOp::AtLeast => "at least",
            CountOp::AtMost => "at most",
            CountOp::Exactly => "exactly",
        }
    }

    #[inline]
    pub fn test(self, count: u32, n: u32) -> bool {
        match self {
            CountOp::AtLeast => count >= n,
            CountOp::AtMost => count <= n,
            CountOp::Exactly => count == n,
        }
    }
}

/// Aggregates of an event property over a user's matching events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AggFunc {
    /// Sum of the values; 0 for a user without matching events.
    Sum,
    /// Mean of the values; no value (never matches) without matching events.
    Avg,
    Min,
    Max,
    /// Number of distinct values; 0 without matching events.
    Distinct,
}

impl AggFunc {
    pub const ALL: [AggFunc; 5] = [
        AggFunc::Sum,
        AggFunc::Avg,
        AggFunc::Min,
        AggFunc::Max,
        AggFunc::Distinct,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::Distinct => "distinct",
        }
    }
}

/// Aggregates of a linked file's numeric column (e.g. NPS scores) per user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SurveyFunc {
    /// The user's most recent value (by the file's time column, else file order).
    Latest,
    /// The mean of the user's values.
    Avg,
}

impl SurveyFunc {
    pub const ALL: [SurveyFunc; 2] = [SurveyFunc::Latest, SurveyFunc::Avg];

    pub fn keyword(self) -> &'static str {
        match self {
            SurveyFunc::Latest => "latest",
            SurveyFunc::Avg => "avg",
        }
    }
}

/// Net Promoter classes of a 0–10 score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NpsClass {
    /// 9–10.
    Promoter,
    /// 7–8.
    Passive,
    /// 0–6.
    Detractor,
}

impl NpsClass {
    pub const ALL: [NpsClass; 3] = [NpsClass::Promoter, NpsClass::Passive, NpsClass::Detractor];

    pub fn word(self) -> &'static str {
        match self {
            NpsClass::Promoter => "promoter",
            NpsClass::Passive => "passive",
            NpsClass::Detractor => "detractor",
        }
    }

    /// The class of a score: 9 and above promoter, 7 up to 9 passive, below 7 detractor.
    pub fn of(score: f64) -> NpsClass {
        if score >= 9.0 {
            NpsClass::Promoter
        } else if score >= 7.0 {
            NpsClass::Passive
        } else {
            NpsClass::Detractor
        }
    }
}

/// One condition of a definition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Condition {
    /// `plan = "trial"`, `seats >= 10`, `signup_date before 2025-01-01`, `country = "se" ignoring case`.
    Compare {
        column: Name,
        op: CmpOp,
        value: Literal,
        ignore_case: bool,
    },
    /// `seats between 5 and 10` (both ends included).
    Between {
        column: Name,
        low: Literal,
        high: Literal,
    },
    /// `country in ("SE", "NO")`, `country not in ("SE")`.
    InList {
        column: Name,
        negated: bool,
        values: Vec<Literal>,
        ignore_case: bool,
    },
    /// `email ends with "@acme.com"`, `name matches /^a.*z$/`.
    Text {
        column: Name,
        op: TextOp,
        pattern: Literal,
        ignore_case: bool,
    },
    /// `phone is empty` (missing or empty text), `phone is not empty`.
    Empty { column: Name, negated: bool },
    /// `signup_date in last 3 months`, `last_seen more than 30 days ago`.
    Relative {
        column: Name,
        op: RelOp,
        duration: Duration,
    },
    /// `did "Login"`, `did "Export" at least 3 times in last 30 days`.
    Did {
        event: Name,
        count: Option<(CountOp, u32)>,
        window: Option<Duration>,
    },
    /// `did "Signup" then "Upgrade" within 14 days`: a `then` event strictly after a `first` event, at most
    /// the duration later.
    Then {
        first: Name,
        then: Name,
        within: Duration,
    },
    /// `first did "Signup" in last 30 days`.
    FirstDid { event: Name, window: Duration },
    /// `sum(amount) of "Purchase" in last 30 days > 100`.
    Aggregate {
        func: AggFunc,
        property: Name,
        event: Name,
        window: Option<Duration>,
        op: CmpOp,
        value: Literal,
    },
    /// `latest(nps.score) >= 9`, `avg(nps.score) < 7`.
    Survey {
        func: SurveyFunc,
        column: LinkedRef,
        op: CmpOp,
        value: Literal,
    },
    /// `nps(nps.score) = promoter`: the class of the latest score.
    Nps {
        column: LinkedRef,
        negated: bool,
        class: NpsClass,
    },
    /// `in segment "Trials"`.
    InSegment { name: Name },
}

/// A definition: conditions combined with `and`, `or`, `not` and parentheses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Expr {
    /// All of the parts (two or more).
    And(Vec<Expr>),
    /// Any of the parts (two or more).
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cond {
        condition: Condition,
        span: Span,
    },
}

impl Expr {
    pub fn cond(condition: Condition) -> Self {
        Expr::Cond {
            condition,
            span: Span::default(),
        }
    }

    /// Calls `f` on every condition, depth first, left to right.
    pub fn for_each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition, Span)) {
        match self {
            Expr::And(parts) | Expr::Or(parts) => {
                for part in parts {
                    part.for_each_condition(f);
                }
            }
            Expr::Not(inner) => inner.for_each_condition(f),
            Expr::Cond { condition, span } => f(condition, *span),
        }
    }
}
