//! A column broken down by segment (a pivot of counts and shares), and the NPS of a segment.

use super::categorical::tally;
use super::select::for_each_row;
use super::text;
use super::{CompareError, Group, Share, find_column};
use crate::stats::{self, Nps, NpsDifference};
use crate::table::{Column, ColumnData, Table};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// At most this many values get their own row; the rest are summed as "other".
pub const MAX_PIVOT_VALUES: usize = 1000;

/// Counts and shares of a column's values per segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pivot {
    pub column: String,
    pub groups: Vec<String>,
    /// Rows with a value, per segment (the denominators of the shares).
    pub n: Vec<u64>,
    pub missing: Vec<u64>,
    /// One row per value, most frequent overall first.
    pub rows: Vec<PivotRow>,
    /// The values beyond the first `MAX_PIVOT_VALUES`, summed.
    pub other: Option<PivotRow>,
}

/// One value of the column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PivotRow {
    pub value: String,
    pub cells: Vec<PivotCell>,
}

/// One value within one segment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PivotCell {
    pub count: u64,
    /// Share of the segment's rows with a value, with its Wilson interval; `None` for an empty segment.
    pub share: Option<Share>,
}

/// The values of `column` (text, category, yes/no or whole numbers) per segment.
pub fn breakdown(table: &Table, groups: &[Group<'_>], column: &str) -> Result<Pivot, CompareError> {
    let col = find_column(table, column)?;
    if groups.is_empty() {
        return Err(CompareError::NoGroups);
    }
    if let Some(g) = groups.iter().find(|g| g.members.len() != table.rows()) {
        return Err(CompareError::GroupLength {
            name: g.name.clone(),
            expected: table.rows(),
            found: g.members.len(),
        });
    }
    let sets: Vec<&crate::bitset::Bitset> = groups.iter().map(|g| g.members).collect();
    let valid = col.valid();
    // Names and counts[group][value] in a common value order.
    let (names, counts): (Vec<String>, Vec<Vec<u64>>) = match col.data() {
        ColumnData::Dictionary(_) | ColumnData::Strings(_) => {
            let t = tally(col, &sets).ok_or(CompareError::WrongType {
                name: col.name().to_owned(),
                ty: col.ty(),
                needed: "a breakdown needs text, categories, yes/no or whole numbers",
            })?;
            (t.names.iter().map(|s| (*s).to_owned()).collect(), t.counts)
        }
        ColumnData::Boolean(data) => {
            let counts = sets
                .iter()
                .map(|s| {
                    let (mut yes, mut no) = (0u64, 0u64);
                    for_each_row(s, valid, |r| if data.get(r) { yes += 1 } else { no += 1 });
                    vec![yes, no]
                })
                .collect();
            (vec!["true".to_owned(), "false".to_owned()], counts)
        }
        ColumnData::Integer(v) => {
            let mut codes: HashMap<i64, usize> = HashMap::new();
            let mut values = Vec::new();
            let mut counts: Vec<Vec<u64>> = Vec::with_capacity(sets.len());
            for s in &sets {
                let mut c = vec![0u64; values.len()];
                for_each_row(s, valid, |r| {
                    let code = *codes.entry(v[r]).or_insert_with(|| {
                        values.push(v[r]);
                        values.len() - 1
                    });
                    if code >= c.len() {
                        c.resize(code + 1, 0);
                    }
                    c[code] += 1;
                });
                counts.push(c);
            }
            for c in &mut counts {
                c.resize(values.len(), 0);
            }
            (values.iter().map(ToString::to_string).collect(), counts)
        }
        ColumnData::Decimal(_) | ColumnData::Date(_) | ColumnData::DateTime(_) => {
            return Err(CompareError::WrongType {
                name: col.name().to_owned(),
                ty: col.ty(),
                needed: "a breakdown needs text, categories, yes/no or whole numbers; compare it instead",
            });
        }
    };
    let n: Vec<u64> = counts.iter().map(|c| c.iter().sum()).collect();
    let missing: Vec<u64> = sets
        .iter()
        .zip(&n)
        .map(|(s, &n)| s.count() as u64 - n)
        .collect();
    let totals: Vec<u64> = (0..names.len())
        .map(|v| counts.iter().map(|c| c[v]).sum())
        .collect();
    let mut order: Vec<usize> = (0..names.len()).filter(|&v| totals[v] > 0).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| {
        totals[b].cmp(&totals[a]).then(a.cmp(&b))
    });
    let cell = |g: usize, count: u64| PivotCell {
        count,
        share: Share::of(count, n[g]),
    };
    let rows: Vec<PivotRow> = order
        .iter()
        .take(MAX_PIVOT_VALUES)
        .map(|&v| PivotRow {
            value: names[v].clone(),
            cells: (0..sets.len()).map(|g| cell(g, counts[g][v])).collect(),
        })
        .collect();
    let other = (order.len() > MAX_PIVOT_VALUES).then(|| PivotRow {
        value: "other".to_owned(),
        cells: (0..sets.len())
            .map(|g| {
                cell(
                    g,
                    order[MAX_PIVOT_VALUES..]
                        .iter()
                        .map(|&v| counts[g][v])
                        .sum(),
                )
            })
            .collect(),
    });
    Ok(Pivot {
        column: col.name().to_owned(),
        groups: groups.iter().map(|g| g.name.clone()).collect(),
        n,
        missing,
        rows,
        other,
    })
}

