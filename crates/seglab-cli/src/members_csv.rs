//! A segment's members as CSV, safe to open in a spreadsheet.
//!
//! Text cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`, so that
//! Excel, Numbers or Sheets show them as text instead of running them as formulas (CSV injection). Numbers,
//! dates and booleans are written by Seglab from typed columns and cannot hold a formula, so a negative
//! number stays a number.

use seglab_core::segment::time::{format_date, format_datetime};
use seglab_core::{Bitset, Table, Value};
use std::io::Write;

/// Writes the header and the rows of `table` selected by `members`, in row order.
pub fn write(out: &mut impl Write, table: &Table, members: &Bitset) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, column) in table.columns().iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_text(&mut line, column.name());
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    for row in members.iter() {
        line.clear();
        for (i, column) in table.columns().iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            match column.value(row) {
                Value::Null => {}
                Value::Integer(n) => line.push_str(&n.to_string()),
                Value::Decimal(x) => line.push_str(&x.to_string()),
                Value::Boolean(b) => line.push_str(if b { "true" } else { "false" }),
                Value::Date(days) => line.push_str(&format_date(days)),
                Value::DateTime(seconds) => line.push_str(&format_datetime(seconds)),
                Value::Str(s) => push_text(&mut line, s),
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Appends a text cell: defused against formulas, then quoted when it holds a comma, a quote or a line
/// break.
fn push_text(line: &mut String, text: &str) {
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
