//! Splits a definition into tokens, each with its byte span.

use super::ast::Span;
use super::error::{ErrorKind, SegmentError};
use super::time::days_from_civil;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A bare word: a keyword or a plain column name.
    Word(String),
    /// A name in backticks: `` `Annual revenue` ``.
    Quoted(String),
    /// Text in double or single quotes.
    Str(String),
    /// A number as written (sign included).
    Number(String),
    /// A date `2025-03-01`, as days since the epoch.
    Date(i32),
    /// A regular expression between slashes.
    Regex(String),
    LParen,
    RParen,
    Comma,
    Dot,
    Op(&'static str),
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Quoted(q) => format!("`{q}`"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Number(n) => n.clone(),
            Tok::Date(_) => "a date".to_owned(),
            Tok::Regex(r) => format!("/{r}/"),
            Tok::LParen => "`(`".to_owned(),
            Tok::RParen => "`)`".to_owned(),
            Tok::Comma => "`,`".to_owned(),
            Tok::Dot => "`.`".to_owned(),
            Tok::Op(op) => format!("`{op}`"),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Characters that may start a bare word.
pub(crate) fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

pub(crate) fn lex(text: &str) -> Result<Vec<Token>, SegmentError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let single = |tok: Tok| Token {
            tok,
            span: Span::new(start, start + c.len_utf8()),
        };
        let token = match c {
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            ',' => single(Tok::Comma),
            '.' if !bytes.get(start + 1).is_some_and(u8::is_ascii_digit) => single(Tok::Dot),
            '=' => {
                // `==` is accepted for people used to programming languages.
                let len = if bytes.get(start + 1) == Some(&b'=') {
                    2
                } else {
                    1
                };
                Token {
                    tok: Tok::Op("="),
                    span: Span::new(start, start + len),
                }
            }
            '!' => {
                if bytes.get(start + 1) != Some(&b'=') {
                    return Err(SegmentError::new(
                        ErrorKind::Syntax,
                        Some(Span::new(start, start + 1)),
                        "`!` on its own means nothing here",
                    )
                    .with_suggestions(["!=".to_owned(), "not".to_owned()]));
                }
                Token {
                    tok: Tok::Op("!="),
                    span: Span::new(start, start + 2),
                }
            }
            '<' | '>' => {
                let next = bytes.get(start + 1);
                let (op, len) = match (c, next) {
                    ('<', Some(b'=')) => ("<=", 2),
                    ('<', Some(b'>')) => ("!=", 2),
                    ('<', _) => ("<", 1),
                    (_, Some(b'=')) => (">=", 2),
                    _ => (">", 1),
                };
                Token {
                    tok: Tok::Op(op),
                    span: Span::new(start, start + len),
                }
            }
            '"' | '\'' => lex_string(text, start, c)?,
            '`' => lex_quoted(text, start)?,
            '/' => lex_regex(text, start)?,
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => lex_number(text, start)?,
            c if is_word_start(c) => {
                let end = text[start..]
                    .find(|ch: char| !is_word_char(ch))
                    .map_or(text.len(), |e| start + e);
                Token {
                    tok: Tok::Word(text[start..end].to_owned()),
                    span: Span::new(start, end),
                }
            }
            other => {
                let hint = match other {
                    '[' | ']' => {
                        "put names with spaces or symbols in backticks, like `Annual revenue`"
                    }
                    '&' | '|' => "write `and` / `or`",
                    _ => "remove it, or put the text in double quotes",
                };
                return Err(SegmentError::new(
                    ErrorKind::Syntax,
                    Some(Span::new(start, start + other.len_utf8())),
                    format!("unexpected character `{other}`: {hint}"),
                ));
            }
        };
        // Skip the characters the token consumed.
        while chars.peek().is_some_and(|&(i, _)| i < token.span.end) {
            chars.next();
        }
        tokens.push(token);
    }
    Ok(tokens)
}

