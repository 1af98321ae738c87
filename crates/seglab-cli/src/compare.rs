//! `seglab compare FILE... --a EXPR [--b EXPR]`: two segments side by side on every column, with the
//! differences that hold up after a false-discovery correction, largest first.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::output::thousands;
use crate::segment::{Defines, parse, segment_error};
use seglab_core::Table;
use seglab_core::compare::{self, CompareOptions, Comparison, Group};
use seglab_core::join::{self, MeasureSpec};
use seglab_core::segment::{self as seg, Condition, Expr, SegmentSet};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// The segment to look at, e.g. `converted = yes`.
    #[arg(long = "a", value_name = "EXPR")]
    a: String,
    /// The segment to compare it with; everyone not in the first when left out.
    #[arg(long = "b", value_name = "EXPR")]
    b: Option<String>,
    /// How many significant differences to list, largest first; 0 lists them all.
    #[arg(long, value_name = "N", default_value_t = 15)]
    top: usize,
    /// Compare only the files' own columns, without per-user measures of events and surveys
    /// (`count(Login)`, `active_days`, `avg(nps.score)`, ...).
    #[arg(long)]
    no_measures: bool,
    /// Print the whole comparison (every column's summary per group, every test) as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    defines: Defines,
    #[command(flatten)]
    data: DataArgs,
}

/// Event names measured per user: the most frequent ones, all-time and over the last 30 days.
const MEASURED_EVENTS: usize = 20;
const MEASURE_DAYS: u32 = 30;

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    /// Columns not compared because the segments are defined by them.
    left_out: &'a [String],
    /// Remarks about the join of the files.
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let a_expr = parse(&args.a)?;
    let b_expr = args.b.as_deref().map(parse).transpose()?;
    let segments = args.defines.set()?;
    let data = data::load(&args.data)?;
    let a =
        seg::evaluate(&a_expr, &data.dataset, &segments).map_err(|e| segment_error(&args.a, &e))?;
    let b = match (&b_expr, &args.b) {
        (Some(expr), Some(text)) => Some(
            seg::evaluate(expr, &data.dataset, &segments).map_err(|e| segment_error(text, &e))?,
        ),
        _ => None,
    };

    // The columns the segments are defined by differ by construction; testing them would only crowd out
    // the findings that say something.
    let mut defining = Vec::new();
    for expr in std::iter::once(&a_expr).chain(&b_expr) {
        defining_columns(expr, &segments, &mut Vec::new(), &mut defining);
    }
    let defined_by = |name: &str| defining.iter().any(|d| d.eq_ignore_ascii_case(name));
    let kept = data
        .dataset
        .population
        .columns()
        .iter()
        .filter(|c| !defined_by(c.name()))
        .cloned()
        .collect();
    let mut table = Table::new(kept)
        .map_err(|e| CliError::Usage(format!("cannot set up the comparison: {e}")))?;
    if table.columns().is_empty() {
        table = Table::default();
    }
    if !args.no_measures {
        let spec = MeasureSpec::with_top_events(&data.dataset, MEASURED_EVENTS, MEASURE_DAYS);
        for column in join::measures(&data.dataset, &spec) {
            // A file column of the same name wins; the measure is then reachable in segments only.
            if table.column(column.name()).is_none() && !defined_by(column.name()) {
                table
                    .push_column(column)
                    .map_err(|e| CliError::Usage(format!("cannot add a measure: {e}")))?;
            }
        }
    }
    let mut groups = vec![Group {
        name: group_name(&a_expr),
        color: "#4063d8".to_owned(),
        members: &a,
    }];
    if let (Some(b), Some(expr)) = (&b, &b_expr) {
        groups.push(Group {
            name: group_name(expr),
            color: "#d0663b".to_owned(),
            members: b,
        });
    }
    // The second group (B, or everyone else) is the baseline the first is measured against.
    let options = CompareOptions {
        baseline: 1,
        include_rest: b.is_none(),
        ..CompareOptions::default()
    };
    let comparison = compare::compare(&table, &groups, &options)?;

    if args.json {
        let report = Report {
            comparison: &comparison,
            left_out: &defining,
            join_notes: &data.notes,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    write_human(out, &comparison, args.top)?;
    if !defining.is_empty() {
        let names: Vec<String> = defining.iter().map(|d| format!("`{d}`")).collect();
        writeln!(
            out,
            "not compared: {}, which the segments are defined by",
            names.join(", ")
        )?;
    }
    Ok(())
}

fn write_human(out: &mut impl Write, comparison: &Comparison, top: usize) -> std::io::Result<()> {
    writeln!(out, "{} users", thousands(comparison.rows))?;
    for (i, group) in comparison.groups.iter().enumerate() {
        let role = if i == comparison.baseline {
            "  (baseline)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {}: {} users{role}",
            group.name,
            thousands(group.size)
        )?;
    }
    let tested = comparison
        .findings
        .iter()
        .filter(|f| f.p_value.is_some())
        .count();
    let mut significant: Vec<_> = comparison
        .findings
        .iter()
        .filter(|f| f.significant)
        .collect();
    significant.sort_by(|x, y| {
        y.magnitude
            .unwrap_or(0.0)
            .total_cmp(&x.magnitude.unwrap_or(0.0))
    });
    writeln!(out)?;
    writeln!(
        out,
        "{} of {} differences are significant (Benjamini-Hochberg adjusted p < {}){}",
        significant.len(),
        tested,
        compare::ALPHA,
        if significant.is_empty() {
            "."
        } else {
            ", largest first:"
        }
    )?;
    let shown = if top == 0 {
        significant.len()
    } else {
        top.min(significant.len())
    };
    for finding in &significant[..shown] {
        writeln!(out, "  - {}", finding.sentence)?;
    }
    if shown < significant.len() {
        writeln!(
            out,
            "  … and {} more (--top 0 lists all, --json gives every summary)",
            significant.len() - shown
        )?;
    }
    for note in &comparison.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// The population columns a definition depends on, following `in segment` references (each once).
fn defining_columns(
    expr: &Expr,
    segments: &SegmentSet,
    visiting: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    let references = seg::referenced_names(expr);
    for column in references.columns {
        if !out.contains(&column) {
            out.push(column);
        }
    }
    for name in references.segments {
        if visiting.contains(&name) {
            continue;
        }
        if let Some(Ok(inner)) = segments.get(&name) {
            visiting.push(name);
            defining_columns(inner, segments, visiting, out);
            visiting.pop();
        }
    }
}

/// A group's name in sentences: the segment's name for `in segment "NAME"`, else the definition.
fn group_name(expr: &Expr) -> String {
    match expr {
        Expr::Cond {
            condition: Condition::InSegment { name },
            ..
        } => name.text.clone(),
        _ => expr.to_string(),
    }
}
