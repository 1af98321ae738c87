//! The one error type of segment definitions: where in the text, what is wrong, and what to write instead.

use super::ast::Span;
use serde::Serialize;

/// What went wrong, for code that reacts to kinds of errors (the text is in `message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The text does not follow the grammar.
    Syntax,
    /// The definition is longer than [`super::MAX_DEFINITION_BYTES`].
    TooLong,
    /// Parentheses or `not`s nest deeper than [`super::MAX_DEPTH`].
    TooDeep,
    UnknownColumn,
    UnknownEvent,
    UnknownProperty,
    UnknownFile,
    UnknownSegment,
    /// A value of the wrong type for its column, or an operator the column's type does not support.
    WrongType,
    /// A regular expression that does not compile or is too large.
    BadRegex,
    /// Segments that refer to each other in a circle.
    Cycle,
    /// A chain of `in segment` references longer than [`super::MAX_SEGMENT_DEPTH`].
    ReferenceDepth,
    /// A condition needs data that was not loaded (no event file, no as-of time) or a feature the target
    /// (e.g. SQL without a time column) lacks.
    MissingData,
}

/// An error in a segment definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct SegmentError {
    pub kind: ErrorKind,
    /// Byte offsets `(start, end)` of the offending text in the definition, when it has a place.
    pub span: Option<(usize, usize)>,
    /// A sentence saying what is wrong and how to fix it.
    pub message: String,
    /// Replacements to offer (e.g. the nearest column names), best first.
    pub suggestions: Vec<String>,
}

impl SegmentError {
    /// Errors that belong to the chain of references being evaluated rather than to one segment.
    pub(crate) fn is_about_the_chain(&self) -> bool {
        matches!(self.kind, ErrorKind::Cycle | ErrorKind::ReferenceDepth)
    }

    pub fn new(kind: ErrorKind, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            kind,
            span: span.map(Span::pair),
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_suggestions(mut self, suggestions: impl IntoIterator<Item = String>) -> Self {
        self.suggestions.extend(suggestions);
        self
    }

    /// An error about `name`, not found among `known`: says which names are closest.
    pub(crate) fn unknown<'a>(
        kind: ErrorKind,
        what: &str,
        name: &str,
        span: Span,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let nearest = super::suggest::nearest(name, known);
        let message = match nearest.as_slice() {
            [] => format!("there is no {what} `{name}`"),
            [one] => format!("there is no {what} `{name}`; did you mean `{one}`?"),
            more => format!(
                "there is no {what} `{name}`; did you mean {}?",
                more.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        Self::new(kind, Some(span), message).with_suggestions(nearest)
    }
}
