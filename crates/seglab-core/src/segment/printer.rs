//! Canonical text of a definition: lowercase keywords, one space between words, the fewest parentheses
//! that keep the meaning, names in backticks only when they need them.

use super::ast::{
    CmpOp, Condition, Duration, Expr, LinkedRef, Literal, LiteralValue, Name, RelOp, TextOp,
};
use super::lexer::{is_word_char, is_word_start};
use super::parser::RESERVED;
use super::time::format_date;
use std::fmt::{self, Display, Formatter, Write};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(parts) => join(f, parts, " and ", |p| {
                matches!(p, Expr::And(_) | Expr::Or(_))
            }),
            Expr::Or(parts) => join(f, parts, " or ", |p| matches!(p, Expr::Or(_))),
            Expr::Not(inner) => {
                f.write_str("not ")?;
                if matches!(**inner, Expr::And(_) | Expr::Or(_)) {
                    write!(f, "({inner})")
                } else {
                    write!(f, "{inner}")
                }
            }
            Expr::Cond { condition, .. } => write!(f, "{condition}"),
        }
    }
}

fn join(
    f: &mut Formatter<'_>,
    parts: &[Expr],
    sep: &str,
    needs_parens: impl Fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if needs_parens(part) {
            write!(f, "({part})")?;
        } else {
            write!(f, "{part}")?;
        }
    }
    Ok(())
}

/// A column or property name: bare when it reads as a plain word, else in backticks.
pub(crate) struct ColumnName<'a>(pub &'a str);

/// A column name as a definition writes it: bare when it is a plain word, else in backticks.
pub fn column_text(name: &str) -> String {
    ColumnName(name).to_string()
}

/// A name inside a function's parentheses (`sum(amount)`, `nps(nps.score)`): keywords may stay bare.
pub(crate) struct ArgumentName<'a>(pub &'a str);

fn is_plain_word(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_word_start) && chars.all(is_word_char)
}

impl Display for ArgumentName<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if is_plain_word(self.0) {
            f.write_str(self.0)
        } else {
            ColumnName(self.0).fmt(f)
        }
    }
}

impl Display for ColumnName<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = self.0;
        let plain = is_plain_word(name) && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name));
        if plain {
            return f.write_str(name);
        }
        f.write_char('`')?;
        for c in name.chars() {
            if c == '`' {
                f.write_str("``")?;
            } else {
                f.write_char(c)?;
            }
        }
        f.write_char('`')
    }
}

/// Text in double quotes, with `\` and `"` escaped.
pub(crate) struct Quoted<'a>(pub &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            if matches!(c, '"' | '\\') {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('"')
    }
}

impl Display for LiteralValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LiteralValue::Integer(v) => write!(f, "{v}"),
            LiteralValue::Decimal(v) => {
                let text = v.to_string();
                if text.contains('.') {
                    f.write_str(&text)
                } else {
                    write!(f, "{text}.0")
                }
            }
            LiteralValue::Boolean(v) => f.write_str(if *v { "yes" } else { "no" }),
            LiteralValue::Date(d) => f.write_str(&format_date(*d)),
            LiteralValue::Text(s) => write!(f, "{}", Quoted(s)),
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl Display for Duration {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.word(self.amount))
    }
}

impl Display for LinkedRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            ArgumentName(&self.file.text),
            ArgumentName(&self.column.text)
        )
    }
}

fn col(name: &Name) -> ColumnName<'_> {
    ColumnName(&name.text)
}

fn event(name: &Name) -> Quoted<'_> {
    Quoted(&name.text)
}

fn ignoring(f: &mut Formatter<'_>, ignore_case: bool) -> fmt::Result {
    if ignore_case {
        f.write_str(" ignoring case")
    } else {
        Ok(())
    }
}

