//! A segment's members as CSV, safe to open in a spreadsheet.
//!
//! Text cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`, so that
//! Excel, Numbers or Sheets show them as text instead of running them as formulas (CSV injection). Numbers,
//! dates and booleans are written by Seglab from typed columns and cannot hold a formula, so a negative
//! number stays a number.

use super::push_text_cell;
use crate::segment::time::{format_date, format_datetime};
use crate::{Bitset, Table, Value};
use std::fmt::Write;

/// The header and the rows of `table` selected by `members`, in row order.
pub fn members_csv(table: &Table, members: &Bitset) -> String {
    let mut out = String::with_capacity(64 * (members.count() + 1));
    for (i, column) in table.columns().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_text_cell(&mut out, column.name());
    }
    out.push('\n');
    for row in members.iter() {
        for (i, column) in table.columns().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match column.value(row) {
                Value::Null => {}
                Value::Integer(n) => {
                    let _ = write!(out, "{n}");
                }
                Value::Decimal(x) => {
                    let _ = write!(out, "{x}");
                }
                Value::Boolean(b) => out.push_str(if b { "true" } else { "false" }),
                Value::Date(days) => out.push_str(&format_date(days)),
                Value::DateTime(seconds) => out.push_str(&format_datetime(seconds)),
                Value::Str(s) => push_text_cell(&mut out, s),
            }
        }
        out.push('\n');
    }
    out
}
