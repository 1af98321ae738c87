//! A comparison as CSV: one row per figure of a column in a group (a long table a spreadsheet pivots
//! easily), then one row per tested difference against the baseline with its adjusted p-value and
//! sentence. Text from the data is defused against formulas.

use super::push_text_cell;
use crate::compare::{Comparison, Effect, Finding, Summary};
use std::fmt::Write;

const HEADER: &str =
    "column,type,segment,statistic,value,ci_low,ci_high,n,p_adjusted,significant,sentence\n";

/// One row of the CSV; absent numbers are empty cells.
struct Row<'a> {
    column: &'a str,
    ty: &'a str,
    segment: &'a str,
    statistic: &'a str,
    value: Option<f64>,
    ci: Option<(f64, f64)>,
    n: Option<u64>,
}

fn push_number(out: &mut String, x: Option<f64>) {
    if let Some(x) = x.filter(|x| x.is_finite()) {
        let _ = write!(out, "{x}");
    }
}

fn push_row(out: &mut String, row: &Row<'_>, finding: Option<&Finding>) {
    push_text_cell(out, row.column);
    out.push(',');
    push_text_cell(out, row.ty);
    out.push(',');
    push_text_cell(out, row.segment);
    out.push(',');
    push_text_cell(out, row.statistic);
    out.push(',');
    push_number(out, row.value);
    out.push(',');
    push_number(out, row.ci.map(|c| c.0));
    out.push(',');
    push_number(out, row.ci.map(|c| c.1));
    out.push(',');
    if let Some(n) = row.n {
        let _ = write!(out, "{n}");
    }
    out.push(',');
    if let Some(f) = finding {
        push_number(out, f.p_adjusted);
        out.push(',');
        out.push_str(if f.significant { "true" } else { "false" });
        out.push(',');
        push_text_cell(out, &f.sentence);
    } else {
        out.push_str(",,");
    }
    out.push('\n');
}

/// The comparison's figures and tested differences, as CSV with a header line.
pub fn comparison_csv(c: &Comparison) -> String {
    let mut out = String::from(HEADER);
    for column in &c.columns {
        let ty = column.ty.name();
        let base = |segment: &'static str| Row {
            column: &column.name,
            ty,
            segment,
            statistic: "",
            value: None,
            ci: None,
            n: None,
        };
        match &column.summary {
            Summary::Numeric { groups, .. } => {
                for (g, s) in c.groups.iter().zip(groups) {
                    let n = Some(s.n as u64);
                    let figures = [
                        ("missing", Some(s.missing as f64), None),
                        ("mean", s.mean, s.mean_ci.map(|ci| (ci.low, ci.high))),
                        ("sd", s.sd, None),
                        ("min", s.min, None),
                        ("p10", s.p10, None),
                        ("p25", s.p25, None),
                        ("median", s.median, None),
                        ("p75", s.p75, None),
                        ("p90", s.p90, None),
                        ("max", s.max, None),
                    ];
                    for (statistic, value, ci) in figures {
                        let row = Row {
                            segment: &g.name,
                            statistic,
                            value,
                            ci,
                            n,
                            ..base("")
                        };
                        push_row(&mut out, &row, None);
                    }
                }
            }
            Summary::Categorical { values, groups, .. } => {
                for (g, s) in c.groups.iter().zip(groups) {
                    for (v, value) in values.iter().enumerate() {
                        let share = s.shares.get(v).copied().flatten();
                        let statistic = format!("share: {value}");
                        let row = Row {
                            segment: &g.name,
                            statistic: &statistic,
                            value: share.map(|s| s.share),
                            ci: share.map(|s| (s.ci.low, s.ci.high)),
                            n: Some(s.n),
                            ..base("")
                        };
                        push_row(&mut out, &row, None);
                    }
                }
            }
            Summary::Boolean { groups } => {
                for (g, s) in c.groups.iter().zip(groups) {
                    let row = Row {
                        segment: &g.name,
                        statistic: "rate of true",
                        value: s.rate.map(|r| r.share),
                        ci: s.rate.map(|r| (r.ci.low, r.ci.high)),
                        n: Some(s.n),
                        ..base("")
                    };
                    push_row(&mut out, &row, None);
                }
            }
            Summary::Date { groups, .. } => {
                for (g, s) in c.groups.iter().zip(groups) {
                    for (statistic, day) in [
                        ("earliest", &s.min),
                        ("median", &s.median),
                        ("latest", &s.max),
                    ] {
                        let statistic = format!("{statistic}: {}", day.as_deref().unwrap_or("–"));
                        let row = Row {
                            segment: &g.name,
                            statistic: &statistic,
                            n: Some(s.n as u64),
                            ..base("")
                        };
                        push_row(&mut out, &row, None);
                    }
                }
            }
            Summary::Skipped { .. } => {}
        }
    }
    for f in &c.findings {
        let Some(group) = c.groups.get(f.group) else {
            continue;
        };
        let ty = c
            .columns
            .iter()
            .find(|col| col.name == f.column)
            .map_or("", |col| col.ty.name());
        let (statistic, value, ci) = match &f.effect {
            Some(Effect::Proportions {
                value, difference, ..
            }) => (
                format!(
                    "difference in share{} (vs baseline)",
                    value.as_ref().map(|v| format!(": {v}")).unwrap_or_default()
                ),
                difference.map(|d| d.estimate),
                difference.map(|d| (d.low, d.high)),
            ),
            Some(Effect::Means { difference, .. }) => (
                "difference in mean (vs baseline)".to_owned(),
                Some(difference.estimate),
                Some((difference.low, difference.high)),
            ),
            Some(Effect::Distributions {
                probability_greater,
                ..
            }) => (
                "probability of a higher value (vs baseline)".to_owned(),
                Some(*probability_greater),
                None,
            ),
            Some(Effect::Mix { cramers_v, .. }) => (
                "Cramér's V of the mix (vs baseline)".to_owned(),
                Some(*cramers_v),
                None,
            ),
            None => ("not tested".to_owned(), None, None),
        };
        let row = Row {
            column: &f.column,
            ty,
            segment: &group.name,
            statistic: &statistic,
            value,
            ci,
            n: None,
        };
        push_row(&mut out, &row, Some(f));
    }
    out
}
