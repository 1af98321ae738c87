//! A comparison and a segment's members as files people open elsewhere: one self-contained HTML page,
//! the comparison as CSV, the members as CSV. Pure functions from values to text, shared by the command
//! line (which writes them to files) and the page (which offers them as downloads).

pub mod csv;
pub mod html;
pub mod members;

pub use csv::comparison_csv;
pub use html::{Report, escape, render};
pub use members::members_csv;

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Appends one CSV cell: defused against formulas (a leading `'` before `=`, `+`, `-`, `@`, a tab or a
/// carriage return, so that spreadsheets show it as text instead of running it), then quoted when it
/// holds a comma, a quote or a line break. Every cell whose text can come from the data goes through
/// here.
pub fn push_text_cell(line: &mut String, text: &str) {
    let defuse = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = text.contains([',', '"', '\n', '\r']);
    if quote {
        line.push('"');
    }
    if defuse {
        line.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            line.push('"');
        }
        line.push(c);
    }
    if quote {
        line.push('"');
    }
}