fn lex_string(text: &str, start: usize, quote: char) -> Result<Token, SegmentError> {
    let mut value = String::new();
    let mut iter = text[start + 1..].char_indices();
    while let Some((i, c)) = iter.next() {
        match c {
            '\\' => match iter.next() {
                Some((_, e @ ('\\' | '"' | '\''))) => value.push(e),
                Some((j, e)) => {
                    let at = start + 1 + j;
                    return Err(SegmentError::new(
                        ErrorKind::Syntax,
                        Some(Span::new(at - 1, at + e.len_utf8())),
                        format!("unknown escape `\\{e}` in text: write `\\\\` for a backslash"),
                    ));
                }
                None => break,
            },
            c if c == quote => {
                return Ok(Token {
                    tok: Tok::Str(value),
                    span: Span::new(start, start + 1 + i + 1),
                });
            }
            c => value.push(c),
        }
    }
    Err(SegmentError::new(
        ErrorKind::Syntax,
        Some(Span::new(start, text.len())),
        format!("text starting here is never closed: add a closing {quote}"),
    ))
}

fn lex_quoted(text: &str, start: usize) -> Result<Token, SegmentError> {
    let mut value = String::new();
    let rest = &text[start + 1..];
    let mut iter = rest.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '`' {
            if iter.peek().is_some_and(|&(_, n)| n == '`') {
                iter.next();
                value.push('`');
                continue;
            }
            return Ok(Token {
                tok: Tok::Quoted(value),
                span: Span::new(start, start + 1 + i + 1),
            });
        }
        value.push(c);
    }
    Err(SegmentError::new(
        ErrorKind::Syntax,
        Some(Span::new(start, text.len())),
        "a name in backticks is never closed: add a closing `",
    ))
}

fn lex_regex(text: &str, start: usize) -> Result<Token, SegmentError> {
    let mut value = String::new();
    let mut iter = text[start + 1..].char_indices();
    while let Some((i, c)) = iter.next() {
        match c {
            '\\' => match iter.next() {
                Some((_, '/')) => value.push('/'),
                Some((_, e)) => {
                    value.push('\\');
                    value.push(e);
                }
                None => break,
            },
            '/' => {
                return Ok(Token {
                    tok: Tok::Regex(value),
                    span: Span::new(start, start + 1 + i + 1),
                });
            }
            c => value.push(c),
        }
    }
    Err(SegmentError::new(
        ErrorKind::Syntax,
        Some(Span::new(start, text.len())),
        "a regular expression is never closed: end it with / (write \\/ for a slash inside it)",
    ))
}

fn lex_number(text: &str, start: usize) -> Result<Token, SegmentError> {
    let bytes = text.as_bytes();
    let mut end = start;
    if matches!(bytes[end], b'-' | b'+') {
        end += 1;
    }
    let digits_start = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    // A date: exactly four digits, then -MM-DD.
    if end - digits_start == 4
        && digits_start == start
        && bytes.get(end) == Some(&b'-')
        && bytes.len() >= end + 6
        && bytes[end + 1..end + 3].iter().all(u8::is_ascii_digit)
        && bytes[end + 3] == b'-'
        && bytes[end + 4..end + 6].iter().all(u8::is_ascii_digit)
        && !bytes.get(end + 6).is_some_and(u8::is_ascii_alphanumeric)
    {
        let span = Span::new(start, end + 6);
        let field = |a: usize, b: usize| text[a..b].parse::<i32>().unwrap_or(0);
        let (y, m, d) = (
            field(start, end),
            field(end + 1, end + 3),
            field(end + 4, end + 6),
        );
        return match days_from_civil(y, m, d) {
            Some(days) => Ok(Token {
                tok: Tok::Date(days),
                span,
            }),
            None => Err(SegmentError::new(
                ErrorKind::Syntax,
                Some(span),
                format!(
                    "`{}` is not a calendar date: write year-month-day, like 2025-03-01",
                    &text[span.start..span.end]
                ),
            )),
        };
    }
    if bytes.get(end) == Some(&b'.') {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let span = Span::new(start, end);
    let written = &text[start..end];
    let has_digit = written.bytes().any(|b| b.is_ascii_digit());
    let glued = text[end..]
        .chars()
        .next()
        .is_some_and(|c| is_word_char(c) || c == '.' || c == '-');
    if !has_digit || glued {
        let until = text[start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| start + e);
        return Err(SegmentError::new(
            ErrorKind::Syntax,
            Some(Span::new(start, until)),
            format!(
                "`{}` is not a number or a date: write numbers like 42 or 3.5, dates like 2025-03-01, and text in double quotes",
                &text[start..until]
            ),
        ));
    }
    Ok(Token {
        tok: Tok::Number(written.to_owned()),
        span,
    })
}
