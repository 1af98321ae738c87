//! The comparison panel of a few segments on one numeric column and one breakdown: what the page shows
//! first, computed without the tests (sizes, mean, median, 90th percentile, a histogram over shared bins,
//! and the segments broken down by a column).

use super::breakdown::{Pivot, breakdown};
use super::numeric::{Histogram, nice_edges};
use super::select::gather_numbers;
use super::{CompareError, Group, find_column};
use crate::stats::describe;
use crate::table::{ColumnType, Table};
use serde::{Deserialize, Serialize};

/// The panel of `panel`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    /// The numeric column summarised.
    pub column: String,
    /// Shared histogram bin edges (`bins + 1` of them).
    pub edges: Vec<f64>,
    pub groups: Vec<PanelGroup>,
    /// The segments broken down by the chosen column.
    pub breakdown: Pivot,
}

/// One segment in the panel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelGroup {
    pub name: String,
    /// Members.
    pub size: usize,
    /// Members with a value of the column.
    pub n: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// Counts per bin of the shared edges.
    pub histogram: Vec<u64>,
}

/// Sizes, the mean, median and 90th percentile of the numeric `column` with a histogram over `bins`
/// shared bins, and the breakdown of every group by the column `by`.
pub fn panel(
    table: &Table,
    groups: &[Group<'_>],
    column: &str,
    by: &str,
    bins: usize,
) -> Result<Panel, CompareError> {
    let col = find_column(table, column)?;
    if !matches!(col.ty(), ColumnType::Integer | ColumnType::Decimal) {
        return Err(CompareError::WrongType {
            name: col.name().to_owned(),
            ty: col.ty(),
            needed: "the panel summarises a numeric column",
        });
    }
    let breakdown = breakdown(table, groups, by)?;
    let mut values = Vec::with_capacity(groups.len());
    for g in groups {
        values.push(gather_numbers(col, g.members).unwrap_or_default());
    }
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut sums = Vec::with_capacity(groups.len());
    for v in &values {
        let mut sum = 0.0;
        for &x in v {
            min = min.min(x);
            max = max.max(x);
            sum += x;
        }
        sums.push(sum);
    }
    let edges = nice_edges(min, max, bins, col.ty() == ColumnType::Integer);
    let mut out = Vec::with_capacity(groups.len());
    for ((g, mut v), sum) in groups.iter().zip(values).zip(sums) {
        let histogram = match Histogram::new(&edges) {
            Some(mut h) => {
                for &x in &v {
                    h.add(x);
                }
                h.counts
            }
            None => Vec::new(),
        };
        let n = v.len();
        let quantiles = describe::quantiles(&mut v, &[0.5, 0.9]).ok();
        out.push(PanelGroup {
            name: g.name.clone(),
            size: g.members.count(),
            n,
            mean: (n > 0).then(|| sum / n as f64),
            median: quantiles.as_ref().map(|q| q[0]),
            p90: quantiles.as_ref().map(|q| q[1]),
            histogram,
        });
    }
    Ok(Panel {
        column: col.name().to_owned(),
        edges,
        groups: out,
        breakdown,
    })
}
