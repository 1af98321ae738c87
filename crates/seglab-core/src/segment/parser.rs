//! Recursive-descent parser: tokens to an [`Expr`], with `not` binding tighter than `and`, and `and`
//! tighter than `or`.

use super::ast::{
    AggFunc, CmpOp, Condition, CountOp, Duration, Expr, LinkedRef, Literal, LiteralValue, Name,
    NpsClass, RelOp, Span, SurveyFunc, TextOp, Unit,
};
use super::error::{ErrorKind, SegmentError};
use super::lexer::{Tok, Token, lex};
use super::{MAX_DEFINITION_BYTES, MAX_DEPTH};

/// Words that start a condition of their own, so a column with one of these names must be written in
/// backticks (`` `count` ``).
pub(crate) const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "did", "first", "sum", "avg", "min", "max", "distinct", "latest",
    "nps", "yes", "no", "true", "false",
];

pub fn parse(text: &str) -> Result<Expr, SegmentError> {
    if text.len() > MAX_DEFINITION_BYTES {
        return Err(SegmentError::new(
            ErrorKind::TooLong,
            Some(Span::new(MAX_DEFINITION_BYTES, text.len())),
            format!(
                "this definition is {} bytes long; the limit is {MAX_DEFINITION_BYTES}: split it into segments and combine them with `in segment \"…\"`",
                text.len()
            ),
        ));
    }
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Err(SegmentError::new(
            ErrorKind::Syntax,
            Some(Span::new(0, text.len())),
            "the definition is empty: write a condition such as plan = \"trial\"",
        ));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    let expr = parser.or_expr()?;
    if let Some(token) = parser.tokens.get(parser.pos) {
        let hint = if matches!(&token.tok, Tok::Word(_) | Tok::Quoted(_) | Tok::Str(_)) {
            "; join conditions with `and` or `or`"
        } else if token.tok == Tok::RParen {
            "; this `)` has no matching `(`"
        } else {
            ""
        };
        return Err(SegmentError::new(
            ErrorKind::Syntax,
            Some(token.span),
            format!(
                "unexpected {} after a complete condition{hint}",
                token.tok.describe()
            ),
        ));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    end: usize,
}

fn word_is(tok: &Tok, keyword: &str) -> bool {
    matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|t| &t.tok)
    }

    fn peek_word(&self, keyword: &str) -> bool {
        self.peek().is_some_and(|t| word_is(t, keyword))
    }

    /// The span of the next token, or an empty span at the end of the text.
    fn here(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map_or(Span::new(self.end, self.end), |t| t.span)
    }

    fn previous_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|p| self.tokens.get(p))
            .map_or(0, |t| t.span.end)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn error(&self, message: impl Into<String>) -> SegmentError {
        let found = match self.tokens.get(self.pos) {
            Some(t) => format!(", found {}", t.tok.describe()),
            None => ", but the definition ends here".to_owned(),
        };
        SegmentError::new(
            ErrorKind::Syntax,
            Some(self.here()),
            format!("{}{found}", message.into()),
        )
    }

    fn eat_word(&mut self, keyword: &str) -> bool {
        if self.peek_word(keyword) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_word(&mut self, keyword: &str, context: &str) -> Result<(), SegmentError> {
        if self.eat_word(keyword) {
            return Ok(());
        }
        Err(self
            .error(format!("expected `{keyword}` {context}"))
            .with_suggestions([keyword.to_owned()]))
    }

    fn expect(&mut self, tok: &Tok, context: &str) -> Result<(), SegmentError> {
        if self.peek() == Some(tok) {
            self.pos += 1;
            return Ok(());
        }
        Err(self.error(format!("expected {} {context}", tok.describe())))
    }

    fn enter(&mut self) -> Result<(), SegmentError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SegmentError::new(
                ErrorKind::TooDeep,
                Some(self.here()),
                format!(
                    "parentheses and `not`s nest more than {MAX_DEPTH} deep here: simplify the definition or split it into segments"
                ),
            ));
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Expr, SegmentError> {
        let mut parts = vec![self.and_expr()?];
        while self.eat_word("or") {
            parts.push(self.and_expr()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, SegmentError> {
        let mut parts = vec![self.unary()?];
        while self.eat_word("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, SegmentError> {
        if self.eat_word("not") {
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Tok::LParen) {
            let open = self.here();
            self.pos += 1;
            self.enter()?;
            let inner = self.or_expr()?;
            self.depth -= 1;
            if self.peek() != Some(&Tok::RParen) {
                return Err(self.error(format!(
                    "expected `)` to close the `(` at byte {}",
                    open.start
                )));
            }
            self.pos += 1;
            return Ok(inner);
        }
        let start = self.here().start;
        let condition = self.condition()?;
        Ok(Expr::Cond {
            condition,
            span: Span::new(start, self.previous_end()),
        })
    }

    fn condition(&mut self) -> Result<Condition, SegmentError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.error("expected a condition"));
        };
        if let Tok::Word(word) = &tok {
            match word.to_ascii_lowercase().as_str() {
                "in" => {
                    self.pos += 1;
                    self.expect_word("segment", "after `in` (as in: in segment \"Trials\")")?;
                    let name = self.string_name("a segment name in double quotes")?;
                    return Ok(Condition::InSegment { name });
                }
                "did" => {
                    self.pos += 1;
                    return self.did();
                }
                "first" => {
                    self.pos += 1;
                    self.expect_word(
                        "did",
                        "after `first` (as in: first did \"Signup\" in last 30 days)",
                    )?;
                    let event = self.event()?;
                    let Some(window) = self.window()? else {
                        return Err(self.error("expected `in last N days` after the event"));
                    };
                    return Ok(Condition::FirstDid { event, window });
                }
                "sum" | "avg" | "min" | "max" | "distinct" | "latest" | "nps"
                    if self.peek_at(1) == Some(&Tok::LParen) =>
                {
                    return self.function();
                }
                "sum" | "avg" | "min" | "max" | "distinct" | "latest" | "nps" => {
                    return Err(self
                        .error(format!("expected `(` after `{word}`; a column named `{word}` is written in backticks"))
                        .with_suggestions([format!("`{word}`")]));
                }
                w if RESERVED.contains(&w) => {
                    return Err(self.error("expected a condition"));
                }
                _ => {}
            }
        }
        let column = self.column_name()?;
        self.column_condition(column)
    }

    /// A column name: a bare word or a name in backticks.
    fn column_name(&mut self) -> Result<Name, SegmentError> {
        let span = self.here();
        match self.peek().cloned() {
            Some(Tok::Word(w)) if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&w)) => {
                self.pos += 1;
                Ok(Name { text: w, span })
            }
            Some(Tok::Quoted(q)) => {
                self.pos += 1;
                if q.is_empty() {
                    return Err(SegmentError::new(ErrorKind::Syntax, Some(span), "a name in backticks is empty"));
                }
                Ok(Name { text: q, span })
            }
            Some(Tok::Str(s)) => Err(SegmentError::new(
                ErrorKind::Syntax,
                Some(span),
                format!("expected a column name, found the text \"{s}\": column names go in backticks, like `{s}`"),
            )
            .with_suggestions([format!("`{s}`")])),
            _ => Err(self.error("expected a condition: a column name, `did`, `in segment`, `not` or `(`")),
        }
    }

    /// A name in double quotes (or, for events, a bare word or backticks).
    fn string_name(&mut self, what: &str) -> Result<Name, SegmentError> {
        let span = self.here();
        match self.peek().cloned() {
            Some(Tok::Str(s) | Tok::Quoted(s)) if !s.is_empty() => {
                self.pos += 1;
                Ok(Name { text: s, span })
            }
            Some(Tok::Word(w)) if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&w)) => {
                self.pos += 1;
                Ok(Name { text: w, span })
            }
            _ => Err(self.error(format!("expected {what}"))),
        }
    }

    /// A name inside a function's parentheses, where keywords cannot be mistaken for anything else.
    fn argument_name(&mut self, what: &str) -> Result<Name, SegmentError> {
        if let Some(Token {
            tok: Tok::Word(w),
            span,
        }) = self.tokens.get(self.pos).cloned()
        {
            self.pos += 1;
            return Ok(Name { text: w, span });
        }
        self.string_name(what)
    }

    fn event(&mut self) -> Result<Name, SegmentError> {
        self.string_name("an event name in double quotes, like \"Login\"")
    }

    fn did(&mut self) -> Result<Condition, SegmentError> {
        if self.peek_word("not") {
            return Err(self
                .error("write `not did \"…\"` rather than `did not \"…\"`")
                .with_suggestions(["not did".to_owned()]));
        }
        let event = self.event()?;
        if self.eat_word("then") {
            let then = self.event()?;
            self.expect_word("within", "after the second event (as in: within 14 days)")?;
            let within = self.duration()?;
            return Ok(Condition::Then {
                first: event,
                then,
                within,
            });
        }
        let count = self.count()?;
        let window = self.window()?;
        Ok(Condition::Did {
            event,
            count,
            window,
        })
    }

    fn count(&mut self) -> Result<Option<(CountOp, u32)>, SegmentError> {
        let op = if self.peek_word("at") {
            self.pos += 1;
            if self.eat_word("least") {
                CountOp::AtLeast
            } else if self.eat_word("most") {
                CountOp::AtMost
            } else {
                return Err(self.error("expected `least` or `most` after `at`"));
            }
        } else if self.eat_word("exactly") {
            CountOp::Exactly
        } else {
            return Ok(None);
        };
        let n = self.whole_number("a number of times")?;
        if !self.eat_word("times") && !self.eat_word("time") {
            return Err(self
                .error("expected `times` after the number")
                .with_suggestions(["times".to_owned()]));
        }
        Ok(Some((op, n)))
    }

    /// `in last N days` (also `in the last N days`), if present.
    fn window(&mut self) -> Result<Option<Duration>, SegmentError> {
        if !(self.peek_word("in")
            && (word_is_opt(self.peek_at(1), "last") || word_is_opt(self.peek_at(1), "the")))
        {
            return Ok(None);
        }
        self.pos += 1;
        self.eat_word("the");
        self.expect_word("last", "(as in: in last 30 days)")?;
        Ok(Some(self.duration()?))
    }

    fn duration(&mut self) -> Result<Duration, SegmentError> {
        let amount = self.whole_number("a number of days, weeks or months")?;
        let unit = match self.peek() {
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "hour" | "hours" => Some(Unit::Hours),
                "day" | "days" => Some(Unit::Days),
                "week" | "weeks" => Some(Unit::Weeks),
                "month" | "months" => Some(Unit::Months),
                _ => None,
            },
            _ => None,
        };
        let Some(unit) = unit else {
            return Err(self
                .error("expected a unit of time: hours, days, weeks or months")
                .with_suggestions(["days".to_owned(), "weeks".to_owned(), "months".to_owned()]));
        };
        self.pos += 1;
        Ok(Duration { amount, unit })
    }

    fn whole_number(&mut self, what: &str) -> Result<u32, SegmentError> {
        if let Some(Tok::Number(n)) = self.peek()
            && let Ok(v) = n.parse::<u32>()
            && v <= MAX_AMOUNT
        {
            self.pos += 1;
            return Ok(v);
        }
        Err(self.error(format!(
            "expected {what}: a whole number from 0 to {MAX_AMOUNT}"
        )))
    }

    /// `sum(…) of "E" …`, `avg(nps.score) …`, `latest(nps.score) …`, `nps(nps.score) = promoter`.
    fn function(&mut self) -> Result<Condition, SegmentError> {
        let Some(Token {
            tok: Tok::Word(word),
            ..
        }) = self.next()
        else {
            return Err(self.error("expected a function"));
        };
        let word = word.to_ascii_lowercase();
        self.expect(&Tok::LParen, "")?;
        let first = self.argument_name("a property or column name")?;
        let linked = if self.peek() == Some(&Tok::Dot) {
            self.pos += 1;
            let column = self.argument_name("a column name after the `.`")?;
            Some(LinkedRef {
                file: first.clone(),
                column,
            })
        } else {
            None
        };
        self.expect(&Tok::RParen, "to close the function's `(`")?;
        match (word.as_str(), linked) {
            ("nps", Some(column)) => {
                let negated = match self.next().map(|t| t.tok) {
                    Some(Tok::Op("=")) => false,
                    Some(Tok::Op("!=")) => true,
                    _ => {
                        self.pos -= 1;
                        return Err(self.error("expected `=` or `!=` after nps(…)"));
                    }
                };
                let class = match self.peek() {
                    Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                        "promoter" | "promoters" => Some(NpsClass::Promoter),
                        "passive" | "passives" => Some(NpsClass::Passive),
                        "detractor" | "detractors" => Some(NpsClass::Detractor),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(class) = class else {
                    return Err(self
                        .error("expected promoter, passive or detractor")
                        .with_suggestions([
                            "promoter".to_owned(),
                            "passive".to_owned(),
                            "detractor".to_owned(),
                        ]));
                };
                self.pos += 1;
                Ok(Condition::Nps {
                    column,
                    negated,
                    class,
                })
            }
            ("latest" | "avg", Some(column)) => {
                let func = if word == "latest" {
                    SurveyFunc::Latest
                } else {
                    SurveyFunc::Avg
                };
                let op = self.cmp_op()?;
                let value = self.number_literal()?;
                Ok(Condition::Survey {
                    func,
                    column,
                    op,
                    value,
                })
            }
            ("nps" | "latest", None) => Err(SegmentError::new(
                ErrorKind::Syntax,
                Some(first.span),
                format!(
                    "{word}(…) takes a column of a survey file, written file.column (like nps.score)"
                ),
            )),
            (_, Some(linked)) => Err(SegmentError::new(
                ErrorKind::Syntax,
                Some(linked.file.span.to(linked.column.span)),
                format!(
                    "{word}(…) of a survey column is not supported: use latest(…), avg(…) or nps(…)"
                ),
            )),
            (_, None) => {
                let func = match word.as_str() {
                    "sum" => AggFunc::Sum,
                    "avg" => AggFunc::Avg,
                    "min" => AggFunc::Min,
                    "max" => AggFunc::Max,
                    _ => AggFunc::Distinct,
                };
                self.expect_word(
                    "of",
                    "and an event (as in: sum(amount) of \"Purchase\" > 100)",
                )?;
                let event = self.event()?;
                let window = self.window()?;
                let op = self.cmp_op()?;
                let value = self.number_literal()?;
                Ok(Condition::Aggregate {
                    func,
                    property: first,
                    event,
                    window,
                    op,
                    value,
                })
            }
        }
    }

    fn cmp_op(&mut self) -> Result<CmpOp, SegmentError> {
        let op = match self.peek() {
            Some(Tok::Op(op)) => match *op {
                "=" => CmpOp::Eq,
                "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                _ => CmpOp::Ge,
            },
            _ => return Err(self.error("expected a comparison: =, !=, <, <=, > or >=")),
        };
        self.pos += 1;
        Ok(op)
    }

    fn number_literal(&mut self) -> Result<Literal, SegmentError> {
        let literal = self.literal()?;
        if literal.value.as_f64().is_none() {
            return Err(SegmentError::new(
                ErrorKind::WrongType,
                Some(literal.span),
                format!("expected a number here, found {}", literal.value.describe()),
            ));
        }
        Ok(literal)
    }

    fn literal(&mut self) -> Result<Literal, SegmentError> {
        let span = self.here();
        let value = match self.peek().cloned() {
            Some(Tok::Str(s)) => LiteralValue::Text(s),
            Some(Tok::Date(d)) => LiteralValue::Date(d),
            Some(Tok::Number(n)) => parse_number(&n).ok_or_else(|| {
                SegmentError::new(
                    ErrorKind::Syntax,
                    Some(span),
                    format!("`{n}` is too large a number"),
                )
            })?,
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "yes" | "true" => LiteralValue::Boolean(true),
                "no" | "false" => LiteralValue::Boolean(false),
                _ => {
                    return Err(SegmentError::new(
                        ErrorKind::Syntax,
                        Some(span),
                        format!("expected a value; text goes in double quotes: \"{w}\""),
                    )
                    .with_suggestions([format!("\"{w}\"")]));
                }
            },
            _ => {
                return Err(self.error(
                    "expected a value: a number, a date like 2025-03-01, yes/no or \"text\"",
                ));
            }
        };
        self.pos += 1;
        Ok(Literal { value, span })
    }

    fn ignore_case(&mut self) -> Result<bool, SegmentError> {
        if !self.eat_word("ignoring") {
            return Ok(false);
        }
        self.expect_word("case", "after `ignoring`")?;
        Ok(true)
    }

    fn column_condition(&mut self, column: Name) -> Result<Condition, SegmentError> {
        if let Some(Tok::Op(_)) = self.peek() {
            let op = self.cmp_op()?;
            let value = self.literal()?;
            let ignore_case = self.ignore_case()?;
            return Ok(Condition::Compare {
                column,
                op,
                value,
                ignore_case,
            });
        }
        let Some(Tok::Word(word)) = self.peek().cloned() else {
            return Err(self.error(format!(
                "expected a comparison after `{}`: =, !=, <, >, between, in, contains, is empty, …",
                column.text
            )));
        };
        let word = word.to_ascii_lowercase();
        self.pos += 1;
        match word.as_str() {
            "before" | "after" => {
                let op = if word == "before" {
                    CmpOp::Lt
                } else {
                    CmpOp::Gt
                };
                let value = self.literal()?;
                let ignore_case = self.ignore_case()?;
                Ok(Condition::Compare {
                    column,
                    op,
                    value,
                    ignore_case,
                })
            }
            "between" => {
                let low = self.literal()?;
                self.expect_word("and", "between the two ends (as in: between 5 and 10)")?;
                let high = self.literal()?;
                Ok(Condition::Between { column, low, high })
            }
            "not" => {
                if self.peek_word("in") {
                    self.pos += 1;
                    return self.in_list(column, true);
                }
                if self.peek_word("empty") {
                    return Err(self
                        .error("write `is not empty`")
                        .with_suggestions(["is not empty".to_owned()]));
                }
                Err(self.error(format!("expected `in` after `{} not`", column.text)))
            }
            "in" => {
                if self.peek_word("last") || self.peek_word("the") {
                    self.eat_word("the");
                    self.expect_word("last", "(as in: in last 30 days)")?;
                    let duration = self.duration()?;
                    return Ok(Condition::Relative {
                        column,
                        op: RelOp::InLast,
                        duration,
                    });
                }
                self.in_list(column, false)
            }
            "more" => {
                self.expect_word("than", "(as in: more than 30 days ago)")?;
                let duration = self.duration()?;
                self.expect_word("ago", "(as in: more than 30 days ago)")?;
                Ok(Condition::Relative {
                    column,
                    op: RelOp::MoreThanAgo,
                    duration,
                })
            }
            "contains" => self.text_op(column, TextOp::Contains),
            "starts" | "ends" => {
                self.expect_word("with", &format!("after `{word}`"))?;
                self.text_op(
                    column,
                    if word == "starts" {
                        TextOp::StartsWith
                    } else {
                        TextOp::EndsWith
                    },
                )
            }
            "matches" => self.text_op(column, TextOp::Matches),
            "is" => {
                let negated = self.eat_word("not");
                if self.eat_word("empty") {
                    return Ok(Condition::Empty { column, negated });
                }
                Err(self
                    .error("expected `empty` (as in: is empty, is not empty); to compare a value write `=`")
                    .with_suggestions(["is empty".to_owned(), "=".to_owned()]))
            }
            _ => {
                self.pos -= 1;
                let err = self.error(format!(
                    "expected a comparison after `{}`: =, !=, <, >, between, in, contains, starts with, ends with, matches, is empty, before, after",
                    column.text
                ));
                // Two plain words in a row are most likely a column name with a space in it.
                let Some(Token {
                    tok: Tok::Word(next),
                    ..
                }) = self.tokens.get(self.pos)
                else {
                    return Err(err);
                };
                let joined = format!("`{} {next}`", column.text);
                let mut err = err;
                err.message
                    .push_str("; if the column's name has a space, write it in backticks: ");
                err.message.push_str(&joined);
                Err(err.with_suggestions([joined]))
            }
        }
    }

    fn in_list(&mut self, column: Name, negated: bool) -> Result<Condition, SegmentError> {
        self.expect(
            &Tok::LParen,
            "to start the list of values (as in: in (\"SE\", \"NO\"))",
        )?;
        let mut values = vec![self.literal()?];
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            values.push(self.literal()?);
        }
        self.expect(&Tok::RParen, "to close the list of values")?;
        let ignore_case = self.ignore_case()?;
        Ok(Condition::InList {
            column,
            negated,
            values,
            ignore_case,
        })
    }

    fn text_op(&mut self, column: Name, op: TextOp) -> Result<Condition, SegmentError> {
        let span = self.here();
        let pattern = match self.peek().cloned() {
            Some(Tok::Str(s)) => s,
            Some(Tok::Regex(r)) if op == TextOp::Matches => r,
            _ => {
                let what = if op == TextOp::Matches {
                    "a regular expression between slashes, like /^acme/"
                } else {
                    "text in double quotes"
                };
                return Err(self.error(format!("expected {what} after `{}`", op.keyword())));
            }
        };
        self.pos += 1;
        let ignore_case = self.ignore_case()?;
        Ok(Condition::Text {
            column,
            op,
            pattern: Literal {
                value: LiteralValue::Text(pattern),
                span,
            },
            ignore_case,
        })
    }
}

/// The largest count or duration amount a definition may hold.
pub const MAX_AMOUNT: u32 = 1_000_000;

fn word_is_opt(tok: Option<&Tok>, keyword: &str) -> bool {
    tok.is_some_and(|t| word_is(t, keyword))
}

fn parse_number(text: &str) -> Option<LiteralValue> {
    if text.contains('.') {
        return text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(LiteralValue::Decimal);
    }
    text.parse::<i64>().ok().map(LiteralValue::Integer)
}