/// The Net Promoter Score of a segment from a column of 0–10 answers; missing answers are left out.
pub fn nps(table: &Table, column: &str, group: &Group<'_>) -> Result<Nps, CompareError> {
    let col = find_column(table, column)?;
    let (promoters, passives, detractors) = nps_counts(table, col, group)?;
    Ok(stats::nps_from_counts(promoters, passives, detractors)?)
}

/// The NPS of several segments side by side, each against the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NpsComparison {
    pub column: String,
    pub groups: Vec<String>,
    /// One per segment; `None` when the segment gave no answers.
    pub scores: Vec<Option<Nps>>,
    pub baseline: usize,
    /// One per segment other than the baseline. These p-values are not adjusted together with a
    /// `compare` of the same segments.
    pub differences: Vec<NpsFinding>,
}

/// One segment's NPS against the baseline's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NpsFinding {
    pub group: usize,
    pub difference: Option<NpsDifference>,
    pub sentence: String,
}

/// Compares the NPS of `groups` from one column of 0–10 answers.
pub fn compare_nps(
    table: &Table,
    column: &str,
    groups: &[Group<'_>],
    baseline: usize,
) -> Result<NpsComparison, CompareError> {
    let col = find_column(table, column)?;
    if groups.is_empty() {
        return Err(CompareError::NoGroups);
    }
    if baseline >= groups.len() {
        return Err(CompareError::Baseline {
            baseline,
            last: groups.len() - 1,
        });
    }
    let mut scores = Vec::with_capacity(groups.len());
    for g in groups {
        let (promoters, passives, detractors) = nps_counts(table, col, g)?;
        scores.push(stats::nps_from_counts(promoters, passives, detractors).ok());
    }
    let name = |i: usize| groups[i].name.as_str();
    let differences = (0..groups.len())
        .filter(|&g| g != baseline)
        .map(|g| {
            let (difference, sentence) = match (&scores[g], &scores[baseline]) {
                (Some(a), Some(b)) => match stats::nps_difference(a, b) {
                    Ok(d) => {
                        let verdict = if d.p_value < super::ALPHA { "" } else { "could be chance: " };
                        let sentence = format!(
                            "NPS {} in {} vs {} in {} (difference {} points, 95% CI {} to {}; {verdict}{}).",
                            text::number(a.score),
                            name(g),
                            text::number(b.score),
                            name(baseline),
                            text::signed(d.difference),
                            text::signed(d.ci.low),
                            text::signed(d.ci.high),
                            text::p_value(d.p_value)
                        );
                        (Some(d), sentence)
                    }
                    Err(e) => (None, format!("NPS of {} vs {} not compared: {e}.", name(g), name(baseline))),
                },
                _ => (None, format!("NPS of {} vs {} not compared: no answers in one of them.", name(g), name(baseline))),
            };
            NpsFinding { group: g, difference, sentence }
        })
        .collect();
    Ok(NpsComparison {
        column: col.name().to_owned(),
        groups: groups.iter().map(|g| g.name.clone()).collect(),
        scores,
        baseline,
        differences,
    })
}

/// Promoters (9–10), passives (7–8) and detractors (0–6) among a segment's answers.
fn nps_counts(
    table: &Table,
    col: &Column,
    group: &Group<'_>,
) -> Result<(u64, u64, u64), CompareError> {
    if group.members.len() != table.rows() {
        return Err(CompareError::GroupLength {
            name: group.name.clone(),
            expected: table.rows(),
            found: group.members.len(),
        });
    }
    let score_of = |row: usize, v: f64| -> Result<u8, CompareError> {
        if v.fract() == 0.0 && (0.0..=10.0).contains(&v) {
            Ok(v as u8)
        } else {
            Err(CompareError::NotAScore {
                column: col.name().to_owned(),
                row: row + 1,
                value: v.to_string(),
            })
        }
    };
    let mut tally = [0u64; 11];
    let mut error = None;
    let mut count = |row: usize, v: f64| {
        if error.is_some() {
            return;
        }
        match score_of(row, v) {
            Ok(s) => tally[s as usize] += 1,
            Err(e) => error = Some(e),
        }
    };
    match col.data() {
        ColumnData::Integer(v) => {
            for_each_row(group.members, col.valid(), |r| count(r, v[r] as f64));
        }
        ColumnData::Decimal(v) => for_each_row(group.members, col.valid(), |r| count(r, v[r])),
        _ => {
            return Err(CompareError::WrongType {
                name: col.name().to_owned(),
                ty: col.ty(),
                needed: "an NPS needs a numeric column of 0–10 answers",
            });
        }
    }
    if let Some(e) = error {
        return Err(e);
    }
    Ok((
        tally[9] + tally[10],
        tally[7] + tally[8],
        tally[..7].iter().sum(),
    ))
}
