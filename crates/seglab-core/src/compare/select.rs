//! Walking a selection: the member rows that also hold a value, word by word.

use crate::bitset::Bitset;
use crate::table::{Column, ColumnData};

/// Calls `f` with every row in both `members` and `valid`, in increasing order. Fully selected words take
/// a tight loop over 64 consecutive rows; others walk their set bits.
#[inline]
pub(crate) fn for_each_row(members: &Bitset, valid: &Bitset, mut f: impl FnMut(usize)) {
    for (wi, (&m, &v)) in members.words().iter().zip(valid.words()).enumerate() {
        let mut word = m & v;
        let base = wi * 64;
        if word == u64::MAX {
            for row in base..base + 64 {
                f(row);
            }
            continue;
        }
        while word != 0 {
            f(base + word.trailing_zeros() as usize);
            word &= word - 1;
        }
    }
}

/// The finite numbers of a numeric column within `members`; dates and date-times as days since 1970.
/// Returns `None` for columns that hold no numbers.
pub(crate) fn gather_numbers(column: &Column, members: &Bitset) -> Option<Vec<f64>> {
    let valid = column.valid();
    let mut out = Vec::with_capacity(members.intersection_count(valid));
    match column.data() {
        ColumnData::Integer(v) => for_each_row(members, valid, |r| out.push(v[r] as f64)),
        ColumnData::Decimal(v) => for_each_row(members, valid, |r| {
            if v[r].is_finite() {
                out.push(v[r]);
            }
        }),
        ColumnData::Date(v) => for_each_row(members, valid, |r| out.push(f64::from(v[r]))),
        ColumnData::DateTime(v) => {
            for_each_row(members, valid, |r| out.push(v[r].div_euclid(86_400) as f64));
        }
        ColumnData::Boolean(_) | ColumnData::Dictionary(_) | ColumnData::Strings(_) => return None,
    }
    Some(out)
}