/// A regular expression between slashes, with slashes inside escaped; in double quotes when the pattern
/// cannot be written between slashes (a trailing backslash, or a backslash before a slash).
fn regex(f: &mut Formatter<'_>, pattern: &str) -> fmt::Result {
    let mut chars = pattern.chars();
    let mut slashable = true;
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next().is_none_or(|n| n == '/') {
            slashable = false;
        }
    }
    if !slashable {
        return write!(f, "{}", Quoted(pattern));
    }
    f.write_char('/')?;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '/' => f.write_str("\\/")?,
            '\\' => {
                f.write_char(c)?;
                if let Some(n) = chars.next() {
                    f.write_char(n)?;
                }
            }
            _ => f.write_char(c)?,
        }
    }
    f.write_char('/')
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare {
                column,
                op,
                value,
                ignore_case,
            } => {
                let is_date = matches!(value.value, LiteralValue::Date(_));
                match op {
                    CmpOp::Lt if is_date => write!(f, "{} before {value}", col(column))?,
                    CmpOp::Gt if is_date => write!(f, "{} after {value}", col(column))?,
                    _ => write!(f, "{} {} {value}", col(column), op.symbol())?,
                }
                ignoring(f, *ignore_case)
            }
            Condition::Between { column, low, high } => {
                write!(f, "{} between {low} and {high}", col(column))
            }
            Condition::InList {
                column,
                negated,
                values,
                ignore_case,
            } => {
                write!(
                    f,
                    "{} {}in (",
                    col(column),
                    if *negated { "not " } else { "" }
                )?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(')')?;
                ignoring(f, *ignore_case)
            }
            Condition::Text {
                column,
                op,
                pattern,
                ignore_case,
            } => {
                write!(f, "{} {} ", col(column), op.keyword())?;
                let text = match &pattern.value {
                    LiteralValue::Text(t) => t.clone(),
                    other => other.to_string(),
                };
                if *op == TextOp::Matches {
                    regex(f, &text)?;
                } else {
                    write!(f, "{}", Quoted(&text))?;
                }
                ignoring(f, *ignore_case)
            }
            Condition::Empty { column, negated } => {
                write!(
                    f,
                    "{} is {}empty",
                    col(column),
                    if *negated { "not " } else { "" }
                )
            }
            Condition::Relative {
                column,
                op: RelOp::InLast,
                duration,
            } => {
                write!(f, "{} in last {duration}", col(column))
            }
            Condition::Relative {
                column,
                op: RelOp::MoreThanAgo,
                duration,
            } => {
                write!(f, "{} more than {duration} ago", col(column))
            }
            Condition::Did {
                event: e,
                count,
                window,
            } => {
                write!(f, "did {}", event(e))?;
                if let Some((op, n)) = count {
                    write!(
                        f,
                        " {} {n} {}",
                        op.words(),
                        if *n == 1 { "time" } else { "times" }
                    )?;
                }
                if let Some(w) = window {
                    write!(f, " in last {w}")?;
                }
                Ok(())
            }
            Condition::Then {
                first,
                then,
                within,
            } => {
                write!(
                    f,
                    "did {} then {} within {within}",
                    event(first),
                    event(then)
                )
            }
            Condition::FirstDid { event: e, window } => {
                write!(f, "first did {} in last {window}", event(e))
            }
            Condition::Aggregate {
                func,
                property,
                event: e,
                window,
                op,
                value,
            } => {
                write!(
                    f,
                    "{}({}) of {}",
                    func.keyword(),
                    ArgumentName(&property.text),
                    event(e)
                )?;
                if let Some(w) = window {
                    write!(f, " in last {w}")?;
                }
                write!(f, " {} {value}", op.symbol())
            }
            Condition::Survey {
                func,
                column,
                op,
                value,
            } => {
                write!(f, "{}({column}) {} {value}", func.keyword(), op.symbol())
            }
            Condition::Nps {
                column,
                negated,
                class,
            } => {
                write!(
                    f,
                    "nps({column}) {} {}",
                    if *negated { "!=" } else { "=" },
                    class.word()
                )
            }
            Condition::InSegment { name } => write!(f, "in segment {}", Quoted(&name.text)),
        }
    }
}
