//! Building a column from the rows of another: `out[i] = source[indices[i]]`, missing where no row is given.

use super::keys::UNMATCHED;
use crate::bitset::Bitset;
use crate::table::{Column, ColumnData, Dictionary, StringColumn};

/// Rows `indices` of `column` under `name`; an index at or above `UNMATCHED` yields a missing cell.
pub(crate) fn gather(column: &Column, indices: &[u32], name: &str) -> Column {
    let src_valid = column.valid();
    let valid = Bitset::from_fn(indices.len(), |i| {
        let r = indices[i];
        r < UNMATCHED && src_valid.get(r as usize)
    });
    let pick = |i: usize| -> Option<usize> { valid.get(i).then(|| indices[i] as usize) };
    let data = match column.data() {
        ColumnData::Integer(v) => ColumnData::Integer(
            (0..indices.len())
                .map(|i| pick(i).map_or(0, |r| v[r]))
                .collect(),
        ),
        ColumnData::DateTime(v) => ColumnData::DateTime(
            (0..indices.len())
                .map(|i| pick(i).map_or(0, |r| v[r]))
                .collect(),
        ),
        ColumnData::Decimal(v) => ColumnData::Decimal(
            (0..indices.len())
                .map(|i| pick(i).map_or(0.0, |r| v[r]))
                .collect(),
        ),
        ColumnData::Date(v) => ColumnData::Date(
            (0..indices.len())
                .map(|i| pick(i).map_or(0, |r| v[r]))
                .collect(),
        ),
        ColumnData::Boolean(v) => ColumnData::Boolean(Bitset::from_fn(indices.len(), |i| {
            pick(i).is_some_and(|r| v.get(r))
        })),
        ColumnData::Dictionary(d) => ColumnData::Dictionary(Dictionary {
            values: d.values.clone(),
            codes: d.codes.gather(indices.len(), pick),
        }),
        ColumnData::Strings(s) => {
            let mut out = StringColumn::with_capacity(indices.len(), 0);
            for i in 0..indices.len() {
                out.push(pick(i).map_or("", |r| s.get(r)));
            }
            ColumnData::Strings(out)
        }
    };
    Column::new(name, column.ty(), data, valid)
}
